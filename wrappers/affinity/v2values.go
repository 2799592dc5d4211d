package affinity

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ValueInteraction is the type of a v2 relationship-intelligence value, such as a
// company's last email; v1 has no such field, and only Value.Raw holds it.
const ValueInteraction ValueType = 100

// v2Value is a field's value as v2 sends it: a type and its data, null for none.
type v2Value struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

// v2Field is a field of a record with its value, as v2 sends it.
type v2Field struct {
	ID               string  `json:"id"`
	Name             string  `json:"name"`
	Type             string  `json:"type"`
	EnrichmentSource *string `json:"enrichmentSource"`
	Value            v2Value `json:"value"`
}

// v2Kinds are v2's value types by their v1 value type; the -multi ones hold an array.
var v2Kinds = map[string]ValueType{
	"person": ValuePerson, "company": ValueOrganization, "dropdown": ValueDropdown,
	"number": ValueNumber, "formula-number": ValueNumber, "datetime": ValueDate,
	"location": ValueLocation, "text": ValueText, "ranked-dropdown": ValueRankedDropdown,
	"filterable-text": ValueFilterableText, "interaction": ValueInteraction,
}

// values decodes a v2 value into the Values v1 would have given: none for null data,
// one each for the elements of a multi-valued field, typed as v1 types them, with Raw
// the element as v2 sent it. A type v2 does not document, or data of another shape
// than its type, is an error.
func (w v2Value) values() ([]Value, error) {
	kind, multi := w.Type, false
	if base, ok := strings.CutSuffix(kind, "-multi"); ok {
		kind, multi = base, true
	}
	t, ok := v2Kinds[kind]
	if !ok || (multi && (kind == "datetime" || kind == "ranked-dropdown" || kind == "text" || kind == "formula-number" || kind == "interaction")) {
		return nil, fmt.Errorf("value type %q is not one v2 documents", w.Type)
	}
	if len(w.Data) == 0 || string(w.Data) == "null" {
		return nil, nil
	}
	elems := []json.RawMessage{w.Data}
	if multi {
		// Into a slice of its own: decoding into elems as made above would write the
		// first element over w.Data, which a RawMessage element aliases, and the next
		// read of the same value (the row after the page's check) would find it broken.
		elems = nil
		if err := json.Unmarshal(w.Data, &elems); err != nil {
			return nil, fmt.Errorf("a %s value: want an array: %w", w.Type, err)
		}
	}
	out := make([]Value, 0, len(elems))
	for _, raw := range elems {
		v, present, err := decodeV2(kind, t, raw)
		if err != nil {
			return nil, fmt.Errorf("a %s value: %w", w.Type, err)
		}
		if present {
			out = append(out, v)
		}
	}
	return out, nil
}

// decodeV2 decodes one element of a v2 value of kind; present is false for a formula
// without a result.
func decodeV2(kind string, t ValueType, raw json.RawMessage) (v Value, present bool, err error) {
	v = Value{Type: t, Raw: raw}
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
			return v, false, nil
		}
		if f.CalculatedValue != nil {
			v.Number = *f.CalculatedValue
		}
	case "datetime":
		err = json.Unmarshal(raw, &v.Date)
	case "text", "filterable-text":
		err = json.Unmarshal(raw, &v.Text)
	case "dropdown":
		var o v2Option
		if err = json.Unmarshal(raw, &o); err == nil {
			v.Text, err = o.Text, o.check(raw)
		}
	case "ranked-dropdown":
		var o v2Option
		if err = json.Unmarshal(raw, &o); err == nil {
			rank := o.Rank
			v.Option, err = &DropdownOption{ID: o.ID, Text: o.Text, Rank: &rank}, o.check(raw)
		}
	case "location":
		var l struct {
			StreetAddress, City, State, Country, Continent *string
		}
		if err = json.Unmarshal(raw, &l); err == nil {
			v.Location = &Location{StreetAddress: l.StreetAddress, City: l.City, State: l.State, Country: l.Country, Continent: l.Continent}
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
	return v, err == nil, err
}

// v2Option is a dropdown option as v2 sends it. Its colour, a name in v2 and a number
// in v1, stays in Value.Raw.
type v2Option struct {
	ID   int64  `json:"dropdownOptionId"`
	Text string `json:"text"`
	Rank int    `json:"rank"`
}

func (o v2Option) check(raw json.RawMessage) error {
	if o.ID <= 0 || o.Text == "" {
		return fmt.Errorf("want an option with an id and a text, got %s", brief(raw))
	}
	return nil
}
