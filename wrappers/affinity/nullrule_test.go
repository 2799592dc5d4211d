package affinity

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/wrappers/apicall"
)

// v2Samples are, for every kind of v2Kinds, one element that decodes and one of
// another JSON type than the kind takes.
var v2Samples = map[string]struct{ good, wrong string }{
	"person":          {`{"id":7,"type":"internal"}`, `7`},
	"company":         {`{"id":8,"name":"Acme","domain":null}`, `"Acme"`},
	"dropdown":        {`{"dropdownOptionId":1,"text":"Seed"}`, `"Seed"`},
	"number":          {`3.5`, `"3.5"`},
	"formula-number":  {`{"calculatedValue":2}`, `2`},
	"datetime":        {`"2025-06-30T00:00:00Z"`, `20250630`},
	"location":        {`{"streetAddress":null,"city":"Paris","state":null,"country":"France","continent":null}`, `"Paris"`},
	"text":            {`"note"`, `12`},
	"ranked-dropdown": {`{"dropdownOptionId":2,"text":"Lead","rank":0,"color":null}`, `2`},
	"filterable-text": {`"Software"`, `{"text":"Software"}`},
	"interaction":     {`{"type":"email","id":88}`, `"email"`},
	"note":            {`{"id":5}`, `"a note"`},
	"reminder":        {`{}`, `[]`},
	"list":            {`{"id":1,"name":"Deal Flow"}`, `1`},
}

// The one rule, v2: a value whose data is null is a field without a value, single or
// multi; a null anywhere a value is required (an element of a multi value, or the
// data of a single value given as a list holding one) is a malformed body naming the
// member by its JSON pointer, as is an element of another JSON type than the kind
// takes. Every kind v2Kinds knows needs a sample, so that a new kind is tested too.
func TestV2NullWhereAValueIsRequired(t *testing.T) {
	for kind := range v2Kinds {
		if kind == "hidden" {
			continue // its data is null, always: TestTheCurrentVersionsValueTypesDecode
		}
		s, ok := v2Samples[kind]
		if !ok {
			t.Errorf("kind %q has no sample in v2Samples", kind)
			continue
		}
		for _, multi := range []bool{false, true} {
			typ := kind
			if multi {
				typ += "-multi"
			}
			decode := func(data string) ([]Value, error) {
				var w v2Value
				if err := json.Unmarshal(fmt.Appendf(nil, `{"type":%q,"data":%s}`, typ, data), &w); err != nil {
					t.Fatal(err)
				}
				return w.values("data[0].entity.fields[2].value", "field-9", DefaultMaxFieldValues)
			}
			if _, err := decode(`null`); err != nil {
				if (multi || multiOnly[kind]) && strings.Contains(err.Error(), "not one v2 documents") {
					continue // a kind without a -multi form, or with only one
				}
				t.Errorf("%s null: %v, want no value", typ, err)
			}
			good := s.good
			if multi {
				good = "[" + s.good + "]"
			}
			if got, err := decode(good); err != nil || len(got) != 1 {
				t.Errorf("%s %s: %d values, %v; want one", typ, good, len(got), err)
			}
			for _, c := range []struct{ data, pointer string }{
				{`[null]`, "/data/0/entity/fields/2/value/data"},
				{"[" + s.good + ", null]", "/data/0/entity/fields/2/value/data"},
				{s.wrong, "/data/0/entity/fields/2/value/data"},
				{"[" + s.wrong + "]", "/data/0/entity/fields/2/value/data"},
			} {
				pointer := c.pointer
				if multi {
					switch c.data {
					case `[null]`:
						pointer += "/0"
					case "[" + s.good + ", null]":
						pointer += "/1"
					case "[" + s.wrong + "]":
						pointer += "/0"
					}
				}
				_, err := decode(c.data)
				var missing *apicall.MissingMemberError
				if !errors.As(err, &missing) || missing.Pointer() != pointer {
					t.Errorf("%s %s: err = %v, want a malformed member at %s", typ, c.data, err, pointer)
					continue
				}
				if strings.Contains(c.data, "null") && multi && !strings.Contains(err.Error(), "null where a "+kind+" is required") {
					t.Errorf("%s %s: %v, want it to say a null is where a %s is required", typ, c.data, err, kind)
				}
			}
		}
	}
}

// The one rule, v1: a null value is a field without a value (Affinity's Crunchbase
// fields), but a list is never a v1 value, with or without nulls, and a value of
// another JSON type than the field's type is refused; so is an id that is not
// positive, and an option without an id or a text. Filterable text (type 10) reads
// as text.
func TestV1NullWhereAValueIsRequired(t *testing.T) {
	samples := map[ValueType]struct{ good, wrong string }{
		ValuePerson:         {`7`, `"7"`},
		ValueOrganization:   {`8`, `{"id":8}`},
		ValueDropdown:       {`"Seed"`, `1`},
		ValueNumber:         {`3.5`, `"3.5"`},
		ValueDate:           {`"2025-06-30T00:00:00Z"`, `20250630`},
		ValueLocation:       {`{"city":"Paris","state":null,"country":"France"}`, `"Paris"`},
		ValueText:           {`"note"`, `12`},
		ValueRankedDropdown: {`{"id":2,"text":"Lead","rank":0,"color":1}`, `2`},
		ValueFilterableText: {`"Software"`, `["Software"]`},
	}
	for typ, s := range samples {
		if v, err := decodeValue(json.RawMessage(`null`), typ); err != nil || v.Type != typ || string(v.Raw) != "null" {
			t.Errorf("type %d null: %+v, %v; want a value with only Type and Raw", typ, v, err)
		}
		if _, err := decodeValue(json.RawMessage(s.good), typ); err != nil {
			t.Errorf("type %d %s: %v", typ, s.good, err)
		}
		for _, bad := range []string{`[null]`, "[" + s.good + ",null]", s.wrong, `true`} {
			if _, err := decodeValue(json.RawMessage(bad), typ); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("type %d", typ)) {
				t.Errorf("type %d %s: err = %v, want one naming the type", typ, bad, err)
			}
		}
	}
	for _, bad := range []struct {
		typ ValueType
		raw string
	}{{ValuePerson, `0`}, {ValueOrganization, `-3`}, {ValueRankedDropdown, `{"id":null,"text":"Lead"}`}, {ValueRankedDropdown, `{"id":2,"text":null}`}} {
		if _, err := decodeValue(json.RawMessage(bad.raw), bad.typ); err == nil {
			t.Errorf("type %d %s: no error", bad.typ, bad.raw)
		}
	}
	// A value of a type not known yet keeps its raw JSON, unless it is no value at all.
	if v, err := decodeValue(json.RawMessage(`{"a":1}`), valueTypeNotYetKnown); err != nil || string(v.Raw) != `{"a":1}` {
		t.Errorf("unknown type: %+v, %v", v, err)
	}
	if _, err := decodeValue(json.RawMessage(`[1]`), valueTypeNotYetKnown); err == nil {
		t.Error("unknown type [1]: no error")
	}
	if v, err := decodeValue(json.RawMessage(`"Ünïcode"`), ValueFilterableText); err != nil || v.Text != "Ünïcode" || v.String() != "Ünïcode" {
		t.Errorf("filterable text: %+v, %v", v, err)
	}
}
