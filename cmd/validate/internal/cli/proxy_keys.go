package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/redact"
)

// requestSecrets are the credentials a client's request carries, in the forms the
// two services take: Apollo's x-api-key header and deprecated api_key parameter,
// Affinity's Basic password, and a Bearer token; the raw Authorization value too, so
// that an echo of the whole header is caught. Every one goes to the upstream and to
// no output: each text of the exchange passes a scrubber of them.
func requestSecrets(h http.Header, query url.Values) []string {
	var out []string
	for name, values := range h {
		if !redact.IsSecretName(name) {
			continue
		}
		for _, v := range values {
			out = append(out, v)
			scheme, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
			rest = strings.TrimSpace(rest)
			switch strings.ToLower(scheme) {
			case "bearer", "token":
				out = append(out, rest)
			case "basic":
				if raw, err := base64.StdEncoding.DecodeString(rest); err == nil {
					user, pass, _ := strings.Cut(string(raw), ":")
					out = append(out, user, pass)
				}
			}
		}
	}
	for name, values := range query {
		if redact.IsSecretName(name) {
			out = append(out, values...)
		}
	}
	return out
}

// Bounds of the credentials of one request: real keys and tokens are far shorter
// and fewer, and a scrubber costs dozens of encodings of each.
const (
	maxSecretBytes = 4 << 10
	maxSecrets     = 8
)

// boundedSecrets refuses credentials past the bounds.
func boundedSecrets(secrets []string) error {
	if len(secrets) > maxSecrets {
		return fmt.Errorf("%d credentials in one request; at most %d are passed on", len(secrets), maxSecrets)
	}
	for _, s := range secrets {
		if len(s) > maxSecretBytes {
			return fmt.Errorf("a credential of %d bytes; at most %d are passed on", len(s), maxSecretBytes)
		}
	}
	return nil
}

// bodySecrets are the api_key members at the top of a JSON request body (Apollo's
// deprecated way to send the key).
func bodySecrets(body []byte) []string {
	if !bytes.Contains(body, []byte("api_key")) {
		return nil
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(body, &members) != nil {
		return nil
	}
	var out []string
	for name, raw := range members {
		var s string
		if redact.IsSecretName(name) && json.Unmarshal(raw, &s) == nil {
			out = append(out, s)
		}
	}
	return out
}

// scrubbers makes and keeps the scrubber of each set of credentials, as a client sends
// the same key with every request and a scrubber costs dozens of encodings to make. It
// keeps at most maxScrubbers; past that it starts over (a client that sends a new
// key with each request costs a scrubber per request, never unbounded memory).
type scrubbers struct {
	mu   sync.Mutex
	sets map[string]*redact.Scrubber
	all  map[string]bool // credentials seen, up to maxKept, for the final report
}

const maxScrubbers = 16

// maxKept is how many credentials the scrub of the final report knows; each
// exchange's own findings were scrubbed of its own as they came.
const maxKept = 64

// of is the scrubber of secrets.
func (s *scrubbers) of(secrets []string) *redact.Scrubber {
	key := strings.Join(secrets, "\x00")
	s.mu.Lock()
	defer s.mu.Unlock()
	if sc, ok := s.sets[key]; ok {
		return sc
	}
	if s.sets == nil || len(s.sets) >= maxScrubbers {
		s.sets = map[string]*redact.Scrubber{}
	}
	if s.all == nil {
		s.all = map[string]bool{}
	}
	for _, secret := range secrets {
		if len(s.all) < maxKept {
			s.all[secret] = true
		}
	}
	sc := redact.NewScrubber(secrets...)
	s.sets[key] = sc
	return sc
}

// every is a scrubber of every credential kept, for what the run writes at its end.
func (s *scrubbers) every() *redact.Scrubber {
	s.mu.Lock()
	defer s.mu.Unlock()
	secrets := make([]string, 0, len(s.all))
	for k := range s.all {
		secrets = append(secrets, k)
	}
	return redact.NewScrubber(secrets...)
}

// scrubFinding takes every form of the exchange's credentials out of f's texts.
func scrubFinding(f contract.Finding, s *redact.Scrubber) contract.Finding {
	for _, p := range []*string{&f.Source, &f.OperationID, &f.Method, &f.Path, &f.Location, &f.Pointer, &f.Expected, &f.Found} {
		*p = s.String(*p)
	}
	return f
}
