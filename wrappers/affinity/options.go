package affinity

import (
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// bearerAuth names WithBearerAuth to the shared client core.
const bearerAuth = "WithBearerAuth"

// WithBearerAuth sends the key as a bearer token instead of HTTP Basic. Affinity's v1
// API accepts both since November 2025; Basic is the default because it always worked.
// The options every client takes are in package option.
func WithBearerAuth() option.ClientOption {
	return httpcore.ClientFunc(func(s *httpcore.Settings) error {
		return s.AddOwn("affinity", bearerAuth)
	})
}

// v1Only names WithV1Only to the shared client core.
const v1Only = "WithV1Only"

// WithV1Only keeps every call on Affinity's v1 API, for an account or key without v2
// access: ListRows then reads each entry's values with a request of its own, as v1
// needs, instead of a page of entries with their values at once through v2.
func WithV1Only() option.ClientOption {
	return httpcore.ClientFunc(func(s *httpcore.Settings) error { return s.AddOwn("affinity", v1Only) })
}

// Response is the metadata of one Affinity call: pass WithResponseInto(&resp) to any
// method to have it filled in. Its RateLimit is that call's own.
type Response = apicall.Response[RateLimit]

// WithResponseInto stores the call's response metadata in dst; it is
// option.WithResponseInto for an Affinity call.
func WithResponseInto(dst *Response) option.CallOption { return option.WithResponseInto(dst) }
