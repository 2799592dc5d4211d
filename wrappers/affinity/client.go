// Package affinity is a client for the organization endpoints of Affinity's v1 API:
// authentication, auto-pagination, retries that respect rate limits, and typed errors,
// on top of the generated client in generated/affinityapi.
package affinity

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/specs"
)

// DefaultBaseURL is Affinity's production API.
const DefaultBaseURL = "https://api.affinity.co"

// EnvAPIKey is the environment variable NewClientFromEnv reads.
const EnvAPIKey = "AFFINITY_API_KEY"

// ErrNoAPIKey is returned when a client is made without a key.
var ErrNoAPIKey = errors.New("affinity: API key is empty")

// Client calls Affinity. It is safe for concurrent use.
type Client struct {
	api  *affinityapi.Client
	doer *httpcore.Doer
	key  string
}

// NewClient returns a client that authenticates with apiKey.
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(apiKey) == "" {
		return nil, ErrNoAPIKey
	}
	s := settings{Settings: httpcore.DefaultSettings(DefaultBaseURL, "orgapis-affinity-go")}
	for _, opt := range opts {
		opt(&s)
	}
	cfg, err := s.Prepare(specs.Affinity)
	if err != nil {
		return nil, fmt.Errorf("affinity: %w", err)
	}
	// POST /organizations creates a record: repeating it after the server saw it could
	// create a duplicate.
	cfg.Idempotent = func(r *http.Request) bool { return r.Method != http.MethodPost }
	cfg.ParseRateLimit = httpcore.ParseAffinity
	cfg.RateLimitWait = func(rl httpcore.RateLimit) time.Duration { return rl.User.Reset }
	c := &Client{doer: httpcore.NewDoer(cfg), key: apiKey}
	auth := func(r *http.Request) { r.SetBasicAuth("", c.key) }
	if s.bearer {
		auth = func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+c.key) }
	}
	api, err := affinityapi.NewClient(s.BaseURL, affinityapi.WithHTTPClient(c.doer),
		affinityapi.WithRequestEditorFn(s.Editor(auth)))
	if err != nil {
		return nil, fmt.Errorf("affinity: base URL: %w", err)
	}
	c.api = api
	return c, nil
}

// NewClientFromEnv is NewClient with the key from AFFINITY_API_KEY.
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
func (c *Client) String() string { return "affinity.Client{key: REDACTED}" }

// GoString keeps the key out of %#v as well.
func (c *Client) GoString() string { return c.String() }
