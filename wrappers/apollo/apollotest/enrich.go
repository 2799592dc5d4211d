package apollotest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/wrappers/apollo"
)

// Enrichment in the fake: every domain, name, LinkedIn page or website names a
// company, made up deterministically, except those ending in ".invalid" (domains,
// websites) or "Unknown" (names), which are not found. Each company found costs one
// credit, as on the real service; Credits tells how many a test spent.

// Credits is the number of credits the calls consumed so far: pages of organization
// search, job postings and news, and the companies and people enrichment found.
func (s *Server) Credits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.credits
}

func (s *Server) spend(n int) {
	s.mu.Lock()
	s.credits += n
	s.mu.Unlock()
}

// companyFor makes up the company an identity names, or reports that none matches.
func companyFor(id apolloapi.CompanyIdentity) (apolloapi.EnrichedOrganization, bool) {
	domain := strings.ToLower(strings.TrimPrefix(value(id.Domain), "www."))
	if domain == "" && value(id.Website) != "" {
		if u, err := url.Parse(value(id.Website)); err == nil {
			domain = strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
		}
	}
	name := value(id.Name)
	linkedin := value(id.LinkedinURL)
	switch {
	case strings.HasSuffix(domain, ".invalid") || strings.HasSuffix(name, "Unknown"):
		return apolloapi.EnrichedOrganization{}, false
	case domain == "" && name == "" && linkedin == "":
		return apolloapi.EnrichedOrganization{}, false
	case domain == "" && name != "":
		domain = strings.ToLower(strings.ReplaceAll(name, " ", "")) + ".example"
	case domain == "":
		domain = strings.ToLower(strings.Trim(linkedin[strings.LastIndex(strings.TrimSuffix(linkedin, "/"), "/")+1:], "/")) + ".example"
	}
	sum := sha256.Sum256([]byte(domain))
	orgID := hex.EncodeToString(sum[:12])
	if name == "" {
		name = strings.ToUpper(domain[:1]) + domain[1:strings.IndexByte(domain+".", '.')]
	}
	website := "http://www." + domain
	employees, industry := 50+int(sum[0]), "information technology & services"
	org := apolloapi.EnrichedOrganization{ID: orgID, Name: name, PrimaryDomain: &domain, WebsiteURL: &website,
		EstimatedNumEmployees: &employees, Industry: &industry, Keywords: []string{"b2b", "software"}}
	if linkedin == "" {
		linkedin = "http://www.linkedin.com/company/" + strings.ReplaceAll(domain, ".", "-")
	}
	org.LinkedinURL = &linkedin
	// Founding, headquarters and funding, from the domain's hash too, so that the same
	// company always answers the same (and a sync's rerun finds nothing changed); the
	// places include names outside ASCII.
	founded := 1990 + int(sum[1])%35
	place := places[int(sum[2])%len(places)]
	stage := stages[int(sum[3])%len(stages)]
	funding := int64(sum[4]) * 250_000
	org.FoundedYear, org.City, org.State, org.Country = &founded, &place[0], &place[1], &place[2]
	org.LatestFundingStage, org.TotalFunding = &stage, &funding
	return org, true
}

// places are the headquarters the fake makes up: city, state, country.
var places = [][3]string{
	{"San Francisco", "California", "United States"},
	{"München", "Bavaria", "Germany"},
	{"São Paulo", "São Paulo", "Brazil"},
	{"London", "England", "United Kingdom"},
	{"Zürich", "Zurich", "Switzerland"},
}

// stages are the funding stages the fake makes up.
var stages = []string{"Seed", "Series A", "Series B", "Series C", "Venture (Round not Specified)"}

// SetEnrichment makes enrichment of domain answer org from now on (its id and primary
// domain filled in when empty), instead of the company the fake makes up: a test's way
// to make Apollo's data of a company change between two runs of a sync. A zero org
// goes back to the made-up one.
func (s *Server) SetEnrichment(domain string, org apollo.EnrichedOrganization) error {
	domain = strings.ToLower(strings.TrimPrefix(domain, "www."))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.enrichments == nil {
		s.enrichments = map[string]apolloapi.EnrichedOrganization{}
	}
	if org.ID == "" && org.Name == "" {
		delete(s.enrichments, domain)
		return nil
	}
	made, _ := companyFor(apolloapi.CompanyIdentity{Domain: &domain})
	if org.ID == "" {
		org.ID = made.ID
	}
	if org.PrimaryDomain == "" {
		org.PrimaryDomain = domain
	}
	raw, err := json.Marshal(org)
	if err != nil {
		return err
	}
	var out apolloapi.EnrichedOrganization
	if err := json.Unmarshal(raw, &out); err != nil {
		return err
	}
	s.enrichments[domain] = out
	return nil
}

// company is companyFor, but for a domain SetEnrichment gave an answer of its own.
func (s *Server) company(id apolloapi.CompanyIdentity) (apolloapi.EnrichedOrganization, bool) {
	org, ok := companyFor(id)
	if !ok || org.PrimaryDomain == nil {
		return org, ok
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if set, ok := s.enrichments[*org.PrimaryDomain]; ok {
		return set, true
	}
	return org, true
}

func value(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (s *Server) enrich(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id := apolloapi.CompanyIdentity{Domain: optional(q.Get("domain")), Name: optional(q.Get("name")),
		LinkedinURL: optional(q.Get("linkedin_url")), Website: optional(q.Get("website"))}
	if id == (apolloapi.CompanyIdentity{}) {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Required parameter 'domain' missing"})
		return
	}
	org, ok := s.company(id)
	if !ok {
		writeJSON(w, http.StatusOK, map[string]any{}) // Apollo answers an empty object when nothing matches
		return
	}
	s.spend(1)
	writeJSON(w, http.StatusOK, apolloapi.OrganizationResult{Organization: &org})
}

func (s *Server) bulkEnrich(w http.ResponseWriter, r *http.Request) {
	var req apolloapi.BulkEnrichRequest
	if r.ContentLength != 0 {
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"status": "failed", "error_code": "UNKNOWN_ERROR", "error_message": err.Error()})
			return
		}
	}
	var ids []apolloapi.CompanyIdentity
	if req.Details != nil {
		ids = req.Details
	} else {
		for _, d := range r.URL.Query()["domains[]"] {
			ids = append(ids, apolloapi.CompanyIdentity{Domain: optional(d)})
		}
	}
	switch {
	case len(ids) == 0:
		writeJSON(w, http.StatusBadRequest, map[string]string{"status": "failed", "error_code": "INVALID_REQUEST", "error_message": "invalid request, missing domains"})
		return
	case len(ids) > 10:
		writeJSON(w, http.StatusBadRequest, map[string]string{"status": "failed", "error_code": "RECORD_LIMIT_EXCEEDED", "error_message": "domain count cannot be more than 10"})
		return
	}
	found := []apolloapi.EnrichedOrganization{}
	for _, id := range ids {
		if org, ok := s.company(id); ok {
			found = append(found, org)
		}
	}
	// The real service does not promise the order of its answer; the fake answers in
	// reverse, so that clients must match by company, not by position.
	for i, j := 0, len(found)-1; i < j; i, j = i+1, j-1 {
		found[i], found[j] = found[j], found[i]
	}
	s.spend(len(found))
	requested, missing, enriched := len(ids), len(ids)-len(found), len(found)
	writeJSON(w, http.StatusOK, apolloapi.BulkEnrichResponse{Status: "success", TotalRequestedRecords: &requested,
		UniqueEnrichedRecords: &enriched, MissingRecords: &missing, Organizations: found})
}

func (s *Server) organization(w http.ResponseWriter, orgID string) {
	if !objectID.MatchString(orgID) {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Parameters misconfigured. id is not a valid ID"})
		return
	}
	s.spend(1)
	domain := orgID[:8] + ".example"
	org, _ := companyFor(apolloapi.CompanyIdentity{Domain: &domain})
	org.ID = orgID
	loaded := true
	org.DetailViewLoaded = &loaded
	writeJSON(w, http.StatusOK, apolloapi.OrganizationResult{Organization: &org})
}

func optional(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}
