package apollo

import (
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// The names of Apollo's own options, as the shared client core sees them.
const (
	legacyQueryKey = "WithLegacyQueryKey"
	oauthToken     = "WithOAuthToken"
)

// WithLegacyQueryKey sends the key as the api_key query parameter instead of the
// x-api-key header.
//
// Deprecated: Apollo removed this style from its documentation in April 2024, and a key
// in a URL ends up in proxy and server logs. Use the default header.
func WithLegacyQueryKey() option.ClientOption { return authStyle(legacyQueryKey) }

// WithOAuthToken treats the key given to NewClient as an OAuth access token, sent as
// Authorization: Bearer, as Apollo partners whose users connect their accounts do. An
// API key sent this way is refused with 401. The options every client takes are in
// package option.
func WithOAuthToken() option.ClientOption { return authStyle(oauthToken) }

func authStyle(name string) option.ClientOption {
	return httpcore.ClientFunc(func(s *httpcore.Settings) error {
		return s.AddOwn("apollo", name)
	})
}

// Response is the metadata of one Apollo call, with the rate-limit windows of the
// endpoint it called: pass WithResponseInto(&resp) to any method to have it filled in.
type Response = apicall.Response[RateLimit]

// WithResponseInto is option.WithResponseInto, typed for an Apollo call so that the
// compiler refuses an *affinity.Response.
func WithResponseInto(dst *Response) option.CallOption { return option.WithResponseInto(dst) }
