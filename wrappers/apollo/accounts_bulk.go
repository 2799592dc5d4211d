package apollo

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Limits of the bulk account calls.
const (
	// MaxBulkCreateAccounts is the most accounts one bulk creation takes (Apollo's).
	MaxBulkCreateAccounts = 100
	// MaxBulkUpdateAccounts is the most accounts one bulk update takes: Apollo's
	// reference says "up to 1,000".
	MaxBulkUpdateAccounts = 1000
	// MaxAccountOwnerIDs is the most accounts one owner change takes. Apollo takes the
	// ids in the query string and documents no limit; this one is the client's, and
	// keeps the address of a request under 8 KB, which servers commonly refuse past.
	MaxAccountOwnerIDs = 100
)

// CreatedAccounts is what a bulk creation did: the accounts it created, and those
// that already existed and matched an entry, which Apollo answers as they are and
// never changes.
type CreatedAccounts struct {
	Created  []Account
	Existing []Account
}

// BulkCreateOptions are the choices of a bulk creation.
type BulkCreateOptions struct {
	// Dedupe matches existing accounts by domain, Apollo organization id and name
	// (run_dedupe); without it Apollo matches only by CRM ids (SalesforceID,
	// HubSpotID), and an entry like an existing account is created again.
	Dedupe bool
	// Labels are label names added to every account the request creates.
	Labels []string
}

// bulkCreated is apolloapi.BulkCreatedAccounts's members, as this package's records.
type bulkCreated struct {
	CreatedAccounts  []Account `json:"created_accounts"`
	ExistingAccounts []Account `json:"existing_accounts"`
}

func checkBulkCreated(r *bulkCreated) error {
	if r.CreatedAccounts == nil {
		return &apicall.MissingMemberError{Member: "created_accounts", Reason: "missing or null"}
	}
	if r.ExistingAccounts == nil {
		return &apicall.MissingMemberError{Member: "existing_accounts", Reason: "missing or null"}
	}
	if err := eachID(r.CreatedAccounts, "created_accounts", func(a *Account) string { return a.ID }); err != nil {
		return err
	}
	return eachID(r.ExistingAccounts, "existing_accounts", func(a *Account) string { return a.ID })
}

// BulkCreateAccounts creates 1 to 100 accounts in one request and answers those it
// created apart from those that already existed. It costs no credits. An account that
// exists is answered as it is and never changed (BulkUpdateAccounts changes it).
// More than MaxBulkCreateAccounts accounts, none, or an account with neither name nor
// domain is an *apicall.ParamError before anything is sent.
//
// Retries: the client repeats it only when the request never reached Apollo. With
// opts.Dedupe a repeat would create nothing twice, so after ErrMaybeApplied or
// ErrApplied calling it again with the same accounts is safe and answers the accounts
// in Existing; without Dedupe a repeat can create every account again.
func (c *Client) BulkCreateAccounts(ctx context.Context, accounts []NewAccount, opts BulkCreateOptions, callOpts ...option.CallOption) (CreatedAccounts, error) {
	if len(accounts) == 0 || len(accounts) > MaxBulkCreateAccounts {
		return CreatedAccounts{}, paramError("accounts", fmt.Sprintf("must hold 1 to %d accounts, got %d", MaxBulkCreateAccounts, len(accounts)))
	}
	body := apolloapi.BulkCreateAccountsBody{Accounts: make([]apolloapi.BulkAccount, len(accounts))}
	for i, a := range accounts {
		a, err := a.cleaned(fmt.Sprintf("accounts[%d]", i))
		if err != nil {
			return CreatedAccounts{}, err
		}
		body.Accounts[i] = a.bulk()
	}
	for i, l := range opts.Labels {
		if strings.TrimSpace(l) == "" {
			return CreatedAccounts{}, paramError(fmt.Sprintf("append_label_names[%d]", i), "is empty")
		}
		if err := checkText(fmt.Sprintf("append_label_names[%d]", i), l); err != nil {
			return CreatedAccounts{}, err
		}
	}
	body.AppendLabelNames = list(opts.Labels)
	if opts.Dedupe {
		body.RunDedupe = &opts.Dedupe
	}
	r, err := httpcore.Run(ctx, c.doer, "bulkCreateAccounts", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.BulkCreateAccounts(ctx, nil, body)
	}, checkBulkCreated)
	if err != nil {
		return CreatedAccounts{}, err
	}
	return CreatedAccounts{Created: r.CreatedAccounts, Existing: r.ExistingAccounts}, nil
}

func (a NewAccount) bulk() apolloapi.BulkAccount {
	return apolloapi.BulkAccount{Name: optional(a.Name), Domain: optional(a.Domain), OwnerID: optional(a.OwnerID),
		AccountStageID: optional(a.StageID), Phone: optional(a.Phone), RawAddress: optional(a.RawAddress),
		TypedCustomFields: a.CustomFields, LinkedinURL: optional(a.LinkedInURL), FacebookURL: optional(a.FacebookURL),
		TwitterURL: optional(a.TwitterURL), OrganizationID: optional(a.OrganizationID), ParentAccountID: optional(a.ParentAccountID),
		SalesforceID: optional(a.SalesforceID), HubspotID: optional(a.HubSpotID)}
}

// EnsureAccounts makes sure the team has an account for each of accounts: it creates
// those Apollo does not match to an existing account and reports the others in
// Existing, unchanged. It costs no credits, and one request per 100 distinct
// accounts.
//
// It is bulk creation with dedupe (run_dedupe), 100 accounts a request: Apollo matches
// an entry to an existing account by domain, Apollo organization id or name, so
// running it again with the same accounts creates nothing and answers them all in
// Existing. That is why it is the way to create accounts without duplicates, and why
// it is not called an upsert: an account that exists is not updated (Apollo's bulk
// creation never changes one; BulkUpdateAccounts does).
//
// Accounts are cleaned as NewAccount says, and repeats within the call (the same
// domain, or without a domain the same name, in any case) are sent once. Every
// account is checked before the first request: one with neither name nor domain is an
// *apicall.ParamError naming its index, and nothing is sent.
//
// When a request fails, EnsureAccounts stops and returns what the requests before it
// did along with the error (which matches ErrMaybeApplied, ErrApplied and the other
// sentinels as the cause does): calling it again with the same accounts is safe, and
// finishes the work.
func (c *Client) EnsureAccounts(ctx context.Context, accounts []NewAccount, callOpts ...option.CallOption) (CreatedAccounts, error) {
	distinct := make([]NewAccount, 0, len(accounts))
	seen := make(map[string]bool, len(accounts))
	for i, a := range accounts {
		a, err := a.cleaned(fmt.Sprintf("accounts[%d]", i))
		if err != nil {
			return CreatedAccounts{}, err
		}
		key := "domain " + a.Domain
		if a.Domain == "" {
			key = "name " + strings.ToLower(a.Name)
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		distinct = append(distinct, a)
	}
	var out CreatedAccounts
	for start := 0; start < len(distinct); start += MaxBulkCreateAccounts {
		batch := distinct[start:min(start+MaxBulkCreateAccounts, len(distinct))]
		r, err := c.BulkCreateAccounts(ctx, batch, BulkCreateOptions{Dedupe: true}, callOpts...)
		if err != nil {
			return out, fmt.Errorf("apollo: ensure accounts: stopped after %d of %d distinct accounts (calling it again is safe): %w", start, len(distinct), err)
		}
		out.Created = append(out.Created, r.Created...)
		out.Existing = append(out.Existing, r.Existing...)
	}
	return out, nil
}

// AccountEdit is one account of a bulk update with the members it gets. Empty members
// and a nil map stay as they are.
type AccountEdit struct {
	ID                     string
	Name, OwnerID, StageID string
	CustomFields           map[string]string
}

// accountChanges is apolloapi.AccountChanges's member, as this package's records: an
// account there has its id and the members the change is about.
type accountChanges struct {
	Accounts []Account `json:"accounts"`
}

func checkAccountChanges(r *accountChanges) error {
	if r.Accounts == nil {
		return &apicall.MissingMemberError{Member: "accounts", Reason: "missing or null"}
	}
	return eachID(r.Accounts, "accounts", func(a *Account) string { return a.ID })
}

// BulkUpdateAccounts gives each account of edits its own new members, up to 1,000
// accounts in one request, and returns the accounts changed: each with its id and the
// members the change is about, the other members empty. It costs no credits. No edits,
// more than MaxBulkUpdateAccounts, an edit without an id or that changes nothing is an
// *apicall.ParamError before anything is sent. Apollo's asynchronous update is not
// offered: its answer is not documented.
// Retries: the client repeats it after a 5xx, a 429 or a broken connection, which is
// safe, as setting the same members again changes nothing more. A 2xx answer it
// cannot read is an *Error with Applied set (match ErrApplied) and is never repeated.
func (c *Client) BulkUpdateAccounts(ctx context.Context, edits []AccountEdit, callOpts ...option.CallOption) ([]Account, error) {
	if len(edits) == 0 || len(edits) > MaxBulkUpdateAccounts {
		return nil, paramError("account_attributes", fmt.Sprintf("must hold 1 to %d accounts, got %d", MaxBulkUpdateAccounts, len(edits)))
	}
	body := apolloapi.BulkUpdateAccountsBody{AccountAttributes: make([]apolloapi.AccountAttributes, len(edits))}
	for i, e := range edits {
		param := fmt.Sprintf("account_attributes[%d]", i)
		if err := checkSegment(param+".id", e.ID); err != nil {
			return nil, err
		}
		if e.Name == "" && e.OwnerID == "" && e.StageID == "" && len(e.CustomFields) == 0 {
			return nil, paramError(param, "changes nothing")
		}
		if err := checkText(param+".name", e.Name); err != nil {
			return nil, err
		}
		body.AccountAttributes[i] = apolloapi.AccountAttributes{ID: e.ID, Name: optional(e.Name), OwnerID: optional(e.OwnerID),
			AccountStageID: optional(e.StageID), TypedCustomFields: e.CustomFields}
	}
	r, err := httpcore.Run(ctx, c.doer, "bulkUpdateAccounts", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.BulkUpdateAccounts(ctx, nil, body)
	}, checkAccountChanges)
	if err != nil {
		return nil, err
	}
	return r.Accounts, nil
}

// UpdateAccountOwners makes the user ownerID the owner of every account of
// accountIDs, 1 to MaxAccountOwnerIDs of them, and returns the accounts with their
// owner (each with its id, OwnerID and CrmOwnerID). It costs no credits. An empty
// owner or account id, or a count out of range, is an *apicall.ParamError before
// anything is sent.
// Retries: the client repeats it after a 5xx, a 429 or a broken connection, which is
// safe, as giving accounts to the owner they have changes nothing. A 2xx answer it
// cannot read is an *Error with Applied set (match ErrApplied) and is never repeated.
func (c *Client) UpdateAccountOwners(ctx context.Context, ownerID string, accountIDs []string, callOpts ...option.CallOption) ([]Account, error) {
	if strings.TrimSpace(ownerID) == "" {
		return nil, paramError("owner_id", "is required")
	}
	if len(accountIDs) == 0 || len(accountIDs) > MaxAccountOwnerIDs {
		return nil, paramError("account_ids", fmt.Sprintf("must hold 1 to %d ids, got %d", MaxAccountOwnerIDs, len(accountIDs)))
	}
	if err := checkIDs("account_ids", accountIDs); err != nil {
		return nil, err
	}
	params := &apolloapi.UpdateAccountOwnersParams{OwnerID: ownerID, AccountIDs: accountIDs}
	r, err := httpcore.Run(ctx, c.doer, "updateAccountOwners", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.UpdateAccountOwners(ctx, params)
	}, checkAccountChanges)
	if err != nil {
		return nil, err
	}
	return r.Accounts, nil
}
