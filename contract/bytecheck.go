package contract

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// validBytes is valid without the tree: it walks a JSON body's bytes once against the
// schema and builds nothing for a body that conforms, so that a valid body costs about
// what reading it does. It answers exactly as valid does on the decoded body, but for
// being more careful with numbers: one that float64 may not hold exactly, which the
// slow path reads exactly, is "not sure". False sends the body down the slow path,
// which says what is wrong. data must be valid UTF-8.
func (c *certainlyValid) validBytes(s *openapi3.Schema, data []byte) bool {
	w := byteWalker{c: c, b: data}
	w.space()
	if !w.value(s, 0) {
		return false
	}
	w.space()
	return w.pos == len(w.b)
}

// byteWalker is one walk over a body; buf holds the string last decoded, and free is
// the schema of a value nothing constrains.
type byteWalker struct {
	c    *certainlyValid
	b    []byte
	pos  int
	buf  []byte
	free openapi3.Schema
}

func (w *byteWalker) space() {
	for w.pos < len(w.b) {
		switch w.b[w.pos] {
		case ' ', '\t', '\n', '\r':
			w.pos++
		default:
			return
		}
	}
}

// value checks the value at pos against s and moves past it.
func (w *byteWalker) value(s *openapi3.Schema, depth int) bool {
	if s == nil || depth > maxFastDepth || !w.c.known(s) || w.pos >= len(w.b) {
		return false
	}
	start := w.pos
	if w.b[start] == 'n' {
		return s.Nullable && w.literal("null")
	}
	// Composition first, each branch over the same bytes, then the schema's own keywords.
	for _, sub := range s.AllOf {
		w.pos = start
		if !w.value(sub.Value, depth+1) {
			return false
		}
	}
	if len(s.AnyOf) > 0 {
		matched := false
		for _, sub := range s.AnyOf {
			w.pos = start
			if w.value(sub.Value, depth+1) {
				matched = true
				break
			}
		}
		if !matched {
			return false
		}
	}
	w.pos = start
	switch c := w.b[start]; {
	case c == '"':
		v, ok := w.str()
		if !ok || len(s.Enum) > 0 && !inEnumBytes(s.Enum, v) {
			return false
		}
		return w.validString(s, v)
	case len(s.Enum) > 0:
		return false // only strings in enums are this check's
	case c == 't':
		return typeAllows(s, "boolean") && w.literal("true")
	case c == 'f':
		return typeAllows(s, "boolean") && w.literal("false")
	case c == '[':
		return typeAllows(s, "array") && w.array(s, depth)
	case c == '{':
		return typeAllows(s, "object") && w.object(s, depth)
	case c == '-' || '0' <= c && c <= '9':
		f, ok := w.number()
		return ok && validNumber(s, f)
	}
	return false
}

func (w *byteWalker) literal(word string) bool {
	if !bytes.HasPrefix(w.b[w.pos:], []byte(word)) {
		return false
	}
	w.pos += len(word)
	return true
}

// str decodes the string at pos, escapes included, as encoding/json does, and moves
// past it. The result is the body's own bytes when the string has no escape, else buf:
// either way only until the next call.
func (w *byteWalker) str() ([]byte, bool) {
	start := w.pos + 1
	for i := start; i < len(w.b); i++ {
		switch c := w.b[i]; {
		case c == '"':
			w.pos = i + 1
			return w.b[start:i], true
		case c == '\\':
			out, end, ok := appendUnescaped(w.buf[:0], w.b, start, i)
			w.buf = out
			if !ok {
				return nil, false
			}
			w.pos = end
			return out, true
		case c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

func (w *byteWalker) validString(s *openapi3.Schema, v []byte) bool {
	if !typeAllows(s, "string") || s.MinLength > 0 && uint64(utf8.RuneCount(v)) < s.MinLength {
		return false
	}
	if s.Pattern != "" {
		re := w.c.pattern(s.Pattern)
		if re == nil || !re.Match(v) {
			return false
		}
	}
	if s.Format != "" {
		f, ok := openapi3.SchemaStringFormats[s.Format]
		if !ok || f.Validate(string(v)) != nil {
			return false
		}
	}
	return true
}

func inEnumBytes(enum []any, v []byte) bool {
	for _, e := range enum {
		if s, ok := e.(string); ok && s == string(v) {
			return true
		}
	}
	return false
}

// maxExactDigits is the most significant digits a number literal may have for float64
// to hold it as the slow path's exact reading does.
const maxExactDigits = 15

// number reads the number literal at pos, refusing one of JSON's grammar float64 may
// not hold exactly.
func (w *byteWalker) number() (float64, bool) {
	start, i, digits := w.pos, w.pos, 0
	if w.b[i] == '-' {
		i++
	}
	intStart := i
	for i < len(w.b) && '0' <= w.b[i] && w.b[i] <= '9' {
		i++
	}
	if i == intStart || (w.b[intStart] == '0' && i-intStart > 1) {
		return 0, false
	}
	digits += i - intStart
	if i < len(w.b) && w.b[i] == '.' {
		i++
		fracStart := i
		for i < len(w.b) && '0' <= w.b[i] && w.b[i] <= '9' {
			i++
		}
		if i == fracStart {
			return 0, false
		}
		digits += i - fracStart
	}
	if i < len(w.b) && (w.b[i] == 'e' || w.b[i] == 'E') {
		return 0, false // exponents are the slow path's, which reads them exactly
	}
	if digits > maxExactDigits {
		return 0, false
	}
	w.pos = i
	if digits == i-intStart { // an integer: exact in an int64 at 15 digits, no parse needed
		var n int64
		for _, c := range w.b[intStart:i] {
			n = n*10 + int64(c-'0')
		}
		if w.b[start] == '-' {
			return -float64(n), true
		}
		return float64(n), true
	}
	f, err := strconv.ParseFloat(string(w.b[start:i]), 64)
	return f, err == nil
}

func (w *byteWalker) array(s *openapi3.Schema, depth int) bool {
	w.pos++ // [
	w.space()
	if w.pos < len(w.b) && w.b[w.pos] == ']' {
		w.pos++
		return true
	}
	for {
		w.space()
		var ok bool
		if s.Items == nil {
			ok = w.skip(depth + 1)
		} else {
			ok = w.value(s.Items.Value, depth+1)
		}
		if !ok {
			return false
		}
		w.space()
		if w.pos >= len(w.b) {
			return false
		}
		switch w.b[w.pos] {
		case ',':
			w.pos++
		case ']':
			w.pos++
			return true
		default:
			return false
		}
	}
}

func (w *byteWalker) object(s *openapi3.Schema, depth int) bool {
	w.pos++ // {
	w.space()
	// seen marks the required members found, by their place in s.Required.
	var seen uint64
	if len(s.Required) > 64 {
		return false
	}
	if w.pos < len(w.b) && w.b[w.pos] == '}' {
		w.pos++
		return len(s.Required) == 0
	}
	extra := s.AdditionalProperties.Schema
	for {
		w.space()
		if w.pos >= len(w.b) || w.b[w.pos] != '"' {
			return false
		}
		key, ok := w.str()
		if !ok {
			return false
		}
		for i, name := range s.Required {
			if name == string(key) {
				seen |= 1 << i
			}
		}
		p := s.Properties[string(key)]
		w.space()
		if w.pos >= len(w.b) || w.b[w.pos] != ':' {
			return false
		}
		w.pos++
		w.space()
		switch {
		case p != nil:
			ok = w.value(p.Value, depth+1)
		case extra != nil:
			ok = w.value(extra.Value, depth+1)
		default:
			ok = w.skip(depth + 1)
		}
		if !ok {
			return false
		}
		w.space()
		if w.pos >= len(w.b) {
			return false
		}
		switch w.b[w.pos] {
		case ',':
			w.pos++
		case '}':
			w.pos++
			return seen == 1<<len(s.Required)-1
		default:
			return false
		}
	}
}

// skip moves past a value no schema constrains, checking only its grammar.
func (w *byteWalker) skip(depth int) bool {
	if depth > maxFastDepth || w.pos >= len(w.b) {
		return false
	}
	switch c := w.b[w.pos]; {
	case c == '"':
		_, ok := w.str()
		return ok
	case c == 't':
		return w.literal("true")
	case c == 'f':
		return w.literal("false")
	case c == 'n':
		return w.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		_, ok := w.number()
		return ok
	case c == '[':
		return w.array(&w.free, depth)
	case c == '{':
		return w.object(&w.free, depth)
	}
	return false
}
