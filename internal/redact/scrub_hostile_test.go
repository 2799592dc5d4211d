package redact

import (
	"strings"
	"testing"
)

// A partly escaped key is found in a body however long the run of letters, digits and
// escapes around it: a run over 64 KiB (a long token, padding a hostile server puts
// before the key) was handed to String's search, which undoes no escapes in a text
// that long, so the key went through.
func TestBodyFindsAKeyInALongRun(t *testing.T) {
	const key = "sk-live-0123456789abcdef"
	s := NewScrubber(key)
	escaped := strings.Replace(key, "0123", "%30%31%32%33", 1)
	twice := strings.ReplaceAll(escaped, "%", "%25")
	for _, pad := range []int{0, 100, maxDecodedText - len(escaped), maxDecodedText, 1 << 20} {
		for _, form := range []string{escaped, twice} {
			for _, body := range []string{
				`{"token":"` + strings.Repeat("A", pad) + form + `"}`,
				`{"token":"` + form + strings.Repeat("9", pad) + `"}`,
				`{"token":"` + strings.Repeat("Z", pad) + form + strings.Repeat("z", pad) + `"}`,
			} {
				out := string(s.Body([]byte(body)))
				if strings.Contains(out, form) || !strings.Contains(out, Marker) {
					t.Errorf("pad %d, %q: the key went through", pad, form)
				}
				if strings.Count(out, "A")+strings.Count(out, "9")+strings.Count(out, "Z")+strings.Count(out, "z") < min(pad, 1) {
					t.Errorf("pad %d: the padding was lost", pad)
				}
			}
		}
	}
	// Nothing but the key's own escapes is changed around it.
	body := `{"a":"x%41y","token":"` + strings.Repeat("B", 70<<10) + escaped + `","b":"%7E"}`
	out := string(s.Body([]byte(body)))
	if want := `{"a":"x%41y","token":"` + strings.Repeat("B", 70<<10) + "sk-live-" + Marker + `","b":"%7E"}`; out != want && out != strings.Replace(want, "sk-live-"+Marker, Marker, 1) {
		t.Errorf("got %.80q...%q", out, out[len(out)-60:])
	}
}
