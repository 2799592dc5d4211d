package affinitytest

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/orgapis/orgapis/wrappers/affinity"
)

// v2 answers by the version a request asks for in X-Affinity-Api-Version, or without
// one by the key's default, which the service's owner sets in Affinity's settings and
// which the fake takes to be affinity.APIVersion. A version Affinity does not publish
// is a 400 naming the header, as on the service. Every v2 answer names the version
// that made it in the same header, as the service's do. The fake's records have the
// same shapes in every version: none of them holds a value whose shape a version
// changed (a hidden, note, reminder or list-multi value).

// publishedVersions are the versions of v2 Affinity publishes, oldest first; "current"
// stands for the newest, as on the service.
func publishedVersions() []string { return []string{"2024-01-01", "2026-07-15", "2026-09-17"} }

// v2Version is the version a v2 request is answered by; ok is false for a version the
// service does not publish.
func v2Version(r *http.Request) (version string, ok bool) {
	asked, sent := r.Header[http.CanonicalHeaderKey(affinity.APIVersionHeader)]
	switch {
	case !sent:
		return affinity.APIVersion, true
	case len(asked) != 1:
		return "", false
	case asked[0] == "current":
		published := publishedVersions()
		return published[len(published)-1], true
	}
	return asked[0], slices.Contains(publishedVersions(), asked[0])
}

// refuseVersion answers a request for a version the service does not publish.
func refuseVersion(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []map[string]string{{
		"code": "validation", "param": affinity.APIVersionHeader,
		"message": fmt.Sprintf("%s: %q is not a supported version; supported are %v and current",
			affinity.APIVersionHeader, r.Header.Get(affinity.APIVersionHeader), publishedVersions()),
	}}})
}
