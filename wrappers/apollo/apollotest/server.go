// Package apollotest provides a fake of Apollo's organization API for tests, in the
// manner of net/http/httptest: NewServer starts a real HTTP server on loopback, Client
// returns a client pointed at it, and Handler serves the same fake from any server of
// the caller's.
//
// The fake behaves as the real service does in what a test can rely on:
//   - It takes the key given to NewServer in x-api-key, as an OAuth bearer token, or
//     (deprecated) as the api_key query parameter; anything else is Apollo's
//     plain-text 401.
//   - Every answer carries minute (200), hour (400) and day (unlimited) rate-limit
//     headers counted over the requests received, and an x-request-id of req-<n>.
//   - Search matches the saved accounts and database organizations SetResults asks
//     for, accounts first, made up on demand; per_page is 1 to 100 (default 10) and
//     pages past 500 come back empty, as Apollo displays 50,000 records at most. A
//     page or per_page out of range is 422. Each page answered costs a credit.
//   - Job postings are those SetJobPostings gave an organization (at most 10,000); an
//     organization id that is not 24 hexadecimal digits is 422. Each page answered
//     costs a credit.
//   - Enrichment makes up a company for every domain, name, LinkedIn page or website,
//     except domains and websites ending in ".invalid" and names ending in "Unknown",
//     which match nothing ({} for one, left out of a bulk answer). Each company found
//     costs one credit (Credits).
//   - The team's accounts are kept and answered as accounts.go describes: create
//     never dedupes, bulk creation with run_dedupe does, by domain, organization id
//     or name; none of it costs credits.
//   - People search finds the people AddPeople gave it, for free; people enrichment
//     (match, bulk match) reveals them for one credit each found; usage stats answer
//     from the fake's request and credit counters; news search gives SetNews's
//     articles at one credit a page.
//   - Both the /api/v1 and the older /v1 prefix are served; any other route is 404
//     {"error": "Not found"}, and a method a route does not take is 405.
//   - Request bodies over 1 MiB are 413; the last 10,000 search bodies are kept for
//     SearchBodies.
//
// Faults queued with Fail answer the next requests instead, in order.
package apollotest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/internal/fakeserver"
	"github.com/orgapis/orgapis/specs"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Server is a fake, serving on URL (the /api/v1 base included) once started. Its URL,
// Start, Close and Handler are those of every fake (fakeserver.Server): the base URL
// once started, a start on a loopback port, a shutdown, and the fake as an
// http.Handler for a server of the caller's.
type Server struct {
	*fakeserver.Server

	mux      *http.ServeMux
	key      string
	mu       sync.Mutex
	accounts int
	orgs     int
	postings map[string]int
	hits     int
	credits  int
	bodies   []json.RawMessage
	faults   fakeserver.Queue

	// The team's accounts (accounts.go), in the order they were made.
	accountList []*account
	accountByID map[string]*account
	accountSeq  int
	// people and news are AddPeople's and SetNews's (people.go, news.go).
	people []Person
	news   map[string]int
	// enrichments are SetEnrichment's answers, by domain (enrich.go).
	enrichments map[string]apolloapi.EnrichedOrganization
}

// NewServer starts a fake that accepts apiKey. Close it when done; t.Cleanup(s.Close)
// is the usual way.
func NewServer(apiKey string, opts ...Option) *Server {
	s := NewUnstartedServer(apiKey, opts...)
	s.Start()
	return s
}

// NewUnstartedServer returns a fake that is not yet listening: call Start, or serve
// Handler from a server of your own.
func NewUnstartedServer(apiKey string, opts ...Option) *Server {
	s := &Server{key: apiKey, postings: map[string]int{}, accountByID: map[string]*account{}, news: map[string]int{}}
	s.mux = s.routes()
	s.Server = fakeserver.NewServer(s.serve, "/api/v1", fakeserver.NewChecker(specs.Apollo, "apollotest", apiKey, fakeserver.Configure(opts)))
	return s
}

// Client returns a client of the started fake: its key, its URL, and a backoff of 1 to
// 10 ms so that queued faults are retried without slowing a test. opts are applied
// after these, so they can change any of them.
func (s *Server) Client(opts ...option.ClientOption) (*apollo.Client, error) {
	all, err := s.ClientOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("apollotest: %w", err)
	}
	return apollo.NewClient(s.key, all...)
}

// SetResults makes searches match the given numbers of saved accounts and database
// organizations. Records are made up on demand, so millions cost no memory.
func (s *Server) SetResults(accounts, organizations int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accounts, s.orgs = accounts, organizations
}

// SetJobPostings gives the organization id n made-up job postings.
func (s *Server) SetJobPostings(organizationID string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.postings[organizationID] = n
}

// Hits is the number of requests received, faults included.
func (s *Server) Hits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}

// SearchBodies returns the search request bodies received, as sent, in order: the last
// fakeserver.MaxRecorded (10,000). Decode one into the members a test asserts on.
func (s *Server) SearchBodies() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]json.RawMessage(nil), s.bodies...)
}

// Fail queues faults for the next requests, in order.
func (s *Server) Fail(faults ...Fault) { s.faults.Push(faults...) }

var objectID = regexp.MustCompile(`^[0-9a-fA-FX]{24}$`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits++
	s.mu.Unlock()
	key := r.Header.Get("X-Api-Key")
	if key == "" {
		key = r.URL.Query().Get("api_key")
	}
	if token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && key == "" {
		key = token // an OAuth access token; the fake accepts its key as one
	}
	if key != s.key {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, "Invalid API key. Please check your API key and try again.")
		return
	}
	s.setRateHeaders(w.Header())
	if f, ok := s.faults.Pop(); ok && f.Apply(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// routes are the fake's answers by the API's routes, under both prefixes; a test holds
// them to the spec's operations, so that an operation the fake lacks fails it.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	for _, prefix := range []string{"/api/v1", "/v1"} {
		mux.HandleFunc("POST "+prefix+"/mixed_companies/search", s.search)
		mux.HandleFunc("GET "+prefix+"/organizations/{organization_id}/job_postings", func(w http.ResponseWriter, r *http.Request) {
			s.jobPostings(w, r, r.PathValue("organization_id"))
		})
		mux.HandleFunc("GET "+prefix+"/organizations/enrich", s.enrich)
		mux.HandleFunc("POST "+prefix+"/organizations/bulk_enrich", s.bulkEnrich)
		mux.HandleFunc("GET "+prefix+"/organizations/{organization_id}", func(w http.ResponseWriter, r *http.Request) {
			s.organization(w, r.PathValue("organization_id"))
		})
		mux.HandleFunc("POST "+prefix+"/accounts", s.createAccount)
		mux.HandleFunc("GET "+prefix+"/accounts/{account_id}", s.getAccount)
		mux.HandleFunc("PATCH "+prefix+"/accounts/{account_id}", s.updateAccount)
		mux.HandleFunc("POST "+prefix+"/accounts/search", s.searchAccounts)
		mux.HandleFunc("POST "+prefix+"/accounts/bulk_create", s.bulkCreateAccounts)
		mux.HandleFunc("POST "+prefix+"/accounts/bulk_update", s.bulkUpdateAccounts)
		mux.HandleFunc("POST "+prefix+"/accounts/update_owners", s.updateAccountOwners)
		mux.HandleFunc("GET "+prefix+"/account_stages", s.listAccountStages)
		// People, usage and news (people.go, news.go).
		mux.HandleFunc("POST "+prefix+"/mixed_people/api_search", s.peopleSearch)
		mux.HandleFunc("POST "+prefix+"/people/match", s.matchPerson)
		mux.HandleFunc("POST "+prefix+"/people/bulk_match", s.bulkMatchPeople)
		mux.HandleFunc("POST "+prefix+"/usage_stats/api_usage_stats", s.apiUsage)
		mux.HandleFunc("POST "+prefix+"/usage_stats/credit_usage_stats", s.creditUsage)
		mux.HandleFunc("POST "+prefix+"/news_articles/search", s.newsSearch)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Not found"})
	})
	return mux
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	var req apolloapi.MixedCompaniesSearchRequest
	raw, err := io.ReadAll(r.Body)
	if err == nil {
		err = json.Unmarshal(raw, &req)
	}
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Parameters misconfigured. " + err.Error()})
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
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Parameters misconfigured. page or per_page out of range"})
		return
	}
	s.mu.Lock()
	s.bodies = fakeserver.Remember(s.bodies, json.RawMessage(raw))
	accounts, orgs := s.accounts, s.orgs
	s.mu.Unlock()

	total := accounts + orgs
	resp := apolloapi.MixedCompaniesSearchResponse{
		Pagination: apolloapi.Pagination{Page: page, PerPage: perPage, TotalEntries: total, TotalPages: (total + perPage - 1) / perPage},
	}
	acc := []apolloapi.Account{}
	org := []apolloapi.Organization{}
	if page <= 500 { // Apollo displays 50,000 records at most
		for i := (page - 1) * perPage; i < page*perPage && i < total; i++ {
			if i < accounts {
				acc = append(acc, makeAccount(i))
			} else {
				org = append(org, makeOrganization(i-accounts))
			}
		}
	}
	resp.Accounts, resp.Organizations = acc, org
	s.spend(1) // a credit a page, as Apollo documents
	writeJSON(w, http.StatusOK, resp)
}

func makeOrganization(i int) apolloapi.Organization {
	domain := fmt.Sprintf("company%d.example", i)
	uid := strconv.Itoa(1000000 + i)
	return apolloapi.Organization{ID: fmt.Sprintf("%024x", i+1), Name: fmt.Sprintf("Company %d", i), PrimaryDomain: &domain, LinkedinUID: &uid}
}

func makeAccount(i int) apolloapi.Account {
	domain := fmt.Sprintf("account%d.example", i)
	return apolloapi.Account{ID: fmt.Sprintf("a%023x", i+1), Name: fmt.Sprintf("Account %d", i), Domain: &domain}
}

func (s *Server) jobPostings(w http.ResponseWriter, r *http.Request, orgID string) {
	if !objectID.MatchString(orgID) {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Parameters misconfigured. organization_id is not a valid ID"})
		return
	}
	page, perPage := atoiDefault(r.URL.Query().Get("page"), 1), atoiDefault(r.URL.Query().Get("per_page"), 10)
	s.mu.Lock()
	n := min(s.postings[orgID], 10000) // Apollo shows at most 10,000 postings
	s.mu.Unlock()
	s.spend(1) // a credit a page, as Apollo documents
	out := apolloapi.JobPostingList{OrganizationJobPostings: []apolloapi.JobPosting{}}
	for i := (page - 1) * perPage; i < page*perPage && i < n; i++ {
		city := "Sunnyvale"
		out.OrganizationJobPostings = append(out.OrganizationJobPostings, apolloapi.JobPosting{
			ID: fmt.Sprintf("%024x", i+1), Title: fmt.Sprintf("Job %d", i), URL: fmt.Sprintf("https://jobs.example/%d", i), City: &city,
		})
	}
	writeJSON(w, http.StatusOK, out)
}

func atoiDefault(v string, def int) int {
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return n
	}
	return def
}

func (s *Server) setRateHeaders(h http.Header) {
	s.mu.Lock()
	used := s.hits
	s.mu.Unlock()
	h.Set("X-Rate-Limit-Minute", "200")
	h.Set("X-Minute-Usage", strconv.Itoa(used))
	h.Set("X-Minute-Requests-Left", strconv.Itoa(max(200-used, 0)))
	h.Set("X-Rate-Limit-Hourly", "400")
	h.Set("X-Hourly-Usage", strconv.Itoa(used))
	h.Set("X-Hourly-Requests-Left", strconv.Itoa(max(400-used, 0)))
	h.Set("X-Rate-Limit-24-Hour", "unlimited")
	h.Set("X-24-Hour-Usage", strconv.Itoa(used))
	h.Set("X-24-Hour-Requests-Left", "unlimited")
	h.Set("X-Request-Id", "req-"+strconv.Itoa(used))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
