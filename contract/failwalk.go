package contract

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// locateBytes gives the findings of a body the byte walk refused, exactly as findingsOf
// gives them on the decoded body, without decoding the body: it walks the bytes with
// the compiled nodes, going down where findingsOf goes down (into the items of an
// array and the members of an object that pass their own keywords and compose
// nothing), and decodes only a value that findingsOf would hand to kin-openapi (one
// failing its own keywords, or under a node the compiled check does not know). A body
// with a finding in each of 500 items then costs a byte walk and 500 small decodes, not
// a decode of the page (issue 35).
//
// ok is false when the body must take the decoded path after all: it is not JSON as
// decodeJSON reads it (that path says why), it nests deeper than the walk goes, or it
// has a number float64 may not hold exactly (that path checks such numbers by their
// literal, and its findings come first). Everything found so far is dropped then.
//
// The findings are bounded as findingsOf's are: by the body, which a reader holds to
// MaxBodyBytes; the walk's own stacks hold at most one entry per value of the body.
func (v *Validator) locateBytes(base Finding, kind string, n *checkNode, data []byte) (findings []Finding, ok bool) {
	w := failWalker{v: v, base: base, kind: kind}
	w.data = data
	w.space()
	if n == nil || !w.locate(n, 0) {
		return nil, false
	}
	if w.space(); w.pos != len(w.data) || w.inexact {
		return nil, false
	}
	return w.out, true
}

// failWalker is one walk of locateBytes: the byte walk (its data, position and
// scratch), the pointer of the value at hand (path, its bytes), and stacks that the
// containers being walked share, each container using what lies above its own mark.
type failWalker struct {
	byteWalker
	v    *Validator
	base Finding
	kind string
	path []byte
	out  []Finding
	// keys are the names of the members of the objects being walked, fails the values
	// refused in them (items and members), named the failing members of one object.
	keys  []memberName
	fails []failedValue
	named []namedValue
	// nameA and nameB are scratch for names with escapes, compared unescaped.
	nameA, nameB []byte
}

// memberName is the name of a member as the body writes it: data[start:end], between
// its quotes; escaped says it has an escape, so that its text differs from its bytes.
type memberName struct {
	start, end int
	escaped    bool
}

// failedValue is an item or a member the compiled check refused: where it starts, and
// the item's index or the member's index among keys; node is the member's node.
type failedValue struct {
	start, index int
	node         *checkNode
}

// namedValue is a failing member with its name, for the order of names.
type namedValue struct {
	name  string
	start int
	node  *checkNode
}

// skipBudget is the nesting a value at depth may have for the walk to step over it:
// well below encoding/json's limit, so that a body the walk reads whole is one that
// decodeJSON reads whole too; a deeper one takes the decoded path, which says so.
func skipBudget(depth int) int { return maxJSONDepth - 1000 - depth }

// locate appends the findings of the value at pos, which n refuses on the byte walk,
// and moves past it; false means the body must take the decoded path. It is
// appendFindings on the bytes: a value n refuses on the byte walk that the decoded
// check accepts (a member repeated, the last one conforming) gets no finding, as
// everything it goes down to is checked again.
func (w *failWalker) locate(n *checkNode, depth int) bool {
	if w.pos >= len(w.data) {
		return false
	}
	if depth < maxFastDepth && n.flat {
		switch c := w.data[w.pos]; {
		case c == '[' && n.allows&allowsArray != 0 && n.flatItems:
			return w.array(n, depth)
		case c == '{' && n.allows&allowsObject != 0:
			return w.object(n, depth)
		case c == '"' && n.allows&allowsString == 0:
			// A string or a boolean where the type admits neither is one finding of its
			// type, as appendFindings writes it.
			s, ok := w.strBytes(&w.buf)
			if ok {
				w.add(n.typeExpected, briefString(s))
			}
			return ok
		case c == 't' && n.allows&allowsBoolean == 0:
			ok := w.literal("true")
			if ok {
				w.add(n.typeExpected, "true")
			}
			return ok
		case c == 'f' && n.allows&allowsBoolean == 0:
			ok := w.literal("false")
			if ok {
				w.add(n.typeExpected, "false")
			}
			return ok
		}
	}
	return w.decoded(n, depth)
}

// decoded decodes the value at pos alone and has findingsOf say what is wrong with it.
func (w *failWalker) decoded(n *checkNode, depth int) bool {
	start := w.pos
	if !w.skip(&w.buf, skipBudget(depth)) {
		return false
	}
	value, inexact, err := decodeJSON(w.data[start:w.pos])
	if err != nil || inexact {
		return false
	}
	if !n.valid(value, depth) {
		w.out = w.v.appendFindings(w.out, w.base, w.kind, string(w.path), n, value, depth)
	}
	return true
}

// add appends a finding at the value at hand.
func (w *failWalker) add(expected, found string) {
	f := w.base
	f.Kind, f.Pointer, f.Expected, f.Found = w.kind, string(w.path), expected, found
	w.out = append(w.out, f)
}

// array walks an array whose node passes its type and has items of its own: each item
// is checked, and the refused ones are located in order once the array is known to
// have a length n allows; else the array goes to kin-openapi whole, as in
// appendFindings.
func (w *failWalker) array(n *checkNode, depth int) bool {
	start, mark := w.pos, len(w.fails)
	count := 0
	if !w.enter(']') {
		for {
			if n.hasMaxItems && count >= n.maxItems {
				// One item too many: the array is kin-openapi's, the rest unread here.
				w.fails, w.pos = w.fails[:mark], start
				return w.decoded(n, depth)
			}
			w.space()
			at := w.pos
			if !w.value(n.items, nil, depth+1) {
				w.pos = at
				if !w.skip(&w.buf, skipBudget(depth+1)) {
					return false
				}
				w.fails = append(w.fails, failedValue{start: at, index: count})
			}
			count++
			closed, ok := w.next(']')
			if !ok {
				return false
			}
			if closed {
				break
			}
		}
	}
	if !n.itemCount(count) {
		w.fails, w.pos = w.fails[:mark], start
		return w.decoded(n, depth)
	}
	end, top, at := w.pos, len(w.fails), len(w.path)
	for i := mark; i < top; i++ {
		f := w.fails[i] // read again each time: the items' own walks append above top
		w.path = strconv.AppendInt(append(w.path, '/'), int64(f.index), 10)
		w.pos = f.start
		if !w.locate(n.items, depth+1) {
			return false
		}
		w.path = w.path[:at]
	}
	w.fails, w.pos = w.fails[:mark], end
	return true
}

// object walks an object whose node passes its type: each member with a node is
// checked, and once the object is known to have every required member, the refused
// ones are located in the order of their names (kin-openapi's); else the object goes
// to kin-openapi whole, as in appendFindings. A name the object repeats is the last
// one's, as encoding/json decodes it: an earlier one is neither located nor reported.
func (w *failWalker) object(n *checkNode, depth int) bool {
	start, fmark, kmark := w.pos, len(w.fails), len(w.keys)
	var seen uint64
	if !w.enter('}') {
		for {
			w.space()
			if w.pos >= len(w.data) || w.data[w.pos] != '"' {
				return false
			}
			nameStart := w.pos + 1
			key, ok := w.strBytes(&w.buf)
			if !ok {
				return false
			}
			// Every escape is longer than what it stands for.
			name := memberName{start: nameStart, end: w.pos - 1, escaped: len(key) != w.pos-1-nameStart}
			child := n.extra // memberNode: the property's node, else additionalProperties'
			if p := n.members[string(key)]; p != nil {
				seen |= p.required
				if p.node != nil {
					child = p.node
				}
			}
			if !w.colon() {
				return false
			}
			at := w.pos
			if child == nil || !w.value(child, nil, depth+1) {
				w.pos = at
				if !w.skip(&w.buf, skipBudget(depth+1)) {
					return false
				}
				if child != nil {
					w.fails = append(w.fails, failedValue{start: at, index: len(w.keys), node: child})
				}
			}
			w.keys = append(w.keys, name)
			closed, ok := w.next('}')
			if !ok {
				return false
			}
			if closed {
				break
			}
		}
	}
	end := w.pos
	if seen != n.allRequired {
		w.fails, w.keys, w.pos = w.fails[:fmark], w.keys[:kmark], start
		return w.decoded(n, depth)
	}
	nmark := len(w.named)
	w.nameFailing(w.fails[fmark:], w.keys[kmark:])
	w.fails, w.keys = w.fails[:fmark], w.keys[:kmark]
	named := w.named[nmark:]
	// In the order of their names, as appendFindings (names are unique by now).
	slices.SortFunc(named, func(a, b namedValue) int { return strings.Compare(a.name, b.name) })
	at := len(w.path)
	for i := nmark; i < nmark+len(named); i++ {
		f := w.named[i] // read again each time: the members' own walks append above
		w.path = appendPointerToken(append(w.path, '/'), f.name)
		w.pos = f.start
		if !w.locate(f.node, depth+1) {
			return false
		}
		w.path = w.path[:at]
	}
	w.named, w.pos = w.named[:nmark], end
	return true
}

// nameFailing appends to named the failing members of one object (fails, indexing its
// keys) that no later member of the same name replaces, with their names unescaped.
func (w *failWalker) nameFailing(fails []failedValue, keys []memberName) {
	var last map[string]int // the last index of each name, for many failing members
	if len(fails) > 8 {
		last = make(map[string]int, len(keys))
		for i, k := range keys {
			last[string(w.nameText(k, &w.nameA))] = i
		}
	}
	for _, f := range fails {
		text := w.nameText(keys[f.index], &w.nameA)
		if last != nil {
			if last[string(text)] != f.index {
				continue
			}
		} else if w.repeated(keys[f.index], text, keys[f.index+1:]) {
			continue
		}
		w.named = append(w.named, namedValue{name: string(text), start: f.start, node: f.node})
	}
}

// repeated reports whether any of later is the name k, whose text is text.
func (w *failWalker) repeated(k memberName, text []byte, later []memberName) bool {
	for _, o := range later {
		if !k.escaped && !o.escaped {
			if o.end-o.start == k.end-k.start && bytes.Equal(w.data[o.start:o.end], text) {
				return true
			}
		} else if bytes.Equal(w.nameText(o, &w.nameB), text) {
			return true
		}
	}
	return false
}

// nameText is the text of a member's name: its bytes, or, with escapes, the name
// unescaped into *scratch (valid until the next use of scratch).
func (w *failWalker) nameText(k memberName, scratch *[]byte) []byte {
	if !k.escaped {
		return w.data[k.start:k.end]
	}
	d := jsonDecoder{data: w.data, pos: k.start - 1}
	text, _ := d.strBytes(scratch) // read once already: it is well formed
	return text
}

// appendPointerToken appends a member's name as a JSON pointer writes it, as pointer
// does: "~" as "~0" and "/" as "~1".
func appendPointerToken(b []byte, name string) []byte {
	if !strings.ContainsAny(name, "~/") {
		return append(b, name...)
	}
	for i := 0; i < len(name); i++ {
		switch c := name[i]; c {
		case '~':
			b = append(b, '~', '0')
		case '/':
			b = append(b, '~', '1')
		default:
			b = append(b, c)
		}
	}
	return b
}

// briefString is brief of the string s: quoted, cut to 80 bytes. A quoted string's
// prefix is the quoted prefix of the string, so only the first 80 runes are quoted,
// however long s is.
func briefString(s []byte) string {
	end, runes := 0, 0
	for end < len(s) && runes <= 80 {
		_, size := utf8.DecodeRune(s[end:])
		end += size
		runes++
	}
	q := strconv.Quote(string(s[:end]))
	if len(q) > 80 {
		q = q[:77] + "..."
	}
	return q
}
