package contract

import (
	"maps"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// undocumented appends the pointers of fields in value that schema does not describe.
// Properties count from the schema and from every allOf, anyOf and oneOf branch; an
// object with additionalProperties (true or a schema) is a map whose keys are all
// documented, and its values are walked with that schema. The walk stops once out
// holds limit pointers.
func undocumented(s *openapi3.Schema, value any, ptr string, out *[]string, limit int) {
	if s == nil || len(*out) >= limit {
		return
	}
	switch v := value.(type) {
	case map[string]any:
		props := map[string][]*openapi3.Schema{}
		var extra []*openapi3.Schema
		open := false
		collect(s, props, &extra, &open, 0)
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if len(*out) >= limit {
				return
			}
			schemas, documented := props[k]
			switch {
			case !documented && !open:
				*out = append(*out, ptr+pointer([]string{k}))
			case !isContainer(v[k]):
				// a documented scalar has no fields: no pointer for it
			case documented:
				undocumentedByAny(schemas, v[k], ptr+pointer([]string{k}), out, limit)
			default:
				undocumentedByAny(extra, v[k], ptr+pointer([]string{k}), out, limit)
			}
		}
	case []any:
		var items []*openapi3.Schema
		collectItems(s, &items, 0)
		for i, elem := range v {
			if len(*out) >= limit {
				return
			}
			if isContainer(elem) { // only a container has fields: no pointer for the rest
				undocumentedByAny(items, elem, ptr+"/"+strconv.Itoa(i), out, limit)
			}
		}
	}
}

// isContainer reports whether value is an object or an array.
func isContainer(value any) bool {
	switch value.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// undocumentedByAny appends the members of value that none of schemas describes: when
// the branches of an anyOf give one member several schemas (a value's data a text in
// one branch, an object in another), a nested member is documented when any branch
// that can hold the value describes it. Branches whose type cannot hold the value are
// left out, unless none can. A branch's own pointers are gathered whole (bounded by the
// value, one a field), for only what every branch has counts against limit.
func undocumentedByAny(schemas []*openapi3.Schema, value any, ptr string, out *[]string, limit int) {
	var fit []*openapi3.Schema
	for _, cs := range schemas {
		if holds(cs, value) {
			fit = append(fit, cs)
		}
	}
	if len(fit) == 0 {
		fit = schemas
	}
	if len(fit) == 1 {
		undocumented(fit[0], value, ptr, out, limit)
		return
	}
	var common []string
	for i, cs := range fit {
		var each []string
		undocumented(cs, value, ptr, &each, unbounded)
		if i == 0 {
			common = each
			continue
		}
		common = slices.DeleteFunc(common, func(p string) bool { return !slices.Contains(each, p) })
	}
	*out = append(*out, common[:max(0, min(len(common), limit-len(*out)))]...)
}

// holds reports whether a schema's type admits value's kind; an untyped schema admits
// anything.
func holds(s *openapi3.Schema, value any) bool {
	if s == nil || s.Type == nil || len(*s.Type) == 0 {
		return true
	}
	switch value.(type) {
	case map[string]any:
		return s.Type.Is("object")
	case []any:
		return s.Type.Is("array")
	}
	return true
}

// maxDepth stops a pathological chain of composed schemas.
const maxDepth = 32

func collect(s *openapi3.Schema, props map[string][]*openapi3.Schema, extra *[]*openapi3.Schema, open *bool, depth int) {
	if s == nil || depth > maxDepth {
		return
	}
	for name, p := range s.Properties {
		props[name] = append(props[name], p.Value)
	}
	ap := s.AdditionalProperties
	if (ap.Has != nil && *ap.Has) || ap.Schema != nil {
		*open = true
		if ap.Schema != nil {
			*extra = append(*extra, ap.Schema.Value)
		}
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, sub := range group {
			collect(sub.Value, props, extra, open, depth+1)
		}
	}
}

func collectItems(s *openapi3.Schema, items *[]*openapi3.Schema, depth int) {
	if s == nil || depth > maxDepth {
		return
	}
	if s.Items != nil {
		*items = append(*items, s.Items.Value)
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, sub := range group {
			collectItems(sub.Value, items, depth+1)
		}
	}
}
