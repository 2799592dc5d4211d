package apollo

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/internal/domain"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Accounts are the companies the team has saved in Apollo, with their stage, owner,
// labels and custom fields. Every account call costs 0 credits, on every plan: reading
// and writing accounts never spends what enrichment and search spend.

// AccountSort orders an account search.
type AccountSort string

// Values of AccountQuery.SortBy: the newest first, unless AccountQuery.Ascending.
const (
	SortByLastActivity AccountSort = "account_last_activity_date"
	SortByCreated      AccountSort = "account_created_at"
	SortByUpdated      AccountSort = "account_updated_at"
)

// AccountQuery filters a search of the team's accounts (searchAccounts). The zero
// value matches every account.
type AccountQuery struct {
	// Name keeps accounts whose name contains it; only names are searched.
	Name string
	// StageIDs and LabelIDs keep accounts in any of these stages (ListAccountStages),
	// or with any of these labels.
	StageIDs, LabelIDs []string
	// SortBy orders the results, newest first; Ascending turns the order round and
	// needs SortBy, without which Apollo ignores it.
	SortBy    AccountSort
	Ascending bool
	// PerPage is the number of accounts per page, 1 to 100; 0 leaves Apollo's default.
	PerPage int
}

func (q AccountQuery) body(page int) (apolloapi.AccountSearchRequest, error) {
	var b apolloapi.AccountSearchRequest
	if page < 1 || page > MaxDisplayPage {
		return b, paramError("page", fmt.Sprintf("must be 1 to %d, got %d", MaxDisplayPage, page))
	}
	if q.PerPage < 0 || q.PerPage > MaxPerPage {
		return b, paramError("per_page", fmt.Sprintf("must be 1 to %d (or 0 for the default), got %d", MaxPerPage, q.PerPage))
	}
	switch q.SortBy {
	case "", SortByLastActivity, SortByCreated, SortByUpdated:
	default:
		return b, paramError("sort_by_field", fmt.Sprintf("must be one of %q, %q, %q, got %q", SortByLastActivity, SortByCreated, SortByUpdated, q.SortBy))
	}
	if q.Ascending && q.SortBy == "" {
		return b, paramError("sort_ascending", "needs sort_by_field (AccountQuery.SortBy), without which Apollo ignores it")
	}
	if err := checkIDs("account_stage_ids", q.StageIDs); err != nil {
		return b, err
	}
	if err := checkIDs("account_label_ids", q.LabelIDs); err != nil {
		return b, err
	}
	if err := checkText("q_organization_name", q.Name); err != nil {
		return b, err
	}
	b.Page = &page
	if q.PerPage != 0 {
		b.PerPage = &q.PerPage
	}
	b.QOrganizationName = optional(q.Name)
	b.AccountStageIDs = list(q.StageIDs)
	b.AccountLabelIDs = list(q.LabelIDs)
	if q.SortBy != "" {
		s := apolloapi.AccountSearchRequestSortByField(q.SortBy)
		b.SortByField = &s
		if q.Ascending {
			b.SortAscending = &q.Ascending
		}
	}
	return b, nil
}

// AccountPage is one page of an account search.
type AccountPage struct {
	Accounts   []Account
	Pagination Pagination
	// Capped is true on the last displayable page (500) of a search that matched more.
	Capped bool
}

// accountSearchAnswer is what a page reads of apolloapi.AccountSearchResponse, as
// this package's records.
type accountSearchAnswer struct {
	Accounts   optionalArray[Account] `json:"accounts"`
	Pagination Pagination             `json:"pagination"`
}

// AccountPage fetches one page of a search of the team's accounts (page counts from
// 1, up to 500). It costs no credits. A page whose accounts are missing or null, or
// hold an account without an id, is ErrMalformedBody: read as empty, it would end a
// listing as if it were done.
func (c *Client) AccountPage(ctx context.Context, q AccountQuery, page int, callOpts ...option.CallOption) (AccountPage, error) {
	body, err := q.body(page)
	if err != nil {
		return AccountPage{}, err
	}
	r, err := httpcore.Run(ctx, c.doer, "searchAccounts", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.SearchAccounts(ctx, nil, body)
	}, func(r *accountSearchAnswer) error {
		if r.Pagination.Page == 0 {
			return &apicall.MissingMemberError{Member: "pagination.page", Reason: "missing or zero"}
		}
		if r.Accounts.items == nil {
			// Required by the spec: null, missing and any non-array are refused alike.
			return &apicall.MissingMemberError{Member: "accounts", Reason: "missing or null"}
		}
		return eachID(r.Accounts.items, "accounts", func(a *Account) string { return a.ID })
	})
	if err != nil {
		return AccountPage{}, err
	}
	p := AccountPage{Accounts: r.Accounts.items, Pagination: r.Pagination}
	// As for organization search: without total_pages a full page 500 may have been cut.
	p.Capped = page == MaxDisplayPage && (r.Pagination.TotalPages > MaxDisplayPage || r.Pagination.TotalPages == 0)
	return p, nil
}

// AccountPages iterates over the pages of an account search from page start (0 or 1
// for the first), with the stopping rules of CompanyPages: after
// pagination.total_pages, at an empty page, or at page 500, Apollo's display cap of
// 50,000 records; when the cap cut the results short, the last page has Capped set
// and the iteration ends with ErrResultsCapped. Only one page is held at a time.
func (c *Client) AccountPages(ctx context.Context, q AccountQuery, start int, callOpts ...option.CallOption) iter.Seq2[AccountPage, error] {
	return func(yield func(AccountPage, error) bool) {
		for page := max(start, 1); ; page++ {
			p, err := c.AccountPage(ctx, q, page, callOpts...)
			if err != nil {
				yield(AccountPage{}, err)
				return
			}
			if len(p.Accounts) == 0 {
				return
			}
			if !yield(p, nil) {
				return
			}
			if p.Capped {
				yield(AccountPage{}, ErrResultsCapped)
				return
			}
			if (p.Pagination.TotalPages > 0 && page >= p.Pagination.TotalPages) || page == MaxDisplayPage {
				return
			}
		}
	}
}

// Accounts iterates over every account the search matches, page after page, with the
// stopping rules of AccountPages (ErrResultsCapped past 50,000 records).
func (c *Client) Accounts(ctx context.Context, q AccountQuery, callOpts ...option.CallOption) iter.Seq2[Account, error] {
	return func(yield func(Account, error) bool) {
		for page, err := range c.AccountPages(ctx, q, 1, callOpts...) {
			if err != nil {
				yield(Account{}, err)
				return
			}
			for _, a := range page.Accounts {
				if !yield(a, nil) {
					return
				}
			}
		}
	}
}

// accountResult is apolloapi.AccountResult's member, as this package's record.
type accountResult struct {
	Account *Account `json:"account"`
}

func checkAccountResult(r *accountResult) error {
	if r.Account == nil || r.Account.ID == "" {
		return &apicall.MissingMemberError{Member: "account.id", Reason: "missing, null or empty"}
	}
	return nil
}

// GetAccount fetches one of the team's accounts by id. It costs no credits. An account
// linked to an Apollo organization carries that organization's fields as well.
func (c *Client) GetAccount(ctx context.Context, id string, callOpts ...option.CallOption) (Account, error) {
	if err := checkSegment("account_id", id); err != nil {
		return Account{}, err
	}
	r, err := httpcore.Run(ctx, c.doer, "getAccount", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.GetAccount(ctx, id, nil)
	}, checkAccountResult)
	if err != nil {
		return Account{}, err
	}
	return *r.Account, nil
}

// NewAccount holds the members of an account to create. It needs a Name or a Domain.
// Name loses a leading byte order mark and surrounding spaces (what a spreadsheet
// export leaves).
type NewAccount struct {
	Name string
	// Domain is the company's website in any form people paste ("apollo.io",
	// "https://www.Apollo.io/about"): what is sent is its registrable domain in
	// lower-case ASCII ("apollo.io"; "bücher.de" as "xn--bcher-kva.de"), as Affinity's
	// NormalizeDomain gives it, so that dedupe matches the account however it was
	// written. One that names no domain is an *apicall.ParamError.
	Domain string
	// OwnerID is the user of the team who owns the account; empty, the key's user.
	OwnerID string
	// StageID is the account's stage (ListAccountStages); empty, the team's default.
	StageID string
	// Phone, in any format; Apollo answers it normalised in Account.SanitizedPhone.
	Phone string
	// RawAddress is where the account is, such as "Dallas, United States".
	RawAddress string
	// CustomFields are values of the team's custom account fields, by field id.
	CustomFields map[string]string

	// The members below are taken only by bulk creation (BulkCreateAccounts,
	// EnsureAccounts); CreateAccount refuses an account that sets any.

	LinkedInURL, FacebookURL, TwitterURL string
	// OrganizationID links the account to the Apollo organization behind it.
	OrganizationID string
	// ParentAccountID makes the account part of another.
	ParentAccountID string
	// SalesforceID and HubSpotID are the account's ids in a linked CRM; bulk creation
	// matches existing accounts by them even without dedupe.
	SalesforceID, HubSpotID string
}

// cleaned returns a with Name and Domain as the doc of NewAccount says, or a
// ParamError naming param.
func (a NewAccount) cleaned(param string) (NewAccount, error) {
	a.Name = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(a.Name), "\ufeff"))
	d, err := cleanDomain(param+".domain", a.Domain)
	if err != nil {
		return a, err
	}
	a.Domain = d
	if a.Name == "" && a.Domain == "" {
		return a, paramError(param, "needs a name or a domain")
	}
	if err := checkText(param+".name", a.Name); err != nil {
		return a, err
	}
	return a, nil
}

// cleanDomain gives a domain as the project matches companies by it (internal/domain,
// the rule Affinity's find-or-create uses): the registrable domain, in lower-case
// ASCII. Apollo would store a URL or a subdomain as given, and dedupe would then miss
// the account it has. Empty stays empty.
func cleanDomain(param, d string) (string, error) {
	if strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(d), "\ufeff")) == "" {
		return "", nil
	}
	reg, err := domain.Registrable(d)
	if err != nil {
		q := d
		if len(q) > 100 {
			q = strings.ToValidUTF8(q[:100], "")
		}
		return "", paramError(param, fmt.Sprintf("%q %v", q, err))
	}
	return reg, nil
}

// checkText refuses a string that is not UTF-8, which encoding/json would send with
// U+FFFD in place of the bad bytes, so that Apollo would store another name.
func checkText(param, s string) error {
	if !utf8.ValidString(s) {
		return paramError(param, "is not valid UTF-8")
	}
	return nil
}

// checkIDs refuses an empty id in a list, naming its place.
func checkIDs(param string, ids []string) error {
	for i, id := range ids {
		if strings.TrimSpace(id) == "" {
			return paramError(fmt.Sprintf("%s[%d]", param, i), "is empty")
		}
	}
	return nil
}

func (a NewAccount) fields() apolloapi.AccountFields {
	return apolloapi.AccountFields{Name: optional(a.Name), Domain: optional(a.Domain), OwnerID: optional(a.OwnerID),
		AccountStageID: optional(a.StageID), Phone: optional(a.Phone), RawAddress: optional(a.RawAddress), TypedCustomFields: a.CustomFields}
}

// CreateAccount saves a company as an account of the team and returns it. It costs no
// credits.
//
// It is NOT idempotent in Apollo: Apollo does not deduplicate here, so an account
// with the name or domain of one the team has is created again, and a request made
// twice makes two accounts. EnsureAccounts creates only what is missing.
// Retries: the client repeats it only when the request never reached Apollo, so it
// cannot create one twice; a 2xx answer it cannot read is an *Error with Applied set
// (match ErrApplied), and a failure after the request may have arrived is an
// *apicall.UnknownOutcomeError (ErrMaybeApplied): search by name (Accounts) before
// calling it again, or call EnsureAccounts, which a repeat cannot duplicate.
//
// The members only bulk creation takes (LinkedInURL and those after it) are refused
// with an *apicall.ParamError, as is an account with neither name nor domain.
func (c *Client) CreateAccount(ctx context.Context, a NewAccount, callOpts ...option.CallOption) (Account, error) {
	a, err := a.cleaned("account")
	if err != nil {
		return Account{}, err
	}
	for _, m := range []struct{ param, v string }{{"linkedin_url", a.LinkedInURL}, {"facebook_url", a.FacebookURL},
		{"twitter_url", a.TwitterURL}, {"organization_id", a.OrganizationID}, {"parent_account_id", a.ParentAccountID},
		{"salesforce_id", a.SalesforceID}, {"hubspot_id", a.HubSpotID}} {
		if m.v != "" {
			return Account{}, paramError(m.param, "is taken only by bulk creation (BulkCreateAccounts, EnsureAccounts)")
		}
	}
	r, err := httpcore.Run(ctx, c.doer, "createAccount", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.CreateAccount(ctx, nil, a.fields())
	}, checkAccountResult)
	if err != nil {
		return Account{}, err
	}
	return *r.Account, nil
}

// AccountUpdate holds the changes to an account. Empty members and a nil map leave a
// member unchanged; CustomFields sets only the fields it names.
type AccountUpdate struct {
	Name, Domain, OwnerID, StageID, Phone, RawAddress string
	CustomFields                                      map[string]string
}

// UpdateAccount changes an account and returns it as it now is. It costs no credits.
// Apollo documents it as PATCH: the members sent change, the others stay.
// Retries: the client repeats it after a 5xx, a 429 or a broken connection, which is
// safe, as setting the same members again changes nothing more. A 2xx answer it
// cannot read is an *Error with Applied set (match ErrApplied) and is never repeated.
func (c *Client) UpdateAccount(ctx context.Context, id string, u AccountUpdate, callOpts ...option.CallOption) (Account, error) {
	if err := checkSegment("account_id", id); err != nil {
		return Account{}, err
	}
	d, err := cleanDomain("domain", u.Domain)
	if err != nil {
		return Account{}, err
	}
	if err := checkText("name", u.Name); err != nil {
		return Account{}, err
	}
	a := NewAccount{Name: u.Name, Domain: d, OwnerID: u.OwnerID, StageID: u.StageID, Phone: u.Phone, RawAddress: u.RawAddress}
	if u.Name == "" && d == "" && u.OwnerID == "" && u.StageID == "" && u.Phone == "" && u.RawAddress == "" && len(u.CustomFields) == 0 {
		return Account{}, paramError("update", "changes nothing")
	}
	a.CustomFields = u.CustomFields
	body := a.fields()
	r, err := httpcore.Run(ctx, c.doer, "updateAccount", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.UpdateAccount(ctx, id, nil, body)
	}, checkAccountResult)
	if err != nil {
		return Account{}, err
	}
	return *r.Account, nil
}

// accountStageList is apolloapi.AccountStageList's member, as this package's record.
type accountStageList struct {
	AccountStages []AccountStage `json:"account_stages"`
}

// ListAccountStages lists the stages the team's accounts can be in, such as "Lead",
// in the team's order. It costs no credits.
func (c *Client) ListAccountStages(ctx context.Context, callOpts ...option.CallOption) ([]AccountStage, error) {
	r, err := httpcore.Run(ctx, c.doer, "listAccountStages", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.ListAccountStages(ctx, nil)
	}, func(r *accountStageList) error {
		if r.AccountStages == nil {
			return &apicall.MissingMemberError{Member: "account_stages", Reason: "missing or null"}
		}
		return eachID(r.AccountStages, "account_stages", func(s *AccountStage) string { return s.ID })
	})
	if err != nil {
		return nil, err
	}
	return r.AccountStages, nil
}

// accountRead and accountWrite sort the account requests for the client core: search
// only reads though sent as POST; every other POST or PATCH writes. Updates, bulk
// updates and owner changes set members to given values, so a repeat changes nothing
// more; creations are not safe to repeat.
func accountRead(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/accounts/search")
}

func accountWrite(r *http.Request) bool {
	if r.Method != http.MethodPost && r.Method != http.MethodPatch {
		return false
	}
	p := r.URL.Path
	return !accountRead(r) && (strings.HasSuffix(p, "/accounts") || strings.Contains(p, "/accounts/"))
}

func accountRepeatable(r *http.Request) bool {
	p := r.URL.Path
	return accountRead(r) || (r.Method == http.MethodPatch && strings.Contains(p, "/accounts/")) ||
		(r.Method == http.MethodPost && (strings.HasSuffix(p, "/accounts/bulk_update") || strings.HasSuffix(p, "/accounts/update_owners")))
}
