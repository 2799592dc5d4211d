package terminal

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Safe makes a text that came from a server, a recording or a file safe to print:
// what could drive a terminal or hide from its reader is written as a visible escape.
// Bytes that are not UTF-8 and control characters (ESC sequences, BEL, NUL, a carriage
// return that would rewrite the line) become \xNN; format characters become \uNNNN:
// the bidirectional controls, which reorder what a reader sees (U+202E turns the rest
// of a line around, in a terminal and on a web page alike), zero-width spaces and
// joiners that hide text, a byte-order mark. The zero-width joiner (U+200D) is kept:
// it builds emoji and the letters of several scripts. Everything else, non-ASCII
// letters included, is left as it is.
func Safe(s string) string {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, size) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s // the common case: nothing to escape, nothing made
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case !needsEscape(r, size):
			b.WriteString(s[i : i+size])
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

func needsEscape(r rune, size int) bool {
	return r == utf8.RuneError && size == 1 || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) && r != '\u200d'
}
