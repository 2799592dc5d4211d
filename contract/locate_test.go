package contract

import (
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// pointMutation is one change to an example: the value at path replaced, or removed.
type pointMutation struct {
	path   []any
	value  any
	remove bool
}

// pointMutations are the changes mutations makes, and strings that break patterns,
// lengths and formats, each kept apart so that several can be made to one value.
func pointMutations(v any) []pointMutation {
	replacements := []any{"x", "", strings.Repeat("é", 300), "2026-13-45", "2026-01-02T03:04:05Z", 1.0, 1.5, -1.0, 1e300, true, nil, []any{}, map[string]any{}}
	var out []pointMutation
	var walk func(path []any)
	walk = func(path []any) {
		switch t := get(v, path).(type) {
		case map[string]any:
			for k := range t {
				child := append(append([]any{}, path...), k)
				for _, r := range replacements {
					out = append(out, pointMutation{path: child, value: r})
				}
				out = append(out, pointMutation{path: child, remove: true})
				walk(child)
			}
		case []any:
			for i := range t {
				child := append(append([]any{}, path...), i)
				for _, r := range replacements {
					out = append(out, pointMutation{path: child, value: r})
				}
				walk(child)
			}
		}
	}
	walk(nil)
	return out
}

// reaches reports whether path still leads somewhere in v.
func reaches(v any, path []any) bool {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return false
			}
			if v, ok = m[k]; !ok {
				return false
			}
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return false
			}
			v = a[k]
		}
	}
	return true
}

// mutatedValues is ex with each change of pointMutations made alone, each with a second
// one, and a third of them at once.
func mutatedValues(ex any) []any {
	muts := pointMutations(ex)
	var values []any
	for j, m := range muts {
		values = append(values, set(ex, m.path, m.value, m.remove))
		if k := (j*7 + 3) % len(muts); k != j && reaches(values[len(values)-1], muts[k].path) {
			values = append(values, set(values[len(values)-1], muts[k].path, muts[k].value, muts[k].remove))
		}
	}
	many := ex
	for j := 0; j < len(muts); j += 3 {
		if reaches(many, muts[j].path) {
			many = set(many, muts[j].path, muts[j].value, muts[j].remove)
		}
	}
	return append(values, many)
}

// The findings of a failing body, located by the compiled check and kin-openapi only
// where the check refuses (findingsOf), are exactly those of kin-openapi's walk of the
// whole body, in the same order: on every example of both specs with each change of
// pointMutations made alone, with pairs of them, and with a third of them at once
// (findings in many items and members, of every kind: type, enum, pattern, format,
// lengths, bounds, required, composition).
func TestFindingsOfAgreeWithKinOpenAPI(t *testing.T) {
	schemas, examples := responseSchemas(t)
	// The specs' answers have no pattern nor length bounds; this schema has them, with
	// enums, bounds, free-form members and nulls, in arrays of objects.
	page, pageExample := keywordsPage(t)
	schemas = append(schemas, page)
	examples = append(examples, []any{pageExample, roundTrip(t, map[string]any{"items": []any{ // one item too many
		map[string]any{"code": "ab-1", "name": "Ann"}, map[string]any{"code": "ab-2", "name": "Al"},
		map[string]any{"code": "ab-3", "name": "Abe"}, map[string]any{"code": "ab-4", "name": 4},
	}, "total": 4})})
	var v Validator
	checked, failing := 0, 0
	kinds := map[string]bool{}
	for i, s := range schemas {
		for _, ex := range examples[i] {
			for _, value := range mutatedValues(ex) {
				var want []Finding
				if err := s.VisitJSON(value, openapi3.MultiErrors()); err != nil {
					want = schemaFindings(Finding{}, KindBody, "", err, unbounded)
				}
				got := v.findingsOf(Finding{}, KindBody, "", v.fast.compiled(s), value, 0, unbounded)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%v:\nfindingsOf %+v\nkin        %+v", value, got, want)
				}
				checked++
				if len(want) > 0 {
					failing++
				}
				for _, f := range want {
					kinds[strings.SplitN(f.Expected, " ", 2)[0]] = true
				}
			}
		}
	}
	if checked < 10000 || failing < checked/2 {
		t.Fatalf("%d bodies, %d failing: the mutations do not reach the schemas", checked, failing)
	}
	for _, k := range []string{"type", "one", "pattern", "format", "property", "minLength:", "maxLength:", "minimum:", "maximum:", "maxItems:", "discriminator:"} {
		if !kinds[k] {
			t.Errorf("no finding expecting %q among %v", k, kinds)
		}
	}
}

// keywordsSpec has a body schema with the string, number and array keywords the
// specs' answers lack.
// keywordsPage is keywordsSpec's Page schema and an example of it that conforms.
func keywordsPage(t testing.TB) (*openapi3.Schema, any) {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(keywordsSpec))
	if err != nil {
		t.Fatal(err)
	}
	return doc.Components.Schemas["Page"].Value, roundTrip(t, map[string]any{"items": []any{
		map[string]any{"code": "ab-1", "name": "Ann", "tags": []any{"a", "b"}, "level": "low", "score": 5, "extra": map[string]any{"k": 1}},
		map[string]any{"code": "cd-22", "name": "Bo", "tags": []any{}, "level": "high", "score": 0, "note": nil},
	}, "total": 2})
}

const keywordsSpec = `openapi: 3.0.3
info: {title: Keywords, version: "1"}
paths: {}
components:
  schemas:
    Page:
      type: object
      required: [items, total]
      properties:
        total: {type: integer, minimum: 0}
        items:
          type: array
          maxItems: 3
          items:
            type: object
            required: [code, name]
            properties:
              code: {type: string, pattern: "^[a-z]{2}-[0-9]+$"}
              name: {type: string, minLength: 2, maxLength: 10}
              tags: {type: array, items: {type: string, maxLength: 1}}
              level: {type: string, enum: [low, high]}
              score: {type: number, maximum: 10}
              note: {type: string, nullable: true}
            additionalProperties:
              type: object
              additionalProperties: {type: integer}
`
