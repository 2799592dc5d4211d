package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"hash/maphash"
	"html"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Scrubber replaces secrets in every form a service may echo one back: as sent,
// URL-escaped (either case of hex), base64 of the key or of the Basic credentials,
// JSON-escaped (with or without HTML escapes, or every character as \u), XML- and
// HTML-escaped, and JSON-pointer-escaped, which is how a key echoed as a member name
// reaches a finding's pointer (and then each of those escapes of the pointer). A text
// of up to 64 KiB that still holds a secret once percent, JSON, pointer or HTML escapes
// are undone is given back decoded and scrubbed, so an encoding the list does not know
// cannot carry a key through either; a whole body (Body, and Bytes of a larger text)
// is looked under run by run, where an escaped key could lie. It is the one scrub at every output boundary:
// errors, logs, reports and recordings. A nil *Scrubber, or one without secrets,
// changes nothing. Secrets shorter than eight bytes are left alone, so that a short
// "secret" cannot match ordinary text by chance. A secret that is part of another
// (a prefix of it, or any part) does not hide the longer one escaped in part: where it
// stands beside an escape, the escapes are undone before it is replaced, or its whole
// run is replaced (nested.go).
type Scrubber struct {
	forms []string // every encoded form of every secret, longest first
	// inner marks the forms that are part of a longer form of another secret, whose
	// replacement may wait for the escapes around them to be undone (nested.go).
	inner []bool
	// inEncoded marks the bytes an escaped form of a secret can be made of: the
	// secrets' own, letters and digits, and the escapes' syntax (see Body).
	inEncoded [256]bool
	shortest  int // the shortest secret's length: no escaped form is shorter
	// escapes are the bytes that start an escape String undoes: '+' too when a
	// secret has a space, which a form encoding writes as '+'.
	escapes string
	// escapeStart holds the bytes of escapes, as a table.
	escapeStart [256]bool
}

// NewScrubber returns a Scrubber for the secrets.
func NewScrubber(secrets ...string) *Scrubber {
	s := &Scrubber{}
	owner := map[string]int{} // each form's secret, by its index
	for i, secret := range secrets {
		if len(secret) < minSecretLen {
			continue
		}
		add := func(form string) {
			if _, seen := owner[form]; len(form) >= minSecretLen && !seen {
				owner[form] = i
				s.forms = append(s.forms, form)
			}
		}
		// A key as a member name reaches a report as a pointer segment, which a report
		// then escapes again for its own format.
		for _, base := range []string{secret, pointerEscape(secret)} {
			for _, form := range encodings(base) {
				add(form)
				add(pointerEscape(form))
			}
		}
	}
	// Longest first, so that a form containing another is replaced whole.
	slices.SortStableFunc(s.forms, func(a, b string) int { return len(b) - len(a) })
	s.inner = innerForms(s.forms, owner, secrets)
	for _, secret := range secrets {
		if len(secret) >= minSecretLen {
			if s.shortest == 0 || len(secret) < s.shortest {
				s.shortest = len(secret)
			}
			for i := 0; i < len(secret); i++ {
				s.inEncoded[secret[i]] = true
			}
		}
	}
	s.escapes = `%\~&`
	for _, secret := range secrets {
		if len(secret) >= minSecretLen && strings.Contains(secret, " ") {
			s.escapes += "+"
			break
		}
	}
	for i := 0; i < len(s.escapes); i++ {
		s.escapeStart[s.escapes[i]] = true
	}
	for c := range 256 {
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.IndexByte(escapeSyntax, byte(c)) >= 0 {
			s.inEncoded[c] = true
		}
	}
	return s
}

// escapeSyntax is what the escapes String undoes are written with besides letters and
// digits: percent (%73), query (+), JSON (\u0073, \/), JSON pointer (~1) and HTML
// (&#115;, &lt;) escapes.
const escapeSyntax = `%+\~&#;`

// encodings are the forms of one secret a service or a report may write.
func encodings(k string) []string {
	forms := []string{k, url.QueryEscape(k), url.PathEscape(k), percentAll(k, "%%%02X"), percentAll(k, "%%%02x")}
	forms = append(forms, lowerHex(url.QueryEscape(k)), lowerHex(url.PathEscape(k)))
	for _, plain := range []string{k, ":" + k, k + ":"} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			forms = append(forms, enc.EncodeToString([]byte(plain)))
		}
	}
	var xmlText strings.Builder
	_ = xml.EscapeText(&xmlText, []byte(k))
	forms = append(forms, xmlText.String(), html.EscapeString(k)) // JUnit and SARIF viewers
	quoted, _ := json.Marshal(k)                                  // with HTML escapes (\u003c, \u0026)
	forms = append(forms, strings.Trim(string(quoted), `"`))
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(k)
	forms = append(forms, strings.Trim(strings.TrimSpace(plain.String()), `"`))
	var every, everyUpper strings.Builder
	for _, r := range k {
		fmt.Fprintf(&every, `\u%04x`, r)
		fmt.Fprintf(&everyUpper, `\u%04X`, r)
	}
	return append(forms, every.String(), everyUpper.String())
}

func percentAll(k, format string) string {
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		fmt.Fprintf(&b, format, k[i])
	}
	return b.String()
}

// lowerHex writes the hex digits of percent escapes in lower case.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lower(b[i+1]), lower(b[i+2])
		}
	}
	return string(b)
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

// pointerEscape escapes a member name for a JSON pointer (RFC 6901).
func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// String returns v with every form of every secret replaced by Marker.
func (s *Scrubber) String(v string) string {
	if s == nil || len(s.forms) == 0 {
		return v
	}
	out, _ := s.scrub(v, maxDecodes)
	return out
}

// maxDecodes bounds how many layers of escapes String undoes to look for a secret.
const maxDecodes = 3

// maxDecodedText bounds the text whose escapes are undone: messages, pointers, header
// values and URLs, where an unknown encoding of a key would be read by a person. A
// larger text (a whole body) gets the known forms only, so that its cost stays linear.
const maxDecodedText = 64 << 10

// scrub replaces the forms in v and, when that leaves escapes, looks under up to depth
// layers of them; found reports whether a secret was there.
func (s *Scrubber) scrub(v string, depth int) (out string, found bool) {
	return s.scrubUnder(v, depth, maxDecodedText, nil)
}

// decoders are the escapes scrub undoes, one layer at a time, in every order.
var decoders = [...]func(string) (string, bool){pathUnescape, queryUnescape, jsonUnescape, pointerUnescape, htmlUnescape}

// scrubUnder is scrub for a text of up to limit bytes (any length when limit is 0).
// seen holds, by hash, the texts already looked under and the layers left there:
// escapes of different kinds undone in another order give the same text, which is
// looked under once, so that a text with every kind of escape costs tens of decodes,
// not the 155 of every order.
// Where an inner form (nested.go) lies in an escaped run, it is replaced only after
// the layers under it were looked at and held no secret.
func (s *Scrubber) scrubUnder(v string, depth, limit int, seen *looked) (out string, found bool) {
	v, found, deferred := s.replaceForms(v)
	if depth == 0 || limit > 0 && len(v) > limit || !strings.ContainsAny(v, s.escapes) {
		return s.replaceDeferred(v, deferred, true), found // no look under: whole runs
	}
	if seen == nil {
		seen = &looked{seed: maphash.MakeSeed(), depth: map[uint64]int{}}
	}
	// An encoding no form matched: undo the escapes the text may carry and look again.
	for _, decode := range decoders {
		if seen.budget > 0 {
			if seen.work += len(v); seen.work > seen.budget {
				seen.spent = true
				return s.replaceDeferred(v, deferred, true), found
			}
		}
		if d, ok := decode(v); ok && d != v && seen.first(d, depth-1) {
			if d, hit := s.scrubUnder(d, depth-1, limit, seen); hit {
				return d, true
			}
		}
	}
	return s.replaceDeferred(v, deferred, false), found
}

// looked is the texts scrubUnder has looked under, by hash, with the layers it had
// left to undo there.
type looked struct {
	seed  maphash.Seed
	depth map[uint64]int
	// work counts the bytes decoders were given, up to budget (0: no bound); spent
	// says the budget ran out before a text was looked under whole.
	work, budget int
	spent        bool
}

// bodyWork bounds the bytes Body's decoders may be given, as a multiple of the body:
// the services' pages take under one; a body written to make every run decode every
// way takes 30 to 60, which is what this stops (see Body).
const bodyWork = 8

// first reports whether d is yet to be looked under with depth layers left: new, or
// seen before with fewer.
func (l *looked) first(d string, depth int) bool {
	h := maphash.String(l.seed, d)
	if left, ok := l.depth[h]; ok && left >= depth {
		return false
	}
	l.depth[h] = depth
	return true
}

// pathUnescape undoes percent escapes; queryUnescape those and '+' for a space. Both
// leave a '%' that starts no escape as it is ("100%", a key's own '%'), where
// url.PathUnescape refuses the whole text and so would undo none of its escapes.
func pathUnescape(v string) (string, bool) { return percentUnescape(v, false) }

func queryUnescape(v string) (string, bool) { return percentUnescape(v, true) }

func percentUnescape(v string, plus bool) (string, bool) {
	if !strings.Contains(v, "%") && (!plus || !strings.Contains(v, "+")) {
		return v, false
	}
	b := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		switch {
		case v[i] == '%' && i+2 < len(v) && isHex(v[i+1]) && isHex(v[i+2]):
			b = append(b, unhex(v[i+1])<<4|unhex(v[i+2]))
			i += 2
		case v[i] == '+' && plus:
			b = append(b, ' ')
		default:
			b = append(b, v[i])
		}
	}
	return string(b), true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// jsonUnescape undoes the escapes of a JSON string's text, wherever it is quoted.
func jsonUnescape(v string) (string, bool) {
	if !strings.Contains(v, `\`) {
		return v, false
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '\\' || i+1 >= len(v) {
			b.WriteByte(v[i])
			continue
		}
		n := 2
		if v[i+1] == 'u' {
			n = 6
		}
		if i+n > len(v) {
			b.WriteString(v[i:])
			break
		}
		if d, err := strconv.Unquote(`"` + v[i:i+n] + `"`); err == nil {
			b.WriteString(d)
			i += n - 1
			continue
		}
		b.WriteByte(v[i])
	}
	return b.String(), true
}

func htmlUnescape(v string) (string, bool) {
	return html.UnescapeString(v), strings.Contains(v, "&")
}

func pointerUnescape(v string) (string, bool) {
	return strings.ReplaceAll(strings.ReplaceAll(v, "~1", "/"), "~0", "~"), strings.Contains(v, "~")
}

// Bytes is String for bytes; b is returned as it is, not copied, when it holds no
// secret.
func (s *Scrubber) Bytes(b []byte) []byte {
	if s == nil || len(s.forms) == 0 {
		return b
	}
	if len(b) > maxDecodedText {
		return s.Body(b)
	}
	out := s.String(string(b))
	if out == string(b) {
		return b
	}
	return []byte(out)
}

// Body replaces the known forms of each secret in a whole body a service answered
// with (the secret as it is, percent-encoded, base64, HTML, XML and JSON escaped, every
// letter \u-escaped): at a cost linear in the body, without undoing layers of escapes
// as String does for the texts a person reads. A successful body is decoded as JSON
// once after this, which is what the JSON forms cover; undoing every layer of escapes
// of a whole page cost 4 to 8 times its decoding (BENCHMARKS.md). b is returned as it
// is, not copied, when it holds no secret.
func (s *Scrubber) Body(b []byte) []byte {
	if s == nil || len(s.forms) == 0 {
		return b
	}
	changed := false
	for i, form := range s.forms {
		if s.inner[i] {
			// encodedRuns looks under each run where one is left, which is a run it reads.
			if out, replaced, _ := replaceOutside(s, b, []byte(form), bytes.Index, true); replaced {
				b, changed = out, true
			}
			continue
		}
		if bytes.Contains(b, []byte(form)) {
			if !changed {
				b, changed = bytes.Clone(b), true
			}
			b = bytes.ReplaceAll(b, []byte(form), []byte(Marker))
		}
	}
	return s.encodedRuns(b)
}

// encodedRuns looks under the escapes of each stretch of b that could be a secret
// escaped some way the known forms do not name (twice over, or in part), as String
// does for a whole text, and gives it back decoded and scrubbed when one is there
// (in a copy: b is not changed). Every escape String undoes writes a
// byte with letters, digits and escapeSyntax only, and leaves the other bytes as they
// are: so an escaped secret lies within a run of bytes that are the secrets' own or
// those (inEncoded), at least as long as the shortest secret (undoing an escape never
// lengthens a text), with an escape in it.
// Such runs are words and tokens (JSON's quotes, spaces, commas and most punctuation
// end them), so the cost is one pass over b and a few decodes of short runs, not
// every decode of the whole body. A body built so that its runs decode every way
// (escapes of escapes) would cost 30 to 60 times its JSON decode: once the decoders
// have been given bodyWork times the body's bytes, each escaped run left, and the one
// under way, is replaced by Marker whole, unread. What could hold a key is dropped
// rather than passed; no page a service sends comes near it.
func (s *Scrubber) encodedRuns(b []byte) []byte {
	var out []byte   // b with the runs replaced, once one is
	var seen *looked // made once for the body, emptied for each run
	last := 0
	for i := 0; i < len(b); {
		if !s.inEncoded[b[i]] {
			i++
			continue
		}
		j := i
		for ; j < len(b) && s.inEncoded[b[j]]; j++ {
		}
		escaped := bytes.ContainsAny(b[i:j], s.escapes)
		if escaped && j-i >= s.shortest {
			// A run of any length: its decodes are linear in it, and a limit would let
			// a key through behind enough letters before it.
			if seen == nil {
				seen = &looked{seed: maphash.MakeSeed(), depth: map[uint64]int{}, budget: bodyWork*len(b) + 64<<10}
			}
			d, found := Marker, true // what a run is once the budget is spent: dropped whole
			if !seen.spent {
				clear(seen.depth)
				d, found = s.scrubUnder(string(b[i:j]), maxDecodes, 0, seen)
				if seen.spent {
					d, found = Marker, true
				}
			}
			if found {
				out = append(append(out, b[last:i]...), d...)
				last = j
			}
		}
		i = j
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// Writer returns a writer that scrubs each Write before passing it to w. A secret is
// found only within one Write, so callers write whole messages or documents at a time
// (fmt.Fprintf does; a report rendered into a buffer and written once does).
func (s *Scrubber) Writer(w io.Writer) io.Writer { return scrubWriter{w: w, s: s} }

type scrubWriter struct {
	w io.Writer
	s *Scrubber
}

func (sw scrubWriter) Write(p []byte) (int, error) {
	if _, err := sw.w.Write(sw.s.Bytes(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}
