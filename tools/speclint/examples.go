package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// mutant is an example with the value at one place replaced by a value of a JSON type
// its schema does not name.
type mutant struct {
	path  string // JSON pointer of the replaced value
	value any    // the whole example, with the replacement
}

// jsonKind names the JSON type of a decoded value as a schema's type names it, with
// integers counted as numbers.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	default: // a number, whatever Go type the loader gave it
		return "number"
	}
}

// stand-ins of each JSON type, in the order a replacement is chosen.
var standIns = []struct {
	kind  string
	value func() any
}{
	{"string", func() any { return "mutated" }},
	{"number", func() any { return 12345 }},
	{"boolean", func() any { return true }},
	{"object", func() any { return map[string]any{} }},
	{"array", func() any { return []any{} }},
}

// retyped is a value of a JSON type that neither v has nor any of the schemas describing
// it names, or false when they name every type.
func retyped(v any, describing []*openapi3.Schema) (any, bool) {
	named := map[string]bool{jsonKind(v): true}
	for _, s := range describing {
		for _, t := range s.Type.Slice() {
			if t == "integer" {
				t = "number"
			}
			named[t] = true
		}
	}
	for _, c := range standIns {
		if !named[c.kind] {
			return c.value(), true
		}
	}
	return nil, false
}

// expand returns s and, recursively, every schema it composes with allOf, anyOf or oneOf:
// the schemas that together describe one value.
func expand(out []*openapi3.Schema, s *openapi3.Schema) []*openapi3.Schema {
	if s == nil || slices.Contains(out, s) {
		return out
	}
	out = append(out, s)
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, sub := range group {
			out = expand(out, sub.Value)
		}
	}
	return out
}

// mutants returns one mutant of v for every value inside it that a schema names: a
// property or an array item, v itself included when retype is set. A map value is not
// named, so it is not retyped, though its own properties are. On the way it marks
// every property it meets as exercised. Each mutant shares the parts it leaves
// unchanged with v, which is never modified.
func (m *members) mutants(v any, describing []*openapi3.Schema, retype bool) []mutant {
	if len(describing) == 0 {
		return nil
	}
	var out []mutant
	if retype {
		if alt, ok := retyped(v, describing); ok {
			out = append(out, mutant{"", alt})
		}
	}
	switch t := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			var props, values []*openapi3.Schema
			for _, s := range describing {
				if p := s.Properties[k]; p != nil {
					props = expand(props, p.Value)
					m.exercise(s, k)
				} else if extra := s.AdditionalProperties.Schema; extra != nil {
					values = expand(values, extra.Value)
				}
			}
			named := len(props) > 0
			if !named {
				props = values
			}
			for _, mu := range m.mutants(t[k], props, named) {
				changed := maps.Clone(t)
				changed[k] = mu.value
				out = append(out, mutant{"/" + pointerEscape(k) + mu.path, changed})
			}
		}
	case []any:
		var items []*openapi3.Schema
		for _, s := range describing {
			if s.Items != nil {
				items = expand(items, s.Items.Value)
			}
		}
		for i := range t {
			for _, mu := range m.mutants(t[i], items, true) {
				changed := slices.Clone(t)
				changed[i] = mu.value
				out = append(out, mutant{fmt.Sprintf("/%d%s", i, mu.path), changed})
			}
		}
	}
	return out
}

func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// mutation reports every value in a valid example whose type can change without the
// schema noticing: a member typed loosely enough that a wrong type in real traffic
// would pass validation too. It also marks the members the example carries.
func (c *checker) mutation(where string, schema *openapi3.Schema, example any) {
	for _, m := range c.members.mutants(example, expand(nil, schema), true) {
		if schema.VisitJSON(m.value) == nil {
			path := m.path
			if path == "" {
				path = "/"
			}
			c.add("example-mutation", where+" "+path, "the example still validates with this value's type changed; its schema does not pin the type")
		}
	}
}

// members records, for every object schema reachable from a media type, which of its
// properties some example carries, so Check can report the ones none does.
type members struct {
	where     map[*openapi3.Schema]string          // first place each schema was reached
	exercised map[*openapi3.Schema]map[string]bool // properties an example carried
}

// reach records s and every schema inside it as reachable, naming component schemas
// by their component path.
func (m *members) reach(where string, ref *openapi3.SchemaRef) {
	if ref == nil || ref.Value == nil {
		return
	}
	if ref.Ref != "" {
		where = strings.TrimPrefix(ref.Ref, "#/")
	}
	s := ref.Value
	if _, seen := m.where[s]; seen {
		return
	}
	m.where[s] = where
	for name, prop := range s.Properties {
		m.reach(where+"/"+pointerEscape(name), prop)
	}
	m.reach(where+"/items", s.Items)
	if s.AdditionalProperties.Schema != nil {
		m.reach(where+"/additionalProperties", s.AdditionalProperties.Schema)
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for i, sub := range group {
			m.reach(fmt.Sprintf("%s/%d", where, i), sub)
		}
	}
}

// exercise marks the property name of s as carried by an example.
func (m *members) exercise(s *openapi3.Schema, name string) {
	if m.exercised[s] == nil {
		m.exercised[s] = map[string]bool{}
	}
	m.exercised[s][name] = true
}

// unexercised reports every property of a reachable schema that no example carries:
// a member whose type could drift with nothing to notice. Deprecated members are left
// out: an example should not show them.
func (c *checker) unexercised() {
	for s, where := range c.members.where {
		for name, prop := range s.Properties {
			if !c.members.exercised[s][name] && !prop.Value.Deprecated {
				c.add("member-exercised", where+"/"+pointerEscape(name), "no example carries this member")
			}
		}
	}
}
