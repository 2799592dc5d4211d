package affinity

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"

	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Every value Affinity sends, v1's and v2's, single or one element of a multi value,
// reaches a Value through element (this file): the one place that refuses a null
// where a value is required, so that a [null] cannot read as 0, "" or an empty
// location. A value as a whole may be null (v1's Crunchbase fields, v2's empty
// fields): that is "no value", decided by each API's reader before element. v2's
// hidden value, whose data is always null, is the one that never reaches element: it
// holds nothing to decode (v2Value.values).

// DefaultMaxFieldValues is how many elements one multi-valued field (such as v2's
// person-multi) may hold before its answer is refused; WithMaxFieldValues changes it.
// v2 documents at most 100 persons or companies a field.
const DefaultMaxFieldValues = 1000

// maxFieldValues names WithMaxFieldValues to the shared client core, which keeps the
// last value given.
const maxFieldValues = "WithMaxFieldValues"

// WithMaxFieldValues sets how many elements one multi-valued field may hold in an
// answer (DefaultMaxFieldValues when not given); more refuses the answer with a
// *TooManyValuesError before any element is decoded, so that the memory a read takes
// is set by this limit and not by what a server sends. n must be positive.
func WithMaxFieldValues(n int) option.ClientOption {
	return httpcore.ClientFunc(func(s *httpcore.Settings) error {
		if n < 1 {
			return &apicall.ParamError{Param: maxFieldValues, Reason: fmt.Sprintf("must be positive, got %d", n)}
		}
		return s.AddOwnValue("affinity", maxFieldValues, n)
	})
}

// fieldValuesLimit is the limit the client's options set: the last WithMaxFieldValues.
func fieldValuesLimit(values map[string]any) int {
	if n, ok := values[maxFieldValues].(int); ok {
		return n
	}
	return DefaultMaxFieldValues
}

// TooManyValuesError is the cause (Error.Err) of an answer refused because one field's
// value held more elements than the client's limit. The answer is not malformed; raise
// the limit with WithMaxFieldValues to read it.
type TooManyValuesError struct {
	// Member is the value's data, as a JSON pointer into the body, such as
	// "/data/0/entity/fields/3/value/data".
	Member string
	// FieldID is v2's id of the field, such as "field-9"; "" when it was not one.
	FieldID string
	// Count is how many elements the value held, Limit the client's limit.
	Count, Limit int
}

func (e *TooManyValuesError) Error() string {
	field := ""
	if e.FieldID != "" {
		field = " (field " + e.FieldID + ")"
	}
	return fmt.Sprintf("%s%s: %d values, over the client's limit of %d a field: raise it with affinity.WithMaxFieldValues to read this answer",
		e.Member, field, e.Count, e.Limit)
}

// fieldIDPattern is what a v2 field id looks like; another id is left out of errors.
var fieldIDPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,63}$`)

// tooMany is the refusal of a value of count elements, over limit, at member.
func tooMany(member, fieldID string, count, limit int) error {
	if !fieldIDPattern.MatchString(fieldID) {
		fieldID = ""
	}
	return httpcore.Refuse(&TooManyValuesError{Member: (&apicall.MissingMemberError{Member: member}).Pointer(), FieldID: fieldID, Count: count, Limit: limit})
}

// nullElement is the reason given for a null where a value of kind is required.
func nullElement(kind string) string {
	return fmt.Sprintf("null where a %s is required (Affinity sends null only for a field without a value, never for one of its values): "+
		"the answer is malformed; retry the call, or read it as sent with option.WithRawResponseInto", kind)
}

// isNull reports whether raw is JSON null (or absent).
func isNull(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}

// element decodes one value of a field of type t: as v1 sends it when kind is "", as
// v2 sends one of kind (v2's type without -multi) otherwise. A null is an error here,
// whatever the type; present is false only for a formula without a result.
func element(t ValueType, kind string, raw json.RawMessage) (v Value, present bool, err error) {
	v = Value{Type: t, Raw: raw}
	if isNull(raw) {
		name := kind
		if name == "" {
			name = "value of type " + strconv.Itoa(int(t))
		}
		return v, false, fmt.Errorf("%s", nullElement(name))
	}
	if kind == "" {
		err = v1Element(&v, raw)
	} else {
		present, err = v2Element(&v, kind, raw)
		if !present {
			return v, false, err
		}
	}
	return v, err == nil, err
}

// v1Element decodes one v1 value into v by v.Type.
func v1Element(v *Value, raw json.RawMessage) error {
	switch raw[0] {
	case '[', 't', 'f':
		return fmt.Errorf("%s is not a value (an array or a boolean)", brief(raw))
	}
	var err error
	switch v.Type {
	case ValuePerson, ValueOrganization:
		if err = json.Unmarshal(raw, &v.EntityID); err == nil && v.EntityID <= 0 {
			err = fmt.Errorf("want a positive id, got %s", brief(raw))
		}
	case ValueNumber:
		err = json.Unmarshal(raw, &v.Number)
	case ValueDropdown, ValueText, ValueFilterableText:
		err = json.Unmarshal(raw, &v.Text)
	case ValueDate:
		err = json.Unmarshal(raw, &v.Date)
	case ValueRankedDropdown:
		var o struct {
			ID    *int64  `json:"id"`
			Text  *string `json:"text"`
			Rank  *int    `json:"rank"`
			Color *int    `json:"color"`
		}
		if err = json.Unmarshal(raw, &o); err == nil {
			if o.ID == nil || *o.ID <= 0 || o.Text == nil || *o.Text == "" {
				return fmt.Errorf("want an option with a positive id and a text, got %s", brief(raw))
			}
			v.Option = &DropdownOption{ID: *o.ID, Text: *o.Text, Rank: o.Rank, Color: o.Color}
		}
	case ValueLocation:
		v.Location = &Location{}
		err = json.Unmarshal(raw, v.Location)
	}
	return err
}

// v2Element decodes one element of a v2 value of kind into v; present is false for a
// formula without a result.
func v2Element(v *Value, kind string, raw json.RawMessage) (present bool, err error) {
	switch kind {
	case "person", "company":
		var ref struct{ ID int64 }
		err = json.Unmarshal(raw, &ref)
		if err == nil && ref.ID <= 0 {
			err = fmt.Errorf("want an id, got %s", brief(raw))
		}
		v.EntityID = ref.ID
	case "number":
		err = json.Unmarshal(raw, &v.Number)
	case "formula-number":
		var f struct {
			CalculatedValue *float64 `json:"calculatedValue"`
		}
		if err = json.Unmarshal(raw, &f); err == nil && f.CalculatedValue == nil {
			return false, nil
		}
		if f.CalculatedValue != nil {
			v.Number = *f.CalculatedValue
		}
	case "datetime":
		err = json.Unmarshal(raw, &v.Date)
	case "text", "filterable-text":
		err = json.Unmarshal(raw, &v.Text)
	case "dropdown", "ranked-dropdown":
		var o v2Option
		if err = json.Unmarshal(raw, &o); err == nil {
			err = o.check(raw, kind == "ranked-dropdown")
		}
		if err == nil && kind == "dropdown" {
			v.Text = *o.Text
		} else if err == nil {
			v.Option = &DropdownOption{ID: *o.ID, Text: *o.Text, Rank: o.Rank}
		}
	case "location":
		var l struct {
			StreetAddress, City, State, Country, Continent *string
		}
		if err = json.Unmarshal(raw, &l); err == nil {
			v.Location = &Location{StreetAddress: l.StreetAddress, City: l.City, State: l.State, Country: l.Country, Continent: l.Continent}
		}
	case "note", "reminder", "list":
		// Their members are undocumented: an object is all that is known.
		if raw[0] != '{' {
			err = fmt.Errorf("want an object, got %s", brief(raw))
		}
	case "interaction":
		var i struct {
			Type string `json:"type"`
			ID   int64  `json:"id"`
		}
		if err = json.Unmarshal(raw, &i); err == nil && (i.Type == "" || i.ID <= 0) {
			err = fmt.Errorf("want an interaction with a type and an id, got %s", brief(raw))
		}
	}
	return true, err
}

// v2Option is a dropdown option as v2 sends it. Its colour, a name in v2 and a number
// in v1, stays in Value.Raw.
type v2Option struct {
	ID   *int64  `json:"dropdownOptionId"`
	Text *string `json:"text"`
	Rank *int    `json:"rank"`
}

// check refuses an option without a positive id or a text, or, ranked, without a rank
// (null included: v2 requires all three).
func (o v2Option) check(raw json.RawMessage, ranked bool) error {
	if o.ID == nil || *o.ID <= 0 || o.Text == nil || *o.Text == "" || ranked && (o.Rank == nil || *o.Rank < 0) {
		want := "an id and a text"
		if ranked {
			want = "an id, a text and a rank"
		}
		return fmt.Errorf("want an option with %s, got %s", want, brief(raw))
	}
	return nil
}
