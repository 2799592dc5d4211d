package contract

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// rawScanner walks the structure of a JSON document from a stream without decoding
// it: it finds where each value ends whatever it holds (nesting of any depth, strings
// of any length) and keeps a value's bytes only while they fit a limit. The HAR reader
// uses it to find log.entries past members of any size, so that memory follows the
// limit, not the input.
type rawScanner struct {
	br *bufio.Reader
	// line counts the newlines consumed, so that a reader can say on which line of its
	// file a value starts (line+1).
	line int
}

func newRawScanner(r io.Reader) *rawScanner {
	return &rawScanner{br: bufio.NewReaderSize(r, 64<<10)}
}

// valueTooLargeError is a value longer than the limit it was read with; it has been
// consumed, and reading can go on after it.
type valueTooLargeError struct {
	size  int64
	limit int
}

func (e *valueTooLargeError) Error() string {
	return fmt.Sprintf("entry of %d bytes is over the %d MiB limit; skipped without reading it into memory", e.size, e.limit>>20)
}

// skipSpace consumes whitespace and returns the next byte, unconsumed.
func (s *rawScanner) skipSpace() (byte, error) {
	for {
		c, err := s.br.ReadByte()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, err
		}
		switch c {
		case '\n':
			s.line++
			continue
		case ' ', '\t', '\r':
			continue
		}
		return c, s.br.UnreadByte()
	}
}

// expect consumes the next non-space byte, which must be want.
func (s *rawScanner) expect(want byte) error {
	c, err := s.skipSpace()
	if err != nil {
		return err
	}
	if c != want {
		return fmt.Errorf("want %q, found %q", want, c)
	}
	_, err = s.br.ReadByte()
	return err
}

// seek reads the members of the object whose '{' was just consumed, skipping their
// values, until the member key; it leaves the scanner at key's value.
func (s *rawScanner) seek(key string) error {
	for {
		c, err := s.skipSpace()
		if err != nil {
			return err
		}
		if c == '}' {
			return fmt.Errorf("no %q member", key)
		}
		if c == ',' {
			_, _ = s.br.ReadByte()
			continue
		}
		raw, err := s.value(1 << 10) // member names are short; a long one is not ours
		var tooLarge *valueTooLargeError
		if err != nil && !errors.As(err, &tooLarge) {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		if string(raw) == `"`+key+`"` {
			return nil
		}
		if _, err := s.value(-1); err != nil {
			return err
		}
	}
}

// value consumes the next value. It returns the value's bytes when they are at most
// limit long (limit -1 keeps nothing), and otherwise a *valueTooLargeError once the
// whole value has been read past. Only the structure is checked: brackets and strings.
// Readers use it to find their way to the entries (short names, values skipped).
func (s *rawScanner) value(limit int) ([]byte, error) {
	if _, err := s.skipSpace(); err != nil {
		return nil, err
	}
	kept := keptValue{limit: limit}
	var st structScan
	for {
		chunk, err := s.br.Peek(max(s.br.Buffered(), 1))
		if len(chunk) == 0 {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		end := st.feed(chunk)
		take := len(chunk)
		if end >= 0 {
			take = end
		}
		kept.add(chunk[:take])
		s.line += bytes.Count(chunk[:take], []byte{'\n'})
		if _, err := s.br.Discard(take); err != nil {
			return nil, err
		}
		if end >= 0 {
			return kept.value()
		}
	}
}

// keptValue gathers the pieces of a value as they are read, while they fit limit (-1
// keeps nothing). Pieces joined once at the end cost about twice the value, not a
// growing slice's five or six times.
type keptValue struct {
	parts [][]byte
	size  int64
	limit int
}

func (k *keptValue) add(piece []byte) {
	if k.size += int64(len(piece)); k.limit >= 0 && k.size <= int64(k.limit) {
		k.parts = append(k.parts, bytes.Clone(piece))
	} else {
		k.parts = nil
	}
}

// value is the value's bytes, or a *valueTooLargeError for one over the limit.
func (k *keptValue) value() ([]byte, error) {
	if k.limit >= 0 && k.size > int64(k.limit) {
		return nil, &valueTooLargeError{size: k.size, limit: k.limit}
	}
	return bytes.Join(k.parts, nil), nil
}

// structScan finds where a JSON value ends in bytes that arrive piece by piece,
// following only its brackets and strings.
type structScan struct {
	depth                              int
	started, inString, escaped, scalar bool
}

// feed scans the next piece of the value and returns the index in it just past the
// value's end, or -1 when the value goes on past the piece. The first byte fed must
// be the value's first.
func (st *structScan) feed(chunk []byte) int {
	for i := 0; i < len(chunk); {
		c := chunk[i]
		switch {
		case st.escaped:
			st.escaped = false
			i++
		case st.inString:
			j := quoteOrEscape(chunk[i:])
			if j < 0 {
				return -1
			}
			i += j
			if chunk[i] == '\\' {
				st.escaped = true
			} else {
				st.inString = false
				if st.depth == 0 {
					return i + 1
				}
			}
			i++
		case !st.started:
			st.started = true
			switch c {
			case '{', '[':
				st.depth = 1
			case '"':
				st.inString = true
			default:
				st.scalar = true
			}
			i++
		case st.scalar:
			if c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\r' || c == '\n' {
				return i
			}
			i++
		case c == '"':
			st.inString = true
			i++
		case c == '{' || c == '[':
			st.depth++
			i++
		case c == '}' || c == ']':
			st.depth--
			i++
			if st.depth == 0 {
				return i
			}
		default:
			i++
		}
	}
	return -1
}
