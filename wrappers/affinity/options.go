package affinity

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/httpcore"
)

// Option configures a Client.
type Option func(*settings)

type settings struct {
	baseURL                string
	httpClient             *http.Client
	maxRetries             int
	minBackoff, maxBackoff time.Duration
	userAgent              string
	logger                 *slog.Logger
	editors                []affinityapi.RequestEditorFn
	bearer                 bool
	err                    error
}

func defaultSettings() settings {
	return settings{
		baseURL:    DefaultBaseURL,
		maxRetries: httpcore.DefaultMaxRetries,
		minBackoff: httpcore.DefaultMinBackoff,
		maxBackoff: httpcore.DefaultMaxBackoff,
		userAgent:  "orgapis-affinity-go",
	}
}

// WithBaseURL sends requests to url instead of DefaultBaseURL, for a proxy or a fake.
func WithBaseURL(url string) Option { return func(s *settings) { s.baseURL = url } }

// WithHTTPClient sends requests through hc instead of http.DefaultClient.
func WithHTTPClient(hc *http.Client) Option { return func(s *settings) { s.httpClient = hc } }

// WithRetries sets how many times a failed request is repeated (default 3; 0 disables).
func WithRetries(n int) Option {
	return func(s *settings) {
		if n < 0 {
			s.err = errors.New("affinity: WithRetries: retries must not be negative")
		}
		s.maxRetries = n
	}
}

// WithBackoff bounds the exponential backoff between retries (default 500ms to 30s).
func WithBackoff(minWait, maxWait time.Duration) Option {
	return func(s *settings) {
		if minWait <= 0 || maxWait < minWait {
			s.err = errors.New("affinity: WithBackoff: want 0 < min <= max")
		}
		s.minBackoff, s.maxBackoff = minWait, maxWait
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(s *settings) { s.userAgent = ua } }

// WithLogger logs retries (warn) and responses (debug) to l. Keys are never logged.
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.logger = l } }

// WithRequestEditor runs fn on every request after authentication, for extra headers.
func WithRequestEditor(fn affinityapi.RequestEditorFn) Option {
	return func(s *settings) { s.editors = append(s.editors, fn) }
}

// WithBearerAuth sends the key as a bearer token instead of HTTP Basic. Affinity's v1
// API accepts both since November 2025; Basic is the default because it always worked.
func WithBearerAuth() Option { return func(s *settings) { s.bearer = true } }
