package cli

import (
	"net/url"
	"slices"
	"sort"
	"time"
)

// Bounds of inference, whatever the traffic: a hostile or huge recording cannot grow a
// schema past them.
const (
	maxInferDepth = 8   // nesting below which values are taken as they come
	maxInferProps = 200 // members of one object schema; later ones are not added
)

// inferred is a schema grown from every value seen at one place: the JSON types seen,
// the formats every string fits, an object's members and an array's items.
type inferred struct {
	types   map[string]bool
	formats map[string]bool // candidate formats: dropped by the first string that does not fit
	strings int
	props   map[string]*inferred
	order   []string
	items   *inferred
}

func newInferred() *inferred { return &inferred{types: map[string]bool{}} }

// add folds one decoded JSON value in.
func (s *inferred) add(v any, depth int) {
	switch v := v.(type) {
	case nil:
		s.types["null"] = true
	case bool:
		s.types["boolean"] = true
	case float64:
		if v == float64(int64(v)) {
			s.types["integer"] = true
		} else {
			s.types["number"] = true
		}
	case string:
		s.types["string"] = true
		if s.strings == 0 {
			s.formats = map[string]bool{"date-time": true, "uri": true}
		}
		s.strings++
		for f := range s.formats {
			if !fits(f, v) {
				delete(s.formats, f)
			}
		}
	case map[string]any:
		s.types["object"] = true
		if s.props == nil {
			s.props = map[string]*inferred{}
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p, ok := s.props[k]
			if !ok {
				if len(s.props) >= maxInferProps {
					continue
				}
				p = newInferred()
				s.props[k] = p
				s.order = append(s.order, k)
			}
			if depth < maxInferDepth {
				p.add(v[k], depth+1)
			}
		}
	case []any:
		s.types["array"] = true
		if s.items == nil {
			s.items = newInferred()
		}
		if depth < maxInferDepth {
			for _, e := range v {
				s.items.add(e, depth+1)
			}
		}
	}
}

// fits reports whether a string is of a format.
func fits(format, v string) bool {
	switch format {
	case "date-time":
		_, err := time.Parse(time.RFC3339, v)
		return err == nil
	case "uri":
		u, err := url.Parse(v)
		return err == nil && u.Scheme != "" && u.Host != ""
	}
	return false
}

// schema is the inferred schema as OpenAPI 3.0.3 has it: one type, nullable when null
// was seen too, anyOf when values of several types were; an integer seen with a number
// is a number.
func (s *inferred) schema() map[string]any {
	types := map[string]bool{}
	for t := range s.types {
		types[t] = true
	}
	nullable := types["null"]
	delete(types, "null")
	if types["integer"] && types["number"] {
		delete(types, "integer")
	}
	var names []string
	for t := range types {
		names = append(names, t)
	}
	sort.Strings(names)
	var out map[string]any
	switch len(names) {
	case 0:
		out = map[string]any{"nullable": true} // only null seen: any type, so far
		return out
	case 1:
		out = s.typed(names[0])
	default:
		var branches []any
		for _, t := range names {
			branches = append(branches, s.typed(t))
		}
		out = map[string]any{"anyOf": branches}
		if nullable {
			// 3.0.3 cannot make an anyOf nullable without a type; each branch is.
			for _, b := range branches {
				b.(map[string]any)["nullable"] = true
			}
			nullable = false
		}
	}
	if nullable {
		out["nullable"] = true
	}
	return out
}

func (s *inferred) typed(t string) map[string]any {
	out := map[string]any{"type": t}
	switch t {
	case "string":
		formats := make([]string, 0, len(s.formats))
		for f := range s.formats {
			formats = append(formats, f)
		}
		slices.Sort(formats)
		if len(formats) > 0 {
			out["format"] = formats[0]
		}
	case "object":
		props := map[string]any{}
		for _, k := range s.order {
			props[k] = s.props[k].schema()
		}
		out["properties"] = props
	case "array":
		if s.items != nil && len(s.items.types) > 0 {
			out["items"] = s.items.schema()
		} else {
			out["items"] = map[string]any{} // only empty arrays seen
		}
	}
	return out
}
