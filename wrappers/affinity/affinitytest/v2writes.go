package affinitytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/orgapis/orgapis/generated/affinityapi"
)

// v2's list-entry field writes. A write sets a field of the entry's list, or a global
// field of its entity (v2 reaches both through the entry), as a whole: the values it
// held go, and the new ones are stored as a v1 write would store them, so that every
// read, v1's and v2's, gives back the same. A value of another type than the field's,
// or of another shape than its type, is refused with 400, naming the update; a batch
// is checked whole before any of it is stored.

// v2Update is one field's new value in a v2 write.
type v2Update struct {
	ID    string `json:"id"`
	Value struct {
		Type string          `json:"type"`
		Data json.RawMessage `json:"data"`
	} `json:"value"`
}

// v2Write is a checked update: the field, and the values to store for it, none to clear it.
type v2Write struct {
	field affinityapi.Field
	raws  []json.RawMessage
}

func v2Invalid(w http.ResponseWriter, param, message string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []map[string]string{{"code": "validation", "message": message, "param": param}}})
}

func (s *Server) v2UpdateFields(w http.ResponseWriter, r *http.Request, l *fakeList, e affinityapi.ListEntry) {
	var req struct {
		Operation string     `json:"operation"`
		Updates   []v2Update `json:"updates"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Operation != "update-fields" || len(req.Updates) == 0 || len(req.Updates) > 100 {
		v2Invalid(w, "updates", "want operation update-fields and 1 to 100 updates")
		return
	}
	writes := make([]v2Write, len(req.Updates))
	for i, u := range req.Updates {
		var msg string
		if writes[i], msg = s.v2Check(l, e, u); msg != "" {
			v2Invalid(w, fmt.Sprintf("updates[%d]", i), msg)
			return
		}
	}
	for _, wr := range writes {
		s.v2Store(e, wr)
	}
	writeJSON(w, http.StatusOK, map[string]string{"operation": "update-fields"})
}

func (s *Server) v2UpdateField(w http.ResponseWriter, r *http.Request, l *fakeList, e affinityapi.ListEntry) {
	var u v2Update
	if err := json.NewDecoder(r.Body).Decode(&u); err != nil {
		v2Invalid(w, "value", "the body is not JSON")
		return
	}
	u.ID = r.PathValue("fieldId")
	if _, ok := s.v2Field(l, e, u.ID); !ok {
		v2Error(w, http.StatusNotFound, "not-found", fmt.Sprintf("Field %s not found on list entry %d", u.ID, e.ID))
		return
	}
	wr, msg := s.v2Check(l, e, u)
	if msg != "" {
		v2Invalid(w, "value", msg)
		return
	}
	s.v2Store(e, wr)
	w.WriteHeader(http.StatusNoContent)
}

// v2Field is the field of id that the entry has: one of its list's, or a global field
// of its entity; it needs s.mu.
func (s *Server) v2Field(l *fakeList, e affinityapi.ListEntry, id string) (affinityapi.Field, bool) {
	fields := l.fields
	if e.EntityType != nil && *e.EntityType == 1 {
		fields = append(slices.Clip(fields), s.globalFields(l)...)
	}
	for _, f := range fields {
		if "field-"+strconv.FormatInt(f.ID, 10) == id {
			return f, true
		}
	}
	return affinityapi.Field{}, false
}

// v2Check turns an update into what to store, or says why it is refused; it needs s.mu.
func (s *Server) v2Check(l *fakeList, e affinityapi.ListEntry, u v2Update) (v2Write, string) {
	f, ok := s.v2Field(l, e, u.ID)
	if !ok {
		return v2Write{}, fmt.Sprintf("%s is not a field of list entry %d", u.ID, e.ID)
	}
	if u.Value.Type != valueType(f) {
		return v2Write{}, fmt.Sprintf("%s takes %s values, not %q", u.ID, valueType(f), u.Value.Type)
	}
	var elems []json.RawMessage
	switch {
	case len(u.Value.Data) == 0 || string(u.Value.Data) == "null":
	case strings.HasSuffix(u.Value.Type, "-multi"):
		if json.Unmarshal(u.Value.Data, &elems) != nil {
			return v2Write{}, "data: want an array"
		}
	default:
		elems = []json.RawMessage{u.Value.Data}
	}
	wr := v2Write{field: f}
	for i, el := range elems {
		raw, msg := v1Write(el, f)
		if msg == "" {
			raw, msg = storedValue(f, raw)
		}
		if msg != "" {
			return v2Write{}, fmt.Sprintf("data[%d]: %s", i, msg)
		}
		wr.raws = append(wr.raws, raw)
	}
	return wr, ""
}

// v2Store replaces the entry's values of the field (its entity's, for a global field)
// with the write's; it needs s.mu.
func (s *Server) v2Store(e affinityapi.ListEntry, wr v2Write) {
	global := wr.field.ListID == nil
	for _, vid := range slices.Clone(s.valueOrder) {
		v := s.values[vid]
		if v.FieldID != wr.field.ID {
			continue
		}
		if (global && v.ListEntryID == nil && v.EntityID == e.EntityID) || (!global && v.ListEntryID != nil && *v.ListEntryID == e.ID) {
			s.dropValue(vid)
		}
	}
	var entry *int64
	if !global {
		entry = &e.ID
	}
	for _, raw := range wr.raws {
		s.setValue(wr.field.ID, e.EntityID, entry, raw)
	}
}

// v1Write is one element of a v2 write as a v1 write of the field would carry it (an
// entity's or a ranked option's id, a dropdown option's text, a location in v1's
// member names), or why it cannot be one.
func v1Write(el json.RawMessage, f affinityapi.Field) (json.RawMessage, string) {
	var ref struct {
		ID       *int64 `json:"id"`
		OptionID *int64 `json:"dropdownOptionId"`
	}
	switch f.ValueType {
	case 0, 1:
		if json.Unmarshal(el, &ref) != nil || ref.ID == nil {
			return nil, "want {id}"
		}
		return json.RawMessage(strconv.FormatInt(*ref.ID, 10)), ""
	case 2, 7:
		if json.Unmarshal(el, &ref) != nil || ref.OptionID == nil {
			return nil, "want {dropdownOptionId}"
		}
		i := slices.IndexFunc(f.DropdownOptions, func(o affinityapi.DropdownOption) bool { return o.ID == *ref.OptionID })
		if i < 0 {
			return nil, fmt.Sprintf("option %d is not one of field %d's", *ref.OptionID, f.ID)
		}
		if f.ValueType == 7 {
			return json.RawMessage(strconv.FormatInt(*ref.OptionID, 10)), ""
		}
		raw, _ := json.Marshal(f.DropdownOptions[i].Text)
		return raw, ""
	case 5:
		var l map[string]*string
		if json.Unmarshal(el, &l) != nil || l == nil {
			return nil, "want a location"
		}
		raw, _ := json.Marshal(map[string]*string{"street_address": l["streetAddress"], "city": l["city"], "state": l["state"], "country": l["country"], "continent": l["continent"]})
		return raw, ""
	}
	return el, ""
}
