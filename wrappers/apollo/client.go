// Package apollo is a client for the organization endpoints of the Apollo.io API:
// authentication, auto-pagination within Apollo's display cap, retries that respect
// rate limits, and typed errors, on top of the generated client in generated/apolloapi.
//
// Listings follow one naming scheme in this package and in package affinity: Companies
// iterates over every item, CompanyPages over pages, and CompanyPage fetches one page;
// the same for JobPostings, JobPostingPages and JobPostingPage.
package apollo

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/internal/redact"
	"github.com/orgapis/orgapis/internal/version"
)

// DefaultBaseURL is Apollo's current API base. The older https://api.apollo.io/v1 also
// answers; pass it to WithBaseURL if you need it.
const DefaultBaseURL = "https://api.apollo.io/api/v1"

// EnvAPIKey is the environment variable NewClientFromEnv reads.
const EnvAPIKey = "APOLLO_API_KEY"

// ErrNoAPIKey is returned when a client is made without a key.
var ErrNoAPIKey = errors.New("apollo: API key is empty")

// Client calls Apollo. It is safe for concurrent use. The key lives only inside the
// request editor, so no formatting of a Client can print it.
type Client struct {
	api  *apolloapi.Client
	doer *httpcore.Doer[RateLimit]
}

// NewClient returns a client that sends apiKey in the x-api-key header (or, with
// WithOAuthToken, as an OAuth access token).
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(apiKey) == "" {
		return nil, ErrNoAPIKey
	}
	s := settings{Settings: httpcore.DefaultSettings(DefaultBaseURL, "orgapis-apollo-go/"+version.Short())}
	for _, opt := range opts {
		if err := opt(&s); err != nil {
			return nil, fmt.Errorf("apollo: %w", err)
		}
	}
	cfg := httpcore.Configure[RateLimit](&s.Settings)
	// Search and bulk enrichment only read, though sent as POST: every operation here is
	// safe to repeat.
	cfg.Idempotent = func(r *http.Request) bool {
		return r.Method == http.MethodGet || strings.HasSuffix(r.URL.Path, "/mixed_companies/search") ||
			strings.HasSuffix(r.URL.Path, "/organizations/bulk_enrich")
	}
	cfg.ParseRateLimit = parseRateLimit
	scrub := redact.NewScrubber(apiKey)
	cfg.Scrubber = scrub
	cfg.Service = "apollo"
	cfg.NewError = func(f *httpcore.Failure[RateLimit]) error { return newError(f, scrub) }
	auth := func(r *http.Request) { r.Header.Set("x-api-key", apiKey) }
	if s.oauth {
		auth = func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+apiKey) }
	}
	if s.legacyKey {
		auth = func(r *http.Request) {
			q := r.URL.Query()
			q.Set("api_key", apiKey)
			r.URL.RawQuery = q.Encode()
		}
	}
	c := &Client{doer: httpcore.NewDoer(cfg)}
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
func (c *Client) String() string { return "apollo.Client{key: " + redact.Marker + "}" }

// GoString keeps the key out of %#v as well.
func (c *Client) GoString() string { return c.String() }
