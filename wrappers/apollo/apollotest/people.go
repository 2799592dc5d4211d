package apollotest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"

	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/wrappers/apollo"
)

// People in the fake: AddPeople gives it people at companies. People search finds them
// for free, by employer id or domain, title and seniority, and shows each as Apollo
// does, without email and with the last name masked. People enrichment (match, bulk
// match) reveals one found by id, email, or name with employer domain or name, for
// one credit each (Credits); one not found costs nothing, and bulk match answers a
// null for it and says in credits_consumed what it charged.

// Person is someone the fake knows.
type Person struct {
	// ID is the person's Apollo id; AddPeople makes one up when it is empty.
	ID                  string
	FirstName, LastName string
	Title               string
	Seniority           apollo.Seniority
	Email               string
	// OrganizationID, OrganizationName and Domain are the current employer's; an
	// empty OrganizationID is made up from the domain, as enrichment does.
	OrganizationID, OrganizationName, Domain string
}

// AddPeople gives the fake people, and returns their ids in order.
func (s *Server) AddPeople(people ...Person) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, len(people))
	for i, p := range people {
		if p.OrganizationID == "" && p.Domain != "" {
			sum := sha256.Sum256([]byte(strings.ToLower(p.Domain)))
			p.OrganizationID = hex.EncodeToString(sum[:12]) // as enrichment makes it up
		}
		if p.ID == "" {
			sum := sha256.Sum256([]byte(strconv.Itoa(len(s.people)) + "/" + p.Email + "/" + p.FirstName + p.LastName))
			p.ID = hex.EncodeToString(sum[:12])
		}
		s.people = append(s.people, p)
		ids[i] = p.ID
	}
	return ids
}

// peopleFilter is a people search's filters, from its body or its query.
type peopleFilter struct {
	apolloapi.PeopleSearchRequest
}

func (s *Server) peopleSearch(w http.ResponseWriter, r *http.Request) {
	var f peopleFilter
	raw, err := io.ReadAll(r.Body)
	if err == nil && len(strings.TrimSpace(string(raw))) > 0 {
		err = json.Unmarshal(raw, &f.PeopleSearchRequest)
	}
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Invalid parameters. " + err.Error()})
		return
	}
	q := r.URL.Query()
	f.OrganizationIDs = append(f.OrganizationIDs, q["organization_ids[]"]...)
	f.QOrganizationDomainsList = append(f.QOrganizationDomainsList, q["q_organization_domains_list[]"]...)
	f.PersonTitles = append(f.PersonTitles, q["person_titles[]"]...)
	for _, v := range q["person_seniorities[]"] {
		f.PersonSeniorities = append(f.PersonSeniorities, apolloapi.Seniority(v))
	}
	if v := q.Get("include_similar_titles"); v != "" {
		b := v == "true"
		f.IncludeSimilarTitles = &b
	}
	page, perPage := 1, 10
	if f.Page != nil {
		page = *f.Page
	} else if v := q.Get("page"); v != "" {
		page, _ = strconv.Atoi(v)
	}
	if f.PerPage != nil {
		perPage = *f.PerPage
	} else if v := q.Get("per_page"); v != "" {
		perPage, _ = strconv.Atoi(v)
	}
	if page < 1 || perPage < 1 || perPage > 100 || len(f.QOrganizationDomainsList) > 1000 {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Invalid parameters. page, per_page or the domains out of range"})
		return
	}
	s.mu.Lock()
	var found []Person
	for _, p := range s.people {
		if f.matches(p) {
			found = append(found, p)
		}
	}
	s.mu.Unlock()
	total := len(found)
	out := apolloapi.PeopleSearchResponse{TotalEntries: &total, People: []apolloapi.PersonPreview{}}
	if page <= 500 { // Apollo displays 50,000 people at most
		for i := (page - 1) * perPage; i < page*perPage && i < total; i++ {
			out.People = append(out.People, preview(found[i]))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (f peopleFilter) matches(p Person) bool {
	if len(f.OrganizationIDs) > 0 && !slices.Contains(f.OrganizationIDs, p.OrganizationID) {
		return false
	}
	if len(f.QOrganizationDomainsList) > 0 && !slices.ContainsFunc(f.QOrganizationDomainsList, func(d string) bool { return strings.EqualFold(d, p.Domain) }) {
		return false
	}
	if len(f.PersonSeniorities) > 0 && !slices.Contains(f.PersonSeniorities, apolloapi.Seniority(p.Seniority)) {
		return false
	}
	if len(f.PersonTitles) > 0 {
		exact := f.IncludeSimilarTitles != nil && !*f.IncludeSimilarTitles
		title := strings.ToLower(p.Title)
		if !slices.ContainsFunc(f.PersonTitles, func(t string) bool {
			t = strings.ToLower(t)
			return title == t || !exact && strings.Contains(title, t)
		}) {
			return false
		}
	}
	return true
}

// preview is a person as search shows them: no email, the last name masked.
func preview(p Person) apolloapi.PersonPreview {
	t, yes := true, true
	hasEmail := p.Email != ""
	out := apolloapi.PersonPreview{ID: p.ID, FirstName: optional(p.FirstName), Title: optional(p.Title), HasEmail: &hasEmail,
		HasCity: &t, LastNameObfuscated: optional(mask(p.LastName)),
		Organization: &apolloapi.EmployerPreview{Name: optional(p.OrganizationName), HasIndustry: &yes}}
	return out
}

// mask keeps the first two and the last letter of a name, as Apollo does ("Do***e").
func mask(name string) string {
	if utf8.RuneCountInString(name) < 4 {
		return name
	}
	r := []rune(name)
	return string(r[:2]) + "***" + string(r[len(r)-1])
}

// find is the person a query names, and false when none.
func (s *Server) find(id apolloapi.PersonIdentity) (Person, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	full := func(p Person) string { return strings.ToLower(strings.TrimSpace(p.FirstName + " " + p.LastName)) }
	for _, p := range s.people {
		switch {
		case value(id.ID) != "":
			if p.ID == value(id.ID) {
				return p, true
			}
		case value(id.Email) != "":
			if strings.EqualFold(p.Email, value(id.Email)) {
				return p, true
			}
		default:
			name := strings.ToLower(strings.TrimSpace(value(id.Name)))
			if name == "" {
				name = strings.ToLower(strings.TrimSpace(value(id.FirstName) + " " + value(id.LastName)))
			}
			employer := strings.EqualFold(value(id.Domain), p.Domain) && p.Domain != "" ||
				strings.EqualFold(value(id.OrganizationName), p.OrganizationName) && p.OrganizationName != ""
			if name != "" && name == full(p) && employer {
				return p, true
			}
		}
	}
	return Person{}, false
}

// revealed is a person as enrichment answers them.
func revealed(p Person) *apolloapi.Person {
	verified := "verified"
	name := strings.TrimSpace(p.FirstName + " " + p.LastName)
	out := &apolloapi.Person{ID: p.ID, FirstName: optional(p.FirstName), LastName: optional(p.LastName), Name: optional(name),
		Title: optional(p.Title), Email: optional(p.Email), OrganizationID: optional(p.OrganizationID), Seniority: optional(string(p.Seniority))}
	if p.Email != "" {
		out.EmailStatus = &verified
	}
	return out
}

func (s *Server) matchPerson(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id := apolloapi.PersonIdentity{ID: optional(q.Get("id")), Email: optional(q.Get("email")), FirstName: optional(q.Get("first_name")),
		LastName: optional(q.Get("last_name")), Name: optional(q.Get("name")), Domain: optional(q.Get("domain")),
		OrganizationName: optional(q.Get("organization_name")), LinkedinURL: optional(q.Get("linkedin_url")), HashedEmail: optional(q.Get("hashed_email"))}
	if id == (apolloapi.PersonIdentity{}) {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Invalid parameters. Name a person."})
		return
	}
	p, ok := s.find(id)
	if !ok {
		writeJSON(w, http.StatusOK, map[string]any{"person": nil}) // nobody found, nothing charged
		return
	}
	s.spend(1)
	writeJSON(w, http.StatusOK, apolloapi.PersonMatchResponse{Person: revealed(p)})
}

func (s *Server) bulkMatchPeople(w http.ResponseWriter, r *http.Request) {
	var req apolloapi.BulkMatchRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"status": "failed", "error_code": "UNKNOWN_ERROR", "error_message": err.Error()})
		return
	}
	switch {
	case len(req.Details) == 0:
		writeJSON(w, http.StatusBadRequest, map[string]string{"status": "failed", "error_code": "INVALID_REQUEST", "error_message": "invalid request, missing details"})
		return
	case len(req.Details) > 10:
		writeJSON(w, http.StatusBadRequest, map[string]string{"status": "failed", "error_code": "RECORD_LIMIT_EXCEEDED", "error_message": "details count cannot be more than 10"})
		return
	}
	matches := make([]*apolloapi.Person, len(req.Details)) // a null for one not found, as Apollo answers
	found := 0
	for i, id := range req.Details {
		if p, ok := s.find(id); ok {
			matches[i] = revealed(p)
			found++
		}
	}
	s.spend(found)
	requested, missing, credits := len(req.Details), len(req.Details)-found, float64(found)
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "error_code": nil, "error_message": nil,
		"total_requested_enrichments": requested, "unique_enriched_records": found, "missing_records": missing,
		"credits_consumed": credits, "matches": matches})
}

// usage is a window of the fake's limits, used by its requests so far.
func usage(limit, used int) *apolloapi.UsageWindow {
	left := max(limit-used, 0)
	return &apolloapi.UsageWindow{Limit: &limit, Consumed: &used, LeftOver: &left}
}

// apiUsage answers from the fake's request counter, for the fake's own operations.
func (s *Server) apiUsage(w http.ResponseWriter, _ *http.Request) {
	hits := s.Hits()
	out := apolloapi.APIUsageStats{}
	for _, e := range [][2]string{{"api/v1/mixed_people", "api_search"}, {"api/v1/people", "match"}, {"api/v1/people", "bulk_match"},
		{"api/v1/mixed_companies", "search"}, {"api/v1/organizations", "enrich"}, {"api/v1/news_articles", "search"}} {
		name, _ := json.Marshal([]string{e[0], e[1]})
		out[strings.ReplaceAll(string(name), `","`, `", "`)] = apolloapi.EndpointUsage{Minute: usage(200, hits), Hour: usage(400, hits), Day: usage(6000, hits)}
	}
	writeJSON(w, http.StatusOK, out)
}

// CreditLimit is the lead credits the fake's team has for the cycle, as credit usage
// reports them.
const CreditLimit = 10000

// creditUsage answers from the fake's credit counter (Credits).
func (s *Server) creditUsage(w http.ResponseWriter, _ *http.Request) {
	spent := s.Credits()
	writeJSON(w, http.StatusOK, apolloapi.CreditUsageStats{CreditUsageStats: map[string]apolloapi.CreditBalance{
		apollo.LeadCredits: {Limit: ptr(CreditLimit), Consumed: ptr(spent), LeftOver: ptr(max(CreditLimit-spent, 0))},
	}})
}

func ptr[T any](v T) *T { return &v }
