package contract

import (
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
	w := byteWalker{jsonDecoder: jsonDecoder{data: data}, c: c}
	w.space()
	if !w.value(s, 0) {
		return false
	}
	w.space()
	return w.pos == len(w.data)
}

// byteWalker is one walk over a body, on the decoder's scanning (its data, position,
// whitespace, strings, literals, numbers and separators); buf is the scratch of strings
// with escapes.
type byteWalker struct {
	jsonDecoder
	c   *certainlyValid
	buf []byte
}

// value checks the value at pos against s and moves past it.
func (w *byteWalker) value(s *openapi3.Schema, depth int) bool {
	if s == nil || depth > maxFastDepth || !w.c.known(s) || w.pos >= len(w.data) {
		return false
	}
	start := w.pos
	if w.data[start] == 'n' {
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
	switch c := w.data[start]; {
	case c == '"':
		v, ok := w.strBytes(&w.buf)
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

// number reads the number literal at pos, refusing one float64 may not hold exactly
// (the slow path reads those exactly).
func (w *byteWalker) number() (float64, bool) {
	w.inexact = false
	v, ok := w.float()
	return v, ok && !w.inexact
}

func (w *byteWalker) array(s *openapi3.Schema, depth int) bool {
	w.pos++ // [
	w.space()
	if w.pos < len(w.data) && w.data[w.pos] == ']' {
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
		if closed, ok := w.next(']'); !ok || closed {
			return ok
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
	if w.pos < len(w.data) && w.data[w.pos] == '}' {
		w.pos++
		return len(s.Required) == 0
	}
	extra := s.AdditionalProperties.Schema
	for {
		w.space()
		if w.pos >= len(w.data) || w.data[w.pos] != '"' {
			return false
		}
		key, ok := w.strBytes(&w.buf)
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
		if w.pos >= len(w.data) || w.data[w.pos] != ':' {
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
		if closed, ok := w.next('}'); !ok || closed {
			return ok && seen == 1<<len(s.Required)-1
		}
	}
}

// skip moves past a value no schema constrains, checking only its grammar.
func (w *byteWalker) skip(depth int) bool {
	return w.jsonDecoder.skip(&w.buf, maxFastDepth-depth)
}
