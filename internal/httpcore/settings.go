package httpcore

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/orgapis/orgapis/internal/redact"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// Settings are what a client's options (package option's ClientOption) set. The setters
// refuse bad values with a *apicall.ParamError naming the option.
type Settings struct {
	BaseURL                string
	HTTPClient             *http.Client
	MaxRetries             int
	MinBackoff, MaxBackoff time.Duration
	UserAgent              string
	Logger                 *slog.Logger
	MaxBodyBytes           int64
	// MaxServerWait caps a wait the server asks for; see Config.
	MaxServerWait time.Duration
	// Timeout bounds each call; see Config.
	Timeout time.Duration
	// Header is added to every request; see Config.
	Header  http.Header
	Editors []func(context.Context, *http.Request) error
	// Middleware wraps the HTTP client's transport, innermost first.
	Middleware []func(http.RoundTripper) http.RoundTripper
	// Sleep replaces the timer between attempts (tests).
	Sleep func(context.Context, time.Duration) error
	// Now replaces the clock waits are measured on (tests).
	Now func() time.Time
	// Own are the service-specific options given (such as affinity.WithBearerAuth), in
	// order, each with the package it belongs to.
	Own []Own
	// scrub takes the key out of a refused redirect's Location; Open sets it.
	scrub *redact.Scrubber
}

// Own is a service-specific option: its name, the package it belongs to and the
// value it sets (nil for an option that is only on or off).
type Own struct {
	Package, Name string
	Value         any
}

// AddOwn records a service-specific option that is only on or off.
func (s *Settings) AddOwn(pkg, name string) error {
	return s.AddOwnValue(pkg, name, nil)
}

// AddOwnValue records a service-specific option that sets a value, such as a limit;
// given twice, the last value is the one the connection keeps.
func (s *Settings) AddOwnValue(pkg, name string, v any) error {
	s.Own = append(s.Own, Own{Package: pkg, Name: name, Value: v})
	return nil
}

// DefaultSettings returns the defaults for a service at baseURL.
func DefaultSettings(baseURL, userAgent string) Settings {
	return Settings{
		BaseURL:       baseURL,
		MaxRetries:    DefaultMaxRetries,
		MinBackoff:    DefaultMinBackoff,
		MaxBackoff:    DefaultMaxBackoff,
		UserAgent:     userAgent,
		MaxBodyBytes:  DefaultMaxBodyBytes,
		MaxServerWait: DefaultMaxServerWait,
	}
}

// SetBaseURL sets the base URL, refusing one without an http or https scheme and a host.
func (s *Settings) SetBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &apicall.ParamError{Param: "WithBaseURL", Reason: fmt.Sprintf("want an absolute http or https URL, got %q", raw)}
	}
	s.BaseURL = raw
	return nil
}

// SetHTTPClient sets the HTTP client, refusing nil.
func (s *Settings) SetHTTPClient(hc *http.Client) error {
	if hc == nil {
		return &apicall.ParamError{Param: "WithHTTPClient", Reason: "client is nil"}
	}
	s.HTTPClient = hc
	return nil
}

// SetRetries sets the retry count, refusing a negative one.
func (s *Settings) SetRetries(n int) error {
	if n < 0 {
		return &apicall.ParamError{Param: "WithRetries", Reason: fmt.Sprintf("retries must not be negative, got %d", n)}
	}
	s.MaxRetries = n
	return nil
}

// SetBackoff sets the backoff bounds, refusing anything but 0 < min <= max.
func (s *Settings) SetBackoff(minWait, maxWait time.Duration) error {
	if minWait <= 0 || maxWait < minWait {
		return &apicall.ParamError{Param: "WithBackoff", Reason: fmt.Sprintf("want 0 < min <= max, got %s and %s", minWait, maxWait)}
	}
	s.MinBackoff, s.MaxBackoff = minWait, maxWait
	return nil
}

// SetLogger sets the logger, refusing nil.
func (s *Settings) SetLogger(l *slog.Logger) error {
	if l == nil {
		return &apicall.ParamError{Param: "WithLogger", Reason: "logger is nil"}
	}
	s.Logger = l
	return nil
}

// SetMaxBodyBytes sets the largest response body read, refusing a limit below 1 KiB.
func (s *Settings) SetMaxBodyBytes(n int64) error {
	if n < 1<<10 {
		return &apicall.ParamError{Param: "WithMaxBodyBytes", Reason: fmt.Sprintf("want at least 1024 bytes, got %d", n)}
	}
	s.MaxBodyBytes = n
	return nil
}

// SetMaxServerWait caps the wait a server may ask for, refusing a negative cap.
func (s *Settings) SetMaxServerWait(d time.Duration) error {
	if d < 0 {
		return &apicall.ParamError{Param: "WithMaxRetryWait", Reason: fmt.Sprintf("want a cap of 0 or more, got %s", d)}
	}
	s.MaxServerWait = d
	return nil
}

// SetTimeout sets the bound of each call, refusing one that is not positive.
func (s *Settings) SetTimeout(d time.Duration) error {
	if d <= 0 {
		return &apicall.ParamError{Param: "WithTimeout", Reason: "timeout must be positive, got " + d.String()}
	}
	s.Timeout = d
	return nil
}

// SetHeader sets a header of every request, replacing an earlier value of key.
func (s *Settings) SetHeader(key, value string) error {
	if !ValidHeader(key, value) {
		return &apicall.ParamError{Param: "WithHeader", Reason: fmt.Sprintf("%q: %q is not a valid header name and value", key, value)}
	}
	if s.Header == nil {
		s.Header = http.Header{}
	}
	s.Header.Set(key, value)
	return nil
}

// AddEditor appends a request editor, refusing nil.
func (s *Settings) AddEditor(fn func(context.Context, *http.Request) error) error {
	if fn == nil {
		return &apicall.ParamError{Param: "WithRequestEditor", Reason: "editor is nil"}
	}
	s.Editors = append(s.Editors, fn)
	return nil
}

// AddMiddleware appends a transport middleware, refusing nil.
func (s *Settings) AddMiddleware(mw func(http.RoundTripper) http.RoundTripper) error {
	if mw == nil {
		return &apicall.ParamError{Param: "WithMiddleware", Reason: "middleware is nil"}
	}
	s.Middleware = append(s.Middleware, mw)
	return nil
}

// client is a copy of the configured HTTP client (the caller's is never changed) with
// the middleware around its transport and a redirect policy that keeps credentials
// with the base URL's origin.
func (s *Settings) client() *http.Client {
	var c http.Client
	if s.HTTPClient != nil {
		c = *s.HTTPClient
	}
	if len(s.Middleware) > 0 {
		rt := c.Transport
		if rt == nil {
			rt = http.DefaultTransport
		}
		for _, wrap := range s.Middleware {
			rt = wrap(rt)
		}
		c.Transport = rt
	}
	origin := ""
	if u, err := url.Parse(s.BaseURL); err == nil {
		origin = Origin(u)
	}
	c.CheckRedirect = guardRedirects(origin, s.scrub, c.CheckRedirect)
	return &c
}

// editor runs auth and then the user's editors on each request.
func (s *Settings) editor(auth func(*http.Request)) func(context.Context, *http.Request) error {
	editors := s.Editors
	return func(ctx context.Context, r *http.Request) error {
		auth(r)
		for _, e := range editors {
			if err := e(ctx, r); err != nil {
				return err
			}
		}
		return nil
	}
}
