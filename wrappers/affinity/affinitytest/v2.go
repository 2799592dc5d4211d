package affinitytest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/orgapis/orgapis/generated/affinityapi"
)

// The fake's v2: the same organizations, lists, entries and values as its v1, in v2's
// shapes. Companies are v1's organizations; a field's id is "field-" and its v1 id; a
// value of a field that allows several is a -multi value; pages are cursor pages of
// up to 100, whose cursor binds the query, as v1's page tokens do.

// v2Routes adds v2's routes.
func (s *Server) v2Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2/auth/whoami", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{
			"tenant": map[string]any{"id": 1, "name": "Fake", "subdomain": "fake"},
			"user":   map[string]any{"id": 38706, "firstName": "Jane", "lastName": "Doe", "emailAddress": "jane@fake.example"},
			"grant":  map[string]any{"type": "api-key", "scopes": []string{"api"}, "createdAt": "2026-01-01T00:00:00Z"}})
	})
	mux.HandleFunc("GET /v2/companies", s.v2Companies)
	mux.HandleFunc("GET /v2/companies/fields", func(w http.ResponseWriter, r *http.Request) {
		s.v2Paged(w, r, func() []any { return metadata(s.globals, "global") })
	})
	mux.HandleFunc("GET /v2/companies/{companyId}", s.v2Company)
	mux.HandleFunc("GET /v2/companies/{companyId}/lists", s.v2CompanyLists)
	mux.HandleFunc("GET /v2/companies/{companyId}/list-entries", s.v2CompanyEntries)
	mux.HandleFunc("GET /v2/lists", func(w http.ResponseWriter, r *http.Request) {
		s.v2Paged(w, r, func() []any {
			var out []any
			for _, id := range s.listOrder {
				out = append(out, v2List(s.lists[id].list, true))
			}
			return out
		})
	})
	mux.HandleFunc("GET /v2/lists/{listId}", s.v2WithList(func(w http.ResponseWriter, r *http.Request, l *fakeList) {
		writeJSON(w, http.StatusOK, v2List(l.list, true))
	}))
	mux.HandleFunc("GET /v2/lists/{listId}/fields", func(w http.ResponseWriter, r *http.Request) {
		s.v2ListPaged(w, r, func(l *fakeList) []any {
			return append(metadata(l.fields, "list"), metadata(s.globalFields(l), "global")...)
		})
	})
	mux.HandleFunc("GET /v2/lists/{listId}/saved-views", func(w http.ResponseWriter, r *http.Request) {
		s.v2ListPaged(w, r, func(l *fakeList) []any {
			out := []any{savedView(l, nil)}
			for i := range l.views {
				out = append(out, savedView(l, &l.views[i]))
			}
			return out
		})
	})
	mux.HandleFunc("GET /v2/lists/{listId}/saved-views/{viewId}", s.v2WithView(func(w http.ResponseWriter, r *http.Request, l *fakeList, v *fakeView) {
		writeJSON(w, http.StatusOK, savedView(l, v))
	}))
	mux.HandleFunc("GET /v2/lists/{listId}/saved-views/{viewId}/list-entries", s.v2WithView(func(w http.ResponseWriter, r *http.Request, l *fakeList, v *fakeView) {
		view := l
		if v != nil {
			view = &fakeList{list: l.list, fields: l.fields}
			for _, e := range l.entries {
				if v.entries[e.ID] {
					view.entries = append(view.entries, e)
				}
			}
		}
		s.v2PagedLocked(w, r, s.v2Entries(view, func() url.Values { return url.Values{"fieldTypes": {"list"}} }))
	}))
	mux.HandleFunc("GET /v2/lists/{listId}/list-entries", s.v2WithList(func(w http.ResponseWriter, r *http.Request, l *fakeList) {
		s.v2PagedLocked(w, r, s.v2Entries(l, r.URL.Query))
	}))
	// One entry carries the fields fieldIds and fieldTypes ask for, none without them;
	// an entry's fields read names its filters ids and types, and gives every field
	// without them, as the service does.
	mux.HandleFunc("GET /v2/lists/{listId}/list-entries/{listEntryId}", s.v2WithEntry(func(w http.ResponseWriter, r *http.Request, l *fakeList, e affinityapi.ListEntry) {
		q := r.URL.Query()
		writeJSON(w, http.StatusOK, s.v2Entry(l, e, q["fieldTypes"], q["fieldIds"]))
	}))
	mux.HandleFunc("GET /v2/lists/{listId}/list-entries/{listEntryId}/fields", s.v2WithEntry(func(w http.ResponseWriter, r *http.Request, l *fakeList, e affinityapi.ListEntry) {
		q := r.URL.Query()
		types := q["types"]
		if len(types) == 0 && len(q["ids"]) == 0 {
			types = []string{"enriched", "global", "list", "relationship-intelligence"}
		}
		s.v2PagedLocked(w, r, every(func() []any { return s.v2Fields(l, e, types, q["ids"]) }))
	}))
	mux.HandleFunc("PATCH /v2/lists/{listId}/list-entries/{listEntryId}/fields", s.v2WithEntry(s.v2UpdateFields))
	mux.HandleFunc("POST /v2/lists/{listId}/list-entries/{listEntryId}/fields/{fieldId}", s.v2WithEntry(s.v2UpdateField))
}

// v2Error answers in v2's error shape.
func v2Error(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{"errors": []map[string]string{{"code": code, "message": message}}})
}

// v2Cursor binds an offset to the query of the page that handed it out.
type v2Cursor struct {
	Query  string `json:"q"`
	Offset int    `json:"o"`
}

// v2Paged answers one page of what items gives (under s.mu), at the request's cursor.
func (s *Server) v2Paged(w http.ResponseWriter, r *http.Request, items func() []any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.v2PagedLocked(w, r, every(items))
}

// lazy is a listing of n records of which only a page's are made, by item.
type lazy struct {
	n    func() int
	item func(i int) any
}

// every is a lazy listing of records made all at once.
func every(items func() []any) lazy {
	var all []any
	made := false
	get := func() []any {
		if !made {
			all, made = items(), true
		}
		return all
	}
	return lazy{n: func() int { return len(get()) }, item: func(i int) any { return get()[i] }}
}

// v2PagedLocked is v2Paged for a caller that holds s.mu. A cursor carries the query it
// was handed out for, whose parameters then replace the request's, as v2's do.
func (s *Server) v2PagedLocked(w http.ResponseWriter, r *http.Request, items lazy) {
	q := r.URL.Query()
	offset := 0
	if c := q.Get("cursor"); c != "" {
		raw, err := base64.RawURLEncoding.DecodeString(c)
		var cur v2Cursor
		if err != nil || json.Unmarshal(raw, &cur) != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []map[string]string{{"code": "validation", "message": "invalid cursor", "param": "cursor"}}})
			return
		}
		if q, err = url.ParseQuery(cur.Query); err != nil {
			q = url.Values{}
		}
		offset = cur.Offset
		r.URL.RawQuery = q.Encode()
	}
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []map[string]string{{"code": "validation", "message": "limit: must be 1 to 100", "param": "limit"}}})
			return
		}
		limit = n
	}
	total := items.n()
	end := min(offset+limit, total)
	page := []any{}
	for i := min(offset, end); i < end; i++ {
		page = append(page, items.item(i))
	}
	var next *string
	if end < total {
		q.Del("cursor")
		raw, _ := json.Marshal(v2Cursor{Query: q.Encode(), Offset: end})
		u := "http://" + r.Host + r.URL.Path + "?cursor=" + base64.RawURLEncoding.EncodeToString(raw)
		next = &u
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": page, "pagination": map[string]any{"prevUrl": nil, "nextUrl": next}})
}

// v2WithList runs f with the list of the route, under s.mu.
func (s *Server) v2WithList(f func(http.ResponseWriter, *http.Request, *fakeList)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("listId"), 10, 64)
		s.mu.Lock()
		defer s.mu.Unlock()
		l, ok := s.lists[id]
		if err != nil || !ok {
			v2Error(w, http.StatusNotFound, "not-found", "List not found")
			return
		}
		f(w, r, l)
	}
}

// v2ListPaged answers a page of what items gives of the route's list.
func (s *Server) v2ListPaged(w http.ResponseWriter, r *http.Request, items func(*fakeList) []any) {
	s.v2WithList(func(w http.ResponseWriter, r *http.Request, l *fakeList) {
		s.v2PagedLocked(w, r, every(func() []any { return items(l) }))
	})(w, r)
}

// v2WithView runs f with the list of the route when the route's view is its one view.
func (s *Server) v2WithView(f func(http.ResponseWriter, *http.Request, *fakeList, *fakeView)) http.HandlerFunc {
	return s.v2WithList(func(w http.ResponseWriter, r *http.Request, l *fakeList) {
		id := r.PathValue("viewId")
		if id == strconv.FormatInt(l.list.ID*10+1, 10) {
			f(w, r, l, nil)
			return
		}
		for i := range l.views {
			if id == strconv.FormatInt(l.views[i].id, 10) {
				f(w, r, l, &l.views[i])
				return
			}
		}
		v2Error(w, http.StatusNotFound, "not-found", "Saved view not found")
	})
}

// v2WithEntry runs f with the list and the entry of the route.
func (s *Server) v2WithEntry(f func(http.ResponseWriter, *http.Request, *fakeList, affinityapi.ListEntry)) http.HandlerFunc {
	return s.v2WithList(func(w http.ResponseWriter, r *http.Request, l *fakeList) {
		id, _ := strconv.ParseInt(r.PathValue("listEntryId"), 10, 64)
		i := slices.IndexFunc(l.entries, func(e affinityapi.ListEntry) bool { return e.ID == id })
		if i < 0 {
			v2Error(w, http.StatusNotFound, "not-found", "List entry not found")
			return
		}
		f(w, r, l, l.entries[i])
	})
}

// savedView is the one saved view every list of the fake has.
// savedView is a view as v2 answers it: v, or the view of all entries every list has
// (v nil).
func savedView(l *fakeList, v *fakeView) map[string]any {
	if v != nil {
		return map[string]any{"id": v.id, "name": v.name, "type": "sheet", "createdAt": "2026-01-01T00:00:00Z"}
	}
	return map[string]any{"id": l.list.ID*10 + 1, "name": "All entries", "type": "sheet", "createdAt": "2026-01-01T00:00:00Z"}
}

// v2ListTypes are v2's list types by v1's.
var v2ListTypes = map[int]string{0: "person", 1: "company", 8: "opportunity"}

func v2List(l affinityapi.List, typed bool) map[string]any {
	out := map[string]any{"id": l.ID, "name": l.Name, "creatorId": l.OwnerID, "ownerId": l.OwnerID, "isPublic": l.Public}
	if typed {
		out["type"] = v2ListTypes[l.Type]
	}
	return out
}

// v2ValueTypes are v2's value types by v1's.
var v2ValueTypes = map[int]string{0: "person", 1: "company", 2: "dropdown", 3: "number", 4: "datetime", 5: "location", 6: "text", 7: "ranked-dropdown", 10: "filterable-text"}

// valueType is a field's v2 value type.
func valueType(f affinityapi.Field) string {
	t := v2ValueTypes[f.ValueType]
	if f.AllowsMultiple && t != "ranked-dropdown" && t != "datetime" && t != "text" {
		t += "-multi"
	}
	return t
}

func metadata(fs []affinityapi.Field, kind string) []any {
	out := make([]any, 0, len(fs))
	for _, f := range fs {
		out = append(out, map[string]any{"id": fmt.Sprintf("field-%d", f.ID), "name": f.Name, "type": kind, "enrichmentSource": nil, "valueType": valueType(f)})
	}
	return out
}

// globalFields are the global fields of a list's entities: the organizations' for an
// organization list, none otherwise.
func (s *Server) globalFields(l *fakeList) []affinityapi.Field {
	if l.list.Type != 1 {
		return nil
	}
	return s.globals
}

// v2Entries are a list's entries with their entities and the fields the query asks for
// (fieldTypes, fieldIds) with their values, made a page at a time; query is read when
// a page is made, after any cursor has restored the query it carries. It needs s.mu.
func (s *Server) v2Entries(l *fakeList, query func() url.Values) lazy {
	return lazy{n: func() int { return len(l.entries) }, item: func(i int) any {
		q := query()
		return s.v2Entry(l, l.entries[i], q["fieldTypes"], q["fieldIds"])
	}}
}

// v2Entry is one entry with its entity, as v2 answers it; it needs s.mu.
func (s *Server) v2Entry(l *fakeList, e affinityapi.ListEntry, types, ids []string) map[string]any {
	entity := map[string]any{}
	kind := "company"
	if e.Entity != nil {
		if e.EntityType != nil && *e.EntityType == 0 {
			kind = "person"
			p, _ := e.Entity.AsPerson()
			entity = map[string]any{"id": e.EntityID, "firstName": p.FirstName, "lastName": p.LastName, "primaryEmailAddress": p.PrimaryEmail,
				"emailAddresses": nonNil(p.Emails), "type": "external"}
		} else {
			o, _ := e.Entity.AsOrganization()
			entity = v2Company(o)
		}
	}
	entity["fields"] = s.v2Fields(l, e, types, ids)
	return map[string]any{"id": e.ID, "listId": e.ListID, "createdAt": e.CreatedAt, "creatorId": e.CreatorID, "type": kind, "entity": entity}
}

func v2Company(o affinityapi.Organization) map[string]any {
	return map[string]any{"id": o.ID, "name": o.Name, "domain": o.Domain, "domains": nonNil(o.Domains), "isGlobal": o.Global}
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// v2Fields are an entry's fields of types (or of ids), each with the values v1 holds
// for it: a list field's of this entry, a global field's of the entity; it needs s.mu.
func (s *Server) v2Fields(l *fakeList, e affinityapi.ListEntry, types, ids []string) []any {
	var out []any
	// The entity's values, by field, for the entry's list fields and its global ones.
	type key struct {
		field int64
		entry bool
	}
	mine := map[key][]json.RawMessage{}
	for _, vid := range s.valueOrder {
		v := s.values[vid]
		if v.EntityID != e.EntityID {
			continue
		}
		if v.ListEntryID == nil {
			mine[key{v.FieldID, false}] = append(mine[key{v.FieldID, false}], v.Value)
		} else if *v.ListEntryID == e.ID {
			mine[key{v.FieldID, true}] = append(mine[key{v.FieldID, true}], v.Value)
		}
	}
	add := func(fs []affinityapi.Field, kind string, entryID *int64) {
		for _, f := range fs {
			id := fmt.Sprintf("field-%d", f.ID)
			if !slices.Contains(types, kind) && !slices.Contains(ids, id) {
				continue
			}
			raws := mine[key{f.ID, entryID != nil}]
			out = append(out, map[string]any{"id": id, "name": f.Name, "type": kind, "enrichmentSource": nil, "value": s.v2Value(f, raws)})
		}
	}
	add(l.fields, "list", &e.ID)
	if e.EntityType != nil && *e.EntityType == 1 {
		add(s.globals, "global", nil)
	}
	if out == nil {
		out = []any{}
	}
	return out
}

// v2Value turns v1's values of a field into its v2 value; it needs s.mu.
func (s *Server) v2Value(f affinityapi.Field, raws []json.RawMessage) map[string]any {
	t := valueType(f)
	var data []any
	for _, raw := range raws {
		data = append(data, s.v2Data(f, raw))
	}
	switch {
	case strings.HasSuffix(t, "-multi") && data == nil:
		return map[string]any{"type": t, "data": nil}
	case strings.HasSuffix(t, "-multi"):
		return map[string]any{"type": t, "data": data}
	case data == nil:
		return map[string]any{"type": t, "data": nil}
	}
	return map[string]any{"type": t, "data": data[0]}
}

// v2Data is one v1 value in v2's shape for the field's type; it needs s.mu.
func (s *Server) v2Data(f affinityapi.Field, raw json.RawMessage) any {
	switch f.ValueType {
	case 0:
		var id int64
		_ = json.Unmarshal(raw, &id)
		return map[string]any{"id": id, "firstName": "User", "lastName": strconv.FormatInt(id, 10), "primaryEmailAddress": nil, "type": "internal"}
	case 1:
		var id int64
		_ = json.Unmarshal(raw, &id)
		o := s.orgs[id]
		return map[string]any{"id": id, "name": o.Name, "domain": o.Domain}
	case 2:
		var text string
		_ = json.Unmarshal(raw, &text)
		return map[string]any{"dropdownOptionId": optionID(f, text), "text": text}
	case 5:
		var l map[string]any
		_ = json.Unmarshal(raw, &l)
		return map[string]any{"streetAddress": l["street_address"], "city": l["city"], "state": l["state"], "country": l["country"], "continent": l["continent"]}
	case 7:
		var o affinityapi.DropdownOption
		_ = json.Unmarshal(raw, &o)
		rank := 0
		if o.Rank != nil {
			rank = *o.Rank
		}
		return map[string]any{"dropdownOptionId": o.ID, "text": o.Text, "rank": rank, "color": nil}
	}
	var v any
	_ = json.Unmarshal(raw, &v)
	return v
}

// optionID is the id of a dropdown option by its text: the field's own option's, or a
// stable made-up one for a field whose options the fake does not list.
func optionID(f affinityapi.Field, text string) int64 {
	for _, o := range f.DropdownOptions {
		if o.Text == text {
			return o.ID
		}
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(text))
	return int64(h.Sum32()%1000000) + 1
}

func (s *Server) v2Companies(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.v2Paged(w, r, func() []any {
		var out []any
		for _, id := range s.order {
			if ids := q["ids"]; len(ids) > 0 && !slices.Contains(ids, strconv.FormatInt(id, 10)) {
				continue
			}
			out = append(out, s.v2CompanyWithFields(s.orgs[id], q))
		}
		return out
	})
}

// v2CompanyWithFields is a company with the global fields asked for; it needs s.mu.
func (s *Server) v2CompanyWithFields(o affinityapi.Organization, q url.Values) map[string]any {
	c := v2Company(o)
	if len(q["fieldTypes"]) > 0 || len(q["fieldIds"]) > 0 {
		e := affinityapi.ListEntry{EntityID: o.ID, EntityType: new(int)}
		*e.EntityType = 1
		c["fields"] = s.v2Fields(&fakeList{}, e, q["fieldTypes"], q["fieldIds"])
	}
	return c
}

// v2WithCompany runs f with the company of the route, under s.mu.
func (s *Server) v2WithCompany(w http.ResponseWriter, r *http.Request, f func(affinityapi.Organization)) {
	id, err := strconv.ParseInt(r.PathValue("companyId"), 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orgs[id]
	if err != nil || !ok {
		v2Error(w, http.StatusNotFound, "not-found", "Company not found")
		return
	}
	f(o)
}

func (s *Server) v2Company(w http.ResponseWriter, r *http.Request) {
	s.v2WithCompany(w, r, func(o affinityapi.Organization) { writeJSON(w, http.StatusOK, s.v2CompanyWithFields(o, r.URL.Query())) })
}

func (s *Server) v2CompanyLists(w http.ResponseWriter, r *http.Request) {
	s.v2WithCompany(w, r, func(o affinityapi.Organization) {
		s.v2PagedLocked(w, r, every(func() []any {
			var out []any
			for _, id := range s.listOrder {
				l := s.lists[id]
				if slices.ContainsFunc(l.entries, func(e affinityapi.ListEntry) bool { return e.EntityID == o.ID && l.list.Type == 1 }) {
					out = append(out, v2List(l.list, false))
				}
			}
			return out
		}))
	})
}

func (s *Server) v2CompanyEntries(w http.ResponseWriter, r *http.Request) {
	s.v2WithCompany(w, r, func(o affinityapi.Organization) {
		s.v2PagedLocked(w, r, every(func() []any {
			var out []any
			for _, id := range s.listOrder {
				l := s.lists[id]
				for _, e := range l.entries {
					if e.EntityID == o.ID && l.list.Type == 1 {
						out = append(out, map[string]any{"id": e.ID, "listId": e.ListID, "createdAt": e.CreatedAt, "creatorId": e.CreatorID,
							"fields": s.v2Fields(l, e, []string{"list"}, nil)})
					}
				}
			}
			return out
		}))
	})
}
