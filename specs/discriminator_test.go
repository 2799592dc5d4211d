package specs_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/orgapis/orgapis/specs"
)

// discriminated are the schemas that carry a discriminator so that ogen can generate
// them (issue 30): each is an anyOf whose branches all require `type` with disjoint
// enums, which a discriminator describes without changing what validates.
var discriminated = []string{"V2FieldValue", "V2FieldValueUpdate", "V2EntityListEntry"}

// A discriminator changes what kin-openapi accepts unless it says exactly what the
// branches already say: every branch requires the property as a string enum, not
// nullable, the enums are disjoint, and the mapping names each enum value's branch and
// nothing else. Then the one branch that can accept a value is the one the mapping
// picks, and a value whose property is missing, not a string or unmapped was accepted
// by no branch before either.
func TestDiscriminatorsSayWhatTheBranchesSay(t *testing.T) {
	for _, api := range specs.APIs() {
		doc, err := specs.Load(t.Context(), api)
		if err != nil {
			t.Fatal(err)
		}
		var found []string
		for _, name := range slices.Sorted(maps.Keys(doc.Components.Schemas)) {
			s := doc.Components.Schemas[name].Value
			if s.Discriminator == nil {
				continue
			}
			found = append(found, name)
			checkDiscriminator(t, name, s)
		}
		if api == specs.Affinity && !slices.Equal(found, slices.Sorted(slices.Values(discriminated))) {
			t.Errorf("affinity: discriminated schemas %v, want %v", found, discriminated)
		}
		if api == specs.Apollo && len(found) != 0 {
			t.Errorf("apollo: discriminated schemas %v; add them to this test's expectations", found)
		}
	}
}

func checkDiscriminator(t *testing.T, name string, s *openapi3.Schema) {
	t.Helper()
	d := s.Discriminator
	if len(s.OneOf) != 0 || len(s.AnyOf) == 0 || len(d.Mapping) == 0 {
		t.Errorf("%s: a discriminator here is on an anyOf, with a mapping", name)
		return
	}
	want := map[string]string{} // enum value -> branch $ref
	for _, b := range s.AnyOf {
		if b.Ref == "" || b.Value == nil {
			t.Errorf("%s: branch without a $ref", name)
			continue
		}
		p := b.Value.Properties[d.PropertyName]
		if !slices.Contains(b.Value.Required, d.PropertyName) || p == nil || p.Value == nil ||
			!p.Value.Type.Is("string") || p.Value.Nullable || len(p.Value.Enum) == 0 {
			t.Errorf("%s: branch %s does not require %q as a string enum", name, b.Ref, d.PropertyName)
			continue
		}
		for _, e := range p.Value.Enum {
			v, ok := e.(string)
			if !ok {
				t.Errorf("%s: branch %s: enum value %v is not a string", name, b.Ref, e)
				continue
			}
			if other, dup := want[v]; dup {
				t.Errorf("%s: %q is in both %s and %s", name, v, other, b.Ref)
			}
			want[v] = b.Ref
		}
	}
	got := map[string]string{}
	for k, m := range d.Mapping {
		got[k] = m.Ref
	}
	if !maps.Equal(got, want) {
		t.Errorf("%s: mapping %v, want the branches' enums %v", name, got, want)
	}
}

// TestDiscriminatorsValidateAsBefore validates values with each discriminated schema
// and with its twin without the discriminator, as the spec was before: the verdicts
// are the same, and those expected. The values are every list entry and field value of
// the spec's example of a list-entries page, each mutated: its type unmapped, missing,
// null, a number, and another branch's type; and writes of each kind.
func TestDiscriminatorsValidateAsBefore(t *testing.T) {
	doc, err := specs.Load(t.Context(), specs.Affinity)
	if err != nil {
		t.Fatal(err)
	}
	op := doc.Paths.Find("/v2/lists/{listId}/list-entries").Get
	example := op.Responses.Status(200).Value.Content["application/json"].Example
	raw, _ := json.Marshal(example)
	var page struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(raw, &page); err != nil {
		t.Fatal(err)
	}
	var entries, values []map[string]any
	for _, e := range page.Data {
		entries = append(entries, e)
		entity, _ := e["entity"].(map[string]any)
		fields, _ := entity["fields"].([]any)
		for _, f := range fields {
			if v, ok := f.(map[string]any)["value"].(map[string]any); ok {
				values = append(values, v)
			}
		}
	}
	if len(entries) < 2 || len(values) < 10 {
		t.Fatalf("the example has %d entries and %d field values; the test needs more", len(entries), len(values))
	}
	updates := []map[string]any{
		{"type": "text", "data": "Met at the fair"}, {"type": "filterable-text", "data": nil},
		{"type": "number", "data": 3.5}, {"type": "dropdown", "data": map[string]any{"dropdownOptionId": 7}},
		{"type": "ranked-dropdown", "data": nil}, {"type": "dropdown-multi", "data": []any{map[string]any{"dropdownOptionId": 7}}},
		{"type": "person", "data": map[string]any{"id": 38706}}, {"type": "company-multi", "data": []any{map[string]any{"id": 1}}},
		{"type": "location", "data": map[string]any{"streetAddress": nil, "city": "Paris", "state": nil, "country": "France", "continent": nil}},
	}
	for _, c := range []struct {
		schema string
		valid  []map[string]any
		other  string // a type of another branch
	}{
		{"V2EntityListEntry", entries, "opportunity"},
		{"V2FieldValue", values, "location"},
		{"V2FieldValueUpdate", updates, "dropdown-multi"},
	} {
		s := doc.Components.Schemas[c.schema].Value
		twin := *s
		twin.Discriminator = nil
		seen := map[any]bool{}
		// check compares the verdicts and, when want is given, the expected one.
		check := func(what string, v any, want ...bool) {
			t.Helper()
			with, without := s.VisitJSON(v), twin.VisitJSON(v)
			if (with == nil) != (without == nil) {
				t.Errorf("%s %s: with the discriminator %v, without %v", c.schema, what, with, without)
			}
			if wantValid := len(want) == 0 || want[0]; len(want) > 0 && (with == nil) != wantValid {
				t.Errorf("%s %s: valid %t, want %t (%v)", c.schema, what, with == nil, wantValid, with)
			}
		}
		for i, v := range c.valid {
			seen[v["type"]] = true
			what := func(m string) string { return "[" + strconv.Itoa(i) + "] " + m }
			check(what("as is"), v, true)
			check(what("unmapped type"), with(v, "type", "no-such-type"), false)
			check(what("type left out"), with(v, "type", nil, true), false)
			check(what("type null"), with(v, "type", nil), false)
			check(what("type a number"), with(v, "type", 5), false)
			// Valid or not (a null datum fits several branches), the same either way.
			check(what("another branch's type"), with(v, "type", c.other))
		}
		check("a string", "text", false)
		check("null", nil, false)
		if len(seen) < 2 {
			t.Errorf("%s: values of %d types; the test needs more", c.schema, len(seen))
		}
		// The finding names the discriminator, as kin-openapi reports it to users.
		if err := s.VisitJSON(with(c.valid[0], "type", "no-such-type")); err == nil || !strings.Contains(err.Error(), "discriminator") {
			t.Errorf("%s: an unmapped type: %v, want kin-openapi's discriminator finding", c.schema, err)
		}
	}
}

// with is a copy of v with key set to x, or left out when drop is given.
func with(v map[string]any, key string, x any, drop ...bool) map[string]any {
	out := maps.Clone(v)
	if len(drop) > 0 && drop[0] {
		delete(out, key)
	} else {
		out[key] = x
	}
	return out
}
