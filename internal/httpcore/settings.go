package httpcore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Settings are the options every wrapper offers. Each wrapper keeps its own Option type
// over a struct that embeds Settings, and its options call the setters below, which
// refuse bad values with an error naming the option.
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
	Editors       []func(context.Context, *http.Request) error
	// Middleware wraps the HTTP client's transport, innermost first.
	Middleware []func(http.RoundTripper) http.RoundTripper
	// Sleep replaces the timer between attempts (tests).
	Sleep func(context.Context, time.Duration) error
	// Now replaces the clock waits are measured on (tests).
	Now func() time.Time
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
		return fmt.Errorf("WithBaseURL: want an absolute http or https URL, got %q", raw)
	}
	s.BaseURL = raw
	return nil
}

// SetHTTPClient sets the HTTP client, refusing nil.
func (s *Settings) SetHTTPClient(hc *http.Client) error {
	if hc == nil {
		return errors.New("WithHTTPClient: client is nil")
	}
	s.HTTPClient = hc
	return nil
}

// SetRetries sets the retry count, refusing a negative one.
func (s *Settings) SetRetries(n int) error {
	if n < 0 {
		return fmt.Errorf("WithRetries: retries must not be negative, got %d", n)
	}
	s.MaxRetries = n
	return nil
}

// SetBackoff sets the backoff bounds, refusing anything but 0 < min <= max.
func (s *Settings) SetBackoff(minWait, maxWait time.Duration) error {
	if minWait <= 0 || maxWait < minWait {
		return fmt.Errorf("WithBackoff: want 0 < min <= max, got %s and %s", minWait, maxWait)
	}
	s.MinBackoff, s.MaxBackoff = minWait, maxWait
	return nil
}

// SetLogger sets the logger, refusing nil.
func (s *Settings) SetLogger(l *slog.Logger) error {
	if l == nil {
		return errors.New("WithLogger: logger is nil")
	}
	s.Logger = l
	return nil
}

// SetMaxBodyBytes sets the largest response body read, refusing a limit below 1 KiB.
func (s *Settings) SetMaxBodyBytes(n int64) error {
	if n < 1<<10 {
		return fmt.Errorf("WithMaxBodyBytes: want at least 1024 bytes, got %d", n)
	}
	s.MaxBodyBytes = n
	return nil
}

// SetMaxServerWait caps the wait a server may ask for, refusing a negative cap.
func (s *Settings) SetMaxServerWait(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("WithMaxRetryWait: want a cap of 0 or more, got %s", d)
	}
	s.MaxServerWait = d
	return nil
}

// AddEditor appends a request editor, refusing nil.
func (s *Settings) AddEditor(fn func(context.Context, *http.Request) error) error {
	if fn == nil {
		return errors.New("WithRequestEditor: editor is nil")
	}
	s.Editors = append(s.Editors, fn)
	return nil
}

// AddMiddleware appends a transport middleware, refusing nil.
func (s *Settings) AddMiddleware(mw func(http.RoundTripper) http.RoundTripper) error {
	if mw == nil {
		return errors.New("WithMiddleware: middleware is nil")
	}
	s.Middleware = append(s.Middleware, mw)
	return nil
}

// Configure returns the Doer configuration these settings describe; the wrapper adds its
// rate-limit parsing, idempotency rule and error type.
func Configure[R any](s *Settings) Config[R] {
	return Config[R]{
		HTTPClient:    s.client(),
		MaxRetries:    s.MaxRetries,
		MinBackoff:    s.MinBackoff,
		MaxBackoff:    s.MaxBackoff,
		UserAgent:     s.UserAgent,
		Logger:        s.Logger,
		MaxBodyBytes:  s.MaxBodyBytes,
		MaxServerWait: s.MaxServerWait,
		Sleep:         s.Sleep,
		Now:           s.Now,
	}
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
		origin = originOf(u)
	}
	c.CheckRedirect = guardRedirects(origin, c.CheckRedirect)
	return &c
}

// Editor runs auth and then the user's editors on each request.
func (s *Settings) Editor(auth func(*http.Request)) func(context.Context, *http.Request) error {
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

// KeyFromEnv reads an API key from the environment variable name; a missing or blank
// one is errNoKey, with the variable named.
func KeyFromEnv(name string, errNoKey error) (string, error) {
	key := os.Getenv(name)
	if strings.TrimSpace(key) == "" {
		return "", fmt.Errorf("%w: set %s", errNoKey, name)
	}
	return key, nil
}
