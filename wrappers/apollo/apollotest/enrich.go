package apollotest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/orgapis/orgapis/generated/apolloapi"
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
	if linkedin != "" {
		org.LinkedinURL = &linkedin
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
	org, ok := companyFor(id)
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
		if org, ok := companyFor(id); ok {
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
