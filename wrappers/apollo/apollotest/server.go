// Package apollotest provides a fake of Apollo's organization API for tests, in the
// manner of net/http/httptest: a real HTTP server on loopback that checks the key,
// serves search pages with Apollo's 500-page display cap and job postings, answers
// with Apollo's error shapes, and can be told to fail.
package apollotest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/internal/fakeserver"
)

// Server is a running fake. Point a client at URL (which includes the /api/v1 base)
// with the key given to NewServer. The older /v1 prefix is served as well.
type Server struct {
	URL string

	srv      *httptest.Server
	key      string
	mu       sync.Mutex
	accounts int
	orgs     int
	postings map[string]int
	hits     int
	credits  int
	bodies   []apolloapi.MixedCompaniesSearchRequest
	faults   fakeserver.Queue
}

// NewServer starts a fake that accepts apiKey in x-api-key (or, deprecated, api_key).
func NewServer(apiKey string) *Server {
	s := &Server{key: apiKey, postings: map[string]int{}}
	s.srv = fakeserver.Start(s.serve, nil)
	s.URL = s.srv.URL + "/api/v1"
	return s
}

// NewServerAt is NewServer listening on addr (host:port; port 0 picks a free one), for
// a fake that other programs reach, such as validate mock.
func NewServerAt(apiKey, addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{key: apiKey, postings: map[string]int{}}
	s.srv = fakeserver.Start(s.serve, ln)
	s.URL = s.srv.URL + "/api/v1"
	return s, nil
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

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

// SearchBodies returns the search request bodies received, in order: the last
// fakeserver.MaxRecorded (10,000).
func (s *Server) SearchBodies() []apolloapi.MixedCompaniesSearchRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]apolloapi.MixedCompaniesSearchRequest(nil), s.bodies...)
}

// Fail queues faults for the next requests, in order.
func (s *Server) Fail(faults ...Fault) { s.faults.Push(faults...) }

var jobPostingsPath = regexp.MustCompile(`^/(?:api/)?v1/organizations/([^/]+)/job_postings$`)

var organizationPath = regexp.MustCompile(`^/(?:api/)?v1/organizations/([^/]+)$`)

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
	path := r.URL.Path
	switch {
	case (path == "/api/v1/mixed_companies/search" || path == "/v1/mixed_companies/search") && r.Method == http.MethodPost:
		s.search(w, r)
	case jobPostingsPath.MatchString(path) && r.Method == http.MethodGet:
		s.jobPostings(w, r, jobPostingsPath.FindStringSubmatch(path)[1])
	case strings.HasSuffix(path, "/v1/organizations/enrich") && r.Method == http.MethodGet:
		s.enrich(w, r)
	case strings.HasSuffix(path, "/v1/organizations/bulk_enrich") && r.Method == http.MethodPost:
		s.bulkEnrich(w, r)
	case organizationPath.MatchString(path) && r.Method == http.MethodGet:
		s.organization(w, organizationPath.FindStringSubmatch(path)[1])
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Not found"})
	}
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	var req apolloapi.MixedCompaniesSearchRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
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
	s.bodies = fakeserver.Remember(s.bodies, req)
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
