package affinitytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/wrappers/affinity"
)

// The fake's persons and notes. A person's organizations are not stored with the
// person: they are the organizations whose person_ids name them, so that an
// organization's update (which replaces person_ids) and a person's (which replaces
// organization_ids) are one fact seen from two sides, in v1 and v2 alike. Persons get
// ids above 3,000,000, as GeneratePersonList's do, from the same counter.

// people is the fake's store of persons and notes; its maps are made on first use.
type people struct {
	persons     map[int64]affinityapi.Person
	personOrder []int64
	notes       map[int64]affinityapi.Note
	noteOrder   []int64
	nextNoteID  int64
}

// keyUser is the id of the key's user (whoami's), the default author of a note.
const keyUser = 38706

// personFields are the fake's global person fields.
func personFields() []affinityapi.Field {
	return []affinityapi.Field{
		{ID: 125, Name: "Use Case", ValueType: 2, AllowsMultiple: true, DropdownOptions: []affinityapi.DropdownOption{}},
		{ID: 1615, Name: "Address", ValueType: 5, DropdownOptions: []affinityapi.DropdownOption{}},
	}
}

// AddPersons stores persons as they are, ids included (a zero id gets the next free
// one), and associates each with the organizations of its OrganizationIDs that the
// fake has (adding the person to their person_ids). It returns the ids.
func (s *Server) AddPersons(persons ...affinity.Person) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int64, 0, len(persons))
	for _, p := range persons {
		g, err := convert[affinityapi.Person](p)
		if err != nil {
			g = affinityapi.Person{FirstName: &p.FirstName, LastName: &p.LastName}
		}
		id := p.ID
		if id <= 0 {
			s.nextPersonID++
			id = 3000000 + s.nextPersonID
		} else if id > 3000000+s.nextPersonID {
			s.nextPersonID = id - 3000000
		}
		g.ID = &id
		s.putPerson(g)
		s.associate(id, p.OrganizationIDs)
		ids = append(ids, id)
	}
	return ids
}

// Person returns the stored person with id, with the organizations that name them.
func (s *Server) Person(id int64) (affinity.Person, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.people.persons[id]
	if !ok {
		return affinity.Person{}, false
	}
	p.OrganizationIDs = s.organizationsOf(id)
	r, err := convert[affinity.Person](p)
	return r, err == nil
}

// putPerson stores p (its id set); it needs s.mu. Organizations are not stored on it.
func (s *Server) putPerson(p affinityapi.Person) {
	if s.people.persons == nil {
		s.people.persons = map[int64]affinityapi.Person{}
	}
	if p.Emails == nil {
		p.Emails = []string{}
	}
	if p.PrimaryEmail == nil && len(p.Emails) > 0 {
		p.PrimaryEmail = &p.Emails[0]
	}
	if p.Type == nil {
		p.Type = new(int)
	}
	p.OrganizationIDs, p.CurrentOrganizationIDs, p.OpportunityIDs, p.ListEntries = nil, nil, nil, nil
	if _, ok := s.people.persons[*p.ID]; !ok {
		s.people.personOrder = append(s.people.personOrder, *p.ID)
		slices.Sort(s.people.personOrder)
	}
	s.people.persons[*p.ID] = p
}

// associate makes the organizations of orgIDs (those the fake has) name the person, and
// the others not; it needs s.mu.
func (s *Server) associate(personID int64, orgIDs []int64) {
	for _, id := range s.order {
		o := s.orgs[id]
		has := slices.Contains(o.PersonIDs, personID)
		want := slices.Contains(orgIDs, id)
		switch {
		case want && !has:
			o.PersonIDs = append(slices.Clone(o.PersonIDs), personID)
		case has && !want:
			o.PersonIDs = slices.DeleteFunc(slices.Clone(o.PersonIDs), func(p int64) bool { return p == personID })
		default:
			continue
		}
		s.orgs[id] = o
	}
}

// organizationsOf is the ids of the organizations whose person_ids name the person; it
// needs s.mu.
func (s *Server) organizationsOf(personID int64) []int64 {
	out := []int64{}
	for _, id := range s.order {
		if slices.Contains(s.orgs[id].PersonIDs, personID) {
			out = append(out, id)
		}
	}
	return out
}

// personRoutes adds the routes of persons and notes, v1 and v2.
func (s *Server) personRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /persons", s.searchPersons)
	mux.HandleFunc("POST /persons", s.createPerson)
	mux.HandleFunc("GET /persons/fields", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, personFields()) })
	mux.HandleFunc("GET /persons/{person_id}", s.withPerson(s.getPerson))
	mux.HandleFunc("PUT /persons/{person_id}", s.withPerson(s.updatePerson))
	mux.HandleFunc("DELETE /persons/{person_id}", s.withPerson(s.deletePerson))
	mux.HandleFunc("GET /v2/persons", s.v2Persons)
	mux.HandleFunc("GET /v2/persons/{personId}", s.v2WithPerson(func(w http.ResponseWriter, r *http.Request, p affinityapi.Person) {
		writeJSON(w, http.StatusOK, v2Person(p, r.URL.Query()))
	}))
	mux.HandleFunc("GET /v2/persons/{personId}/list-entries", s.v2WithPerson(s.v2PersonEntries))
	s.noteRoutes(mux)
}

// withPerson runs f with the person of the route, under s.mu; an unknown one is 404.
func (s *Server) withPerson(f func(http.ResponseWriter, *http.Request, affinityapi.Person)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("person_id"), 10, 64)
		s.mu.Lock()
		defer s.mu.Unlock()
		p, ok := s.people.persons[id]
		if err != nil || !ok {
			notFound(w, fmt.Sprintf("Person %s not found", r.PathValue("person_id")))
			return
		}
		f(w, r, p)
	}
}

// whole is a person as "get a specific person" answers: with their organizations and
// list entries, and what the query asks for; it needs s.mu.
func (s *Server) whole(p affinityapi.Person, q map[string][]string) map[string]any {
	orgs := s.organizationsOf(*p.ID)
	out := withAsked(p, orgs, q)
	out["organization_ids"], out["list_entries"] = orgs, s.personEntries(*p.ID)
	return out
}

// withAsked is the person's JSON with the parts the query asks for, present even when
// empty (the generated type would leave an empty array out): the fake has no
// opportunities, and every organization of the person counts as current.
func withAsked(p affinityapi.Person, orgs []int64, q map[string][]string) map[string]any {
	out := map[string]any{}
	raw, _ := json.Marshal(p)
	_ = json.Unmarshal(raw, &out)
	if slices.Contains(q["with_opportunities"], "true") {
		out["opportunity_ids"] = []int64{}
	}
	if slices.Contains(q["with_current_organizations"], "true") {
		out["current_organization_ids"] = append([]int64{}, orgs...)
	}
	return out
}

// withOrganizations is the person's JSON with organization_ids, as a create or an
// update answers; it needs s.mu.
func (s *Server) withOrganizations(p affinityapi.Person) map[string]any {
	out := withAsked(p, nil, nil)
	out["organization_ids"] = s.organizationsOf(*p.ID)
	return out
}

// personEntries is the person's entries on person lists; it needs s.mu.
func (s *Server) personEntries(personID int64) []affinityapi.ListEntry {
	out := []affinityapi.ListEntry{}
	for _, id := range s.listOrder {
		l := s.lists[id]
		if l.list.Type != 0 {
			continue
		}
		for _, e := range l.entries {
			if e.EntityID == personID {
				e.Entity = nil
				out = append(out, e)
			}
		}
	}
	return out
}

func (s *Server) getPerson(w http.ResponseWriter, r *http.Request, p affinityapi.Person) {
	writeJSON(w, http.StatusOK, s.whole(p, r.URL.Query()))
}

func (s *Server) searchPersons(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pg, ok := readV1Paging(w, q)
	if !ok {
		return
	}
	offset, size := pg.offset, pg.size
	term := strings.ToLower(q.Get("term"))
	// The fake records no interactions: with_interaction_dates leaves out every person,
	// as the service leaves out those without any.
	none := q.Get("with_interaction_dates") == "true"

	s.mu.Lock()
	page := []any{}
	matched, more := 0, false
	for _, id := range s.people.personOrder {
		p := s.people.persons[id]
		if none || !personMatches(p, term) {
			continue
		}
		if matched >= offset {
			if len(page) == size {
				more = true
				break
			}
			var orgs []int64
			if q.Get("with_current_organizations") == "true" {
				orgs = s.organizationsOf(id)
			}
			page = append(page, withAsked(p, orgs, q)) // without organization_ids, as search results are

		}
		matched++
	}
	s.mu.Unlock()
	var next *string
	if more {
		next = pg.next()
	}
	writeJSON(w, http.StatusOK, map[string]any{"persons": page, "next_page_token": next})
}

// personMatches: term is part of a name or an address, case folded.
func personMatches(p affinityapi.Person, term string) bool {
	if term == "" {
		return true
	}
	for _, s := range append([]string{deref(p.FirstName), deref(p.LastName)}, p.Emails...) {
		if strings.Contains(strings.ToLower(s), term) {
			return true
		}
	}
	return false
}

// deref reads an optional string of a request body, absent as "".
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// personBody is the members of a create or an update; an absent member stays nil, apart
// from an empty one (which removes every address or organization).
type personBody struct {
	FirstName       *string   `json:"first_name"`
	LastName        *string   `json:"last_name"`
	Emails          *[]string `json:"emails"`
	OrganizationIDs *[]int64  `json:"organization_ids"`
}

// checkPerson refuses what the service refuses: an address of another person, an
// organization it does not have. It needs s.mu and returns the parameter and message.
func (s *Server) checkPerson(self int64, b personBody) (string, string) {
	if b.Emails != nil {
		for _, e := range *b.Emails {
			for _, id := range s.people.personOrder {
				if id != self && slices.ContainsFunc(s.people.persons[id].Emails, func(x string) bool { return strings.EqualFold(x, e) }) {
					return "emails", fmt.Sprintf("An existing person already has the email %s", e)
				}
			}
		}
	}
	if b.OrganizationIDs != nil {
		for _, id := range *b.OrganizationIDs {
			if _, ok := s.orgs[id]; !ok {
				return "organization_ids", fmt.Sprintf("Organization %d not found", id)
			}
		}
	}
	return "", ""
}

func (s *Server) createPerson(w http.ResponseWriter, r *http.Request) {
	var b personBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil || b.FirstName == nil || *b.FirstName == "" || b.LastName == nil || b.Emails == nil {
		unprocessable(w, "first_name", "first_name, last_name and emails are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if param, msg := s.checkPerson(0, b); param != "" {
		unprocessable(w, param, msg)
		return
	}
	s.nextPersonID++
	id := 3000000 + s.nextPersonID
	s.putPerson(affinityapi.Person{ID: &id, FirstName: b.FirstName, LastName: b.LastName, Emails: *b.Emails, Type: new(int)})
	if b.OrganizationIDs != nil {
		s.associate(id, *b.OrganizationIDs)
	}
	created := s.withOrganizations(s.people.persons[id])
	s.emit(affinity.PersonCreated, created)
	writeJSON(w, http.StatusCreated, created) // as the organization create answers
}

func (s *Server) updatePerson(w http.ResponseWriter, r *http.Request, p affinityapi.Person) {
	var b personBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil || (b.FirstName != nil && *b.FirstName == "") {
		unprocessable(w, "first_name", "a JSON object is required, and first_name cannot be empty")
		return
	}
	if param, msg := s.checkPerson(*p.ID, b); param != "" {
		unprocessable(w, param, msg)
		return
	}
	if b.FirstName != nil {
		p.FirstName = b.FirstName
	}
	if b.LastName != nil {
		p.LastName = b.LastName
	}
	if b.Emails != nil {
		p.Emails = *b.Emails // a replacement, as organization_ids
		p.PrimaryEmail = nil
	}
	s.putPerson(p)
	if b.OrganizationIDs != nil {
		s.associate(*p.ID, *b.OrganizationIDs)
	}
	updated := s.withOrganizations(s.people.persons[*p.ID])
	s.emit(affinity.PersonUpdated, updated)
	writeJSON(w, http.StatusOK, updated)
}

// deletePerson deletes the person and takes them off every organization and note.
func (s *Server) deletePerson(w http.ResponseWriter, _ *http.Request, p affinityapi.Person) {
	id := *p.ID
	s.emit(affinity.PersonDeleted, s.withOrganizations(p))
	s.associate(id, nil)
	delete(s.people.persons, id)
	s.people.personOrder = slices.DeleteFunc(s.people.personOrder, func(x int64) bool { return x == id })
	for nid, n := range s.people.notes {
		drop := func(x int64) bool { return x == id }
		n.PersonIDs = slices.DeleteFunc(n.PersonIDs, drop)
		n.AssociatedPersonIDs = slices.DeleteFunc(n.AssociatedPersonIDs, drop)
		s.people.notes[nid] = n
	}
	writeJSON(w, http.StatusOK, affinityapi.Success{Success: true})
}

// v2Person is a person in v2's shape; fieldIds or fieldTypes give an empty fields
// (the fake keeps no values of persons' global fields).
func v2Person(p affinityapi.Person, q map[string][]string) map[string]any {
	kind := "external"
	if p.Type != nil && *p.Type == 1 {
		kind = "internal"
	}
	out := map[string]any{"id": *p.ID, "firstName": deref(p.FirstName), "lastName": p.LastName, "primaryEmailAddress": p.PrimaryEmail,
		"emailAddresses": nonNil(p.Emails), "type": kind}
	if len(q["fieldIds"]) > 0 || len(q["fieldTypes"]) > 0 {
		out["fields"] = []any{}
	}
	return out
}

func (s *Server) v2Persons(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.v2Paged(w, r, func() []any {
		var out []any
		for _, id := range s.people.personOrder {
			if ids := q["ids"]; len(ids) > 0 && !slices.Contains(ids, strconv.FormatInt(id, 10)) {
				continue
			}
			out = append(out, v2Person(s.people.persons[id], q))
		}
		return out
	})
}

// v2WithPerson runs f with the person of the route, under s.mu.
func (s *Server) v2WithPerson(f func(http.ResponseWriter, *http.Request, affinityapi.Person)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("personId"), 10, 64)
		s.mu.Lock()
		defer s.mu.Unlock()
		p, ok := s.people.persons[id]
		if err != nil || !ok {
			v2Error(w, http.StatusNotFound, "not-found", "Person not found")
			return
		}
		f(w, r, p)
	}
}

func (s *Server) v2PersonEntries(w http.ResponseWriter, r *http.Request, p affinityapi.Person) {
	s.v2PagedLocked(w, r, every(func() []any {
		var out []any
		for _, id := range s.listOrder {
			l := s.lists[id]
			for _, e := range l.entries {
				if e.EntityID == *p.ID && l.list.Type == 0 {
					out = append(out, map[string]any{"id": e.ID, "listId": e.ListID, "createdAt": e.CreatedAt, "creatorId": e.CreatorID,
						"fields": s.v2Fields(l, e, []string{"list"}, nil)})
				}
			}
		}
		return out
	}))
}

// GeneratePersons stores n made-up persons, "Person <id>" at person<id>@ and the domain
// of their organization: the i-th is associated with the i-th stored organization (round
// robin; with none, with none) and has one plain-text note, on them and that
// organization.
func (s *Server) GeneratePersons(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range n {
		s.nextPersonID++
		id := 3000000 + s.nextPersonID
		first, last := "Person", strconv.FormatInt(id, 10)
		domain, orgs := "example.com", []int64(nil)
		if len(s.order) > 0 {
			o := s.orgs[s.order[i%len(s.order)]]
			orgs = []int64{o.ID}
			if o.Domain != nil && *o.Domain != "" {
				domain = *o.Domain
			}
		}
		email := fmt.Sprintf("person%d@%s", id, domain)
		s.putPerson(affinityapi.Person{ID: &id, FirstName: &first, LastName: &last, Emails: []string{email}})
		s.associate(id, orgs)
		s.putNote(affinityapi.Note{ID: s.newNoteID(), CreatorID: keyUser, Content: fmt.Sprintf("Met %s %s.", first, last), PersonIDs: []int64{id},
			AssociatedPersonIDs: []int64{id}, OrganizationIDs: orgs, CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)})
	}
}
