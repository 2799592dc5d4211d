package contract

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// value finds where each kind of value ends, whatever the reads it arrives in, keeps
// it only within its limit, and leaves the scanner just past it.
func TestRawScannerValue(t *testing.T) {
	long := `"` + strings.Repeat("x", 100_000) + `"`
	for _, c := range []struct {
		in, want, rest string
		limit          int
		tooLarge       bool
	}{
		{`{"a":[1,"x]}\"{"],"b":{}} tail`, `{"a":[1,"x]}\"{"],"b":{}}`, " tail", 100, false},
		{`123,`, `123`, ",", 100, false},
		{"-1.5e3\n", `-1.5e3`, "\n", 100, false},
		{`true]`, `true`, "]", 100, false},
		{`null}`, `null`, "}", 100, false},
		{`false `, `false`, " ", 100, false},
		{"7\t", `7`, "\t", 100, false},
		{"7\r\n", `7`, "\r\n", 100, false},
		{`"a\"b\\" ,`, `"a\"b\\"`, " ,", 100, false},
		{`  [[[]]]x`, `[[[]]]`, "x", 100, false},
		{`[1,2]`, `[1,2]`, "", 5, false},
		{`[1,2]`, ``, "", 4, true},
		{`[1,2] x`, ``, " x", -1, false},
		{long + "]", long, "]", len(long), false},
		{long + "]", ``, "]", len(long) - 1, true},
	} {
		for name, r := range map[string]io.Reader{"whole": strings.NewReader(c.in), "a byte at a time": iotest.OneByteReader(strings.NewReader(c.in))} {
			s := newRawScanner(r)
			got, err := s.value(c.limit)
			var tl *valueTooLargeError
			if c.tooLarge != errors.As(err, &tl) || (!c.tooLarge && err != nil) {
				t.Errorf("%.30q (%s), limit %d: error %v", c.in, name, c.limit, err)
				continue
			}
			if c.tooLarge && tl.size != int64(c.limit+1) {
				t.Errorf("%.30q (%s): too large at %d bytes, want %d", c.in, name, tl.size, c.limit+1)
			}
			if string(got) != c.want {
				t.Errorf("%.30q (%s), limit %d: %.30q, want %.30q", c.in, name, c.limit, got, c.want)
			}
			if rest, _ := io.ReadAll(s.br); string(rest) != c.rest {
				t.Errorf("%.30q (%s): left %q, want %q", c.in, name, rest, c.rest)
			}
		}
	}
	// A value the input ends inside, or no value at all, is cut short.
	for _, in := range []string{``, `  `, `[1,`, `"abc`, `{"a":{}`} {
		if _, err := newRawScanner(strings.NewReader(in)).value(100); err != io.ErrUnexpectedEOF {
			t.Errorf("%q: %v, want io.ErrUnexpectedEOF", in, err)
		}
	}
}
