package contract

import (
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"
)

// memberNode is one place in the members a success body may have, by schema pointer: an
// object's members by name, an array's items. Coverage follows a body's bytes down
// these nodes, so that it reads each body once, builds nothing, and looks at no member
// the spec does not document.
type memberNode struct {
	// key is the member's coverage key ("operationId status /pointer"), or, on the
	// root and on an array's items, which are not members, the prefix of the keys below.
	key      string
	member   bool
	children map[string]*memberNode
	items    *memberNode
	// name is the member's name; first and next, as a checkNode's, guess the order of
	// an object's members from the last one, for the walks.
	name        string
	first, next atomic.Pointer[memberNode]
	// seen is set once traffic has had the member; on the root, unseen counts the
	// members below it not yet seen, so that a body with nothing new to show is not read.
	seen   atomic.Bool
	unseen atomic.Int64
}

// maxMemberDepth bounds the schema walk, for recursive schemas.
const maxMemberDepth = 8

// add puts under n every member s documents: its properties and, for an array, its
// items, through allOf, anyOf and oneOf, which share their parent's place.
func (n *memberNode) add(s *openapi3.Schema, depth int) {
	if s == nil || depth > maxMemberDepth {
		return
	}
	for name, p := range s.Properties {
		child := n.children[name]
		if child == nil {
			if n.children == nil {
				n.children = map[string]*memberNode{}
			}
			child = &memberNode{key: n.key + pointer([]string{name}), member: true, name: name}
			n.children[name] = child
		}
		if p.Value != nil {
			child.add(p.Value, depth+1)
		}
	}
	if s.Items != nil && s.Items.Value != nil {
		if n.items == nil {
			n.items = &memberNode{key: n.key + "/*"}
		}
		n.items.add(s.Items.Value, depth+1)
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, b := range group {
			n.add(b.Value, depth+1)
		}
	}
}

// note records that the body has member n, unless traffic already showed it.
func (w *memberWalker) note(n *memberNode) {
	if n.seen.Load() || w.pending[n] {
		return
	}
	if w.pending == nil {
		w.pending = map[*memberNode]bool{}
	}
	w.pending[n] = true
	w.found = append(w.found, n)
}

// each calls f with every member below n.
func (n *memberNode) each(f func(*memberNode)) {
	for _, child := range n.children {
		f(child)
		child.each(f)
	}
	if n.items != nil {
		n.items.each(f)
	}
}

// find returns the members below root that body has and traffic has not yet shown,
// each once; nothing when body is not JSON, as a body that cannot be read shows
// nothing.
func (root *memberNode) find(body []byte) []*memberNode {
	w := memberWalker{jsonDecoder: jsonDecoder{data: body}}
	w.space()
	if !w.walk(root, maxJSONDepth) {
		return nil
	}
	if w.space(); w.pos != len(w.data) {
		return nil
	}
	return w.found
}

// memberWalker is one walk of a body down the member nodes.
type memberWalker struct {
	jsonDecoder
	buf     []byte
	found   []*memberNode
	pending map[*memberNode]bool // found in this body, so that found has each once
}

// walk moves past the value at pos, which is at node n's place.
func (w *memberWalker) walk(n *memberNode, depth int) bool {
	if depth < 0 || w.pos >= len(w.data) {
		return false
	}
	switch w.data[w.pos] {
	case '{':
		if n.children == nil {
			return w.skip(&w.buf, depth)
		}
		if w.enter('}') {
			return true
		}
		for {
			key, ok := w.name(&w.buf)
			if !ok {
				return false
			}
			child := n.children[string(key)]
			if child == nil {
				ok = w.skip(&w.buf, depth-1)
			} else {
				w.note(child)
				ok = w.walk(child, depth-1)
			}
			if !ok {
				return false
			}
			if closed, ok := w.next('}'); !ok || closed {
				return ok
			}
		}
	case '[':
		if n.items == nil {
			return w.skip(&w.buf, depth)
		}
		if w.enter(']') {
			return true
		}
		for {
			w.space()
			if !w.walk(n.items, depth-1) {
				return false
			}
			if closed, ok := w.next(']'); !ok || closed {
				return ok
			}
		}
	}
	return w.skip(&w.buf, depth)
}
