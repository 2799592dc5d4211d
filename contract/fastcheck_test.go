package contract

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/orgapis/orgapis/specs"
)

// responseSchemas returns every JSON response schema of both specs with the examples
// given for it, decoded.
func responseSchemas(t testing.TB) (schemas []*openapi3.Schema, examples [][]any) {
	for _, api := range specs.APIs() {
		doc, err := specs.Load(t.Context(), api)
		if err != nil {
			t.Fatal(err)
		}
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				for _, resp := range op.Responses.Map() {
					media := resp.Value.Content.Get("application/json")
					if media == nil || media.Schema == nil {
						continue
					}
					var ex []any
					if media.Example != nil {
						ex = append(ex, roundTrip(t, media.Example))
					}
					for _, e := range media.Examples {
						ex = append(ex, roundTrip(t, e.Value.Value))
					}
					schemas = append(schemas, media.Schema.Value)
					examples = append(examples, ex)
				}
			}
		}
	}
	return schemas, examples
}

// roundTrip gives a value the shapes encoding/json gives (float64, []any, ...).
func roundTrip(t testing.TB, v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// mutations returns v with one change each: every member or element replaced by a value
// of every JSON type, or removed.
func mutations(v any) []any {
	replacements := []any{"x", "2026-01-02T03:04:05Z", 1.0, 1.5, -1.0, 1e300, true, nil, []any{}, map[string]any{}}
	var out []any
	var walk func(path []any)
	walk = func(path []any) {
		node := get(v, path)
		switch t := node.(type) {
		case map[string]any:
			for k := range t {
				child := append(append([]any{}, path...), k)
				for _, r := range replacements {
					out = append(out, set(v, child, r, false))
				}
				out = append(out, set(v, child, nil, true))
				walk(child)
			}
		case []any:
			for i := range t {
				child := append(append([]any{}, path...), i)
				for _, r := range replacements {
					out = append(out, set(v, child, r, false))
				}
				walk(child)
			}
		}
	}
	walk(nil)
	return out
}

func get(v any, path []any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v
}

// set returns v with the value at path replaced, or removed. Only the containers on
// the path are copied; the rest is shared with v, which nothing here changes.
func set(v any, path []any, value any, remove bool) any {
	if len(path) == 0 {
		return value
	}
	switch k := path[0].(type) {
	case string:
		m := maps.Clone(v.(map[string]any))
		if remove && len(path) == 1 {
			delete(m, k)
		} else {
			m[k] = set(m[k], path[1:], value, remove)
		}
		return m
	case int:
		a := slices.Clone(v.([]any))
		a[k] = set(a[k], path[1:], value, remove)
		return a
	}
	return v
}

// The fast check may say "not sure" wrongly, never "valid" wrongly: wherever it
// answers valid, kin-openapi must find nothing.
func TestCertainlyValidNeverHidesAFinding(t *testing.T) {
	schemas, examples := responseSchemas(t)
	var c certainlyValid
	checked, skipped := 0, 0
	for i, s := range schemas {
		for _, ex := range examples[i] {
			values := append([]any{ex}, mutations(ex)...)
			for _, v := range values {
				checked++
				if !c.valid(s, v, 0) {
					continue
				}
				skipped++
				if err := s.VisitJSON(v, openapi3.MultiErrors()); err != nil {
					b, _ := json.Marshal(v)
					t.Fatalf("schema %d: fast check says valid, kin-openapi says %v, for %s", i, fmt.Sprint(err)[:min(200, len(fmt.Sprint(err)))], b[:min(300, len(b))])
				}
			}
		}
	}
	// It must also be of use: the spec's own examples pass it.
	passed := 0
	for i, s := range schemas {
		for _, ex := range examples[i] {
			if c.valid(s, ex, 0) {
				passed++
			}
		}
	}
	if passed == 0 || checked < 1000 {
		t.Errorf("fast check passed %d examples over %d values", passed, checked)
	}
	t.Logf("%d values, %d certainly valid (all confirmed), %d examples pass the fast check", checked, skipped, passed)
}

// Each keyword the fast check knows, on both sides of its bound: a value that conforms
// is certainly valid (so it skips kin-openapi's walk), one that does not is not, and a
// keyword it does not know always leaves the value to kin-openapi.
func TestCertainlyValidKeywords(t *testing.T) {
	for _, c := range []struct {
		schema string
		value  string
		want   bool
	}{
		{`{"type":"string","minLength":3}`, `"ab"`, false},
		{`{"type":"string","minLength":3}`, `"abc"`, true},
		{`{"type":"string","minLength":3}`, `"été"`, true}, // runes, not bytes
		{`{"type":"string","pattern":"^a"}`, `"abc"`, true},
		{`{"type":"string","pattern":"^a"}`, `"bac"`, false},
		{`{"type":"string","pattern":"("}`, `"("`, false},
		{`{"type":"string","format":"no-such-format"}`, `"x"`, true}, // kin-openapi checks none either
		{`{"type":"string","format":"email"}`, `"not an address"`, true},
		{`{"type":"string","format":"date-time"}`, `"2026-12-06T00:00:00Z"`, true},
		{`{"type":"string","format":"date-time"}`, `"yesterday"`, false},
		{`{"type":"integer","format":"email"}`, `1`, false},
		{`{"type":"string"}`, `1`, false},
		{`{"type":"integer"}`, `3`, true},
		{`{"type":"integer"}`, `3.5`, false},
		{`{"type":"integer"}`, `9007199254740992`, true},   // 2^53: still exact
		{`{"type":"integer"}`, `18014398509481984`, false}, // 2^54: not exact in a float64
		{`{"type":"integer","format":"int32"}`, `2147483647`, true},
		{`{"type":"integer","format":"int32"}`, `2147483648`, false},
		{`{"type":"number","format":"int64"}`, `1.5`, false},
		{`{"type":"number"}`, `"1"`, false},
		{`{"type":"number","minimum":1}`, `1`, true},
		{`{"type":"number","minimum":1}`, `0.5`, false},
		{`{"type":"number","minimum":1,"exclusiveMinimum":true}`, `1`, false},
		{`{"type":"number","minimum":1,"exclusiveMinimum":true}`, `1.5`, true},
		{`{"type":"number","maximum":10}`, `10`, true},
		{`{"type":"number","maximum":10}`, `10.5`, false},
		{`{"type":"number","maximum":10,"exclusiveMaximum":true}`, `10`, false},
		{`{"type":"boolean"}`, `true`, true},
		{`{"type":"string","nullable":true}`, `null`, true},
		{`{"type":"string"}`, `null`, false},
		{`{"type":"string","enum":["a","b"]}`, `"b"`, true},
		{`{"type":"string","enum":["a","b"]}`, `"c"`, false},
		{`{"type":"integer","enum":[1,2]}`, `1`, false}, // left to kin-openapi
		{`{"type":"array","items":{"type":"integer"}}`, `[1,2]`, true},
		{`{"type":"array","items":{"type":"integer"}}`, `[1,"2"]`, false},
		{`{"type":"array"}`, `[1,"2"]`, true},
		{`{"type":"array"}`, `{}`, false},
		{`{"type":"object","required":["id"],"properties":{"id":{"type":"integer"}}}`, `{"id":1}`, true},
		{`{"type":"object","required":["id"],"properties":{"id":{"type":"integer"}}}`, `{"name":"x"}`, false},
		{`{"type":"object","properties":{"id":{"type":"integer"}}}`, `{"id":"1"}`, false},
		{`{"type":"object","additionalProperties":{"type":"integer"}}`, `{"x":1}`, true},
		{`{"type":"object","additionalProperties":{"type":"integer"}}`, `{"x":"1"}`, false},
		{`{"type":"object","additionalProperties":false}`, `{}`, false}, // not a keyword it knows
		{`{"type":"object"}`, `[]`, false},
		{`{"allOf":[{"type":"integer"},{"minimum":2}]}`, `3`, true},
		{`{"allOf":[{"type":"integer"},{"minimum":2}]}`, `1`, false},
		{`{"anyOf":[{"type":"integer"},{"type":"string"}]}`, `"x"`, true},
		{`{"anyOf":[{"type":"integer"},{"type":"string"}]}`, `true`, false},
		{`{"oneOf":[{"type":"integer"}]}`, `1`, false},
		{`{"type":"string","maxLength":9}`, `"x"`, false},
		{`{"type":"array","minItems":1}`, `[1]`, true},
		{`{"type":"array","minItems":1}`, `[]`, false},
		{`{"type":"array","minItems":2,"items":{"type":"integer"}}`, `[1,2]`, true},
		{`{"type":"array","minItems":2,"items":{"type":"integer"}}`, `[1]`, false},
		{`{"type":"array","maxItems":2}`, `[1,"2"]`, true},
		{`{"type":"array","maxItems":2}`, `[1,"2",3]`, false},
		{`{"type":"array","maxItems":0}`, `[]`, true},
		{`{"type":"array","maxItems":0}`, `[1]`, false},
		{`{"minItems":1,"maxItems":1}`, `"not an array"`, true},                             // array keywords bind arrays only
		{`{"type":"array","maxItems":4294967296}`, `[]`, false},                             // a bound past an int32: left to kin-openapi
		{`{"allOf":[{"maxItems":1}],"properties":{"a":{"type":"string"}}}`, `[1,2]`, false}, // not taken as members only
		{`{"allOf":[{"maxItems":1}],"properties":{"a":{"type":"string"}}}`, `[1]`, true},
		{`{"type":"object","properties":{"a":{"type":"array","maxItems":1}},"allOf":[{"properties":{"a":{"type":"array"}}}]}`, `{"a":[1,2]}`, false},
		{`{"type":"integer","readOnly":true}`, `1`, false},
	} {
		var s openapi3.Schema
		if err := json.Unmarshal([]byte(c.schema), &s); err != nil {
			t.Fatalf("%s: %v", c.schema, err)
		}
		var v any
		if err := json.Unmarshal([]byte(c.value), &v); err != nil {
			t.Fatalf("%s: %v", c.value, err)
		}
		var fast certainlyValid
		if got := fast.valid(&s, v, 0); got != c.want {
			t.Errorf("%s against %s: certainly valid = %v, want %v", c.value, c.schema, got, c.want)
		}
		if got := fast.validBytes(&s, []byte(c.value)); got != c.want && !manyDigits.MatchString(c.value) {
			t.Errorf("%s against %s: valid from its bytes = %v, want %v", c.value, c.schema, got, c.want)
		}
		if c.want {
			if err := s.VisitJSON(v); err != nil {
				t.Errorf("%s against %s: kin-openapi disagrees: %v", c.value, c.schema, err)
			}
		}
	}
}

// Nesting deeper than maxFastDepth is left to kin-openapi, and a schema that contains
// itself through allOf or anyOf ends rather than recursing for ever.
func TestCertainlyValidDepth(t *testing.T) {
	array := &openapi3.Schema{Type: &openapi3.Types{"array"}}
	array.Items = &openapi3.SchemaRef{Value: array}
	nested := func(levels int) any {
		var v any = []any{}
		for range levels - 1 {
			v = []any{v}
		}
		return v
	}
	var fast certainlyValid
	if !fast.valid(array, nested(maxFastDepth+1), 0) {
		t.Errorf("%d levels: not certainly valid", maxFastDepth+1)
	}
	if fast.valid(array, nested(maxFastDepth+2), 0) {
		t.Errorf("%d levels: certainly valid", maxFastDepth+2)
	}
	all := &openapi3.Schema{}
	all.AllOf = openapi3.SchemaRefs{{Value: all}}
	anyOf := &openapi3.Schema{}
	anyOf.AnyOf = openapi3.SchemaRefs{{Value: anyOf}}
	object := &openapi3.Schema{Type: &openapi3.Types{"object"}}
	object.AdditionalProperties = openapi3.AdditionalProperties{Schema: &openapi3.SchemaRef{Value: object}}
	property := &openapi3.Schema{Type: &openapi3.Types{"object"}}
	property.Properties = openapi3.Schemas{"x": &openapi3.SchemaRef{Value: property}}
	deep := map[string]any{}
	for range maxFastDepth + 1 {
		deep = map[string]any{"x": deep}
	}
	for name, c := range map[string]struct {
		s *openapi3.Schema
		v any
	}{"allOf": {all, "x"}, "anyOf": {anyOf, "x"}, "additionalProperties": {object, deep}, "properties": {property, deep}} {
		if fast.valid(c.s, c.v, 0) {
			t.Errorf("%s cycle: certainly valid", name)
		}
	}
}

// manyDigits finds a number literal float64 may not hold as the slow path reads it.
var manyDigits = regexp.MustCompile(`[0-9.]{16,}|[0-9][eE]`)

// checkBytesAgree holds the walk over bytes to the check over the decoded body: a
// "valid" from the bytes is one from the tree too, and never one kin-openapi refutes.
// With same, the verdicts must be equal as well, but where the body has a number only
// the slow path reads exactly (then the walk may say "not sure"); fuzzed bodies are
// not held to that, since a repeated key (the tree keeps the last) may leave the walk
// rightly unsure.
func checkBytesAgree(t *testing.T, c *certainlyValid, s *openapi3.Schema, data []byte, same bool) {
	t.Helper()
	if !utf8.Valid(data) {
		return
	}
	v, _, err := decodeJSON(data)
	fromBytes := c.validBytes(s, data)
	if err != nil {
		if fromBytes {
			t.Fatalf("not JSON, yet valid from its bytes: %.200q", data)
		}
		return
	}
	fromTree := c.valid(s, v, 0)
	if fromBytes && !fromTree || same && fromBytes != fromTree && !manyDigits.Match(data) {
		t.Fatalf("from bytes %v, from the tree %v: %.300s", fromBytes, fromTree, data)
	}
	if fromBytes {
		if err := s.VisitJSON(v, openapi3.MultiErrors()); err != nil {
			t.Fatalf("valid from its bytes, kin-openapi says %.200v: %.300s", err, data)
		}
	}
}

// Every example of both specs, and every mutation of each, gets the same verdict from
// its bytes as from its tree.
func TestValidBytesAgreesWithTheTree(t *testing.T) {
	schemas, examples := responseSchemas(t)
	var c certainlyValid
	checked, valid := 0, 0
	for i, s := range schemas {
		for _, ex := range examples[i] {
			for _, v := range append([]any{ex}, mutations(ex)...) {
				data, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				checkBytesAgree(t, &c, s, data, true)
				checked++
				if c.validBytes(s, data) {
					valid++
				}
			}
			// Whitespace everywhere, and escapes, change nothing.
			data, _ := json.MarshalIndent(ex, " ", "\t")
			if c.valid(s, ex, 0) && !c.validBytes(s, data) && !manyDigits.Match(data) {
				t.Errorf("schema %d: an indented example is not valid from its bytes", i)
			}
		}
	}
	if checked < 1000 || valid == 0 {
		t.Errorf("%d values, %d valid from their bytes", checked, valid)
	}
}

func FuzzValidBytes(f *testing.F) {
	schemas, examples := responseSchemas(f)
	for i := range schemas {
		for _, ex := range examples[i] {
			data, _ := json.Marshal(ex)
			f.Add(i, data)
		}
	}
	var c certainlyValid
	f.Fuzz(func(t *testing.T, i int, data []byte) {
		if i < 0 {
			i = -i
		}
		checkBytesAgree(t, &c, schemas[i%len(schemas)], data, false)
	})
}

// A repeated key is read as encoding/json reads it (the last wins) by the tree; the
// walk checks every occurrence, so it is unsure where an earlier one breaks the schema,
// and never valid where the tree is not.
func TestValidBytesWithARepeatedKey(t *testing.T) {
	var s openapi3.Schema
	if err := json.Unmarshal([]byte(`{"type":"object","required":["a"],"properties":{"a":{"type":"integer"}}}`), &s); err != nil {
		t.Fatal(err)
	}
	var c certainlyValid
	for body, want := range map[string]bool{`{"a":1,"a":2}`: true, `{"a":"x","a":1}`: false, `{"a":1,"a":"x"}`: false, `{"b":1}`: false, `{}`: false} {
		if got := c.validBytes(&s, []byte(body)); got != want {
			t.Errorf("%s: valid from its bytes %v, want %v", body, got, want)
		}
		checkBytesAgree(t, &c, &s, []byte(body), false)
	}
}

// An allOf whose branches constrain only members is checked as one object with all
// their members, a member in two branches held to both, a required name in one branch
// and its property in another joined; the verdicts are the tree's, and kin-openapi's.
func TestValidBytesMergesMemberBranches(t *testing.T) {
	for _, c := range []struct {
		schema string
		merged bool // no branch is left to walk on its own
		bodies map[string]bool
	}{
		{`{"properties":{"z":{"type":"boolean"}},"allOf":[
			{"type":"object","required":["x"],"properties":{"x":{"type":"string"}}},
			{"required":["y"],"properties":{"x":{"minLength":3},"w":{"type":"integer","nullable":true}}},
			{"properties":{"y":{"type":"integer"},"w":{"type":"integer"}}}]}`, true, map[string]bool{
			`{"x":"abcd","y":1}`: true, `{"x":"abcd","y":1,"z":true,"q":[]}`: true, `{"x":"ab","y":1}`: false,
			`{"x":5,"y":1}`: false, `{"y":1}`: false, `{"x":"abc"}`: false, `{"x":"abc","y":"1"}`: false,
			`{"x":"abc","y":1,"z":1}`: false, `{"x":"abc","y":1,"w":null}`: false, `{"x":"abc","y":1,"w":2}`: true,
			`5`: false, `null`: false, `[]`: false}},
		{`{"nullable":true,"allOf":[{"properties":{"a":{"type":"string"}}},{"required":["a"]}]}`, true, map[string]bool{
			`{"a":"s"}`: true, `{"a":1}`: false, `{}`: false, `null`: true, `"text"`: true, `7`: true}},
		{`{"allOf":[{"properties":{"a":{"type":"string"}}},{"type":"string","minLength":2}]}`, false, map[string]bool{
			`"ab"`: true, `"a"`: false, `{"a":"s"}`: false}},
	} {
		var s openapi3.Schema
		if err := json.Unmarshal([]byte(c.schema), &s); err != nil {
			t.Fatal(err)
		}
		var cv certainlyValid
		for body, want := range c.bodies {
			if got := cv.validBytes(&s, []byte(body)); got != want {
				t.Errorf("%s: valid from its bytes %v, want %v", body, got, want)
			}
			checkBytesAgree(t, &cv, &s, []byte(body), true)
		}
		if n := cv.compiled(&s); (len(n.allOf) == 0) != c.merged {
			t.Errorf("%s: %d branches left, want merged %v", c.schema, len(n.allOf), c.merged)
		}
	}
}
