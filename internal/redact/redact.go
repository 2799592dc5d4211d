// Package redact is the one place that decides what is a secret in an HTTP exchange
// and how it is hidden: the clients' errors and logs, the recorder and the validator's
// reports all go through it.
package redact

import (
	"bytes"
	"errors"
	"net/url"
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

// minSecretLen keeps a short "secret" from matching ordinary text by chance.
const minSecretLen = 8

// Secret replaces every occurrence of secret in s with Marker: for text a server may
// echo a key back in (an error message, a body, a header).
func Secret(s, secret string) string {
	if len(secret) < minSecretLen {
		return s
	}
	return strings.ReplaceAll(s, secret, Marker)
}

// SecretBytes is Secret for bytes; b is returned as it is when it holds no secret.
func SecretBytes(b []byte, secret string) []byte {
	if len(secret) < minSecretLen || !bytes.Contains(b, []byte(secret)) {
		return b
	}
	return bytes.ReplaceAll(b, []byte(secret), []byte(Marker))
}
