package contract

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// discriminator is an anyOf's discriminator made ready for the checks: kin-openapi
// reads the property of an object (it must be there, and a string), takes the branch
// its mapping names (a value not in the mapping is refused) and checks that branch
// alone; so do the checks, instead of trying every branch. branches maps each value to
// its branch, nil for one naming no branch of the anyOf (which kin-openapi refuses, as
// it then checks none).
type discriminator struct {
	prop     string
	branches map[string]*checkNode
}

// compileDiscriminator is s's discriminator over its compiled anyOf branches, or nil
// when the checks cannot follow it exactly: on a oneOf (left to kin-openapi) or on no
// anyOf, without a mapping (kin-openapi then checks every branch once the property is
// read), or with a branch that does not pin the property. A branch pins it when it
// holds the property to string values that all map to that branch: an object may
// repeat a member, and kin-openapi reads the last while the walk reads the first, but
// the branch the first picks then also holds every repetition to values naming it.
func compileDiscriminator(s *openapi3.Schema, anyOf []*checkNode) *discriminator {
	d := s.Discriminator
	if len(s.OneOf) > 0 || len(s.AnyOf) == 0 || len(d.Mapping) == 0 || len(anyOf) != len(s.AnyOf) {
		return nil
	}
	out := &discriminator{prop: d.PropertyName, branches: make(map[string]*checkNode, len(d.Mapping))}
	for value, m := range d.Mapping {
		ref := m.Ref
		if ref != "" && !strings.Contains(ref, "/") {
			ref = "#/components/schemas/" + ref // a plain schema name, as kin-openapi reads it
		}
		var branch *checkNode
		for i, item := range s.AnyOf {
			if ref != "" && item.Ref == ref {
				branch = anyOf[i]
				break
			}
		}
		out.branches[value] = branch
	}
	for _, b := range out.branches {
		if b != nil && !pins(b, out) {
			return nil
		}
	}
	return out
}

// pins reports whether branch b holds the discriminator's property to string values
// that the mapping sends to b.
func pins(b *checkNode, d *discriminator) bool {
	if !b.done {
		return false // still being compiled (a cycle): its members are not known yet
	}
	m := b.members[d.prop]
	if m == nil || m.node == nil || !m.node.sure || m.node.nullable || m.node.enum == nil ||
		len(m.node.enum) != len(m.node.schema.Enum) {
		return false
	}
	for value := range m.node.enum {
		if d.branches[value] != b {
			return false
		}
	}
	return true
}

// discriminated reads the discriminator's property of the object at pos, its first
// occurrence, and returns the branch it names; nil when the object lacks it, it is not
// a string, it names no branch, or the object is not well formed up to it. pos is left
// anywhere: the caller walks the object again from its start.
func (w *byteWalker) discriminated(d *discriminator, depth int) *checkNode {
	if w.enter('}') {
		return nil
	}
	for {
		key, ok := w.name(&w.buf)
		if !ok {
			return nil
		}
		if string(key) == d.prop {
			if w.pos >= len(w.data) || w.data[w.pos] != '"' {
				return nil
			}
			value, ok := w.strBytes(&w.buf)
			if !ok {
				return nil
			}
			return d.branches[string(value)]
		}
		if !w.skip(&w.buf, maxFastDepth-depth) {
			return nil
		}
		if closed, ok := w.next('}'); !ok || closed {
			return nil
		}
	}
}
