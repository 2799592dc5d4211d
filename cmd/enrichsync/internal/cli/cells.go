package cli

import (
	"strings"
	"unicode"

	"golang.org/x/net/idna"
	"golang.org/x/text/width"

	"github.com/orgapis/orgapis/internal/terminal"
)

// clean makes a text from a server or a file safe to print on one line of a
// terminal: several values one per line become "a; b", and control characters
// (an escape sequence, a carriage return that would rewrite the line) become their
// Go escapes, visible.
func clean(s string) string {
	return terminal.Safe(strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "; "))
}

// runeWidth is the columns a rune takes on a terminal: none for a combining mark, two
// for an East Asian wide or full-width one, one for the rest.
func runeWidth(r rune) int {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// textWidth is the columns s takes on a terminal.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// fit is s cut to w columns (ending in "…" when cut) and, unless last, padded to w.
func fit(s string, w int, last bool) string {
	if textWidth(s) > w {
		var b strings.Builder
		n := 0
		for _, r := range s {
			rw := runeWidth(r)
			if n+rw > w-1 {
				break
			}
			b.WriteRune(r)
			n += rw
		}
		b.WriteString("…")
		s = b.String()
	}
	if last {
		return s
	}
	return s + strings.Repeat(" ", max(0, w-textWidth(s)))
}

// displayDomain is a domain as a person reads it: "bücher.de" for "xn--bcher-kva.de".
func displayDomain(d string) string {
	if u, err := idna.Display.ToUnicode(d); err == nil {
		return u
	}
	return d
}
