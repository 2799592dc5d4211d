package apollo

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/orgapis/orgapis/internal/httpcore"
)

// Option configures a Client. NewClient returns the error of the first option that
// refuses its value.
type Option func(*settings) error

type settings struct {
	httpcore.Settings
	legacyKey bool
	oauth     bool
}

// WithBaseURL sends requests to url (absolute http or https) instead of
// DefaultBaseURL, for a proxy or a fake.
func WithBaseURL(url string) Option { return func(s *settings) error { return s.SetBaseURL(url) } }

// WithHTTPClient sends requests through hc instead of http.DefaultClient. hc is
// never modified; middleware is added to a copy.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) error { return s.SetHTTPClient(hc) }
}

// WithRetries sets how many times a failed request is repeated (default 3; 0 disables).
func WithRetries(n int) Option { return func(s *settings) error { return s.SetRetries(n) } }

// WithBackoff bounds the exponential backoff between retries (default 500ms to 30s).
func WithBackoff(minWait, maxWait time.Duration) Option {
	return func(s *settings) error { return s.SetBackoff(minWait, maxWait) }
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(s *settings) error { s.UserAgent = ua; return nil }
}

// WithLogger logs retries (warn) and responses (debug) to l. Keys are never logged.
func WithLogger(l *slog.Logger) Option { return func(s *settings) error { return s.SetLogger(l) } }

// WithMaxBodyBytes bounds the response bodies the client reads (default 32 MiB); a
// longer one fails the call with ErrBodyTooLarge. Error bodies are read up to 64 KiB
// whatever the limit, and an Error keeps at most 4 KiB of one.
func WithMaxBodyBytes(n int64) Option {
	return func(s *settings) error { return s.SetMaxBodyBytes(n) }
}

// WithMaxRetryWait caps how long the client waits when the service asks it to
// (Retry-After, or a rate-limit window's reset); default one minute. When the service
// asks for longer, the call fails at once with ErrRateLimited and the requested wait in
// Error.RetryAfter, rather than sleeping for it. 0 means the default.
func WithMaxRetryWait(d time.Duration) Option {
	return func(s *settings) error { return s.SetMaxServerWait(d) }
}

// WithRequestEditor runs fn on every request after authentication, for extra headers.
func WithRequestEditor(fn func(context.Context, *http.Request) error) Option {
	return func(s *settings) error { return s.AddEditor(fn) }
}

// WithMiddleware wraps the client's transport with mw, for logging, recording or
// checking responses against the spec (contract.Middleware). Middleware added first
// sits closest to the network. The client sees whatever the middleware returns.
func WithMiddleware(mw func(http.RoundTripper) http.RoundTripper) Option {
	return func(s *settings) error { return s.AddMiddleware(mw) }
}

// WithLegacyQueryKey sends the key as the api_key query parameter instead of the
// x-api-key header.
//
// Deprecated: Apollo removed this style from its documentation in April 2024, and a key
// in a URL ends up in proxy and server logs. Use the default header.
func WithLegacyQueryKey() Option { return func(s *settings) error { s.legacyKey = true; return nil } }

// WithOAuthToken treats the key given to NewClient as an OAuth access token, sent as
// Authorization: Bearer, as Apollo partners whose users connect their accounts do. An
// API key sent this way is refused with 401.
func WithOAuthToken() Option { return func(s *settings) error { s.oauth = true; return nil } }
