package affinitytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/wrappers/affinity"
)

// What a v1 field-value write may carry, and what the fake stores for it: the value as
// the service answers it afterwards, shaped by the field's value type. A ranked
// dropdown is written as an option's id and read back as the option object; a location
// is read back with all five members. A value of another shape is refused with 422, as
// the service refuses it, so that a write the fake accepts is one the service would.

// field finds a field by id among the global organization fields and the lists';
// it needs s.mu.
func (s *Server) field(id int64) (affinityapi.Field, bool) {
	for _, f := range s.globals {
		if f.ID == id {
			return f, true
		}
	}
	for _, lid := range s.listOrder {
		for _, f := range s.lists[lid].fields {
			if f.ID == id {
				return f, true
			}
		}
	}
	return affinityapi.Field{}, false
}

// storedValue is the value the fake keeps for a v1 write of raw into f, or why the
// service would refuse it.
func storedValue(f affinityapi.Field, raw json.RawMessage) (json.RawMessage, string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, fmt.Sprintf("value is required for field %d (%s)", f.ID, f.Name)
	}
	want := func(what string) (json.RawMessage, string) {
		return nil, fmt.Sprintf("field %d (%s) takes %s, got %s", f.ID, f.Name, what, brief(raw))
	}
	switch f.ValueType {
	case 0, 1: // a person's or an organization's id
		var id int64
		if json.Unmarshal(raw, &id) != nil || id <= 0 {
			return want("an entity id")
		}
		return json.RawMessage(fmt.Sprint(id)), ""
	case 3:
		var n float64
		if json.Unmarshal(raw, &n) != nil {
			return want("a number")
		}
		return raw, ""
	case 2, 6, 10: // dropdown, text, filterable text
		var text string
		if json.Unmarshal(raw, &text) != nil {
			return want("a string")
		}
		return raw, ""
	case 4:
		var d string
		if json.Unmarshal(raw, &d) != nil {
			return want("a date-time string")
		}
		t, err := time.Parse(time.RFC3339, d)
		if err != nil {
			return want("a date-time string")
		}
		out, _ := json.Marshal(t.Format(time.RFC3339))
		return out, ""
	case 5:
		var l map[string]*string
		if json.Unmarshal(raw, &l) != nil || l == nil {
			return want("a location object")
		}
		out, _ := json.Marshal(map[string]*string{"street_address": l["street_address"], "city": l["city"],
			"state": l["state"], "country": l["country"], "continent": l["continent"]})
		return out, ""
	case 7: // an option's id, answered as the option
		var id int64
		if json.Unmarshal(raw, &id) != nil {
			return want("a dropdown option's id")
		}
		for _, o := range f.DropdownOptions {
			if o.ID == id {
				out, _ := json.Marshal(o)
				return out, ""
			}
		}
		return nil, fmt.Sprintf("%d is not an option of field %d (%s)", id, f.ID, f.Name)
	}
	return raw, ""
}

// brief is raw cut to a length an error message can quote.
func brief(raw json.RawMessage) string {
	if len(raw) > 60 {
		return string(raw[:60]) + "..."
	}
	return string(raw)
}

// AddField adds a field named name of value type t to the list listID, or to the
// global organization fields when listID is 0, and returns it as the fake lists it.
// options are the texts of a dropdown or ranked dropdown field's options, ranked in
// the order given. A list that does not exist is an error.
func (s *Server) AddField(listID int64, name string, t affinity.ValueType, allowsMultiple bool, options ...string) (affinity.Field, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextFieldID++
	f := affinityapi.Field{ID: 900000 + s.nextFieldID, Name: name, ValueType: int(t), AllowsMultiple: allowsMultiple,
		DropdownOptions: []affinityapi.DropdownOption{}}
	for i, text := range options {
		rank, color := i, 0
		f.DropdownOptions = append(f.DropdownOptions, affinityapi.DropdownOption{ID: f.ID*100 + int64(i), Text: text, Rank: &rank, Color: &color})
	}
	if listID == 0 {
		s.globals = append(s.globals, f)
		return convert[affinity.Field](f)
	}
	l, ok := s.lists[listID]
	if !ok {
		return affinity.Field{}, fmt.Errorf("affinitytest: no list %d", listID)
	}
	f.ListID = &listID
	l.fields = append(l.fields, f)
	return convert[affinity.Field](f)
}
