package apollo

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/internal/redact"
	"github.com/orgapis/orgapis/wrappers/option"
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
	// conn is what Do sends through: the same Doer, base URL and auth as api.
	conn httpcore.Conn[RateLimit]
	// credits counts what calls cost, against WithCreditBudget's budget.
	credits *ledger
}

// NewClient returns a client that sends apiKey in the x-api-key header (or, with
// WithOAuthToken, as an OAuth access token).
func NewClient(apiKey string, opts ...option.ClientOption) (*Client, error) {
	conn, err := httpcore.Open(service(), apiKey, opts)
	if err != nil {
		return nil, err
	}
	api, err := apolloapi.NewClient(conn.BaseURL, apolloapi.WithHTTPClient(conn.Doer),
		apolloapi.WithRequestEditorFn(conn.Editor))
	if err != nil {
		return nil, fmt.Errorf("apollo: base URL: %w", err)
	}
	credits := &ledger{budget: -1}
	if n, ok := conn.OwnValues[creditBudget].(int); ok {
		credits.budget = n
	}
	return &Client{api: api, doer: conn.Doer, conn: conn, credits: credits}, nil
}

// service is what the shared client core needs to know of Apollo.
func service() httpcore.Service[RateLimit] {
	return httpcore.Service[RateLimit]{
		Name:     "apollo",
		BaseURL:  DefaultBaseURL,
		ErrNoKey: ErrNoAPIKey,
		KeyHint:  "check the key: NewClientFromEnv reads it from " + EnvAPIKey + ", NewClient takes it as its first argument (an OAuth access token needs WithOAuthToken)",
		// Searches, enrichments and usage only read, though sent as POST, and so are
		// safe to repeat (a repeat of a paid one is charged again: see
		// WithCreditBudget); of the account writes, those that set given values
		// (accounts.go).
		Idempotent: func(r *http.Request) bool {
			return r.Method == http.MethodGet || hasSuffix(r.URL.Path, readsByPost...) || accountRepeatable(r)
		},
		// An enrichment spends credits, whatever becomes of its answer; an account
		// write changes the team's accounts.
		Applies: func(r *http.Request) bool {
			return hasSuffix(r.URL.Path, "/organizations/enrich", "/organizations/bulk_enrich", "/people/match", "/people/bulk_match", "/news_articles/search") ||
				accountWrite(r)
		},
		ParseRateLimit: parseRateLimit,
		ErrorCode: func(body []byte) string {
			var shape struct {
				ErrorCode string `json:"error_code"`
			}
			_ = json.Unmarshal(body, &shape) // a body of another shape has no code
			return shape.ErrorCode
		},
		Auth: auth,
	}
}

// readsByPost are the operations sent as POST that only read.
var readsByPost = []string{"/mixed_companies/search", "/organizations/bulk_enrich", "/mixed_people/api_search",
	"/people/match", "/people/bulk_match", "/usage_stats/api_usage_stats", "/usage_stats/credit_usage_stats", "/news_articles/search"}

func hasSuffix(path string, suffixes ...string) bool {
	for _, s := range suffixes {
		if strings.HasSuffix(path, s) {
			return true
		}
	}
	return false
}

// auth sends the key as the last option that chose a style asks.
func auth(key string, own []string) func(*http.Request) {
	opt := ""
	if len(own) > 0 {
		opt = own[len(own)-1]
	}
	switch opt {
	case oauthToken:
		return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+key) }
	case legacyQueryKey:
		return func(r *http.Request) {
			q := r.URL.Query()
			q.Set("api_key", key)
			r.URL.RawQuery = q.Encode()
		}
	}
	return func(r *http.Request) { r.Header.Set("x-api-key", key) }
}

// NewClientFromEnv is NewClient with the key from APOLLO_API_KEY.
func NewClientFromEnv(opts ...option.ClientOption) (*Client, error) {
	return httpcore.FromEnv(EnvAPIKey, ErrNoAPIKey, NewClient, opts)
}

// RateLimit returns the rate-limit state of the last response any call of this client
// received, for the endpoint it called. With calls in several goroutines that may be
// another's: for a call's own, pass WithResponseInto and read Response.RateLimit.
func (c *Client) RateLimit() RateLimit { return c.doer.RateLimit() }

// String describes the client without its key.
func (c *Client) String() string { return "apollo.Client{key: " + redact.Marker + "}" }

// GoString keeps the key out of %#v as well.
func (c *Client) GoString() string { return c.String() }
