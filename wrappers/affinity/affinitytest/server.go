// Package affinitytest provides an in-memory fake of Affinity's organization, list and
// field API, v1 and the v2 the client uses (its reads of companies and lists, and its
// list-entry field writes), for tests, in the manner of net/http/httptest: NewServer
// starts a real HTTP server on loopback, Client returns a client pointed at it, and
// Handler serves the same fake from any server of the caller's.
//
// The fake behaves as the real service does in what a test can rely on:
//   - It accepts the key given to NewServer, as HTTP Basic with an empty user or as a
//     bearer token; anything else is 401 {"message": "Unauthorized"}, and nothing of
//     such a request is recorded.
//   - Every answer carries the per-user (900 a minute, 899 left, reset in 42 s) and
//     monthly (unlimited) rate-limit headers.
//   - Organization search pages by page_size (1 to 500, default 500) with a page token
//     bound to the query: a token used with another query is 422 "Invalid page_token
//     variable", as is a page_size out of range. Search results carry no person_ids
//     and no list_entries; a single organization carries both.
//   - Creates (organizations, list entries, field values) answer 201, as Affinity's
//     own Postman collection for v1 shows. An organization's create needs a name (422
//     otherwise); an update replaces person_ids whole. A global organization's name
//     and domain cannot be changed and it cannot be deleted (403).
//   - List entries come as a bare array without page_size and as pages with it.
//     Deleting an entry deletes the values of the list's fields on it.
//   - Not found is 404 {"errors": ["..."]}; a route the API does not have is 404 too,
//     and a method a route does not take is 405.
//   - Request bodies over 1 MiB are 413; the last 10,000 authenticated requests are
//     kept for Requests.
//   - v2 (the paths under /v2) serves the same organizations (as companies), lists,
//     entries and values, in v2's shapes: it takes the key only as a bearer token;
//     pages hold up to 100 records (limit 1 to 100, else 400) and their nextUrl, on
//     the host the request named, carries a cursor that binds the query; a field's id
//     is "field-" and its v1 id, and a field that allows several values has a -multi
//     value; every list has one saved view, of id the list's times ten plus one; the
//     list-entry field writes replace the entry's values of that field (a field of its
//     list, or a global one of its entity), stored as v1's writes store them, and a
//     batch is checked whole before any of it is stored. Errors come in v2's
//     {"errors": [{"code", "message"}]}.
//   - v2 answers by the version asked for in X-Affinity-Api-Version, and without it
//     by affinity.APIVersion (the key's default, on the service); a version Affinity
//     does not publish (2024-01-01, 2026-07-15, 2026-09-17, or current) is 400 with a
//     v2 error naming the header. Every v2 answer names its version in that header.
//   - With LimitRate, the key is held to a number of requests a minute on a clock of
//     the caller's, shared by v1 and v2, as on the real service.
//
// Faults queued with Fail answer the next requests instead, in order.
package affinitytest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/fakeserver"
	"github.com/orgapis/orgapis/specs"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Server is a fake, serving on URL once started. Its URL, Start, Close and Handler are
// those of every fake (fakeserver.Server): the base URL once started, a start on a
// loopback port, a shutdown, and the fake as an http.Handler for a server of the
// caller's.
type Server struct {
	*fakeserver.Server

	mux    *http.ServeMux
	key    string
	mu     sync.Mutex
	orgs   map[int64]affinityapi.Organization
	order  []int64 // ids in ascending order, for stable paging
	nextID int64
	faults fakeserver.Queue
	hits   int
	seen   []Request

	lists                                              map[int64]*fakeList
	listOrder                                          []int64
	values                                             map[int64]fieldValue
	valueOrder                                         []int64
	changes                                            []fieldValueChange
	nextListID, nextEntryID, nextValueID, nextChangeID int64
	nextPersonID                                       int64
	// globals are the global organization fields; AddField adds to them.
	globals     []affinityapi.Field
	nextFieldID int64

	rate rateWindow

	people people // persons and notes (persons.go, notes.go)
	// tasks are the merges the fake ran (duplicates.go), by task id.
	tasks      map[string]mergeTask
	nextTaskID int
	hooks      webhooks // subscriptions and queued events (webhooks.go)
}

// Request is what the fake recorded of one request it received.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	// APIVersion is the X-Affinity-Api-Version the request carried, "" for none.
	APIVersion string
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
	s := &Server{key: apiKey, orgs: map[int64]affinityapi.Organization{}, nextID: 1000, lists: map[int64]*fakeList{}, values: map[int64]fieldValue{}, globals: fields()}
	s.mux = s.routes()
	s.Server = fakeserver.NewServer(s.serve, "", fakeserver.NewChecker(specs.Affinity, "affinitytest", apiKey, fakeserver.Configure(opts)))
	return s
}

// Client returns a client of the started fake: its key, its URL, and a backoff of 1 to
// 10 ms so that queued faults are retried without slowing a test. opts are applied
// after these, so they can change any of them.
func (s *Server) Client(opts ...option.ClientOption) (*affinity.Client, error) {
	all, err := s.ClientOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("affinitytest: %w", err)
	}
	return affinity.NewClient(s.key, all...)
}

// Add stores organizations as they are, ids included; later organizations get ids
// above the largest. An empty string or a zero time is stored as the null it stands
// for. An organization that JSON cannot carry (a time outside the years 0 to 9999) is
// stored with its id and name alone.
func (s *Server) Add(orgs ...affinity.Organization) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range orgs {
		g, err := convert[affinityapi.Organization](o)
		if err != nil {
			g = affinityapi.Organization{ID: o.ID, Name: o.Name}
		}
		s.put(g)
		if o.ID >= s.nextID {
			s.nextID = o.ID + 1
		}
	}
}

// Generate stores n made-up organizations named "Org <i>" with domains org<i>.example.
func (s *Server) Generate(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < n; i++ {
		id := s.nextID
		s.nextID++
		domain := fmt.Sprintf("org%d.example", id)
		s.put(affinityapi.Organization{ID: id, Name: fmt.Sprintf("Org %d", id), Domain: &domain, Domains: []string{domain}})
	}
}

// Organization returns the stored organization with id.
func (s *Server) Organization(id int64) (affinity.Organization, bool) {
	o, ok := s.organization(id)
	if !ok {
		return affinity.Organization{}, false
	}
	r, err := convert[affinity.Organization](o)
	return r, err == nil
}

// organization is the stored organization with id, as the fake serves it.
func (s *Server) organization(id int64) (affinityapi.Organization, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orgs[id]
	return o, ok
}

// Len is the number of stored organizations.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.orgs)
}

// Hits is the number of requests received, faults included.
func (s *Server) Hits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}

// Requests returns what the fake received with the right key, in order: the last
// fakeserver.MaxRecorded (10,000) requests.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.seen...)
}

func (s *Server) put(o affinityapi.Organization) {
	if o.Domains == nil {
		o.Domains = []string{}
	}
	if _, exists := s.orgs[o.ID]; !exists {
		i := sort.Search(len(s.order), func(i int) bool { return s.order[i] >= o.ID })
		s.order = append(s.order, 0)
		copy(s.order[i+1:], s.order[i:])
		s.order[i] = o.ID
	}
	s.orgs[o.ID] = o
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits++
	s.mu.Unlock()
	setRateHeaders(w.Header())
	v2 := strings.HasPrefix(r.URL.Path, "/v2/")
	if !s.authorized(r, v2) {
		// Nothing of an unauthenticated request is kept: whoever reaches the fake
		// cannot grow its memory.
		if v2 {
			v2Error(w, http.StatusUnauthorized, "authentication", "Invalid API key; v2 takes it as a bearer token")
			return
		}
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Unauthorized"})
		return
	}
	if !s.rate.admit(w.Header()) {
		if v2 {
			v2Error(w, http.StatusTooManyRequests, "rate-limit", "Rate limit exceeded")
			return
		}
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"message": "Rate limit exceeded"})
		return
	}
	s.mu.Lock()
	s.seen = fakeserver.Remember(s.seen, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(),
		APIVersion: r.Header.Get(affinity.APIVersionHeader)})
	s.mu.Unlock()
	if v2 {
		version, ok := v2Version(r)
		if !ok {
			refuseVersion(w, r)
			return
		}
		w.Header().Set(affinity.APIVersionHeader, version)
	}
	fault, hasFault := s.faults.Pop()
	if hasFault && fault.Apply(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// routes are the fake's answers by the API's routes; a test holds them to the spec's
// operations, so that an operation the fake lacks fails it.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /organizations", s.search)
	mux.HandleFunc("POST /organizations", s.create)
	mux.HandleFunc("GET /organizations/fields", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		out := slices.Clone(s.globals)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("GET /organizations/{organization_id}", byID(func(w http.ResponseWriter, _ *http.Request, id int64) { s.get(w, id) }))
	mux.HandleFunc("PUT /organizations/{organization_id}", byID(s.update))
	mux.HandleFunc("DELETE /organizations/{organization_id}", byID(func(w http.ResponseWriter, _ *http.Request, id int64) { s.delete(w, id) }))
	s.listRoutes(mux)
	s.webhookRoutes(mux)
	s.v2Routes(mux)
	s.personRoutes(mux)
	s.duplicateRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { notFound(w, "Not found") })
	return mux
}

// byID reads the organization id of the route; one that is not a number is 404, as
// the real service answers.
func byID(f func(http.ResponseWriter, *http.Request, int64)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("organization_id"), 10, 64)
		if err != nil {
			notFound(w, "Not found")
			return
		}
		f(w, r, id)
	}
}

// authorized reports whether r carries the key: as HTTP Basic or a bearer token for v1,
// only as a bearer token for v2.
func (s *Server) authorized(r *http.Request, v2 bool) bool {
	if user, pass, ok := r.BasicAuth(); ok {
		return !v2 && user == "" && pass == s.key
	}
	return r.Header.Get("Authorization") == "Bearer "+s.key
}

// pageToken binds an offset to the query that produced it, as the real service does.
type pageToken struct {
	Query  string `json:"q"`
	Offset int    `json:"o"`
}

// v1Paging is where a v1 search's page starts and how long it is.
type v1Paging struct {
	query        string // the query without page_token, which a token is bound to
	offset, size int
}

// readV1Paging reads page_size (1 to 500, 500 when absent) and page_token, which must
// have been issued for the same query, and removes page_token from q. A bad one is
// answered 422 here, and ok is false.
func readV1Paging(w http.ResponseWriter, q url.Values) (p v1Paging, ok bool) {
	p.size = 500
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			unprocessable(w, "page_size", "page_size must be between 1 and 500")
			return p, false
		}
		p.size = n
	}
	token := q.Get("page_token")
	q.Del("page_token")
	p.query = q.Encode()
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		var pt pageToken
		if err != nil || json.Unmarshal(raw, &pt) != nil || pt.Query != p.query {
			unprocessable(w, "page_token", "Invalid page_token variable")
			return p, false
		}
		p.offset = pt.Offset
	}
	return p, true
}

// next is the token of the page after this one.
func (p v1Paging) next() *string {
	raw, _ := json.Marshal(pageToken{Query: p.query, Offset: p.offset + p.size})
	token := base64.RawURLEncoding.EncodeToString(raw)
	return &token
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pg, ok := readV1Paging(w, q)
	if !ok {
		return
	}
	offset, size := pg.offset, pg.size
	term := strings.ToLower(q.Get("term"))

	s.mu.Lock()
	var page []affinityapi.Organization
	matched := 0
	more := false
	for _, id := range s.order {
		o := s.orgs[id]
		if term != "" && !matches(o, term) {
			continue
		}
		if matched >= offset {
			if len(page) == size {
				more = true
				break
			}
			o.PersonIDs, o.ListEntries = nil, nil // search results carry neither
			page = append(page, o)
		}
		matched++
	}
	s.mu.Unlock()

	out := affinityapi.OrganizationPage{Organizations: page}
	if out.Organizations == nil {
		out.Organizations = []affinityapi.Organization{}
	}
	if more {
		out.NextPageToken = pg.next()
	}
	writeJSON(w, http.StatusOK, out)
}

func matches(o affinityapi.Organization, term string) bool {
	if strings.Contains(strings.ToLower(o.Name), term) {
		return true
	}
	for _, d := range o.Domains {
		if strings.Contains(strings.ToLower(d), term) {
			return true
		}
	}
	return false
}

func (s *Server) get(w http.ResponseWriter, id int64) {
	o, ok := s.organization(id)
	if !ok {
		notFound(w, fmt.Sprintf("Organization %d not found", id))
		return
	}
	if o.PersonIDs == nil {
		o.PersonIDs = []int64{}
	}
	if o.ListEntries == nil {
		o.ListEntries = []affinityapi.ListEntry{}
	}
	writeJSON(w, http.StatusOK, o)
}

// decodeBody reads a JSON or form body into the fields create and update share.
func decodeBody(r *http.Request) (name, domain *string, personIDs *[]int64, err error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if err := r.ParseForm(); err != nil {
			return nil, nil, nil, err
		}
		if r.PostForm.Has("name") {
			v := r.PostForm.Get("name")
			name = &v
		}
		if r.PostForm.Has("domain") {
			v := r.PostForm.Get("domain")
			domain = &v
		}
		if vs, ok := r.PostForm["person_ids[]"]; ok {
			ids := make([]int64, 0, len(vs))
			for _, v := range vs {
				id, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return nil, nil, nil, fmt.Errorf("person_ids: %q is not an id", v)
				}
				ids = append(ids, id)
			}
			personIDs = &ids
		}
		return name, domain, personIDs, nil
	}
	// Its own shape, not affinityapi.OrganizationUpdate: an empty person_ids (remove
	// everyone) must stay apart from an absent one.
	var body struct {
		Name      *string  `json:"name"`
		Domain    *string  `json:"domain"`
		PersonIDs *[]int64 `json:"person_ids"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return nil, nil, nil, err
	}
	return body.Name, body.Domain, body.PersonIDs, nil
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	name, domain, ids, err := decodeBody(r)
	if err != nil || name == nil || *name == "" {
		unprocessable(w, "name", "name is required")
		return
	}
	s.mu.Lock()
	o := affinityapi.Organization{ID: s.nextID, Name: *name, Domains: []string{}, PersonIDs: []int64{}}
	s.nextID++
	if domain != nil {
		o.Domain = domain
		o.Domains = []string{*domain}
	}
	if ids != nil {
		o.PersonIDs = *ids
	}
	s.put(o)
	s.emit(affinity.OrganizationCreated, o)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, o) // as Affinity's own Postman collection shows
}

func (s *Server) update(w http.ResponseWriter, r *http.Request, id int64) {
	name, domain, ids, err := decodeBody(r)
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": []string{err.Error()}})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orgs[id]
	switch {
	case !ok:
		notFound(w, fmt.Sprintf("Organization %d not found", id))
		return
	case o.Global && (name != nil || domain != nil):
		writeJSON(w, http.StatusForbidden, map[string]string{"message": "The name and domain of a global organization cannot be changed"})
		return
	}
	if name != nil {
		o.Name = *name
	}
	if domain != nil {
		o.Domain = domain
		o.Domains = []string{*domain}
	}
	if ids != nil {
		o.PersonIDs = *ids // a replacement, not a merge, as on the real service
	}
	s.put(o)
	s.emit(affinity.OrganizationUpdated, o)
	writeJSON(w, http.StatusOK, o)
}

func (s *Server) delete(w http.ResponseWriter, id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orgs[id]
	switch {
	case !ok:
		notFound(w, fmt.Sprintf("Organization %d not found", id))
		return
	case o.Global:
		writeJSON(w, http.StatusForbidden, map[string]string{"message": "A global organization cannot be deleted"})
		return
	}
	delete(s.orgs, id)
	s.emit(affinity.OrganizationDeleted, o)
	i := sort.Search(len(s.order), func(i int) bool { return s.order[i] >= id })
	s.order = append(s.order[:i], s.order[i+1:]...)
	writeJSON(w, http.StatusOK, affinityapi.Success{Success: true})
}

func fields() []affinityapi.Field {
	return []affinityapi.Field{
		{ID: 662, Name: "Potential Users", ValueType: 3, DropdownOptions: []affinityapi.DropdownOption{}},
		{ID: 700, Name: "Leads", ValueType: 0, AllowsMultiple: true, DropdownOptions: []affinityapi.DropdownOption{}},
		{ID: 2988, Name: "Last Funding Date", ValueType: 4, DropdownOptions: []affinityapi.DropdownOption{}},
	}
}

func setRateHeaders(h http.Header) {
	h.Set("X-Ratelimit-Limit-User", "900")
	h.Set("X-Ratelimit-Limit-User-Remaining", "899")
	h.Set("X-Ratelimit-Limit-User-Reset", "42")
	h.Set("X-Ratelimit-Limit-Org", "unlimited")
	h.Set("X-Ratelimit-Limit-Org-Remaining", "unlimited")
	h.Set("X-Ratelimit-Limit-Org-Reset", "86400")
}

// notFound answers 404 in one of the shapes Affinity uses for it.
func notFound(w http.ResponseWriter, message string) {
	writeJSON(w, http.StatusNotFound, map[string]any{"errors": []string{message}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
