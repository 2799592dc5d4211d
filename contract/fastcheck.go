package contract

import (
	"math"
	"regexp"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// certainlyValid answers, much faster than kin-openapi's walk, whether a decoded value
// conforms to a schema. It is conservative: true means kin-openapi would find nothing
// (so its walk can be skipped); false means "invalid, or a keyword this check does not
// know", and kin-openapi then walks the value to say exactly what is wrong. It knows the
// keywords the project's specs use, with kin-openapi's OpenAPI 3.0 meaning; a schema
// with any other keyword is left to kin-openapi. Most responses conform, so most skip
// the slow walk.
type certainlyValid struct {
	patterns sync.Map // pattern source -> *regexp.Regexp, or nil when it does not compile
	// nodes holds the schemas compiled for the byte walk, by schema; compiling guards
	// memo, which compilation shares so that each schema is compiled once.
	nodes     sync.Map
	compiling sync.Mutex
	memo      map[*openapi3.Schema]*checkNode
}

// maxFastDepth leaves pathological nesting to kin-openapi.
const maxFastDepth = 64

// valid is the check on a decoded value, on the schema compiled for the byte walk, so
// that the two read each keyword the same way.
func (c *certainlyValid) valid(s *openapi3.Schema, v any, depth int) bool {
	return c.compiled(s).valid(v, depth)
}

func (n *checkNode) valid(v any, depth int) bool {
	if n == nil || !n.sure || depth > maxFastDepth {
		return false
	}
	if v == nil {
		return n.nullable
	}
	for _, sub := range n.allOf {
		if !sub.valid(v, depth+1) {
			return false
		}
	}
	if obj, ok := v.(map[string]any); ok && n.disc != nil {
		// kin-openapi checks only the branch the discriminator names.
		name, _ := obj[n.disc.prop].(string)
		if b := n.disc.branches[name]; b == nil || !b.valid(v, depth+1) {
			return false
		}
	} else if len(n.anyOf) > 0 {
		matched := false
		for _, sub := range n.anyOf {
			if sub.valid(v, depth+1) {
				matched = true
				break
			}
		}
		if !matched {
			return false
		}
	}
	if t, ok := v.(string); ok {
		return validString(n, t, (*regexp.Regexp).MatchString)
	}
	if n.enum != nil {
		return false // only strings in enums are this check's
	}
	switch t := v.(type) {
	case float64:
		return n.allows&allowsNumber != 0 && validNumber(n.schema, t)
	case bool:
		return n.allows&allowsBoolean != 0
	case []any:
		if n.allows&allowsArray == 0 {
			return false
		}
		if !n.itemCount(len(t)) {
			return false
		}
		if n.items == nil {
			return true
		}
		for _, item := range t {
			if !n.items.valid(item, depth+1) {
				return false
			}
		}
		return true
	case map[string]any:
		return n.validObject(t, depth)
	}
	return false
}

func (n *checkNode) validObject(v map[string]any, depth int) bool {
	if n.allows&allowsObject == 0 {
		return false
	}
	for _, name := range n.requiredNames {
		if _, ok := v[name]; !ok {
			return false
		}
	}
	for k, child := range v {
		switch m := n.members[k]; {
		case m != nil && m.node != nil:
			if !m.node.valid(child, depth+1) {
				return false
			}
		case n.extra != nil:
			if !n.extra.valid(child, depth+1) {
				return false
			}
		}
	}
	return true
}

// known reports whether s uses only the keywords this check implements.
func (c *certainlyValid) known(s *openapi3.Schema) bool {
	return len(s.OneOf) == 0 && s.Not == nil && s.MultipleOf == nil && s.MaxLength == nil &&
		s.MinItems <= maxItemsBound && (s.MaxItems == nil || *s.MaxItems <= maxItemsBound) &&
		!s.UniqueItems && s.MinProps == 0 && s.MaxProps == nil &&
		!s.ReadOnly && !s.WriteOnly &&
		s.ExclusiveMin.Value == nil && s.ExclusiveMax.Value == nil &&
		(s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has)
}

// maxItemsBound is the largest minItems or maxItems the checks take, so that the bound
// fits an int everywhere; a larger one is left to kin-openapi.
const maxItemsBound = math.MaxInt32

// itemCount reports whether an array of count elements meets minItems and maxItems.
func (n *checkNode) itemCount(count int) bool {
	return uint64(count) >= n.minItems && (!n.hasMaxItems || count <= n.maxItems)
}

// typeAllows reports whether the schema's type admits a value of JSON type name; a
// schema without a type admits any.
func typeAllows(s *openapi3.Schema, name string) bool {
	return s.Type == nil || len(s.Type.Slice()) == 0 || s.Type.Is(name)
}

// maxExactFloat is 2^53: every integer up to it is exact in a float64.
const maxExactFloat = 1 << 53

func validNumber(s *openapi3.Schema, v float64) bool {
	integer := v == math.Trunc(v) && math.Abs(v) <= maxExactFloat
	switch {
	case s.Type.Is("integer"):
		if !integer {
			return false
		}
	case !typeAllows(s, "number"):
		return false
	}
	if s.Format != "" {
		f, ok := openapi3.SchemaIntegerFormats[s.Format]
		if !ok || !integer || f.Validate(int64(v)) != nil {
			return false
		}
	}
	if s.Min != nil && (v < *s.Min || s.ExclusiveMin.IsTrue() && v == *s.Min) {
		return false
	}
	if s.Max != nil && (v > *s.Max || s.ExclusiveMax.IsTrue() && v == *s.Max) {
		return false
	}
	return true
}

func (c *certainlyValid) pattern(src string) *regexp.Regexp {
	if re, ok := c.patterns.Load(src); ok {
		return re.(*regexp.Regexp)
	}
	re, err := regexp.Compile(src)
	if err != nil {
		re = nil
	}
	c.patterns.Store(src, re)
	return re
}
