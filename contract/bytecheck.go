package contract

import (
	"regexp"
	"strings"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"
)

// validBytes is valid without the tree: it walks a JSON body's bytes once against the
// schema and builds nothing for a body that conforms, so that a valid body costs about
// what reading it does. It answers exactly as valid does on the decoded body, but for
// being more careful with numbers: one that float64 may not hold exactly, which the
// slow path reads exactly, is "not sure". False sends the body down the slow path,
// which says what is wrong. data must be valid UTF-8.
func (c *certainlyValid) validBytes(s *openapi3.Schema, data []byte) bool {
	return c.validBytesCounting(s, data, nil)
}

// validBytesCounting is validBytes that, with count, also gathers the body's members
// below count.root on the same walk, for Coverage; count.done says they were.
func (c *certainlyValid) validBytesCounting(s *openapi3.Schema, data []byte, count *memberCount) bool {
	w := byteWalker{jsonDecoder: jsonDecoder{data: data}}
	var root *memberNode
	if count != nil && count.root != nil {
		root, w.members = count.root, memberWalker{jsonDecoder: jsonDecoder{data: data}}
	}
	w.space()
	if !w.value(c.compiled(s), root, 0) {
		return false
	}
	if w.space(); w.pos != len(w.data) {
		return false
	}
	if root != nil {
		count.found, count.done = w.members.found, true
	}
	return true
}

// memberCount asks a check to gather the members below root that a conforming body
// has (found), and says whether it did (done).
type memberCount struct {
	root  *memberNode
	found []*memberNode
	done  bool
}

// byteWalker is one walk over a body, on the decoder's scanning (its data, position,
// whitespace, strings, literals, numbers and separators); buf is the scratch of strings
// with escapes. members gathers the body's members as the walk passes, where there are
// member nodes; a value the walk does not descend into is walked by members itself.
type byteWalker struct {
	jsonDecoder
	buf     []byte
	members memberWalker // used only where a member node is counted
}

// value checks the value at pos against n and moves past it; m is the member node at
// this place of the body, or nil when nothing is counted here.
func (w *byteWalker) value(n *checkNode, m *memberNode, depth int) bool {
	if n == nil || !n.sure || depth > maxFastDepth || w.pos >= len(w.data) {
		return false
	}
	start := w.pos
	if w.data[start] == 'n' {
		return n.nullable && w.literal("null")
	}
	// Composition first, each branch over the same bytes, then the schema's own keywords.
	for _, sub := range n.allOf {
		w.pos = start
		if !w.value(sub, m, depth+1) {
			return false
		}
	}
	if n.disc != nil && w.data[start] == '{' {
		// kin-openapi checks only the branch the discriminator names.
		b := w.discriminated(n.disc, depth)
		if w.pos = start; b == nil || !w.value(b, m, depth+1) {
			return false
		}
	} else if len(n.anyOf) > 0 {
		matched := false
		for _, sub := range n.anyOf {
			w.pos = start
			if w.value(sub, m, depth+1) {
				matched = true
				break
			}
		}
		if !matched {
			return false
		}
	}
	w.pos = start
	switch c := w.data[start]; {
	case c == '"':
		v, ok := w.strBytes(&w.buf)
		return ok && validString(n, v, (*regexp.Regexp).Match)
	case n.enum != nil:
		return false // only strings in enums are this check's
	case c == 't':
		return n.allows&allowsBoolean != 0 && w.literal("true")
	case c == 'f':
		return n.allows&allowsBoolean != 0 && w.literal("false")
	case c == '[':
		return n.allows&allowsArray != 0 && w.array(n, m, depth)
	case c == '{':
		return n.allows&allowsObject != 0 && w.object(n, m, depth)
	case c == '-' || '0' <= c && c <= '9':
		// inexact is kept for the whole walk too (what came before, or ran through
		// skip): a walk that locates findings gives up on a body with such a number.
		before := w.inexact
		w.inexact = false
		f, ok := w.float()
		exact := !w.inexact
		w.inexact = before || w.inexact
		return ok && exact && n.allows&allowsNumber != 0 && validNumber(n.schema, f)
	}
	return false
}

// skipCounting moves past a value no schema constrains here, checking its grammar, and
// gathers its members when m has any below it.
func (w *byteWalker) skipCounting(m *memberNode, depth int) bool {
	if m == nil || m.children == nil && m.items == nil {
		return w.skip(&w.buf, maxFastDepth-depth)
	}
	w.members.pos = w.pos
	ok := w.members.walk(m, maxFastDepth-depth)
	w.pos = w.members.pos
	return ok
}

func (w *byteWalker) array(n *checkNode, m *memberNode, depth int) bool {
	var items *memberNode
	if m != nil {
		items = m.items
	}
	if w.enter(']') {
		return n.itemCount(0)
	}
	for count := 1; ; count++ {
		if n.hasMaxItems && count > n.maxItems {
			return false
		}
		w.space()
		var ok bool
		if n.items == nil {
			ok = w.skipCounting(items, depth+1)
		} else {
			ok = w.value(n.items, items, depth+1)
		}
		if !ok {
			return false
		}
		if closed, ok := w.next(']'); !ok || closed {
			return ok && n.itemCount(count)
		}
	}
}

func (w *byteWalker) object(n *checkNode, m *memberNode, depth int) bool {
	if w.enter('}') {
		return n.required == 0
	}
	// seen marks the required members found, by their number; the members of one
	// object usually come in the order of the last one, so each member's name is first
	// compared with the one that followed it there, and looked up only when it differs.
	var seen uint64
	var prev *checkMember
	guess := n.first.Load()
	var childPrev, childGuess *memberNode // the same guess of the members counted
	if m != nil {
		childGuess = m.first.Load()
	}
	for {
		key, ok := w.name(&w.buf)
		if !ok {
			return false
		}
		p := guess
		if p == nil || p.name != string(key) {
			p = n.members[string(key)]
			if p != nil {
				if prev == nil {
					n.first.Store(p)
				} else {
					prev.next.Store(p)
				}
			}
		}
		var child *memberNode
		if m != nil && m.children != nil {
			child = childGuess
			if child == nil || child.name != string(key) {
				if child = m.children[string(key)]; child != nil {
					if childPrev == nil {
						m.first.Store(child)
					} else {
						childPrev.next.Store(child)
					}
				}
			}
			childGuess = nil
			if child != nil {
				w.members.note(child)
				childPrev, childGuess = child, child.next.Load()
			}
		}
		switch {
		case p != nil && p.node != nil:
			ok = w.value(p.node, child, depth+1)
		case n.extra != nil:
			ok = w.value(n.extra, child, depth+1)
		default:
			ok = w.skipCounting(child, depth+1)
		}
		if !ok {
			return false
		}
		guess = nil
		if p != nil {
			seen |= p.required
			prev, guess = p, p.next.Load()
		}
		if closed, ok := w.next('}'); !ok || closed {
			return ok && seen == n.allRequired
		}
	}
}

// checkNode is a schema made ready for the byte walk: its keywords read once, instead
// of on every value, and its members found by name with their required bit.
type checkNode struct {
	schema *openapi3.Schema
	// sure is false for a schema with a keyword the walk does not implement; done is
	// set once the node is compiled.
	sure     bool
	done     bool
	nullable bool
	allows   uint8 // the JSON types the schema's type admits, as allows* bits
	enum     map[string]bool
	// minLength, pattern and format are the string keywords; format is nil for none or
	// for one kin-openapi does not know, and a pattern that does not compile makes the
	// node unsure.
	minLength uint64
	// minItems and maxItems bound an array's length, maxItems only with hasMaxItems.
	minItems    uint64
	maxItems    int
	hasMaxItems bool
	pattern     *regexp.Regexp
	format      openapi3.StringFormatValidator
	// undefinedFormat is a format kin-openapi did not know when the node was compiled.
	undefinedFormat string
	// flat says the schema composes nothing (composesNothing), so that a failing body
	// is located below it member by member and item by item; flatItems that its items
	// are its schema's own, compiled. typeExpected is its finding for a value of a type
	// it does not admit ("type boolean", "type string or null").
	flat, flatItems bool
	typeExpected    string
	allOf           []*checkNode
	anyOf           []*checkNode
	disc            *discriminator // the anyOf's discriminator, nil for none
	items           *checkNode
	extra           *checkNode
	members         map[string]*checkMember
	// required is how many members are required, allRequired their bits together,
	// requiredNames their names.
	required      int
	allRequired   uint64
	requiredNames []string
	first         atomic.Pointer[checkMember] // the member that came first last time
}

// checkMember is a property, or a required name; node is nil for a required name with
// no property.
type checkMember struct {
	name     string
	node     *checkNode
	required uint64 // the member's bit, 0 for one not required
	next     atomic.Pointer[checkMember]
}

const (
	allowsString = 1 << iota
	allowsBoolean
	allowsArray
	allowsObject
	allowsNumber
	allowsAll = allowsString | allowsBoolean | allowsArray | allowsObject | allowsNumber
)

// validString checks a string, as the data's bytes or decoded, against n's string
// keywords; match is the pattern's Match or MatchString.
func validString[S string | []byte](n *checkNode, v S, match func(*regexp.Regexp, S) bool) bool {
	if n.enum != nil && !n.enum[string(v)] || n.allows&allowsString == 0 {
		return false
	}
	if n.minLength > 0 {
		runes := uint64(0)
		for range string(v) {
			runes++
		}
		if runes < n.minLength {
			return false
		}
	}
	if n.pattern != nil && !match(n.pattern, v) {
		return false
	}
	if n.undefinedFormat != "" {
		if _, defined := openapi3.SchemaStringFormats[n.undefinedFormat]; defined {
			return false
		}
	}
	return n.format == nil || n.format.Validate(string(v)) == nil
}

// compiled is s ready for the byte walk, compiled on first use and kept.
func (c *certainlyValid) compiled(s *openapi3.Schema) *checkNode {
	if s == nil {
		return nil
	}
	if n, ok := c.nodes.Load(s); ok {
		return n.(*checkNode)
	}
	c.compiling.Lock()
	defer c.compiling.Unlock()
	if c.memo == nil {
		c.memo = map[*openapi3.Schema]*checkNode{}
	}
	n := c.compile(s)
	c.nodes.Store(s, n)
	return n
}

// compile builds the node of s and of every schema below it, each once, cycles
// included; c.compiling is held.
func (c *certainlyValid) compile(s *openapi3.Schema) *checkNode {
	if s == nil {
		return nil
	}
	if n := c.memo[s]; n != nil {
		return n
	}
	n := &checkNode{schema: s, sure: c.known(s) && len(s.Required) <= 64, nullable: s.Nullable, minLength: s.MinLength,
		minItems: s.MinItems}
	if s.MaxItems != nil && *s.MaxItems <= maxItemsBound {
		n.maxItems, n.hasMaxItems = int(*s.MaxItems), true
	}
	c.memo[s] = n
	for name, bit := range map[string]uint8{"string": allowsString, "boolean": allowsBoolean, "array": allowsArray, "object": allowsObject, "number": allowsNumber} {
		if typeAllows(s, name) || name == "number" && s.Type.Is("integer") {
			n.allows |= bit
		}
	}
	if len(s.Enum) > 0 {
		n.enum = map[string]bool{}
		for _, e := range s.Enum {
			if str, ok := e.(string); ok {
				n.enum[str] = true
			}
		}
	}
	if s.Pattern != "" {
		if n.pattern = c.pattern(s.Pattern); n.pattern == nil {
			n.sure = false
		}
	}
	if s.Format != "" && n.allows&allowsString != 0 {
		f, ok := openapi3.SchemaStringFormats[s.Format]
		if !ok {
			// kin-openapi checks no format it does not know (email, hostname, uri), so
			// neither does the walk; unless one is defined later, which leaves the
			// strings of that format to kin-openapi again (validString).
			n.undefinedFormat = s.Format
		}
		n.format = f
	}
	var merged []*checkNode // allOf branches whose members the node takes as its own
	for _, sub := range s.AllOf {
		b := c.compile(sub.Value)
		if b != nil && b != n && b.membersOnly() {
			merged = append(merged, b)
			n.allows &= b.allows
			continue
		}
		n.allOf = append(n.allOf, b)
	}
	for _, sub := range s.AnyOf {
		n.anyOf = append(n.anyOf, c.compile(sub.Value))
	}
	if s.Discriminator != nil {
		if n.disc = compileDiscriminator(s, n.anyOf); n.disc == nil {
			n.sure = false
		}
	}
	if s.Items != nil {
		if n.items = c.compile(s.Items.Value); n.items == nil {
			n.sure = false // items given but not resolved
		}
	}
	if s.AdditionalProperties.Schema != nil {
		if n.extra = c.compile(s.AdditionalProperties.Schema.Value); n.extra == nil {
			n.sure = false
		}
	}
	n.members = map[string]*checkMember{}
	for name, p := range s.Properties {
		m := &checkMember{name: name, node: c.compile(p.Value)}
		if m.node == nil {
			n.sure = false
		}
		n.members[name] = m
	}
	required := s.Required
	for _, b := range merged {
		for name, bm := range b.members {
			m := n.members[name]
			switch {
			case m == nil:
				n.members[name] = &checkMember{name: name, node: bm.node}
			case bm.node == nil:
			case m.node == nil:
				m.node = bm.node
			default: // both constrain it: both must hold
				m.node = &checkNode{schema: &openapi3.Schema{}, sure: true, done: true, allows: allowsAll,
					nullable: m.node.nullable && bm.node.nullable, allOf: []*checkNode{m.node, bm.node}, members: map[string]*checkMember{}}
			}
			if bm.required != 0 {
				required = append(required, name)
			}
		}
	}
	if n.required = 0; len(required) > 64 {
		n.sure = false
	}
	for _, name := range required {
		m := n.members[name]
		if m == nil {
			m = &checkMember{name: name}
			n.members[name] = m
		}
		if m.required == 0 && n.required < 64 {
			m.required = 1 << n.required
			n.allRequired |= m.required
			n.required++
			n.requiredNames = append(n.requiredNames, name)
		}
	}
	n.done = true
	n.flat = n.composesNothing()
	n.flatItems = n.items != nil && s.Items != nil && s.Items.Value == n.items.schema
	n.typeExpected = "type " + strings.Join(s.Type.Slice(), "|")
	if s.Nullable {
		n.typeExpected += " or null"
	}
	return n
}

// membersOnly reports whether the node constrains only an object's members (its
// properties and required names, maybe its type being object), so that a schema with
// the node in its allOf can take those members as its own and check an object once,
// not once per branch. A node still being compiled (a cycle) has no members yet and
// is not taken.
func (n *checkNode) membersOnly() bool {
	return n.sure && n.done && (n.allows == allowsAll || n.allows == allowsObject) &&
		n.enum == nil && n.minLength == 0 && n.minItems == 0 && !n.hasMaxItems && n.pattern == nil && n.schema.Format == "" &&
		n.schema.Min == nil && n.schema.Max == nil &&
		len(n.allOf) == 0 && len(n.anyOf) == 0 && n.items == nil && n.extra == nil
}
