// Package jsonscan walks JSON on its bytes without decoding it: to count an array's
// elements, and refuse one that is too long, before a single element costs an
// allocation (a member kept as json.RawMessage), and to refuse a document that nests too
// deep before a parser recurses into it (docread).
package jsonscan

import "bytes"

// Elements calls each with every element of the JSON array raw, in order, as slices
// of raw (nothing is copied), and returns how many there are; with each nil it only
// counts. raw must be valid JSON, as any part of a body that decoded is; ok is false
// when it is not an array.
func Elements(raw []byte, each func(i int, elem []byte) error) (n int, ok bool, err error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 || raw[0] != '[' {
		return 0, false, nil
	}
	depth, start := 0, 1
	emit := func(end int) error {
		elem := bytes.TrimSpace(raw[start:end])
		if len(elem) == 0 {
			return nil // the empty array
		}
		n++
		if each != nil {
			return each(n-1, elem)
		}
		return nil
	}
	end := -1 // where the array closes
	structural(raw, func(i int, b byte) bool {
		switch {
		case b == '[' || b == '{':
			depth++
		case b == ']' || b == '}':
			depth--
			if depth == 0 {
				err, end = emit(i), i
				return false
			}
		case b == ',' && depth == 1:
			if err = emit(i); err != nil {
				return false
			}
			start = i + 1
		}
		return true
	})
	if err != nil {
		return n, true, err
	}
	if end >= 0 {
		return n, end == len(raw)-1, nil
	}
	return n, false, nil
}

// Deeper reports whether the JSON raw nests objects and arrays deeper than max, counted
// on its bytes without building anything, and the depth it stopped at (max+1 when it
// is deeper).
func Deeper(raw []byte, max int) (bool, int) {
	depth, deeper := 0, false
	structural(raw, func(_ int, b byte) bool {
		switch b {
		case '{', '[':
			depth++
			deeper = depth > max
		case '}', ']':
			depth--
		}
		return !deeper
	})
	return deeper, depth
}

// Values counts, on the bytes of the JSON raw, at least as many values as it holds,
// stopping once past max: the document, and for each object or array itself and its
// first member, and one more for each ":" and ",". It is a bound found without
// decoding, for what decoding would cost.
func Values(raw []byte, max int64) int64 {
	n := int64(1)
	structural(raw, func(_ int, b byte) bool {
		switch b {
		case '{', '[':
			n += 2
		case ',', ':':
			n++
		}
		return n <= max
	})
	return n
}

// structural calls fn with every byte of raw outside its strings, with its index, until
// fn returns false: one scanner of strings and their escapes for every walk here.
func structural(raw []byte, fn func(i int, b byte) bool) {
	inString, escaped := false, false
	for i, b := range raw {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
		case b == '"':
			inString = true
		default:
			if !fn(i, b) {
				return
			}
		}
	}
}
