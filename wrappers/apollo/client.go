// Package apollo is a client for the organization endpoints of the Apollo.io API:
// authentication, auto-pagination within Apollo's display cap, retries that respect
// rate limits, and typed errors, on top of the generated client in generated/apolloapi.
package apollo

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

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
	cfg, err := s.Prepare(specs.Apollo)
	if err != nil {
		return nil, fmt.Errorf("apollo: %w", err)
	}
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
	key, err := httpcore.KeyFromEnv(EnvAPIKey, ErrNoAPIKey)
	if err != nil {
		return nil, err
	}
	return NewClient(key, opts...)
}

// RateLimit returns the rate-limit state reported by the most recent response.
func (c *Client) RateLimit() RateLimit { return c.doer.RateLimit() }

// String describes the client without its key.
func (c *Client) String() string { return "apollo.Client{key: REDACTED}" }

// GoString keeps the key out of %#v as well.
func (c *Client) GoString() string { return c.String() }
