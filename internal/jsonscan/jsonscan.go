// Package jsonscan walks JSON that has been decoded once already (a member kept as
// json.RawMessage) without decoding it again: to count an array's elements, and refuse
// one that is too long, before a single element costs an allocation.
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
	depth, inString, escaped, start := 0, false, false, 1
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
		case b == '[' || b == '{':
			depth++
		case b == ']' || b == '}':
			depth--
			if depth == 0 {
				if err := emit(i); err != nil {
					return n, true, err
				}
				return n, i == len(raw)-1, nil
			}
		case b == ',' && depth == 1:
			if err := emit(i); err != nil {
				return n, true, err
			}
			start = i + 1
		}
	}
	return n, false, nil
}
