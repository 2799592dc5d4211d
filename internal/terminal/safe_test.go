package terminal

import "testing"

func TestSafe(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", "plain"},
		{"Zürich ☕ 東京 👩‍💻", "Zürich ☕ 東京 👩‍💻"}, // the joiner of the emoji kept
		{"a\x1b[31mred\x07", `a\x1b[31mred\x07`},
		{"line\r\nnext\ttab\x00", `line\x0d\x0anext\x09tab\x00`},
		{"\x7f\u0085", `\x7f\x85`},
		{"bad \xff\xfe byte", `bad \xff\xfe byte`},
		{"cut \xe2\x82", `cut \xe2\x82`},
		{"evil\u202etxt.exe", `evil\u202etxt.exe`},
		{"\u2066isolate\u2069 \u200ehidden\u200b", `\u2066isolate\u2069 \u200ehidden\u200b`},
		{"\ufeffbom", `\ufeffbom`},
		{"a literal \ufffd stays", "a literal \ufffd stays"},
		{"", ""},
	} {
		if got := Safe(c.in); got != c.want {
			t.Errorf("Safe(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	s := "nothing to escape, ünïcödé"
	if got := Safe(s); got != s {
		t.Errorf("changed %q", s)
	}
}
