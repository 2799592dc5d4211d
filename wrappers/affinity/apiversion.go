package affinity

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// APIVersion is the version of Affinity's v2 API this package reads and writes, and
// the one specs/affinity.yaml describes: every v2 request carries it in the
// X-Affinity-Api-Version header, so that answers have the shapes this package decodes
// whatever default version the key's owner chose in Affinity's settings. v1 requests
// never carry it: v1 has no versions. WithAPIVersion sends another.
const APIVersion = "2026-09-17"

// APIVersionHeader is the request header that chooses the version of a v2 answer; a
// v2 answer carries it too, naming the version that made it.
const APIVersionHeader = "X-Affinity-Api-Version"

// apiVersion names WithAPIVersion to the shared client core, which keeps the last
// value given.
const apiVersion = "WithAPIVersion"

// WithAPIVersion sends version (a date, YYYY-MM-DD, such as "2026-07-15") instead of
// APIVersion in every v2 request of the client. Answers then have that version's
// shapes: an older version can answer what this package does not decode (it is
// written for APIVersion), and Affinity answers a version it does not publish with a
// 400. Affinity's "current" is refused here: it follows every new version, breaking
// changes included.
func WithAPIVersion(version string) option.ClientOption {
	return httpcore.ClientFunc(func(s *httpcore.Settings) error {
		if err := checkAPIVersion(version); err != nil {
			return &apicall.ParamError{Param: apiVersion, Reason: err.Error()}
		}
		return s.AddOwnValue("affinity", apiVersion, version)
	})
}

// checkAPIVersion refuses what is not a calendar date written YYYY-MM-DD.
func checkAPIVersion(version string) error {
	if _, err := time.Parse(time.DateOnly, version); err != nil || len(version) != len(time.DateOnly) {
		return fmt.Errorf("want a date written YYYY-MM-DD, such as %q, got %q", APIVersion, version)
	}
	return nil
}

// apiVersionOf is the version the client's options chose: the last WithAPIVersion.
func apiVersionOf(values map[string]any) string {
	if v, ok := values[apiVersion].(string); ok {
		return v
	}
	return APIVersion
}

// withAPIVersion runs next after setting the version on each v2 request, so that the
// generated client's calls and Do carry it alike, and a request editor of the user's
// (which next runs) can still change it.
func withAPIVersion(version string, next func(context.Context, *http.Request) error) func(context.Context, *http.Request) error {
	return func(ctx context.Context, r *http.Request) error {
		if isV2(r.URL.Path) {
			r.Header.Set(APIVersionHeader, version)
		}
		return next(ctx, r)
	}
}
