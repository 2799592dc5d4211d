package contract

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// plainRunByBytes is plainRun one byte at a time, to hold the word-wide scan to.
func plainRunByBytes(b []byte, i int, high bool) int {
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 || high && c >= 0x80 {
			return i
		}
	}
	return i
}

// The word-wide scans stop where a byte loop does, for every byte value at every
// place of a word and past its end, with the bytes around it just below and above
// each bound (0x1f and 0x20, 0x7f and 0x80, neighbours of the quote and backslash).
func TestPlainRunStopsWhereAByteLoopDoes(t *testing.T) {
	fill := []byte("!#[]\x20\x7fa~")
	for c := range 256 {
		for at := range 19 {
			for _, f := range fill {
				b := bytes.Repeat([]byte{f}, 19)
				b[at] = byte(c)
				for _, start := range []int{0, 1, 5, 8} {
					for _, high := range []bool{false, true} {
						if got, want := plainRun(b, start, high), plainRunByBytes(b, start, high); got != want {
							t.Fatalf("plainRun(%q, %d, %v) = %d, want %d", b, start, high, got, want)
						}
					}
				}
				want := bytes.IndexAny(b, "\"\\")
				if got := quoteOrEscape(b); got != want {
					t.Fatalf("quoteOrEscape(%q) = %d, want %d", b, got, want)
				}
			}
		}
	}
}

// appendUnescaped decodes as encoding/json does with each kind of escape, a byte that
// is not UTF-8 and a multi-byte rune at every place of a word, into scratch of any
// capacity (its growth included).
func TestAppendUnescapedAtEveryOffset(t *testing.T) {
	specials := []string{`\"`, `\\`, `\/`, `\b\f\n\r\t`, `\u00e9`, `\ud83d\ude00`, `\ud800`, `\ud800\u0041`, "é", "\xff", "\xe2\x82", "€"}
	for _, sp := range specials {
		for pre := range 20 {
			for post := range 10 {
				quoted := `"` + strings.Repeat("a", pre) + sp + strings.Repeat("b", post) + `"x`
				var want string
				if err := json.Unmarshal([]byte(quoted[:len(quoted)-1]), &want); err != nil {
					t.Fatal(err)
				}
				for _, scratch := range [][]byte{nil, make([]byte, 0, 3), make([]byte, 0, 1024)} {
					i := 1 // the first escape or byte past ASCII
					for quoted[i] != '\\' && quoted[i] < 0x80 {
						i++
					}
					got, end, ok := appendUnescaped(scratch, []byte(quoted), 1, i)
					if !ok || string(got) != want || end != len(quoted)-1 {
						t.Fatalf("%q: got %q end %d ok %v, want %q end %d", quoted, got, end, ok, want, len(quoted)-1)
					}
				}
			}
		}
	}
	for _, bad := range []string{`"a\x"`, `"a\u12"`, "\"a\x01\"", `"abc`, `"abc\`} {
		if _, _, ok := appendUnescaped(nil, []byte(bad), 1, 1); ok {
			t.Errorf("%q: decoded", bad)
		}
	}
}
