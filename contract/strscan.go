package contract

import (
	"encoding/binary"
	"math/bits"
)

// Strings are most of a JSON body's bytes, so the scans below look at eight bytes at a
// time for the few that end a plain run: a quote, a backslash, a control byte and,
// where UTF-8 must be checked, a byte of a multi-byte sequence.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// zeroBytes has the high bit set in the lowest byte of x that is zero (and maybe in
// bytes above it), and no bit at all when no byte is zero.
func zeroBytes(x uint64) uint64 { return (x - ones) & ^x & highs }

// specialBytes marks, as zeroBytes does, the bytes of x that are a quote, a
// backslash or below 0x20, and with high also those of 0x80 or more.
func specialBytes(x uint64, high bool) uint64 {
	q, b := x^('"'*ones), x^('\\'*ones)
	m := ((q-ones)&^q | (b-ones)&^b | (x-0x20*ones)&^x) & highs // zeroBytes of each, masked once
	if high {
		m |= x & highs
	}
	return m
}

// plainRun is the index of the first byte of b from i that is a quote, a backslash or
// a control byte (with high, also 0x80 or more), or len(b).
func plainRun(b []byte, i int, high bool) int {
	for ; i+8 <= len(b); i += 8 {
		if m := specialBytes(binary.LittleEndian.Uint64(b[i:]), high); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 || high && c >= 0x80 {
			return i
		}
	}
	return i
}

// quoteOrEscape is the index of the first quote or backslash in b, or -1.
func quoteOrEscape(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		if m := zeroBytes(x^('"'*ones)) | zeroBytes(x^('\\'*ones)); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(b); i++ {
		if b[i] == '"' || b[i] == '\\' {
			return i
		}
	}
	return -1
}
