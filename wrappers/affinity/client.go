package affinity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/internal/redact"
	"github.com/orgapis/orgapis/wrappers/option"
)

// DefaultBaseURL is Affinity's production API.
const DefaultBaseURL = "https://api.affinity.co"

// EnvAPIKey is the environment variable NewClientFromEnv reads.
const EnvAPIKey = "AFFINITY_API_KEY"

// ErrNoAPIKey is returned when a client is made without a key.
var ErrNoAPIKey = errors.New("affinity: API key is empty")

// Client calls Affinity. It is safe for concurrent use. The key lives only inside the
// request editor, so no formatting of a Client can print it.
type Client struct {
	api        *affinityapi.Client
	doer       *httpcore.Doer[RateLimit]
	fieldTypes *fieldTypes
	// v1Only keeps every call on v1 (WithV1Only), for accounts without v2 access.
	v1Only bool
	// baseURL is where the client sends requests; a v2 page's nextUrl must point there.
	baseURL string
	// maxValues bounds the elements of one multi-valued field (WithMaxFieldValues).
	maxValues int
	// conn is what Do sends through: the same Doer, base URL and auth as api.
	conn httpcore.Conn[RateLimit]
}

// NewClient returns a client that authenticates with apiKey (HTTP Basic, or a bearer
// token with WithBearerAuth).
func NewClient(apiKey string, opts ...option.ClientOption) (*Client, error) {
	conn, err := httpcore.Open(service(), apiKey, opts)
	if err != nil {
		return nil, err
	}
	conn.Editor = withAPIVersion(apiVersionOf(conn.OwnValues), conn.Editor)
	api, err := affinityapi.NewClient(conn.BaseURL, affinityapi.WithHTTPClient(conn.Doer),
		affinityapi.WithRequestEditorFn(conn.Editor))
	if err != nil {
		return nil, fmt.Errorf("affinity: base URL: %w", err)
	}
	return &Client{api: api, doer: conn.Doer, baseURL: conn.BaseURL, conn: conn, fieldTypes: &fieldTypes{},
		v1Only: slices.Contains(conn.Own, v1Only), maxValues: fieldValuesLimit(conn.OwnValues)}, nil
}

// isV2 reports whether a request path is one of v2's, under whatever base path.
func isV2(path string) bool { return strings.Contains(path, "/v2/") }

// service is what the shared client core needs to know of Affinity.
func service() httpcore.Service[RateLimit] {
	return httpcore.Service[RateLimit]{
		Name:     "affinity",
		BaseURL:  DefaultBaseURL,
		ErrNoKey: ErrNoAPIKey,
		KeyHint:  "check the key: NewClientFromEnv reads it from " + EnvAPIKey + ", NewClient takes it as its first argument",
		// POST creates a record: repeating it after the server saw it could create a
		// duplicate, and Affinity has no idempotency key.
		Idempotent: func(r *http.Request) bool { return r.Method != http.MethodPost },
		// Every request but a read changes something: creates, updates, deletes, and
		// v2's field writes.
		Applies:        func(r *http.Request) bool { return r.Method != http.MethodGet && r.Method != http.MethodHead },
		ParseRateLimit: parseRateLimit,
		// Affinity documents no Retry-After; after a 429 the user window's reset is the wait.
		RateLimitWait: func(rl RateLimit) time.Duration { return rl.User.Reset },
		// v2 takes the key only as a bearer token; v1 takes either, Basic by default.
		Auth: func(key string, own []string) func(*http.Request) {
			bearer := slices.Contains(own, bearerAuth)
			return func(r *http.Request) {
				if bearer || isV2(r.URL.Path) {
					r.Header.Set("Authorization", "Bearer "+key)
					return
				}
				r.SetBasicAuth("", key)
			}
		},
	}
}

// NewClientFromEnv is NewClient with the key from AFFINITY_API_KEY.
func NewClientFromEnv(opts ...option.ClientOption) (*Client, error) {
	return httpcore.FromEnv(EnvAPIKey, ErrNoAPIKey, NewClient, opts)
}

// RateLimit returns the rate-limit state of the last response any call of this client
// received. With calls in several goroutines that may be another's: for a call's own,
// pass WithResponseInto and read Response.RateLimit.
func (c *Client) RateLimit() RateLimit { return c.doer.RateLimit() }

// String describes the client without its key.
func (c *Client) String() string { return "affinity.Client{key: " + redact.Marker + "}" }

// GoString keeps the key out of %#v as well.
func (c *Client) GoString() string { return c.String() }

// jsonBody encodes a request body the generated types cannot express (a field value's
// value is any JSON).
func jsonBody(v any) io.Reader {
	b, _ := json.Marshal(v) // maps of numbers and raw JSON always marshal
	return bytes.NewReader(b)
}
