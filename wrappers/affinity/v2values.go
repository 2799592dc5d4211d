package affinity

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/orgapis/orgapis/internal/jsonscan"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// The value types only v2 has. v1 has no such fields, and only Value.Raw holds their
// values: Affinity publishes no shape for note, reminder and list-multi data beyond
// its being an object (an array of objects for list-multi), so the package checks
// that much and keeps the rest as sent.
const (
	// ValueInteraction is the type of a relationship-intelligence value, such as a
	// company's last email.
	ValueInteraction ValueType = 100
	// ValueHidden stands for a value the key may not see (v2 type "hidden", since
	// version 2026-07-15): a list entry's field of an opportunity its user may not
	// manage. Such a field gives one Value of this type, with Raw null, so that it
	// reads apart from a field without a value (none); writing it is refused (403).
	ValueHidden ValueType = 101
	// ValueNote is the type of a v2 "note" value (since version 2026-09-17).
	ValueNote ValueType = 102
	// ValueReminder is the type of a v2 "reminder" value (since version 2026-09-17).
	ValueReminder ValueType = 103
	// ValueList is the type of one element of a v2 "list-multi" value (since version
	// 2026-09-17), such as one of the lists a record is on.
	ValueList ValueType = 104
)

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
	// values are Value's, decoded once by the page's check for the row to use.
	values []Value
}

// v2Kinds are v2's value types by their v1 value type; the -multi ones hold an array.
var v2Kinds = map[string]ValueType{
	"person": ValuePerson, "company": ValueOrganization, "dropdown": ValueDropdown,
	"number": ValueNumber, "formula-number": ValueNumber, "datetime": ValueDate,
	"location": ValueLocation, "text": ValueText, "ranked-dropdown": ValueRankedDropdown,
	"filterable-text": ValueFilterableText, "interaction": ValueInteraction,
	"hidden": ValueHidden, "note": ValueNote, "reminder": ValueReminder, "list": ValueList,
}

// singleOnly are the kinds v2 has no -multi type of, multiOnly those it has only a
// -multi type of.
var (
	singleOnly = map[string]bool{"datetime": true, "ranked-dropdown": true, "text": true, "formula-number": true,
		"interaction": true, "hidden": true, "note": true, "reminder": true}
	multiOnly = map[string]bool{"list": true}
)

// values decodes a v2 value into the Values v1 would have given: none for null data,
// one each for the elements of a multi-valued field, typed as v1 types them, with Raw
// the element as v2 sent it (a slice of the body: nothing is copied). A type v2 does
// not document, data of another shape than its type, or a null element is a
// *apicall.MissingMemberError at member (the value's place in the body, such as
// "data[0].entity.fields[3].value"); a multi value of more than limit elements is
// refused (a *TooManyValuesError) before any of them is decoded.
func (w v2Value) values(member, fieldID string, limit int) ([]Value, error) {
	bad := func(sub, reason string) error {
		return &apicall.MissingMemberError{Member: member + sub, Reason: fmt.Sprintf("a %s value: %s", w.Type, reason)}
	}
	kind, multi := w.Type, false
	if base, ok := strings.CutSuffix(kind, "-multi"); ok {
		kind, multi = base, true
	}
	t, ok := v2Kinds[kind]
	if !ok || multi && singleOnly[kind] || !multi && multiOnly[kind] {
		return nil, &apicall.MissingMemberError{Member: member + ".type", Reason: fmt.Sprintf("value type %q is not one v2 documents", w.Type)}
	}
	if t == ValueHidden {
		// The one type whose data is always null: there is a value, withheld.
		if !isNull(w.Data) {
			return nil, bad(".data", fmt.Sprintf("want null (the value is withheld), got %s", brief(w.Data)))
		}
		return []Value{{Type: ValueHidden, Raw: json.RawMessage("null")}}, nil
	}
	if isNull(w.Data) {
		return nil, nil // a field without a value
	}
	if !multi {
		v, present, err := element(t, kind, w.Data)
		if err != nil || !present {
			if err != nil {
				return nil, bad(".data", err.Error())
			}
			return nil, nil
		}
		return []Value{v}, nil
	}
	n, isArray, _ := jsonscan.Elements(w.Data, nil)
	switch {
	case !isArray:
		return nil, bad(".data", fmt.Sprintf("want an array, got %s", brief(w.Data)))
	case n > limit:
		return nil, tooMany(member+".data", fieldID, n, limit)
	}
	out := make([]Value, 0, n)
	_, _, err := jsonscan.Elements(w.Data, func(i int, raw []byte) error {
		v, present, err := element(t, kind, raw)
		if err != nil {
			return bad(fmt.Sprintf(".data[%d]", i), err.Error())
		}
		if present {
			out = append(out, v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
