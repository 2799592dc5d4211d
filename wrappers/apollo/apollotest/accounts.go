package apollotest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/orgapis/orgapis/generated/apolloapi"
)

// Accounts in the fake: the team's saved companies, kept in memory in the order they
// were made, which is the order search answers them in (SortByCreated turns it round
// unless ascending; the other sorts keep it). They cost no credits: no account call
// changes Credits.
//
//   - Create never deduplicates, as on the real service; it needs a name or a domain
//     (422 otherwise).
//   - Bulk creation takes 1 to 100 accounts (422 otherwise). With run_dedupe an entry
//     matches an existing account, accounts made earlier in the same request
//     included, by domain (lower case, without www.), else by organization id, else
//     by name (in any case); without it only by salesforce_id or hubspot_id. A
//     matched account is answered in existing_accounts unchanged; label names are
//     added to created accounts only.
//   - Search pages as organization search does: per_page 1 to 100 (default 10),
//     nothing past page 500.
//   - An id that is not 24 hexadecimal digits is 422; one of no account is 404.
//   - Stages are three, Lead first, and an account without one is in Lead.
//   - Created and updated times count one second per account from 2026-01-01 UTC, so
//     that answers are the same from run to run.

// fakeUserID owns every account the fake makes without an owner: the key's user.
const fakeUserID = "66302798d03b9601c7934ebf"

var accountStages = []apolloapi.AccountStage{
	stage("61b8e913e0f4d2012e3af74e", "Lead", 1, "in_progress"),
	stage("6095a710bd01d100a506d4b8", "Current Client", 2, "succeeded"),
	stage("6095a710bd01d100a506d4ba", "Dead Opportunity", 3, "failed"),
}

func stage(id, name string, order int, category string) apolloapi.AccountStage {
	team, no := "6095a710bd01d100a506d4ac", false
	return apolloapi.AccountStage{ID: id, Name: name, DisplayName: &name, DisplayOrder: &order, Category: &category,
		TeamID: &team, DefaultExcludeForLeadgen: &no}
}

// account is what the fake keeps of one, small so that a test can hold 50,000.
type account struct {
	id, name, domain, owner, stage, phone, address string
	org, salesforce, hubspot                       string
	labels                                         []string
	custom                                         map[string]string
	seq, updated                                   int
}

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (a *account) record() apolloapi.Account {
	created, updated := epoch.Add(time.Duration(a.seq)*time.Second), epoch.Add(time.Duration(a.updated)*time.Second)
	src, team, modality := "api", "6095a710bd01d100a506d4ac", "account"
	out := apolloapi.Account{ID: a.id, Name: a.name, Domain: opt(a.domain), OwnerID: opt(a.owner), AccountStageID: opt(a.stage),
		Phone: opt(a.phone), OrganizationID: opt(a.org), SalesforceID: opt(a.salesforce), HubspotID: opt(a.hubspot),
		Source: &src, OriginalSource: &src, TeamID: &team, Modality: &modality, CreatedAt: &created, UpdatedAt: &updated,
		LabelIDs: slices.Clone(a.labels), TypedCustomFields: map[string]any{}}
	if out.LabelIDs == nil {
		out.LabelIDs = []string{}
	}
	for k, v := range a.custom {
		out.TypedCustomFields[k] = v
	}
	if a.address != "" {
		out.OrganizationRawAddress = &a.address
	}
	return out
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func val(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func normDomain(d string) string {
	return strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "www.")
}

// newAccount stores an account made of fields; the caller holds s.mu.
func (s *Server) newAccount(f apolloapi.BulkAccount) *account {
	s.accountSeq++
	a := &account{id: fmt.Sprintf("ac%022x", s.accountSeq), name: val(f.Name), domain: normDomain(val(f.Domain)),
		owner: val(f.OwnerID), stage: val(f.AccountStageID), phone: val(f.Phone), address: val(f.RawAddress),
		org: val(f.OrganizationID), salesforce: val(f.SalesforceID), hubspot: val(f.HubspotID), seq: s.accountSeq, updated: s.accountSeq}
	if a.owner == "" {
		a.owner = fakeUserID
	}
	if a.stage == "" {
		a.stage = accountStages[0].ID
	}
	if a.name == "" {
		a.name = a.domain
	}
	if len(f.TypedCustomFields) > 0 {
		a.custom = map[string]string{}
		for k, v := range f.TypedCustomFields {
			a.custom[k] = v
		}
	}
	s.accountList = append(s.accountList, a)
	s.accountByID[a.id] = a
	return a
}

// AddAccounts stores n made-up accounts ("Account i", domain accounti.example), as
// if created through the API, for a test or a mock that needs many.
func (s *Server) AddAccounts(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		i := len(s.accountList)
		name, domain := fmt.Sprintf("Account %d", i), fmt.Sprintf("account%d.example", i)
		s.newAccount(apolloapi.BulkAccount{Name: &name, Domain: &domain})
	}
}

// AccountCount is the number of accounts the fake holds.
func (s *Server) AccountCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.accountList)
}

// readJSON decodes a request body into v, or answers 422 and reports false.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	raw, err := io.ReadAll(r.Body)
	if err == nil && len(raw) > 0 {
		err = json.Unmarshal(raw, v)
	}
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Parameters misconfigured. " + err.Error()})
		return false
	}
	return true
}

func unprocessable(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": msg})
}

func (s *Server) createAccount(w http.ResponseWriter, r *http.Request) {
	var f apolloapi.AccountFields
	if !readJSON(w, r, &f) {
		return
	}
	if val(f.Name) == "" && val(f.Domain) == "" {
		unprocessable(w, "Please specify at least a name or domain.")
		return
	}
	s.mu.Lock()
	a := s.newAccount(apolloapi.BulkAccount{Name: f.Name, Domain: f.Domain, OwnerID: f.OwnerID, AccountStageID: f.AccountStageID,
		Phone: f.Phone, RawAddress: f.RawAddress, TypedCustomFields: f.TypedCustomFields})
	rec := a.record()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, apolloapi.AccountResult{Account: rec})
}

// lookup finds the account of a path id, or answers 422 or 404; the caller holds s.mu.
func (s *Server) lookup(w http.ResponseWriter, id string) *account {
	if !objectID.MatchString(id) {
		unprocessable(w, "Parameters misconfigured. id is not a valid ID")
		return nil
	}
	a := s.accountByID[id]
	if a == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Not found"})
	}
	return a
}

func (s *Server) getAccount(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.lookup(w, r.PathValue("account_id")); a != nil {
		writeJSON(w, http.StatusOK, apolloapi.AccountResult{Account: a.record(), SalesforceUsers: []any{}, HubspotOwners: []any{}})
	}
}

func (s *Server) updateAccount(w http.ResponseWriter, r *http.Request) {
	var f apolloapi.AccountFields
	if !readJSON(w, r, &f) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.lookup(w, r.PathValue("account_id"))
	if a == nil {
		return
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&a.name, f.Name)
	if f.Domain != nil {
		a.domain = normDomain(*f.Domain)
	}
	set(&a.owner, f.OwnerID)
	set(&a.stage, f.AccountStageID)
	set(&a.phone, f.Phone)
	set(&a.address, f.RawAddress)
	s.setCustom(a, f.TypedCustomFields)
	writeJSON(w, http.StatusOK, apolloapi.AccountResult{Account: a.record(), Labels: []any{}})
}

// setCustom sets the custom fields named and counts an update; the caller holds s.mu.
func (s *Server) setCustom(a *account, fields map[string]string) {
	if len(fields) > 0 && a.custom == nil {
		a.custom = map[string]string{}
	}
	for k, v := range fields {
		a.custom[k] = v
	}
	s.accountSeq++
	a.updated = s.accountSeq
}

func (s *Server) searchAccounts(w http.ResponseWriter, r *http.Request) {
	var req apolloapi.AccountSearchRequest
	if !readJSON(w, r, &req) {
		return
	}
	page, perPage := 1, 10
	if req.Page != nil {
		page = *req.Page
	}
	if req.PerPage != nil {
		perPage = *req.PerPage
	}
	if page < 1 || perPage < 1 || perPage > 100 {
		unprocessable(w, "Parameters misconfigured. page or per_page out of range")
		return
	}
	name := strings.ToLower(val(req.QOrganizationName))
	s.mu.Lock()
	defer s.mu.Unlock()
	var match []*account
	for _, a := range s.accountList {
		if name != "" && !strings.Contains(strings.ToLower(a.name), name) {
			continue
		}
		if len(req.AccountStageIDs) > 0 && !slices.Contains(req.AccountStageIDs, a.stage) {
			continue
		}
		if len(req.AccountLabelIDs) > 0 && !slices.ContainsFunc(a.labels, func(l string) bool { return slices.Contains(req.AccountLabelIDs, l) }) {
			continue
		}
		match = append(match, a)
	}
	if req.SortByField != nil && *req.SortByField == apolloapi.AccountSearchRequestSortByFieldAccountCreatedAt && (req.SortAscending == nil || !*req.SortAscending) {
		slices.Reverse(match)
	}
	total := len(match)
	resp := apolloapi.AccountSearchResponse{Accounts: []apolloapi.Account{},
		Pagination: apolloapi.Pagination{Page: page, PerPage: perPage, TotalEntries: total, TotalPages: (total + perPage - 1) / perPage}}
	if page <= 500 { // Apollo displays 50,000 records at most
		for i := (page - 1) * perPage; i < page*perPage && i < total; i++ {
			resp.Accounts = append(resp.Accounts, match[i].record())
		}
	}
	writeJSON(w, http.StatusOK, resp)
}

// match finds the account an entry of a bulk creation matches; the caller holds s.mu.
func (s *Server) match(f apolloapi.BulkAccount, dedupe bool) *account {
	for _, a := range s.accountList {
		if (val(f.SalesforceID) != "" && a.salesforce == val(f.SalesforceID)) || (val(f.HubspotID) != "" && a.hubspot == val(f.HubspotID)) {
			return a
		}
	}
	if !dedupe {
		return nil
	}
	if d := normDomain(val(f.Domain)); d != "" {
		for _, a := range s.accountList {
			if a.domain == d {
				return a
			}
		}
		return nil // a domain names the company: a namesake elsewhere is another
	}
	if o := val(f.OrganizationID); o != "" {
		for _, a := range s.accountList {
			if a.org == o {
				return a
			}
		}
	}
	if n := strings.ToLower(val(f.Name)); n != "" {
		for _, a := range s.accountList {
			if strings.ToLower(a.name) == n {
				return a
			}
		}
	}
	return nil
}

func (s *Server) bulkCreateAccounts(w http.ResponseWriter, r *http.Request) {
	var req apolloapi.BulkCreateAccountsBody
	if !readJSON(w, r, &req) {
		return
	}
	switch {
	case len(req.Accounts) == 0:
		unprocessable(w, `Please provide an array of account attributes in the "accounts" parameter.`)
		return
	case len(req.Accounts) > 100:
		unprocessable(w, "Please limit your array to 100 accounts or fewer.")
		return
	}
	for _, f := range req.Accounts {
		if val(f.Name) == "" && val(f.Domain) == "" {
			unprocessable(w, "Please specify at least a name or domain.")
			return
		}
	}
	dedupe := req.RunDedupe != nil && *req.RunDedupe
	var labels []string
	for _, n := range req.AppendLabelNames {
		sum := sha256.Sum256([]byte(strings.ToLower(n)))
		labels = append(labels, hex.EncodeToString(sum[:12]))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	resp := apolloapi.BulkCreatedAccounts{CreatedAccounts: []apolloapi.Account{}, ExistingAccounts: []apolloapi.Account{}}
	for _, f := range req.Accounts {
		if a := s.match(f, dedupe); a != nil {
			resp.ExistingAccounts = append(resp.ExistingAccounts, a.record())
			continue
		}
		a := s.newAccount(f)
		a.labels = slices.Clone(labels)
		resp.CreatedAccounts = append(resp.CreatedAccounts, a.record())
	}
	writeJSON(w, http.StatusOK, resp)
}

func change(a *account) apolloapi.AccountChange {
	return apolloapi.AccountChange{ID: a.id, Name: &a.name, OwnerID: opt(a.owner), AccountStageID: opt(a.stage)}
}

func (s *Server) bulkUpdateAccounts(w http.ResponseWriter, r *http.Request) {
	var req apolloapi.BulkUpdateAccountsBody
	if !readJSON(w, r, &req) {
		return
	}
	if len(req.AccountIDs) > 1000 || len(req.AccountAttributes) > 1000 {
		unprocessable(w, "Please limit your array to fewer than 1000.")
		return
	}
	if req.Async != nil && *req.Async && len(req.AccountAttributes) > 0 {
		unprocessable(w, "Async processing is not permitted.")
		return
	}
	edits := req.AccountAttributes
	for _, id := range req.AccountIDs {
		edits = append(edits, apolloapi.AccountAttributes{ID: id, Name: req.Name, OwnerID: req.OwnerID, AccountStageID: req.AccountStageID})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range edits {
		if s.accountByID[e.ID] == nil {
			unprocessable(w, "Parameters misconfigured. "+e.ID+" is not a valid ID")
			return
		}
	}
	resp := apolloapi.AccountChanges{Accounts: []apolloapi.AccountChange{}}
	for _, e := range edits {
		a := s.accountByID[e.ID]
		if e.Name != nil {
			a.name = *e.Name
		}
		if e.OwnerID != nil {
			a.owner = *e.OwnerID
		}
		if e.AccountStageID != nil {
			a.stage = *e.AccountStageID
		}
		s.setCustom(a, e.TypedCustomFields)
		resp.Accounts = append(resp.Accounts, change(a))
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) updateAccountOwners(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ids, owner := q["account_ids[]"], q.Get("owner_id")
	switch {
	case len(ids) == 0:
		unprocessable(w, "Required parameter 'account_ids' missing")
		return
	case owner == "":
		unprocessable(w, "Required parameter 'owner_id' missing")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if s.accountByID[id] == nil {
			unprocessable(w, "Parameters misconfigured. "+id+" is not a valid ID")
			return
		}
	}
	resp := apolloapi.AccountChanges{Accounts: []apolloapi.AccountChange{}}
	for _, id := range ids {
		a := s.accountByID[id]
		a.owner = owner
		s.accountSeq++
		a.updated = s.accountSeq
		resp.Accounts = append(resp.Accounts, apolloapi.AccountChange{ID: a.id, OwnerID: &a.owner, CrmOwnerID: nil})
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) listAccountStages(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, apolloapi.AccountStageList{AccountStages: accountStages})
}
