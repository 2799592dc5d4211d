// Package affinity is a client for the organization endpoints of Affinity's v1 API:
// authentication, auto-pagination, retries that respect rate limits, and typed errors,
// on top of the generated client in generated/affinityapi.
package affinity

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/httpcore"
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
	s := defaultSettings()
	for _, opt := range opts {
		opt(&s)
	}
	if s.err != nil {
		return nil, s.err
	}
	doer := httpcore.NewDoer(httpcore.Config{
		HTTPClient: s.httpClient,
		MaxRetries: s.maxRetries,
		MinBackoff: s.minBackoff,
		MaxBackoff: s.maxBackoff,
		UserAgent:  s.userAgent,
		Logger:     s.logger,
		// POST /organizations creates a record: repeating it after the server saw it
		// could create a duplicate.
		Idempotent:     func(r *http.Request) bool { return r.Method != http.MethodPost },
		ParseRateLimit: httpcore.ParseAffinity,
		RateLimitWait: func(rl httpcore.RateLimit) time.Duration {
			return rl.User.Reset
		},
	})
	c := &Client{doer: doer, key: apiKey}
	editors := append([]affinityapi.RequestEditorFn{c.authenticate(s.bearer)}, s.editors...)
	api, err := affinityapi.NewClient(s.baseURL, affinityapi.WithHTTPClient(doer),
		affinityapi.WithRequestEditorFn(chain(editors)))
	if err != nil {
		return nil, fmt.Errorf("affinity: base URL: %w", err)
	}
	c.api = api
	return c, nil
}

// NewClientFromEnv is NewClient with the key from AFFINITY_API_KEY.
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
func (c *Client) String() string { return "affinity.Client{key: REDACTED}" }

// GoString keeps the key out of %#v as well.
func (c *Client) GoString() string { return c.String() }

func (c *Client) authenticate(bearer bool) affinityapi.RequestEditorFn {
	return func(_ context.Context, r *http.Request) error {
		if bearer {
			r.Header.Set("Authorization", "Bearer "+c.key)
		} else {
			r.SetBasicAuth("", c.key)
		}
		return nil
	}
}

func chain(editors []affinityapi.RequestEditorFn) affinityapi.RequestEditorFn {
	return func(ctx context.Context, r *http.Request) error {
		for _, e := range editors {
			if err := e(ctx, r); err != nil {
				return err
			}
		}
		return nil
	}
}
