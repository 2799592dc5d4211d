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
// return that would rewrite the line) become \xNN; format characters become \uNNNN
// (\UNNNNNNNN beyond U+FFFF): the bidirectional controls, which reorder what a reader
// sees (U+202E turns the rest of a line around, in a terminal and on a web page alike),
// zero-width spaces and joiners that hide text, a byte-order mark, tag characters. So
// do the line and paragraph separators (a new line to an editor, a browser or a log
// viewer), the default-ignorable characters that draw nothing (Hangul fillers, the
// combining grapheme joiner), and the variation selectors, which after any letter
// carry hidden bytes, one per selector. Kept are what builds emoji: the zero-width
// joiner (U+200D, which several scripts' letters use too) and the text and emoji
// presentation selectors (U+FE0E, U+FE0F), each after a character that is not one of
// them. Everything else, non-ASCII letters included, is left as it is.
func Safe(s string) string {
	i, prev := 0, rune(-1)
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, size, prev) {
			break
		}
		i, prev = i+size, r
	}
	if i == len(s) {
		return s // the common case: nothing to escape, nothing made
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case !needsEscape(r, size, prev):
			b.WriteString(s[i : i+size])
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r > 0xffff:
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i, prev = i+size, r
	}
	return b.String()
}

// needsEscape reports whether r, of size bytes, after prev (-1 at the start) is
// escaped.
func needsEscape(r rune, size int, prev rune) bool {
	switch {
	case r < 0x80:
		return r < 0x20 || r == 0x7f
	case r == utf8.RuneError && size == 1:
		return true
	case r == '\u200d', r == '\ufe0e', r == '\ufe0f':
		// Builds an emoji after a character that draws; a run of them, or one first,
		// draws nothing and may carry hidden bytes.
		return prev < 0 || prev == '\u200d' || unicode.Is(unicode.Variation_Selector, prev) || needsEscape(prev, utf8.RuneLen(prev), -1)
	}
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}
