package httpcore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/specs"
)

// Settings are the options both wrappers offer. Each wrapper keeps its own Option type
// over a struct that embeds Settings.
type Settings struct {
	BaseURL                string
	HTTPClient             *http.Client
	MaxRetries             int
	MinBackoff, MaxBackoff time.Duration
	UserAgent              string
	Logger                 *slog.Logger
	Editors                []func(context.Context, *http.Request) error
	// Transports wrap the HTTP client's transport, innermost first.
	Transports []func(http.RoundTripper) http.RoundTripper
	// OnFindings, when set, turns on response validation against the API's spec.
	OnFindings func([]contract.Finding)
	// Err is the first invalid option; constructors return it.
	Err error
}

// DefaultSettings returns the defaults for a service at baseURL.
func DefaultSettings(baseURL, userAgent string) Settings {
	return Settings{
		BaseURL:    baseURL,
		MaxRetries: DefaultMaxRetries,
		MinBackoff: DefaultMinBackoff,
		MaxBackoff: DefaultMaxBackoff,
		UserAgent:  userAgent,
	}
}

// SetRetries sets the retry count, refusing a negative one.
func (s *Settings) SetRetries(n int) {
	if n < 0 {
		s.fail(fmt.Errorf("WithRetries: retries must not be negative, got %d", n))
		return
	}
	s.MaxRetries = n
}

// SetBackoff sets the backoff bounds, refusing 0 < min <= max being false.
func (s *Settings) SetBackoff(minWait, maxWait time.Duration) {
	if minWait <= 0 || maxWait < minWait {
		s.fail(errors.New("WithBackoff: want 0 < min <= max"))
		return
	}
	s.MinBackoff, s.MaxBackoff = minWait, maxWait
}

func (s *Settings) fail(err error) {
	if s.Err == nil {
		s.Err = err
	}
}

// Prepare checks the settings, turns on response validation against api's spec when
// asked, and returns the Doer configuration; the wrapper adds the rest.
func (s *Settings) Prepare(api specs.API) (Config, error) {
	if s.Err != nil {
		return Config{}, s.Err
	}
	if s.OnFindings != nil {
		v, err := contract.NewEmbedded(context.Background(), api)
		if err != nil {
			return Config{}, fmt.Errorf("loading the spec for response validation: %w", err)
		}
		onFindings := s.OnFindings
		s.Transports = append(s.Transports, func(base http.RoundTripper) http.RoundTripper {
			return &contract.Transport{Base: base, Validator: v, OnFindings: onFindings}
		})
	}
	return s.config(), nil
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

func (s *Settings) config() Config {
	hc := s.HTTPClient
	if len(s.Transports) > 0 {
		var c http.Client
		if hc != nil {
			c = *hc
		}
		rt := c.Transport
		if rt == nil {
			rt = http.DefaultTransport
		}
		for _, wrap := range s.Transports {
			rt = wrap(rt)
		}
		c.Transport = rt
		hc = &c
	}
	return Config{
		HTTPClient: hc,
		MaxRetries: s.MaxRetries,
		MinBackoff: s.MinBackoff,
		MaxBackoff: s.MaxBackoff,
		UserAgent:  s.UserAgent,
		Logger:     s.Logger,
	}
}

// Editor runs auth and then the user's editors on each request.
func (s *Settings) Editor(auth func(*http.Request)) func(context.Context, *http.Request) error {
	return func(ctx context.Context, r *http.Request) error {
		auth(r)
		for _, e := range s.Editors {
			if err := e(ctx, r); err != nil {
				return err
			}
		}
		return nil
	}
}
