package contract

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeJSON decodes a body into the values encoding/json gives for any (map[string]any,
// []any, string, float64, bool, nil), about twice as fast: validation decodes every
// body the client decodes too, so this is most of what validation costs. It handles
// the common shapes itself and hands anything unusual (escapes in strings, numbers out
// of range, nesting past encoding/json's limit, any syntax error) to encoding/json, so
// results and error messages are exactly encoding/json's.
//
// inexact is true when a number may not be what float64 holds of it (16 or more
// digits, or an exponent), so that the caller can check such numbers by their literal.
func decodeJSON(data []byte) (v any, inexact bool, err error) {
	if v, inexact, ok := decodeFast(data); ok {
		return v, inexact, nil
	}
	var slow any
	err = json.Unmarshal(data, &slow)
	return slow, mayHoldBigNumbers(data), err
}

// decodeFast is decodeJSON's own decoder; false means it left data to encoding/json.
func decodeFast(data []byte) (v any, inexact, ok bool) {
	d := jsonDecoder{data: data}
	// One pass over the whole body (fast for ASCII) spares a check per string.
	ok = utf8.Valid(data)
	if ok {
		v, ok = d.value(0)
	}
	if ok {
		d.space()
		ok = d.pos == len(data)
	}
	return v, d.inexact, ok
}

// maxJSONDepth is encoding/json's nesting limit; deeper input goes to it for its error.
const maxJSONDepth = 10000

type jsonDecoder struct {
	data    []byte
	pos     int
	inexact bool
	deep    bool // skip stopped at maxJSONDepth: the input nests too deep, not badly
}

func (d *jsonDecoder) space() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// value decodes one value; false means "not handled here", never a partial result.
func (d *jsonDecoder) value(depth int) (any, bool) {
	d.space()
	if d.pos >= len(d.data) || depth >= maxJSONDepth {
		return nil, false
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object(depth + 1)
	case c == '[':
		return d.array(depth + 1)
	case c == '"':
		s, ok := d.str()
		return s, ok
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	default:
		return d.number()
	}
}

func (d *jsonDecoder) literal(word string) bool {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		return false
	}
	d.pos += len(word)
	return true
}

func (d *jsonDecoder) object(depth int) (any, bool) {
	d.pos++ // '{'
	m := map[string]any{}
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return m, true
	}
	for {
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, false
		}
		key, ok := d.str()
		if !ok {
			return nil, false
		}
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, false
		}
		d.pos++
		v, ok := d.value(depth)
		if !ok {
			return nil, false
		}
		m[key] = v
		closed, ok := d.next('}')
		if !ok {
			return nil, false
		}
		if closed {
			return m, true
		}
	}
}

// next steps past what follows a member or element: a comma, or the closing byte,
// which it reports as closed. Anything else, or the end of the data, is not ok.
func (d *jsonDecoder) next(closing byte) (closed, ok bool) {
	d.space()
	if d.pos >= len(d.data) {
		return false, false
	}
	switch d.data[d.pos] {
	case ',':
		d.pos++
		return false, true
	case closing:
		d.pos++
		return true, true
	}
	return false, false
}

func (d *jsonDecoder) array(depth int) (any, bool) {
	d.pos++ // '['
	a := []any{}
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return a, true
	}
	for {
		v, ok := d.value(depth)
		if !ok {
			return nil, false
		}
		a = append(a, v)
		closed, ok := d.next(']')
		if !ok {
			return nil, false
		}
		if closed {
			return a, true
		}
	}
}

// str decodes a string; a control character or a malformed escape is left to
// encoding/json, for its error.
func (d *jsonDecoder) str() (string, bool) {
	var scratch []byte
	b, ok := d.strBytes(&scratch)
	return string(b), ok
}

// strBytes decodes the string at pos and moves past it: the data's own bytes when the
// string has no escape, else the string unescaped into *scratch (reused), either way
// valid only until the next call.
func (d *jsonDecoder) strBytes(scratch *[]byte) ([]byte, bool) { return d.stringAt(scratch, false) }

// stringAt is strBytes for data whose UTF-8 may not have been checked (checkUTF8):
// then a string with a byte that is not UTF-8 is unescaped too, each such byte
// becoming U+FFFD, as encoding/json does.
func (d *jsonDecoder) stringAt(scratch *[]byte, checkUTF8 bool) ([]byte, bool) {
	start := d.pos + 1
	i := plainRun(d.data, start, checkUTF8)
	switch {
	case i >= len(d.data) || d.data[i] < 0x20:
		return nil, false
	case d.data[i] == '"':
		d.pos = i + 1
		return d.data[start:i], true
	}
	out, end, ok := appendUnescaped((*scratch)[:0], d.data, start, i)
	*scratch = out
	if !ok {
		return nil, false
	}
	d.pos = end
	return out, true
}

// appendUnescaped appends to out the string of b that starts at start and has an
// escape at i, decoded as encoding/json does: a lone or mismatched surrogate becomes
// U+FFFD, and the \u escape after it is read on its own; so does a byte that is not
// UTF-8, for input not checked before. end is just past the closing quote; ok is false
// for a control character or a malformed escape, which are encoding/json's to report.
func appendUnescaped(out, b []byte, start, i int) (_ []byte, end int, ok bool) {
	out = append(out, b[start:i]...)
	// Bytes are copied eight at a time, the whole word stored however few of them
	// belong to the run, so that the short runs between escapes cost no call; out is
	// used to its capacity, with room for a word always kept.
	k := len(out)
	out = out[:cap(out)]
	grow := func() {
		if len(out)-k < 8 {
			grown := make([]byte, max(2*len(out), k+256))
			copy(grown, out[:k])
			out = grown
		}
	}
	for {
		grow()
		if i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			binary.LittleEndian.PutUint64(out[k:], x)
			m := specialBytes(x, true)
			if m == 0 {
				i, k = i+8, k+8
				continue
			}
			n := bits.TrailingZeros64(m) >> 3
			i, k = i+n, k+n
			// The run took up to seven bytes of the word's room; what follows writes
			// up to four (a rune, an escape's pair), so the room is made whole again.
			grow()
		} else if i >= len(b) {
			return out[:k], 0, false
		} else if c := b[i]; c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			out[k] = c
			i, k = i+1, k+1
			continue
		}
		c := b[i]
		switch {
		case c == '"':
			return out[:k], i + 1, true
		case c < 0x20:
			return out[:k], 0, false
		case c >= utf8.RuneSelf: // room for four bytes is there, and U+FFFD takes three
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				k += utf8.EncodeRune(out[k:], utf8.RuneError)
			} else {
				k += copy(out[k:], b[i:i+size])
			}
			i += size
			continue
		}
		if i+1 >= len(b) {
			return out[:k], 0, false
		}
		if e := b[i+1]; e != 'u' {
			switch e {
			case '"', '\\', '/':
				out[k] = e
			case 'b':
				out[k] = '\b'
			case 'f':
				out[k] = '\f'
			case 'n':
				out[k] = '\n'
			case 'r':
				out[k] = '\r'
			case 't':
				out[k] = '\t'
			default:
				return out[:k], 0, false
			}
			i, k = i+2, k+1
			continue
		}
		r := hex4(b, i+2)
		if r < 0 {
			return out[:k], 0, false
		}
		i += 6
		if utf16.IsSurrogate(r) {
			r2 := rune(-1)
			if i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
				r2 = hex4(b, i+2)
			}
			if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
				r = pair
				i += 6
			} else {
				r = utf8.RuneError
			}
		}
		k += utf8.EncodeRune(out[k:], r)
	}
}

// hex4 is the rune of the four hexadecimal digits at b[i:], or -1.
func hex4(b []byte, i int) rune {
	if i+4 > len(b) {
		return -1
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// number decodes a number of JSON's grammar into float64, as encoding/json does.
func (d *jsonDecoder) number() (any, bool) {
	f, ok := d.float()
	if !ok {
		return nil, false
	}
	return f, true
}

// float is number without the interface, which would cost an allocation per number.
func (d *jsonDecoder) float() (float64, bool) {
	b, i := d.data, d.pos
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return 0, false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return 0, false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	lit := b[d.pos:i]
	if f, ok := smallInteger(lit); ok {
		d.pos = i
		return f, true
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil {
		return 0, false
	}
	if len(lit) >= 16 || bytes.ContainsAny(lit, "eE") {
		d.inexact = true
	}
	d.pos = i
	return f, true
}

// skip moves past the value at pos, checking only its grammar as encoding/json would
// (a number must also fit a float64); scratch takes strings with escapes. depth counts
// down the nesting still allowed.
func (d *jsonDecoder) skip(scratch *[]byte, depth int) bool {
	if depth < 0 {
		d.deep = true
		return false
	}
	if d.pos >= len(d.data) {
		return false
	}
	switch c := d.data[d.pos]; c {
	case '"':
		_, ok := d.strBytes(scratch)
		return ok
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	case '[', '{':
		closing := byte(']')
		if c == '{' {
			closing = '}'
		}
		if d.enter(closing) {
			return true
		}
		for {
			if c == '{' {
				if _, ok := d.name(scratch); !ok {
					return false
				}
			}
			d.space()
			if !d.skip(scratch, depth-1) {
				return false
			}
			if closed, ok := d.next(closing); !ok || closed {
				return ok
			}
		}
	}
	_, ok := d.float()
	return ok
}

// enter moves past the bracket at pos and the space after it; empty says the container
// closes right away with closing, which it moves past too.
func (d *jsonDecoder) enter(closing byte) (empty bool) {
	d.pos++
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == closing {
		d.pos++
		return true
	}
	return false
}

// name reads a member's name (valid until the next read, as strBytes's) and moves past
// it, its colon and the space around them.
func (d *jsonDecoder) name(scratch *[]byte) ([]byte, bool) {
	d.space()
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		return nil, false
	}
	key, ok := d.strBytes(scratch)
	return key, ok && d.colon()
}

// colon moves past the space, the colon and the space after a member's name.
func (d *jsonDecoder) colon() bool {
	d.space()
	if d.pos >= len(d.data) || d.data[d.pos] != ':' {
		return false
	}
	d.pos++
	d.space()
	return true
}

// smallInteger reads an integer literal of at most 15 digits, which float64 holds
// exactly, without strconv's parse; ok is false for any other literal.
func smallInteger(lit []byte) (float64, bool) {
	digits := lit
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if lit[0] == '-' {
		return -float64(n), true
	}
	return float64(n), true
}
