package contract

import (
	"bytes"
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
