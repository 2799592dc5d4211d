package redact

import (
	"net/url"
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

// A '%' that starts no escape ("100%", a key's own '%') does not stop the look under
// the other percent escapes of the text: url.PathUnescape refused the whole text for
// it, so a partly escaped key beside it went through String, Bytes and Body alike.
func TestScrubberStrayPercent(t *testing.T) {
	const key = "sk-live-0123456789abcdef"
	escaped := strings.Replace(key, "0123", "%30%31%32%33", 1)
	s := NewScrubber(key)
	for _, text := range []string{
		"quota at 100% for " + escaped,
		escaped + " 50%-off",
		"100%" + escaped,
		"%zz" + strings.ReplaceAll(escaped, "%", "%25") + "%",
		`{"msg":"at 100%","key":"` + escaped + `"}`,
	} {
		for name, out := range map[string]string{"String": s.String(text), "Body": string(s.Body([]byte(text)))} {
			if strings.Contains(out, escaped) || !strings.Contains(out, Marker) {
				t.Errorf("%s(%q) = %q", name, text, out)
			}
		}
	}
	// A key with a '%' of its own, partly escaped.
	odd := "k%y-0123456789"
	so := NewScrubber(odd)
	for _, text := range []string{"k%y-%30123456789", "k%25y-%30123456789", "x " + url.QueryEscape(odd)[:6] + "0123456789 y"} {
		if out := so.String(text); strings.Contains(out, "0123456789") {
			t.Errorf("String(%q) = %q", text, out)
		}
	}
	// Text with stray percents and no key is left as it is.
	for _, text := range []string{"100% sure, %zz and %4", "50%2", "%"} {
		if out := s.String(text); out != text {
			t.Errorf("String(%q) = %q", text, out)
		}
	}
}

// A key with a space, echoed form-encoded ('+' for the space) with its other
// characters as they are, is found: no '%' being in it, no escape was undone.
func TestScrubberPlusForASpace(t *testing.T) {
	const key = "ab cd/ef gh 1234"
	s := NewScrubber(key)
	for _, echo := range []string{"ab+cd/ef+gh+1234", "ab+cd/ef gh+1234", "ab+cd%2fef+gh 1234"} {
		for _, text := range []string{echo, `{"q":"` + echo + `"}`, "key=" + echo + "&x=1"} {
			for name, out := range map[string]string{"String": s.String(text), "Body": string(s.Body([]byte(text)))} {
				if strings.Contains(out, echo) || !strings.Contains(out, Marker) {
					t.Errorf("%s(%q) = %q", name, text, out)
				}
			}
		}
	}
	// Without a space in any key, '+' is no escape: a phone number is left alone.
	plain := NewScrubber("sk-live-0123456789abcdef")
	for _, text := range []string{"+33 1 23 45 67 89", `{"tz":"+01:00","n":"a+b"}`} {
		if out := plain.String(text); out != text {
			t.Errorf("String(%q) = %q", text, out)
		}
	}
}
