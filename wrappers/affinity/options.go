package affinity

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/httpcore"
)

// Option configures a Client.
type Option func(*settings)

type settings struct {
	httpcore.Settings
	bearer bool
}

// WithBaseURL sends requests to url instead of DefaultBaseURL, for a proxy or a fake.
func WithBaseURL(url string) Option { return func(s *settings) { s.BaseURL = url } }

// WithHTTPClient sends requests through hc instead of http.DefaultClient.
func WithHTTPClient(hc *http.Client) Option { return func(s *settings) { s.HTTPClient = hc } }

// WithRetries sets how many times a failed request is repeated (default 3; 0 disables).
func WithRetries(n int) Option { return func(s *settings) { s.SetRetries(n) } }

// WithBackoff bounds the exponential backoff between retries (default 500ms to 30s).
func WithBackoff(minWait, maxWait time.Duration) Option {
	return func(s *settings) { s.SetBackoff(minWait, maxWait) }
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(s *settings) { s.UserAgent = ua } }

// WithLogger logs retries (warn) and responses (debug) to l. Keys are never logged.
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.Logger = l } }

// WithRequestEditor runs fn on every request after authentication, for extra headers.
func WithRequestEditor(fn func(context.Context, *http.Request) error) Option {
	return func(s *settings) { s.Editors = append(s.Editors, fn) }
}

// WithBearerAuth sends the key as a bearer token instead of HTTP Basic. Affinity's v1
// API accepts both since November 2025; Basic is the default because it always worked.
func WithBearerAuth() Option { return func(s *settings) { s.bearer = true } }

// WithResponseValidation checks every response against the Affinity spec as it arrives
// and passes the findings of each response that has any to onFindings; what the client
// returns is unchanged. Meant for integration tests that should fail on drift:
//
//	client, _ := affinity.NewClient(key, affinity.WithResponseValidation(func(fs []contract.Finding) {
//		for _, f := range fs {
//			t.Errorf("%s %s: expected %s, found %s", f.OperationID, f.Pointer, f.Expected, f.Found)
//		}
//	}))
func WithResponseValidation(onFindings func([]contract.Finding)) Option {
	return func(s *settings) { s.OnFindings = onFindings }
}
