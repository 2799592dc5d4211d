package redact

import (
	"strings"
	"testing"
)

// Two keys where one holds the other (a prefix, or any part of it), the longer echoed
// with some of its bytes escaped after the shorter one's end: the shorter key's plain
// form matched first and was replaced, which took away what decoding needed to find
// the longer key, so its tail went through String, Bytes and Body alike. No byte of
// either key may be left, in either order of registering them.
func TestScrubberKeyInsideAnotherPartlyEscaped(t *testing.T) {
	const long = "sk-live-0123456789abcdef"
	for _, inner := range []string{"sk-live-0123", "0123456789ab", "89abcdef"} {
		at := strings.Index(long, inner)
		end := at + len(inner)
		// escape writes the byte of long at i with form, whose XX (or xx) is its hex.
		escape := func(i int, form string) string {
			hex := hexByte(long[i])
			form = strings.ReplaceAll(form, "xx", hex)
			return long[:i] + strings.ReplaceAll(form, "XX", strings.ToUpper(hex)) + long[i+1:]
		}
		var echoes []string
		for _, form := range []string{`\u00XX`, `\u00xx`, "%XX", "%xx", "%25XX"} {
			// A byte just past the shorter key and the last byte of the longer; for a
			// shorter key that does not start the longer, a byte just before it and
			// the first.
			if end < len(long) {
				echoes = append(echoes, escape(end, form), escape(len(long)-1, form))
			}
			if at > 0 {
				echoes = append(echoes, escape(at-1, form), escape(0, form))
			}
		}
		if len(echoes) == 0 {
			t.Fatalf("no echo of %q holds %q", long, inner)
		}
		for _, order := range [][]string{{inner, long}, {long, inner}} {
			s := NewScrubber(order...)
			for _, echo := range echoes {
				if !strings.Contains(echo, inner) {
					continue // the shorter key is not in it: the case already found
				}
				text := "before " + echo + " after"
				body := `{"msg":"bad key ` + echo + `","next":"x%20y"}`
				big := body + strings.Repeat(" ", 2*maxDecodedText)
				for _, c := range []struct{ name, out, around string }{
					{"String", s.String(text), "before "},
					// Over 64 KiB String undoes no escape, so the run goes whole.
					{"String of a large text", s.String(big), `","next":"x%20y"}`},
					{"Bytes", string(s.Bytes([]byte(text))), " after"},
					{"Body", string(s.Body([]byte(body))), `","next":"x%20y"}`},
					{"Bytes of a large body", string(s.Bytes([]byte(big))), `{"msg":"bad key `},
				} {
					name, out := c.name, c.out
					if piece, ok := keyPiece(out, long); ok {
						t.Errorf("keys %q: %s(%q) = %.200q: %q of the longer key is left", order, name, echo, out, piece)
					}
					if !strings.Contains(out, Marker) {
						t.Errorf("keys %q: %s(%q) = %.200q: no marker", order, name, echo, out)
					}
					if !strings.Contains(out, c.around) {
						t.Errorf("keys %q: %s(%q) = %.200q: %q around the key was lost", order, name, echo, out, c.around)
					}
				}
			}
		}
	}
}

// The shorter key alone, beside an escape that belongs to no key, is replaced and
// nothing else is lost; the longer key as sent is replaced whole.
func TestScrubberKeyInsideAnotherPlain(t *testing.T) {
	s := NewScrubber("sk-live-0123456789abcdef", "sk-live-0123")
	for text, want := range map[string][]string{
		"a sk-live-0123%0A b":                            {"a REDACTED%0A b", "a REDACTED\n b"},
		"a sk-live-0123456789abcdef b sk-live-0123 c":    {"a REDACTED b REDACTED c"},
		`{"k":"sk-live-0123\u0020","n":"Caf\u00e9"}`:     {`{"k":"REDACTED\u0020","n":"Caf\u00e9"}`, `{"k":"REDACTED ","n":"Café"}`, `{"k":"REDACTED ","n":"Caf\u00e9"}`},
		"https://x.example/?k=sk-live-0123&page=2":       {"https://x.example/?k=REDACTED&page=2"},
		"sk-live-0123456789abcdef%20sk-live-0123%20tail": {"REDACTED%20REDACTED%20tail", "REDACTED REDACTED tail"},
	} {
		for name, out := range map[string]string{"String": s.String(text), "Body": string(s.Body([]byte(text)))} {
			ok := false
			for _, w := range want {
				ok = ok || out == w
			}
			if !ok {
				t.Errorf("%s(%q) = %q, want one of %q", name, text, out, want)
			}
		}
	}
}

func hexByte(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

// keyPiece finds a piece of four bytes of key in out, or in out with one layer of any
// escape undone.
func keyPiece(out, key string) (string, bool) {
	texts := []string{out}
	for _, decode := range decoders {
		if d, ok := decode(out); ok {
			texts = append(texts, d)
		}
	}
	for _, text := range texts {
		for i := 0; i+4 <= len(key); i++ {
			if strings.Contains(text, key[i:i+4]) {
				return key[i : i+4], true
			}
		}
	}
	return "", false
}

// Where undoing an escape would take part of the shorter key with it (a '~' before a
// key that starts with 0, a key with a '+' or '&' of its own), its run is replaced
// whole: looking under first would find another key there and give back the decoded
// text, with the shorter key's bytes in it, unreplaced.
func TestScrubberKeyInsideAnotherEscapeTakesPart(t *testing.T) {
	const other = "other/key/zyxw/9876" // found only by undoing "~1"
	s := NewScrubber("0123456789ab", "sk-live-0123456789abcdef", other)
	text := "a ~0123456789ab b other~1key/zyxw/9876 c"
	for name, out := range map[string]string{"String": s.String(text), "Body": string(s.Body([]byte(text)))} {
		if piece, ok := keyPiece(out, "0123456789ab"); ok {
			t.Errorf("%s(%q) = %q: %q is left", name, text, out, piece)
		}
		if piece, ok := keyPiece(out, other); ok {
			t.Errorf("%s(%q) = %q: %q is left", name, text, out, piece)
		}
		if !strings.HasPrefix(out, "a ") || !strings.HasSuffix(out, " c") {
			t.Errorf("%s(%q) = %q: what is around the keys was lost", name, text, out)
		}
	}
	long := hardKey + "-and-more"
	hs := NewScrubber(hardKey, long)
	for _, echo := range []string{hardKey + "%2Dand-more", hardKey + `\u002dand-more`, hardKey + "-and-mor%65"} {
		text := "key " + echo + " end"
		for name, out := range map[string]string{"String": hs.String(text), "Body": string(hs.Body([]byte(text)))} {
			if out != "key "+Marker+" end" {
				t.Errorf("%s(%q) = %q, want the key replaced whole", name, text, out)
			}
		}
	}
}
