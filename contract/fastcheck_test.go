package contract

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/orgapis/orgapis/specs"
)

// responseSchemas returns every JSON response schema of both specs with the examples
// given for it, decoded.
func responseSchemas(t testing.TB) (schemas []*openapi3.Schema, examples [][]any) {
	for _, api := range specs.APIs() {
		doc, err := specs.Load(context.Background(), api)
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

// set returns a deep copy of v with the value at path replaced, or removed.
func set(v any, path []any, value any, remove bool) any {
	var cp any
	b, _ := json.Marshal(v)
	_ = json.Unmarshal(b, &cp)
	parent := get(cp, path[:len(path)-1])
	switch k := path[len(path)-1].(type) {
	case string:
		if remove {
			delete(parent.(map[string]any), k)
		} else {
			parent.(map[string]any)[k] = value
		}
	case int:
		parent.([]any)[k] = value
	}
	return cp
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
