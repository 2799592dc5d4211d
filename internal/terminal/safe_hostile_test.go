package terminal

import (
	"strings"
	"testing"
)

// What hides text or breaks a line without being a control is escaped as well: the
// line and paragraph separators (a new line to an editor or a browser, and to a log
// viewer), the default-ignorable letters and marks that draw nothing (Hangul fillers,
// the combining grapheme joiner), the ideographic variation selectors, and a
// variation selector or joiner that follows another (one builds an emoji; a run of
// them carries hidden bytes, one per character, after any letter). An escape is never
// ambiguous: a character beyond U+FFFF is written \UXXXXXXXX, not \u and five digits
// (\ue0041 reads as U+E004 then "1").
func TestSafeHiddenText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"one\u2028two\u2029three", `one\u2028two\u2029three`},
		{"tag \U000E0041\U000E0042", `tag \U000e0041\U000e0042`},
		{"filler\u3164\u115f\u1160\uffa0.", `filler\u3164\u115f\u1160\uffa0.`},
		{"cgj a\u034fb", `cgj a\u034fb`},
		{"ideographic 葛\U000E0100", `ideographic 葛\U000e0100`},
		{"heart \u2764\ufe0f kept", "heart \u2764\ufe0f kept"},
		{"text \u2764\ufe0e kept", "text \u2764\ufe0e kept"},
		{"smuggled a\ufe01\ufe02\ufe03", `smuggled a\ufe01\ufe02\ufe03`},
		{"a\ufe0f\ufe0f", "a\ufe0f\\ufe0f"},
		{"👩\u200d💻 kept", "👩\u200d💻 kept"},
		{"joiners x\u200d\u200d\u200d", "joiners x\u200d\\u200d\\u200d"},
		{"\u200dfirst", `\u200dfirst`},
		{"interlinear \ufff9a\ufffab\ufffb", `interlinear \ufff9a\ufffab\ufffb`},
		{"C1 \u009b31m", `C1 \x9b31m`},
		{"escaped surrogate \xed\xa0\x80", `escaped surrogate \xed\xa0\x80`},
	} {
		if got := Safe(c.in); got != c.want {
			t.Errorf("Safe(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Safe is linear: a megabyte of text to escape, and of text with nothing to escape.
func BenchmarkSafe(b *testing.B) {
	for name, s := range map[string]string{
		"plain":    strings.Repeat("Zürich ☕ 東京 ", 1<<16),
		"controls": strings.Repeat("\x1b[31m\u202e\ufe01", 1<<16),
	} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for range b.N {
				_ = Safe(s)
			}
		})
	}
}
