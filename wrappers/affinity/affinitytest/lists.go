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

// Lists in the fake: an organization list holds entries for organizations the fake
// stores, its fields are columns of known value types, and every field value belongs
// to an entry and a field of that list, so that the data is as consistent as the real
// service's. GenerateList makes one; the endpoints read and change it.

// fakeList is one list with its fields and entries, in order.
type fakeList struct {
	list    affinityapi.List
	fields  []affinityapi.Field
	entries []affinityapi.ListEntry
	// views are the saved views AddSavedView made, beside the one every list has.
	views []fakeView
}

// fakeView is a saved view that keeps some of a list's entries.
type fakeView struct {
	id      int64
	name    string
	entries map[int64]bool
}

// fieldValue is a stored field value; its value is kept as the JSON Affinity sends.
type fieldValue struct {
	ID          int64           `json:"id"`
	FieldID     int64           `json:"field_id"`
	EntityID    int64           `json:"entity_id"`
	ListEntryID *int64          `json:"list_entry_id"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   *time.Time      `json:"updated_at"`
	Value       json.RawMessage `json:"value"`
}

// fieldValueChange is a stored change of a field value.
type fieldValueChange struct {
	ID          int64           `json:"id"`
	FieldID     int64           `json:"field_id"`
	EntityID    int64           `json:"entity_id"`
	ListEntryID *int64          `json:"list_entry_id"`
	ActionType  int             `json:"action_type"`
	ChangedAt   time.Time       `json:"changed_at"`
	Value       json.RawMessage `json:"value"`
}

// listFieldKinds are the columns GenerateList gives a list, in order: name, value type
// and the value of entry i.
var listFieldKinds = []struct {
	name      string
	valueType int
	value     func(i int, options []affinityapi.DropdownOption) any
}{
	{"Status", 7, func(i int, o []affinityapi.DropdownOption) any { return o[i%len(o)] }},
	{"Owner", 0, func(i int, _ []affinityapi.DropdownOption) any { return 38706 + i%3 }},
	{"Amount", 3, func(i int, _ []affinityapi.DropdownOption) any { return 1000 * (i + 1) }},
	{"Close Date", 4, func(i int, _ []affinityapi.DropdownOption) any {
		return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format(time.RFC3339)
	}},
	{"Notes", 6, func(i int, _ []affinityapi.DropdownOption) any { return fmt.Sprintf("Note %d", i) }},
	{"Headquarters", 5, func(i int, _ []affinityapi.DropdownOption) any {
		return map[string]any{"city": "San Francisco", "state": "California", "country": "United States", "street_address": nil, "continent": nil}
	}},
	{"Sector", 2, func(i int, _ []affinityapi.DropdownOption) any { return []string{"Software", "Fintech", "Health"}[i%3] }},
}

// GenerateList makes an organization list named name with entries made-up
// organizations (stored too) and fields columns (up to 7: Status, Owner, Amount, Close
// Date, Notes, Headquarters, Sector), each entry with one value per column. It returns
// the list's id.
func (s *Server) GenerateList(name string, entries, fields int) int64 {
	return s.generateList(name, 1, entries, fields, func() (int64, int, affinityapi.ListEntry_Entity) {
		orgID := s.nextID
		s.nextID++
		domain := fmt.Sprintf("org%d.example", orgID)
		org := affinityapi.Organization{ID: orgID, Name: fmt.Sprintf("Org %d", orgID), Domain: &domain, Domains: []string{domain}}
		s.put(org)
		var entity affinityapi.ListEntry_Entity
		_ = entity.FromOrganization(org)
		return orgID, 1, entity
	})
}

// AddList makes an organization list named name whose entries are the stored
// organizations of orgIDs, in that order, without fields (AddField adds them), and
// returns its id. An id the fake does not hold is an error, and no list is made.
func (s *Server) AddList(name string, orgIDs ...int64) (int64, error) {
	s.mu.Lock()
	orgs := make([]affinityapi.Organization, len(orgIDs))
	for i, id := range orgIDs {
		o, ok := s.orgs[id]
		if !ok {
			s.mu.Unlock()
			return 0, fmt.Errorf("affinitytest: no organization %d", id)
		}
		orgs[i] = o
	}
	s.mu.Unlock()
	i := 0
	return s.generateList(name, 1, len(orgs), 0, func() (int64, int, affinityapi.ListEntry_Entity) {
		o := orgs[i]
		i++
		var entity affinityapi.ListEntry_Entity
		_ = entity.FromOrganization(o)
		return o.ID, 1, entity
	}), nil
}

// AddSavedView adds to the list listID a saved view named name that keeps the entries
// of entryIDs (in the list's order, as a view's filter would), and returns its id. Every
// list also has a view of all its entries (id: the list's times ten plus one).
func (s *Server) AddSavedView(listID int64, name string, entryIDs ...int64) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.lists[listID]
	if !ok {
		return 0, fmt.Errorf("affinitytest: no list %d", listID)
	}
	keep := map[int64]bool{}
	for _, id := range entryIDs {
		keep[id] = true
	}
	v := fakeView{id: listID*10 + 2 + int64(len(l.views)), name: name, entries: keep}
	l.views = append(l.views, v)
	return v.id, nil
}

// GeneratePersonList makes a person list named name with entries made-up people and
// fields columns (up to 7, as GenerateList's), each entry with one value per column,
// and returns the list's id. People's ids start at 3,000,000, apart from
// organizations', so that a value keyed by a person's id is never an organization's.
func (s *Server) GeneratePersonList(name string, entries, fields int) int64 {
	return s.generateList(name, 0, entries, fields, func() (int64, int, affinityapi.ListEntry_Entity) {
		s.nextPersonID++
		pid := 3000000 + s.nextPersonID
		first, last, email := "Person", fmt.Sprint(pid), fmt.Sprintf("person%d@example.com", pid)
		var entity affinityapi.ListEntry_Entity
		_ = entity.FromPerson(affinityapi.Person{ID: &pid, FirstName: &first, LastName: &last, PrimaryEmail: &email, Emails: []string{email}})
		return pid, 0, entity
	})
}

// generateList makes a list of listType with entries whose entities entity makes
// (their id, entity type and JSON), fields columns and one value per entry and column.
func (s *Server) generateList(name string, listType, entries, fields int, entity func() (int64, int, affinityapi.ListEntry_Entity)) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextListID++
	id := 500 + s.nextListID
	size := entries
	l := &fakeList{list: affinityapi.List{ID: id, Type: listType, Name: name, Public: true, OwnerID: 38706, ListSize: &size}}
	options := s.addColumns(l, id, fields)
	for i := range entries {
		entityID, entityType, ent := entity()
		entry := s.addEntry(l, entityID, entityType, ent, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Minute))
		for j, f := range l.fields {
			raw, _ := json.Marshal(listFieldKinds[j].value(i, options))
			s.setValue(f.ID, entityID, &entry.ID, raw)
		}
	}
	s.lists[id] = l
	s.listOrder = append(s.listOrder, id)
	return id
}

// addColumns gives l its first n columns of listFieldKinds and returns the Status
// options; it needs s.mu.
func (s *Server) addColumns(l *fakeList, id int64, n int) []affinityapi.DropdownOption {
	options := []affinityapi.DropdownOption{}
	for i, status := range []string{"New", "In Progress", "Won"} {
		rank, color := i, 3
		options = append(options, affinityapi.DropdownOption{ID: id*100 + int64(i), Text: status, Rank: &rank, Color: &color})
	}
	for i := range min(n, len(listFieldKinds)) {
		k := listFieldKinds[i]
		f := affinityapi.Field{ID: id*10 + int64(i), Name: k.name, ValueType: k.valueType, DropdownOptions: []affinityapi.DropdownOption{}, ListID: &id}
		switch k.valueType {
		case 7:
			f.DropdownOptions = options
		case 2: // a dropdown lists its options too, as Affinity's do: v2 writes them by id
			for j, text := range []string{"Software", "Fintech", "Health"} {
				f.DropdownOptions = append(f.DropdownOptions, affinityapi.DropdownOption{ID: f.ID*100 + int64(j), Text: text})
			}
		}
		l.fields = append(l.fields, f)
	}
	return options
}

func (s *Server) newEntry(l *fakeList, org affinityapi.Organization, at time.Time) affinityapi.ListEntry {
	var entity affinityapi.ListEntry_Entity
	_ = entity.FromOrganization(org)
	return s.addEntry(l, org.ID, 1, entity, at)
}

// addEntry appends an entry for an entity to l; it needs s.mu.
func (s *Server) addEntry(l *fakeList, entityID int64, entityType int, entity affinityapi.ListEntry_Entity, at time.Time) affinityapi.ListEntry {
	s.nextEntryID++
	creator := int64(38706)
	e := affinityapi.ListEntry{ID: 90000 + s.nextEntryID, ListID: l.list.ID, CreatorID: &creator, EntityID: entityID, EntityType: &entityType, CreatedAt: at, Entity: &entity}
	l.entries = append(l.entries, e)
	return e
}

// setValue stores a new field value and its change; it needs s.mu.
func (s *Server) setValue(fieldID, entityID int64, entryID *int64, raw json.RawMessage) fieldValue {
	s.nextValueID++
	v := fieldValue{ID: 7000000 + s.nextValueID, FieldID: fieldID, EntityID: entityID, ListEntryID: entryID,
		CreatedAt: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Value: raw}
	s.values[v.ID] = v
	s.valueOrder = append(s.valueOrder, v.ID)
	s.change(v, 0)
	return v
}

func (s *Server) change(v fieldValue, action int) {
	s.nextChangeID++
	s.changes = append(s.changes, fieldValueChange{ID: 8000000 + s.nextChangeID, FieldID: v.FieldID, EntityID: v.EntityID,
		ListEntryID: v.ListEntryID, ActionType: action, ChangedAt: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Value: v.Value})
	s.emitValue(v, action)
}

// serveLists answers the list, field and account endpoints; ok is false for other paths.
// listRoutes adds the routes of lists, list entries, fields, field values and the
// account.
func (s *Server) listRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /lists", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		out := []affinityapi.List{}
		for _, id := range s.listOrder {
			out = append(out, s.lists[id].list)
		}
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("GET /lists/{list_id}", func(w http.ResponseWriter, r *http.Request) {
		s.withList(w, r.PathValue("list_id"), func(l *fakeList) {
			out := l.list
			out.Fields = l.fields
			writeJSON(w, http.StatusOK, out)
		})
	})
	mux.HandleFunc("GET /lists/{list_id}/list-entries", func(w http.ResponseWriter, r *http.Request) {
		s.withList(w, r.PathValue("list_id"), func(l *fakeList) { s.listEntries(w, r, l) })
	})
	mux.HandleFunc("POST /lists/{list_id}/list-entries", func(w http.ResponseWriter, r *http.Request) {
		s.withList(w, r.PathValue("list_id"), func(l *fakeList) { s.createEntry(w, r, l) })
	})
	entry := func(w http.ResponseWriter, r *http.Request) {
		s.withList(w, r.PathValue("list_id"), func(l *fakeList) { s.entry(w, r, l, r.PathValue("list_entry_id")) })
	}
	mux.HandleFunc("GET /lists/{list_id}/list-entries/{list_entry_id}", entry)
	mux.HandleFunc("DELETE /lists/{list_id}/list-entries/{list_entry_id}", entry)
	mux.HandleFunc("GET /fields", s.listFields)
	mux.HandleFunc("GET /field-values", s.listValues)
	mux.HandleFunc("POST /field-values", s.createValue)
	value := func(w http.ResponseWriter, r *http.Request) { s.valueByID(w, r, r.PathValue("field_value_id")) }
	mux.HandleFunc("PUT /field-values/{field_value_id}", value)
	mux.HandleFunc("DELETE /field-values/{field_value_id}", value)
	mux.HandleFunc("GET /field-value-changes", s.listChanges)
	mux.HandleFunc("GET /rate-limit", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"rate": map[string]any{
			"org_monthly":        map[string]any{"limit": "unlimited", "remaining": "unlimited", "reset": 2124845, "used": 7},
			"api_key_per_minute": map[string]any{"limit": 900, "remaining": 899, "reset": 42, "used": 1}}})
	})
	mux.HandleFunc("GET /auth/whoami", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{
			"tenant": map[string]any{"id": 1, "name": "Fake", "subdomain": "fake"},
			"user":   map[string]any{"id": 38706, "firstName": "Jane", "lastName": "Doe", "email": "jane@fake.example"},
			"grant":  map[string]any{"type": "api_key", "scope": "external_api", "createdAt": "2026-01-01T00:00:00.000-05:00"}})
	})
}

// withList runs f with the list named by the path segment id, under s.mu.
func (s *Server) withList(w http.ResponseWriter, id string, f func(*fakeList)) {
	listID, err := strconv.ParseInt(id, 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.lists[listID]
	if err != nil || !ok {
		notFound(w, "List not found")
		return
	}
	f(l)
}

// listEntries answers a bare array without page_size, as the real service does, and
// pages with tokens bound to the list otherwise.
func (s *Server) listEntries(w http.ResponseWriter, r *http.Request, l *fakeList) {
	q := r.URL.Query()
	if !q.Has("page_size") {
		writeJSON(w, http.StatusOK, append([]affinityapi.ListEntry{}, l.entries...)) // [] for an empty list, never null
		return
	}
	size, err := strconv.Atoi(q.Get("page_size"))
	if err != nil || size < 1 {
		unprocessable(w, "page_size", "Invalid page_size")
		return
	}
	offset := 0
	if t := q.Get("page_token"); t != "" {
		if offset, err = strconv.Atoi(strings.TrimPrefix(t, fmt.Sprintf("l%d-", l.list.ID))); err != nil || !strings.HasPrefix(t, fmt.Sprintf("l%d-", l.list.ID)) {
			unprocessable(w, "page_token", "Invalid page_token variable")
			return
		}
	}
	end := min(offset+size, len(l.entries))
	page := affinityapi.ListEntryPage{ListEntries: append([]affinityapi.ListEntry{}, l.entries[min(offset, end):end]...)}
	if end < len(l.entries) {
		token := fmt.Sprintf("l%d-%d", l.list.ID, end)
		page.NextPageToken = &token
	}
	writeJSON(w, http.StatusOK, page)
}

func (s *Server) createEntry(w http.ResponseWriter, r *http.Request, l *fakeList) {
	var req affinityapi.ListEntryCreate
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": err.Error()})
		return
	}
	org, ok := s.orgs[req.EntityID]
	if !ok {
		unprocessable(w, "entity_id", "entity does not exist")
		return
	}
	e := s.newEntry(l, org, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	size := len(l.entries)
	l.list.ListSize = &size
	s.emit(affinity.ListEntryCreated, e)
	writeJSON(w, http.StatusCreated, e)
}

func (s *Server) entry(w http.ResponseWriter, r *http.Request, l *fakeList, id string) {
	entryID, _ := strconv.ParseInt(id, 10, 64)
	i := slices.IndexFunc(l.entries, func(e affinityapi.ListEntry) bool { return e.ID == entryID })
	if i < 0 {
		notFound(w, "List entry not found")
		return
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, http.StatusOK, l.entries[i])
	case http.MethodDelete:
		s.emit(affinity.ListEntryDeleted, l.entries[i])
		l.entries = slices.Delete(l.entries, i, i+1)
		for _, vid := range slices.Clone(s.valueOrder) { // its values go with it
			if v := s.values[vid]; v.ListEntryID != nil && *v.ListEntryID == entryID {
				s.dropValue(vid)
			}
		}
		size := len(l.entries)
		l.list.ListSize = &size
		writeJSON(w, http.StatusOK, affinityapi.Success{Success: true})
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func (s *Server) listFields(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []affinityapi.Field{}
	for _, f := range s.globals { // the global organization fields
		f.ListID = nil
		out = append(out, f)
	}
	for _, id := range s.listOrder {
		out = append(out, s.lists[id].fields...)
	}
	out = slices.DeleteFunc(out, func(f affinityapi.Field) bool {
		if v := q.Get("list_id"); v != "" && (f.ListID == nil || strconv.FormatInt(*f.ListID, 10) != v) {
			return true
		}
		if v := q.Get("value_type"); v != "" && strconv.Itoa(f.ValueType) != v {
			return true
		}
		return false
	})
	if q.Get("exclude_dropdown_options") == "true" {
		for i := range out {
			out[i].DropdownOptions = []affinityapi.DropdownOption{}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// listValues answers the values of exactly one entity or list entry: for an entity,
// its global values and those of each of its list entries.
func (s *Server) listValues(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var by string
	n := 0
	for _, k := range []string{"person_id", "organization_id", "opportunity_id", "list_entry_id"} {
		if q.Has(k) {
			by = k
			n++
		}
	}
	if n != 1 {
		unprocessable(w, "", "Exactly one of person_id, organization_id, opportunity_id or list_entry_id is required")
		return
	}
	id, _ := strconv.ParseInt(q.Get(by), 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []fieldValue{}
	for _, vid := range s.valueOrder {
		v := s.values[vid]
		if (by == "list_entry_id" && v.ListEntryID != nil && *v.ListEntryID == id) || (by != "list_entry_id" && v.EntityID == id) {
			out = append(out, v)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) createValue(w http.ResponseWriter, r *http.Request) {
	var req struct {
		FieldID     int64           `json:"field_id"`
		EntityID    int64           `json:"entity_id"`
		ListEntryID *int64          `json:"list_entry_id"`
		Value       json.RawMessage `json:"value"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.FieldID == 0 || req.EntityID == 0 || len(req.Value) == 0 {
		unprocessable(w, "", "field_id, entity_id and value are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.field(req.FieldID)
	if !ok {
		unprocessable(w, "field_id", fmt.Sprintf("field %d does not exist", req.FieldID))
		return
	}
	if msg := s.placeValue(f, req.EntityID, req.ListEntryID); msg != "" {
		unprocessable(w, "list_entry_id", msg)
		return
	}
	raw, msg := storedValue(f, req.Value)
	if msg != "" {
		unprocessable(w, "value", msg)
		return
	}
	writeJSON(w, http.StatusCreated, s.setValue(req.FieldID, req.EntityID, req.ListEntryID, raw))
}

// placeValue says why a value of f cannot go on entity (and entry), or "": a list's
// field takes a value on an entry of that list for that entry's entity, a global field
// one on the entity alone. It needs s.mu.
func (s *Server) placeValue(f affinityapi.Field, entityID int64, entryID *int64) string {
	if f.ListID == nil {
		if entryID != nil {
			return fmt.Sprintf("field %d (%s) is global: a value of it takes no list_entry_id", f.ID, f.Name)
		}
		return ""
	}
	if entryID == nil {
		return fmt.Sprintf("field %d (%s) belongs to list %d: a value of it needs the list_entry_id", f.ID, f.Name, *f.ListID)
	}
	l, ok := s.lists[*f.ListID]
	if ok {
		for _, e := range l.entries {
			if e.ID == *entryID {
				if e.EntityID != entityID {
					return fmt.Sprintf("list entry %d is of entity %d, not %d", *entryID, e.EntityID, entityID)
				}
				return ""
			}
		}
	}
	return fmt.Sprintf("list entry %d is not an entry of list %d, to which field %d (%s) belongs", *entryID, *f.ListID, f.ID, f.Name)
}

// unprocessable answers 422 in v1's shape, naming the parameter when there is one.
func unprocessable(w http.ResponseWriter, param, message string) {
	e := map[string]string{"message": message}
	if param != "" {
		e["param"] = param
	}
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": []map[string]string{e}})
}

func (s *Server) valueByID(w http.ResponseWriter, r *http.Request, id string) {
	vid, _ := strconv.ParseInt(id, 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.values[vid]
	if !ok {
		notFound(w, "Field value not found")
		return
	}
	switch r.Method {
	case http.MethodPut:
		var req struct {
			Value json.RawMessage `json:"value"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Value) == 0 {
			unprocessable(w, "value", "value is required")
			return
		}
		raw, msg := req.Value, "" // a value whose field is gone is kept as sent
		if f, ok := s.field(v.FieldID); ok {
			raw, msg = storedValue(f, req.Value)
		}
		if msg != "" {
			unprocessable(w, "value", msg)
			return
		}
		now := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
		v.Value, v.UpdatedAt = raw, &now
		s.values[vid] = v
		s.change(v, 2)
		writeJSON(w, http.StatusOK, v)
	case http.MethodDelete:
		s.dropValue(vid)
		writeJSON(w, http.StatusOK, affinityapi.Success{Success: true})
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func (s *Server) dropValue(vid int64) {
	s.change(s.values[vid], 1)
	delete(s.values, vid)
	s.valueOrder = slices.DeleteFunc(s.valueOrder, func(id int64) bool { return id == vid })
}

func (s *Server) listChanges(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	fieldID, err := strconv.ParseInt(q.Get("field_id"), 10, 64)
	if err != nil {
		unprocessable(w, "field_id", "field_id is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []fieldValueChange{}
	for _, c := range s.changes {
		if c.FieldID != fieldID || (q.Has("action_type") && strconv.Itoa(c.ActionType) != q.Get("action_type")) {
			continue
		}
		if v := q.Get("organization_id"); v != "" && strconv.FormatInt(c.EntityID, 10) != v {
			continue
		}
		if v := q.Get("list_entry_id"); v != "" && (c.ListEntryID == nil || strconv.FormatInt(*c.ListEntryID, 10) != v) {
			continue
		}
		out = append(out, c)
	}
	writeJSON(w, http.StatusOK, out)
}
