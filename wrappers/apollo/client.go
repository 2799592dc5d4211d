// Package apollo is a client for the organization endpoints of the Apollo.io API:
// authentication, auto-pagination within Apollo's display cap, retries that respect
// rate limits, and typed errors, on top of the generated client in generated/apolloapi.
package apollo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/specs"
)

// DefaultBaseURL is Apollo's current API base. The older https://api.apollo.io/v1 also
// answers; pass it to WithBaseURL if you need it.
const DefaultBaseURL = "https://api.apollo.io/api/v1"

// EnvAPIKey is the environment variable NewClientFromEnv reads.
const EnvAPIKey = "APOLLO_API_KEY"

// ErrNoAPIKey is returned when a client is made without a key.
var ErrNoAPIKey = errors.New("apollo: API key is empty")

// Client calls Apollo. It is safe for concurrent use.
type Client struct {
	api  *apolloapi.Client
	doer *httpcore.Doer
	key  string
}

// NewClient returns a client that sends apiKey in the x-api-key header.
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(apiKey) == "" {
		return nil, ErrNoAPIKey
	}
	s := settings{Settings: httpcore.DefaultSettings(DefaultBaseURL, "orgapis-apollo-go")}
	for _, opt := range opts {
		opt(&s)
	}
	if s.Err != nil {
		return nil, fmt.Errorf("apollo: %w", s.Err)
	}
	if s.onFindings != nil {
		v, err := contract.NewEmbedded(context.Background(), specs.Apollo)
		if err != nil {
			return nil, fmt.Errorf("apollo: loading the spec for response validation: %w", err)
		}
		s.Transports = append(s.Transports, func(base http.RoundTripper) http.RoundTripper {
			return &contract.Transport{Base: base, Validator: v, OnFindings: s.onFindings}
		})
	}
	cfg := s.Config()
	// Search only reads, though it is sent as POST; every operation here is safe to repeat.
	cfg.Idempotent = func(r *http.Request) bool {
		return r.Method == http.MethodGet || strings.HasSuffix(r.URL.Path, "/mixed_companies/search")
	}
	cfg.ParseRateLimit = httpcore.ParseApollo
	c := &Client{doer: httpcore.NewDoer(cfg), key: apiKey}
	auth := func(r *http.Request) { r.Header.Set("x-api-key", c.key) }
	if s.legacyKey {
		auth = func(r *http.Request) {
			q := r.URL.Query()
			q.Set("api_key", c.key)
			r.URL.RawQuery = q.Encode()
		}
	}
	api, err := apolloapi.NewClient(s.BaseURL, apolloapi.WithHTTPClient(c.doer),
		apolloapi.WithRequestEditorFn(s.Editor(auth)))
	if err != nil {
		return nil, fmt.Errorf("apollo: base URL: %w", err)
	}
	c.api = api
	return c, nil
}

// NewClientFromEnv is NewClient with the key from APOLLO_API_KEY.
func NewClientFromEnv(opts ...Option) (*Client, error) {
	key := os.Getenv(EnvAPIKey)
	if strings.TrimSpace(key) == "" {
		return nil, fmt.Errorf("%w: set %s", ErrNoAPIKey, EnvAPIKey)
	}
	return NewClient(key, opts...)
}

// RateLimit returns the rate-limit state reported by the most recent response.
func (c *Client) RateLimit() RateLimit { return c.doer.RateLimit() }

// String describes the client without its key.
func (c *Client) String() string { return "apollo.Client{key: REDACTED}" }

// GoString keeps the key out of %#v as well.
func (c *Client) GoString() string { return c.String() }
