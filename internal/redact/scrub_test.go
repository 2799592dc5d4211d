package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"net/url"
	"strings"
	"testing"
)

// A key with every character that encodings treat specially.
const hardKey = "k+y/s=cr&t~<1234>"

// echoes are the ways a service or a report may write the key back.
func echoes(k string) map[string]string {
	quoted, _ := json.Marshal(k)
	var every strings.Builder
	for _, r := range k {
		fmt.Fprintf(&every, `\u%04x`, r)
	}
	return map[string]string{
		"as sent":              k,
		"query-escaped":        url.QueryEscape(k),
		"path-escaped":         url.PathEscape(k),
		"lower-case hex":       strings.ToLower(url.QueryEscape(k)),
		"every byte escaped":   percentAll(k, "%%%02X"),
		"basic credentials":    base64.StdEncoding.EncodeToString([]byte(":" + k)),
		"base64 url":           base64.RawURLEncoding.EncodeToString([]byte(k)),
		"json-escaped":         strings.Trim(string(quoted), `"`),
		"every char as \\u":    every.String(),
		"pointer of a member":  "/0/" + pointerEscape(k),
		"pointer of escaped":   "/0/" + pointerEscape(url.QueryEscape(k)),
		"double-escaped":       url.QueryEscape(url.QueryEscape(k)),
		"mixed escapes":        strings.Replace(k, "+", "%2b", 1),
		"json of a pointer":    strings.Trim(mustJSON("/"+pointerEscape(k)), `"`),
		"in a url":             "https://api.example.com/x?api_key=" + url.QueryEscape(k) + "&page=2",
		"in a header value":    "Basic " + base64.StdEncoding.EncodeToString([]byte(":"+k)),
		"inside a json string": `{"message":"bad key ` + strings.Trim(string(quoted), `"`) + `"}`,
		"xml of a pointer":     "/0/" + xmlEscape(pointerEscape(k)),
		"html-escaped":         html.EscapeString(k),
	}
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func mustJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestScrubberRemovesEveryForm(t *testing.T) {
	s := NewScrubber(hardKey)
	for name, text := range echoes(hardKey) {
		t.Run(name, func(t *testing.T) {
			out := "before " + s.String("x"+text+"y") + " after"
			if leaks(out, hardKey) {
				t.Errorf("%q still holds the key: %q", text, out)
			}
			if !strings.Contains(out, Marker) {
				t.Errorf("%q: no marker in %q", text, out)
			}
		})
	}
}

// leaks reports whether out holds the key in any form the test knows, or decoded.
func leaks(out, key string) bool {
	for _, form := range echoes(key) {
		if strings.Contains(out, form) {
			return true
		}
	}
	for _, decode := range []func(string) (string, bool){pathUnescape, queryUnescape, jsonUnescape, pointerUnescape, htmlUnescape} {
		if d, ok := decode(out); ok && strings.Contains(d, key) {
			return true
		}
	}
	return false
}

func TestScrubberLeavesOtherTextAlone(t *testing.T) {
	s := NewScrubber(hardKey)
	for _, text := range []string{"", "plain text", "100% sure", `a \"quoted\" word`, "/0/name~1x", "%zz", `\u00`} {
		if got := s.String(text); got != text {
			t.Errorf("String(%q) = %q", text, got)
		}
	}
	b := []byte("nothing here")
	if got := s.Bytes(b); &got[0] != &b[0] {
		t.Error("Bytes copied a text without a secret")
	}
	// Short secrets and a nil scrubber change nothing.
	var none *Scrubber
	for _, sc := range []*Scrubber{none, NewScrubber("short"), NewScrubber()} {
		if got := sc.String("short text"); got != "short text" {
			t.Errorf("%v changed %q", sc, got)
		}
	}
}

func TestScrubberSeveralSecretsAndLongestFirst(t *testing.T) {
	s := NewScrubber("secret-one-1234", "secret-one-1234-and-more", "secret-two-5678")
	got := s.String("a secret-one-1234-and-more b secret-two-5678 c secret-one-1234")
	if want := "a REDACTED b REDACTED c REDACTED"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestScrubberErrorAndWriter(t *testing.T) {
	s := NewScrubber(hardKey)
	err := s.Error(fmt.Errorf("echoed %s: %w", url.QueryEscape(hardKey), fs.ErrNotExist))
	if strings.Contains(err.Error(), url.QueryEscape(hardKey)) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v", err)
	}
	if s.Error(nil) != nil {
		t.Error("nil error scrubbed into something")
	}
	var buf bytes.Buffer
	n, werr := fmt.Fprintf(s.Writer(&buf), "key %s\n", hardKey)
	if werr != nil || n != len("key "+hardKey+"\n") || buf.String() != "key REDACTED\n" {
		t.Errorf("wrote %d %v %q", n, werr, buf.String())
	}
}

// A large text gets the known forms only, so scrubbing a whole body stays linear; a
// message at the bound still has its escapes undone.
func TestScrubberLargeTextsGetTheKnownForms(t *testing.T) {
	s := NewScrubber(hardKey)
	unknown := url.QueryEscape(url.QueryEscape(hardKey)) // found only by decoding
	at := unknown + strings.Repeat(" ", maxDecodedText-len(unknown))
	if got := s.String(at); strings.Contains(got, unknown) {
		t.Error("a text at the bound kept a double-escaped key")
	}
	over := at + " "
	if got := s.String(over); got != over {
		t.Error("a text over the bound was decoded")
	}
	big := []byte(strings.Repeat("x", 2*maxDecodedText) + url.QueryEscape(hardKey))
	out := s.Bytes(big)
	if bytes.Contains(out, []byte(url.QueryEscape(hardKey))) || !bytes.HasSuffix(out, []byte(Marker)) {
		t.Errorf("a large body kept a known form: %q", out[len(out)-40:])
	}
	clean := []byte(strings.Repeat("y", 2*maxDecodedText))
	if got := s.Bytes(clean); &got[0] != &clean[0] {
		t.Error("a large body without a secret was copied")
	}
}

// In a body too large to decode, the key as a pointer segment is still a known form.
func TestScrubberPointerFormInALargeBody(t *testing.T) {
	s := NewScrubber(hardKey)
	ptr := pointerEscape(hardKey)
	big := []byte(strings.Repeat("x", 2*maxDecodedText) + "/0/" + ptr)
	if out := s.Bytes(big); bytes.Contains(out, []byte(ptr)) {
		t.Error("a pointer form survived in a large body")
	}
}

// Body finds the key in every echo, in a body of any size, in JSON as a service
// writes it: the known forms, and the forms found only by undoing layers of escapes
// (twice escaped, escaped in part), which it looks for in the runs of bytes an escaped
// key can be made of. It copies nothing when the body holds no key.
func TestScrubberBodyFindsEveryEcho(t *testing.T) {
	s := NewScrubber(hardKey)
	echoes := echoes(hardKey)
	// More ways of escaping the key twice, or in part, that no known form names.
	echoes["html of a percent-escape"] = html.EscapeString(url.QueryEscape(hardKey))
	echoes["json \\u of a percent-escape"] = strings.ReplaceAll(url.QueryEscape(hardKey), "%", `\u0025`)
	echoes["one letter as an html entity"] = "&#107;" + hardKey[1:]
	echoes["pointer of a double escape"] = "/0/" + pointerEscape(url.PathEscape(url.PathEscape(hardKey)))
	for name, echo := range echoes {
		for _, pad := range []int{0, 100, 2 * maxDecodedText} {
			body := []byte(`{"name":"Café ✓ a%20b \u00e9","echo":"` + echo + `","pad":"` + strings.Repeat("é", pad/2) + `"}`)
			out := s.Body(body)
			if bytes.Contains(out, []byte(echo)) || !bytes.Contains(out, []byte(Marker)) {
				t.Errorf("%s (%d bytes): the key is still there: %.200s", name, len(body), out)
			}
			if !bytes.HasPrefix(out, []byte(`{"name":"Café ✓ a%20b \u00e9","echo":"`)) {
				t.Errorf("%s: what surrounds the key changed: %.200s", name, out)
			}
		}
	}
	clean := []byte(`{"name":"Café & Co \u00e9t\u00e9 100%25 sure","website":"https://x.example/a%20b?x=1&y=2","id":1}`)
	if got := s.Body(clean); &got[0] != &clean[0] {
		t.Error("a body without a key was copied")
	}
	var none *Scrubber
	if got := none.Body(clean); &got[0] != &clean[0] {
		t.Error("a nil scrubber changed the body")
	}
}
