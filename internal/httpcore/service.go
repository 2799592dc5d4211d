package httpcore

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/orgapis/orgapis/internal/redact"
	"github.com/orgapis/orgapis/internal/version"
)

// Service is what a wrapper tells the core about its service; everything else about a
// client (options, retries, errors, redaction) is the same for every service.
type Service[R any] struct {
	// Name is the service's name, such as "affinity": it starts every error text and
	// the User-Agent.
	Name string
	// BaseURL is the service's production API.
	BaseURL string
	// ErrNoKey is the package's error for an empty key.
	ErrNoKey error
	// KeyHint says where the key comes from, for the error of a 401 (Error.Hint).
	KeyHint string
	// Idempotent says which requests may be repeated after the server has seen them.
	Idempotent func(*http.Request) bool
	// Applies says which requests change something (a write, a spend of credits): a
	// 2xx answer to one means the change took effect, whatever its body.
	Applies func(*http.Request) bool
	// ParseRateLimit reads the service's rate-limit headers.
	ParseRateLimit func(http.Header, time.Time) R
	// RateLimitWait is how long to wait after a 429 without Retry-After; nil means
	// backoff only.
	RateLimitWait func(R) time.Duration
	// ErrorCode reads a machine-readable code from an error body; nil reads none.
	ErrorCode func(body []byte) string
	// Auth returns how a request carries key, given the names of the service-specific
	// options (only this service's package's reach it).
	Auth func(key string, own []string) func(*http.Request)
}

// Conn is what a wrapper builds its generated client on: the Doer it sends through,
// the base URL, and the editor that authenticates each request.
type Conn[R any] struct {
	Doer    *Doer[R]
	BaseURL string
	Editor  func(context.Context, *http.Request) error
	// Own are the names of the service-specific options given, in order.
	Own []string
	// OwnValues are the values the service-specific options that set one gave, by
	// name: the last given of each.
	OwnValues map[string]any
}

// Open applies a client's options and returns its connection to svc, authenticating
// with key. A refused option, or one of another service's package, is a
// *apicall.ParamError naming it.
func Open[R any, O ClientOption](svc Service[R], key string, opts []O) (Conn[R], error) {
	if strings.TrimSpace(key) == "" {
		return Conn[R]{}, svc.ErrNoKey
	}
	s := DefaultSettings(svc.BaseURL, "orgapis-"+svc.Name+"-go/"+version.Short())
	d := &Doer[R]{cfg: Config[R]{Service: svc.Name}} // names the service in option errors
	for i, opt := range opts {
		if err := apply("client", i, opt, func(o O) error { return o.applyClient(&s) }); err != nil {
			return Conn[R]{}, d.withService(err)
		}
	}
	var own []string
	values := map[string]any{}
	for _, o := range s.Own {
		if o.Package != svc.Name {
			return Conn[R]{}, d.paramError(o.Name, "is an option of package "+o.Package+", not of "+svc.Name)
		}
		own = append(own, o.Name)
		if o.Value != nil {
			values[o.Name] = o.Value
		}
	}
	scrub := redact.NewScrubber(key)
	s.scrub = scrub
	doer := NewDoer(Config[R]{
		HTTPClient:     s.client(),
		MaxRetries:     s.MaxRetries,
		MinBackoff:     s.MinBackoff,
		MaxBackoff:     s.MaxBackoff,
		UserAgent:      s.UserAgent,
		Logger:         s.Logger,
		MaxBodyBytes:   s.MaxBodyBytes,
		MaxServerWait:  s.MaxServerWait,
		Timeout:        s.Timeout,
		Header:         s.Header,
		Sleep:          s.Sleep,
		Now:            s.Now,
		Idempotent:     svc.Idempotent,
		Applies:        svc.Applies,
		ParseRateLimit: svc.ParseRateLimit,
		RateLimitWait:  svc.RateLimitWait,
		ErrorCode:      svc.ErrorCode,
		KeyHint:        svc.KeyHint,
		Service:        svc.Name,
		Scrubber:       scrub,
	})
	return Conn[R]{Doer: doer, BaseURL: s.BaseURL, Editor: s.editor(svc.Auth(key, own)), Own: own, OwnValues: values}, nil
}

// FromEnv makes a client with the API key from the environment variable name; a
// missing or blank one is errNoKey, with the variable named.
func FromEnv[C any, O any](name string, errNoKey error, newClient func(string, ...O) (C, error), opts []O) (C, error) {
	key := os.Getenv(name)
	if strings.TrimSpace(key) == "" {
		var zero C
		return zero, fmt.Errorf("%w: set %s", errNoKey, name)
	}
	return newClient(key, opts...)
}
