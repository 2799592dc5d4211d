package contract

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// A member given several schemas by the branches of an anyOf (a value's data a text in
// one branch, an object in another) is documented when a branch that can hold it
// describes it, and undocumented only when none does.
func TestUndocumentedAcrossAnyOfBranches(t *testing.T) {
	const schema = `{"anyOf": [
		{"type": "object", "properties": {"type": {"type": "string"}, "data": {"type": "string", "nullable": true}}},
		{"type": "object", "properties": {"type": {"type": "string"}, "data": {"type": "object", "properties": {"id": {"type": "integer"}}}}},
		{"type": "object", "properties": {"type": {"type": "string"}, "data": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}}},
		{"type": "object", "properties": {"data": {"type": "array", "items": {"type": "object", "properties": {"text": {"type": "string"}}}}}}
	]}`
	var s openapi3.Schema
	if err := json.Unmarshal([]byte(schema), &s); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, value string
		want        []string
	}{
		{"a text", `{"type": "t", "data": "x"}`, nil},
		{"members one object branch describes", `{"type": "c", "data": {"id": 1, "name": "Acme"}}`, nil},
		{"a member no branch describes", `{"type": "c", "data": {"id": 1, "color": "red"}}`, []string{"/data/color"}},
		{"an item member the array branch describes", `{"data": [{"text": "a"}]}`, nil},
		{"an item member it does not", `{"data": [{"text": "a", "rank": 1}]}`, []string{"/data/0/rank"}},
		{"a top-level member none has", `{"type": "t", "data": null, "extra": 1}`, []string{"/extra"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var v any
			if err := json.Unmarshal([]byte(c.value), &v); err != nil {
				t.Fatal(err)
			}
			var got []string
			undocumented(&s, v, "", &got, unbounded)
			if !slices.Equal(got, c.want) {
				t.Errorf("undocumented = %q, want %q", got, c.want)
			}
		})
	}
}
