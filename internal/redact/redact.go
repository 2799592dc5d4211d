// Package redact is the one place that decides what is a secret in an HTTP exchange
// and how it is hidden: the clients' errors and logs, the recorder and the validator's
// reports all go through it.
package redact

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// Marker replaces every secret value.
const Marker = "REDACTED"

// IsSecretName reports whether a header, query parameter or body member of this name
// carries a credential: Apollo's api_key and x-api-key, and the standard credential
// headers.
func IsSecretName(name string) bool {
	switch strings.ToLower(name) {
	case "api_key", "x-api-key", "authorization", "proxy-authorization", "cookie", "set-cookie":
		return true
	}
	return false
}

// Values replaces the secret parameters of q with Marker and reports whether there
// were any.
func Values(q url.Values) bool {
	changed := false
	for k := range q {
		if IsSecretName(k) {
			q[k] = []string{Marker}
			changed = true
		}
	}
	return changed
}

// URL renders u without user information and with secret query parameters replaced.
// The query is re-encoded only when something was replaced, so other URLs print as
// they were sent.
func URL(u *url.URL) string {
	c := *u
	c.User = nil
	if q := c.Query(); Values(q) {
		c.RawQuery = q.Encode()
	}
	return c.String()
}

// URLString is URL for a URL held as text; text that does not parse is not printed.
func URLString(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return URL(u)
}

// URLError removes secrets from the URL that net/http puts into its errors. It
// changes the *url.Error in place and returns err.
func URLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = URLString(ue.URL)
	}
	return err
}

// minSecretLen keeps a short "secret" from matching ordinary text by chance (Scrubber).
const minSecretLen = 8

// Value replaces, in a decoded JSON value, every member with a secret name at any
// depth, and reports whether it replaced any.
func Value(v any) bool {
	changed := false
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			if IsSecretName(k) {
				t[k] = Marker
				changed = true
				continue
			}
			changed = Value(child) || changed
		}
	case []any:
		for _, child := range t {
			changed = Value(child) || changed
		}
	}
	return changed
}

// freeText finds a secret name followed by its value in text that is neither JSON nor
// a form: `api_key=K`, `"api_key": "K"`, `x-api-key: K`.
var freeText = regexp.MustCompile(`(?i)((?:api_key|x-api-key)["']?\s*[:=]\s*["']?)([^"'&\s,;}]+)`)

// Body returns body with every secret-named member or parameter replaced, whatever its
// content type says: JSON at any depth, a form, or free text.
func Body(body []byte) []byte {
	if !mentionsSecretName(body) {
		return body // nothing to replace: no need to decode a body of any size
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber() // numbers are written back as they came
		var v any
		if dec.Decode(&v) == nil && dec.InputOffset() == int64(len(bytes.TrimRight(body, " \t\r\n"))) {
			if !Value(v) {
				return body
			}
			if out, err := json.Marshal(v); err == nil {
				return out
			}
		}
	}
	if q, err := url.ParseQuery(string(body)); err == nil && !bytes.ContainsAny(body, " \n{") && Values(q) {
		return []byte(q.Encode())
	}
	return freeText.ReplaceAll(body, []byte("${1}"+Marker))
}

// secretStems are what every name IsSecretName accepts contains, in lower case, and
// every name freeText matches.
var secretStems = [][]byte{[]byte("api_key"), []byte("api-key"), []byte("authorization"), []byte("cookie")}

// mentionsSecretName reports whether body holds a secret name in any letter case,
// without copying it.
func mentionsSecretName(body []byte) bool {
	for _, stem := range secretStems {
		for i := 0; i+len(stem) <= len(body); {
			j := bytes.IndexAny(body[i:], string([]byte{stem[0], stem[0] - 'a' + 'A'}))
			if j < 0 || i+j+len(stem) > len(body) {
				break
			}
			if bytes.EqualFold(body[i+j:i+j+len(stem)], stem) {
				return true
			}
			i += j + 1
		}
	}
	return false
}
