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
// with a finding in each of 500 items then costs about two byte walks and 500 small
// findings, not a decode of the page (issue 35).
//
// ok is false when the body must take the decoded path after all: it is not JSON as
// decodeJSON reads it (that path says why), it nests deeper than the walk goes, or it
// has a number float64 may not hold exactly and a run of 19 digits (that path checks
// such numbers by their literal, and its findings come first; see longDigitRun).
// Everything found so far is dropped then.
//
// The walk stops once it has limit findings (at least 1): it returns those, the
// first it met (in the order of the names of the objects it finished, of the body in
// those it left), and does not look at the rest of the body, which the finding past
// the bound says was not checked (Validator.bounded). Below the limit the walk's own
// stacks hold at most one entry per value of the body.
func (v *Validator) locateBytes(base Finding, kind string, n *checkNode, data []byte, limit int) (findings []Finding, ok bool) {
	w, _ := v.walkers.Get().(*failWalker)
	if w == nil {
		w = &failWalker{}
	}
	defer v.putWalker(w)
	w.v, w.base, w.kind, w.limit = v, base, kind, max(limit, 1)
	w.jsonDecoder = jsonDecoder{data: data}
	w.space()
	if n == nil || !w.locate(n, 0) {
		return nil, false
	}
	if w.full {
		return slices.Clone(w.out), true
	}
	if w.space(); w.pos != len(w.data) || w.inexact && longDigitRun(data) {
		return nil, false
	}
	if len(w.out) == 0 {
		return nil, true
	}
	return slices.Clone(w.out), true // the one allocation of the findings, at their size
}

// maxKeptWalk bounds what a walker returned to the pool keeps of each of its stacks, so
// that one huge body does not pin its scratch for the life of the validator.
const maxKeptWalk = 1 << 12

// putWalker clears w (no body, no finding's strings kept) and pools it. What a walk
// truncates it clears then, so clearing what is in use here is enough.
func (v *Validator) putWalker(w *failWalker) {
	w.out, w.keys, w.segs, w.tmp = shrink(w.out), shrink(w.keys), shrink(w.segs), shrink(w.tmp)
	w.path, w.buf, w.nameA, w.nameB = shrink(w.path), shrink(w.buf), shrink(w.nameA), shrink(w.nameB)
	w.data, w.v, w.base, w.limit, w.full = nil, nil, Finding{}, 0, false
	v.walkers.Put(w)
}

// shrink empties s, and drops it when it grew past maxKeptWalk.
func shrink[S ~[]E, E any](s S) S {
	if cap(s) > maxKeptWalk {
		return nil
	}
	clear(s)
	return s[:0]
}

// failWalker is one walk of locateBytes: the byte walk (its data, position and
// scratch), the pointer of the value at hand (path, its bytes), the findings so far
// (out), and stacks that the containers being walked share, each container using what
// lies above its own mark.
type failWalker struct {
	byteWalker
	v    *Validator
	base Finding
	kind string
	path []byte
	out  []Finding
	// keys are the names of the members of the objects being walked, segs the findings
	// of their failing members; tmp is scratch for ordering an object's findings.
	keys []memberName
	segs []memberFindings
	tmp  []Finding
	// nameA and nameB are scratch for names with escapes, compared unescaped.
	nameA, nameB []byte
	// limit is how many findings the walk collects; full says it has them, and every
	// container being walked returns at once then.
	limit int
	full  bool
}

// memberName is the name of a member as the body writes it: data[start:end], between
// its quotes; escaped says it has an escape, so that its text differs from its bytes.
type memberName struct {
	start, end int
	escaped    bool
}

// memberFindings is the findings of one failing member of an object: out[from:to], the
// member's name keys[key].
type memberFindings struct {
	key, from, to int
	name          string // set only when an object's segments are ordered by name
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
	if err != nil {
		return false
	}
	w.inexact = w.inexact || inexact
	if !n.valid(value, depth) {
		w.out = w.v.appendFindings(w.out, w.base, w.kind, string(w.path), n, value, depth, w.limit)
		w.full = len(w.out) >= w.limit
	}
	return true
}

// add appends a finding at the value at hand.
func (w *failWalker) add(expected, found string) {
	f := w.base
	f.Kind, f.Pointer, f.Expected, f.Found = w.kind, string(w.path), expected, found
	w.out = append(w.out, f)
	w.full = len(w.out) >= w.limit
}

// giveUp drops what a container found (from mark on) and hands it to kin-openapi whole
// from start, as appendFindings does with an array of a length its node refuses or an
// object without a required member.
func (w *failWalker) giveUp(n *checkNode, depth, start, mark, path int) bool {
	clear(w.out[mark:])
	w.out, w.path, w.pos = w.out[:mark], w.path[:path], start
	return w.decoded(n, depth)
}

// array walks an array whose node passes its type and has items of its own: each item
// the node refuses is located as it comes, in order, and all of it given up if the
// array's length turns out to be one the node refuses.
func (w *failWalker) array(n *checkNode, depth int) bool {
	start, mark, at := w.pos, len(w.out), len(w.path)
	count := 0
	if !w.enter(']') {
		for {
			if n.hasMaxItems && count >= n.maxItems {
				return w.giveUp(n, depth, start, mark, at) // one item too many
			}
			w.space()
			item := w.pos
			if !w.value(n.items, nil, depth+1) {
				w.pos = item
				w.path = strconv.AppendInt(append(w.path, '/'), int64(count), 10)
				if !w.locate(n.items, depth+1) {
					return false
				}
				w.path = w.path[:at]
				if w.full {
					return true // the rest is not looked at
				}
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
		return w.giveUp(n, depth, start, mark, at)
	}
	return true
}

// object walks an object whose node passes its type: each member the node refuses is
// located as it comes, and once the object is known to have every required member,
// their findings are put in the order of the members' names (kin-openapi's); without
// one, all of it is given up. A name the object repeats is the last one's, as
// encoding/json decodes it: an earlier one's findings are dropped.
func (w *failWalker) object(n *checkNode, depth int) bool {
	start, mark, at := w.pos, len(w.out), len(w.path)
	kmark, smark := len(w.keys), len(w.segs)
	var seen uint64
	// The members of one object usually come in the order of the last one (the byte
	// walk's guess, bytecheck.go), so each name is first compared with the one that
	// followed it there.
	guess := n.first.Load()
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
			p := guess
			if p == nil || p.name != string(key) {
				p = n.members[string(key)]
			}
			guess = nil
			child := n.extra // memberNode: the property's node, else additionalProperties'
			if p != nil {
				seen |= p.required
				guess = p.next.Load()
				if p.node != nil {
					child = p.node
				}
			}
			if !w.colon() {
				return false
			}
			value := w.pos
			switch {
			case child == nil:
				if !w.skip(&w.buf, skipBudget(depth+1)) {
					return false
				}
			case !w.value(child, nil, depth+1):
				w.pos = value
				from := len(w.out)
				w.path = appendPointerToken(append(w.path, '/'), w.nameText(name, &w.nameA))
				if !w.locate(child, depth+1) {
					return false
				}
				w.path = w.path[:at]
				if w.full {
					// The rest is not looked at; the findings stay in the body's order.
					clear(w.segs[smark:])
					w.keys, w.segs = w.keys[:kmark], w.segs[:smark]
					return true
				}
				if len(w.out) > from { // a member with no finding (repeated, the last one conforming) is left out
					w.segs = append(w.segs, memberFindings{key: len(w.keys), from: from, to: len(w.out)})
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
	if seen != n.allRequired {
		w.keys, w.segs = w.keys[:kmark], w.segs[:smark]
		return w.giveUp(n, depth, start, mark, at)
	}
	if len(w.segs) > smark {
		w.order(w.segs[smark:], w.keys[kmark:], kmark, mark)
		clear(w.segs[smark:])
	}
	w.keys, w.segs = w.keys[:kmark], w.segs[:smark]
	return true
}

// order puts the findings of one object's failing members (segs, out[mark:] in the
// order of the body) in the order of their names, dropping those of a member whose
// name comes again later (keys are the object's, the first at index kmark).
func (w *failWalker) order(segs []memberFindings, keys []memberName, kmark, mark int) {
	kept := segs[:0]
	var last map[string]int // the last index of each name, for many failing members
	if len(segs) > 8 {
		last = make(map[string]int, len(keys))
		for i, k := range keys {
			last[string(w.nameText(k, &w.nameA))] = i
		}
	}
	for _, s := range segs {
		i := s.key - kmark
		text := w.nameText(keys[i], &w.nameA)
		if last != nil && last[string(text)] != i || last == nil && w.repeated(keys[i], text, keys[i+1:]) {
			continue
		}
		if len(segs) > 1 {
			s.name = string(text)
		}
		kept = append(kept, s)
	}
	if len(kept) == len(segs) && len(segs) == 1 {
		return // one member, not repeated: its findings are in place
	}
	slices.SortFunc(kept, func(a, b memberFindings) int { return strings.Compare(a.name, b.name) })
	w.tmp = append(w.tmp[:0], w.out[mark:]...)
	clear(w.out[mark:])
	w.out = w.out[:mark]
	for _, s := range kept {
		w.out = append(w.out, w.tmp[s.from-mark:s.to-mark]...)
	}
	clear(w.tmp)
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
func appendPointerToken(b []byte, name []byte) []byte {
	if bytes.IndexByte(name, '~') < 0 && bytes.IndexByte(name, '/') < 0 {
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

// longDigitRun reports whether body has, outside strings, a number of 19 or more digits
// (digitRun: read across its point, so it errs towards the decoded path).
// The decoded path reads a body with a number float64 may not hold exactly (16 digits
// or more, or an exponent: the walk's inexact) a second time, by the numbers' literals
// (exactNumbers); what it finds then is a number out of float64's range, which the
// walk refuses as not JSON, or an integer out of int64's range where an int64 is
// expected, which takes 19 digits at least. Without such a run that second reading
// finds nothing and reads every number as float64 does, so its findings are the
// walk's.
func longDigitRun(body []byte) bool { return digitRun(body, 19, false) }
