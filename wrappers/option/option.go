// Package option holds the options of the service clients (packages affinity and
// apollo): a ClientOption configures a client once, in NewClient, and a CallOption
// changes one call, given as the last arguments of any method.
//
// Options that only make sense for one service, such as affinity.WithBearerAuth, live
// in that service's package and return the same types; a client refuses another
// service's option with an *apicall.ParamError.
package option

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// ClientOption configures a client. NewClient returns the *apicall.ParamError of the
// first option that refuses its value.
type ClientOption func(*httpcore.Settings) error

// CallOption changes one call of a client. A method returns the *apicall.ParamError of
// the first call option that refuses its value, before sending anything. For a method
// that iterates over pages, it applies to the call for each page.
type CallOption func(*httpcore.Call) error

// WithBaseURL sends requests to url (absolute http or https) instead of the service's
// production API, for a proxy or a fake.
func WithBaseURL(url string) ClientOption {
	return func(s *httpcore.Settings) error { return s.SetBaseURL(url) }
}

// WithHTTPClient sends requests through hc instead of http.DefaultClient. hc is never
// modified; middleware and the redirect guard are added to a copy.
func WithHTTPClient(hc *http.Client) ClientOption {
	return func(s *httpcore.Settings) error { return s.SetHTTPClient(hc) }
}

// WithRetries sets how many times a failed request is repeated (default 3; 0
// disables). Only requests safe to repeat are repeated once the service has seen them.
func WithRetries(n int) ClientOption {
	return func(s *httpcore.Settings) error { return s.SetRetries(n) }
}

// WithBackoff bounds the full-jitter exponential backoff between retries (default
// 500ms to 30s).
func WithBackoff(minWait, maxWait time.Duration) ClientOption {
	return func(s *httpcore.Settings) error { return s.SetBackoff(minWait, maxWait) }
}

// WithUserAgent replaces the User-Agent header (default orgapis-<service>-go/<version>).
func WithUserAgent(ua string) ClientOption {
	return func(s *httpcore.Settings) error { s.UserAgent = ua; return nil }
}

// WithLogger logs retries (warn) and responses (debug) to l. Keys are never logged.
func WithLogger(l *slog.Logger) ClientOption {
	return func(s *httpcore.Settings) error { return s.SetLogger(l) }
}

// WithMaxBodyBytes bounds the response bodies the client reads (default 32 MiB, at
// least 1 KiB); a longer one fails the call with the package's ErrBodyTooLarge. Error
// bodies are read up to 64 KiB whatever the limit, and an Error keeps at most 4 KiB.
func WithMaxBodyBytes(n int64) ClientOption {
	return func(s *httpcore.Settings) error { return s.SetMaxBodyBytes(n) }
}

// WithMaxRetryWait caps how long the client waits when the service asks it to
// (Retry-After, or a rate-limit window's reset); default one minute, and 0 means the
// default. When the service asks for longer, the call fails at once with the
// package's ErrRateLimited and the requested wait in Error.RetryAfter, rather than
// sleeping for it; pacing fails with an *apicall.WaitError.
func WithMaxRetryWait(d time.Duration) ClientOption {
	return func(s *httpcore.Settings) error { return s.SetMaxServerWait(d) }
}

// WithRequestEditor runs fn on every request after authentication, for extra headers.
func WithRequestEditor(fn func(context.Context, *http.Request) error) ClientOption {
	return func(s *httpcore.Settings) error { return s.AddEditor(fn) }
}

// WithMiddleware wraps the client's transport with mw, for logging, recording or
// checking responses against the spec (contract.Middleware). Middleware added first
// sits closest to the network. The client sees whatever the middleware returns.
func WithMiddleware(mw func(http.RoundTripper) http.RoundTripper) ClientOption {
	return func(s *httpcore.Settings) error { return s.AddMiddleware(mw) }
}

// WithResponseInto stores the call's response metadata in dst once the call is done:
// status, header, request id, attempts, and the rate-limit state of the call's own
// answer. R is the client's rate-limit type: pass an *affinity.Response to an
// Affinity call and an *apollo.Response to an Apollo one; the other is refused. For a
// method that iterates over pages, dst holds the last page's. dst is written from the
// calling goroutine's call only, so each goroutine passes its own.
func WithResponseInto[R any](dst *apicall.Response[R]) CallOption {
	return func(c *httpcore.Call) error {
		if dst == nil {
			return &apicall.ParamError{Param: "WithResponseInto", Reason: "destination is nil"}
		}
		c.Into = append(c.Into, dst)
		return nil
	}
}

// WithCallRetries sets how many times this call's request may be repeated, instead of
// the client's WithRetries; 0 disables retries for it.
func WithCallRetries(n int) CallOption {
	return func(c *httpcore.Call) error {
		if n < 0 {
			return &apicall.ParamError{Param: "WithCallRetries", Reason: "retries must not be negative"}
		}
		c.Retries = n
		return nil
	}
}

// WithCallTimeout bounds this call, its retries and waits included. A wait the
// service asks for that would outlive it fails at once (the error matches
// context.DeadlineExceeded) instead of sleeping.
func WithCallTimeout(d time.Duration) CallOption {
	return func(c *httpcore.Call) error {
		if d <= 0 {
			return &apicall.ParamError{Param: "WithCallTimeout", Reason: "timeout must be positive, got " + d.String()}
		}
		c.Timeout = d
		return nil
	}
}

// WithCallHeader adds a header to this call's requests, after the client's own
// editors, replacing any value they set.
func WithCallHeader(key, value string) CallOption {
	return func(c *httpcore.Call) error {
		if !validHeader(key, value) {
			return &apicall.ParamError{Param: "WithCallHeader", Reason: "not a valid header name and value"}
		}
		if c.Header == nil {
			c.Header = http.Header{}
		}
		c.Header.Set(key, value)
		return nil
	}
}
