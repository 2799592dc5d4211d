package apollo

import (
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// Error is a call that reached Apollo and failed: a non-2xx status, or a 2xx answer
// that was refused or could not be read whole. Find it with errors.As: Message is the
// text of a 401 or the "error" or "message" member of a JSON body, Code Apollo's
// error_code, RequestID its x-request-id. Test it against the sentinels below with
// errors.Is.
type Error = apicall.Error[RateLimit]

// The sentinels an *Error of this package matches through errors.Is; they never match
// an Affinity error.
var (
	// ErrUnauthorized is a 401: the key is missing, wrong, or an API key sent as an
	// OAuth token.
	ErrUnauthorized = apicall.NewSentinel("apollo", apicall.Unauthorized, "unauthorized")
	// ErrForbidden is a 403: the plan, or a key that is not a master key, may not call
	// this endpoint.
	ErrForbidden = apicall.NewSentinel("apollo", apicall.Forbidden, "forbidden")
	// ErrNotFound is a 404, and an enrichment that matched no company.
	ErrNotFound = apicall.NewSentinel("apollo", apicall.NotFound, "not found")
	// ErrRateLimited is a 429 after the retries allowed: a minute, hour or day window
	// of the endpoint is spent.
	ErrRateLimited = apicall.NewSentinel("apollo", apicall.RateLimited, "rate limited")
	// ErrMalformedBody is a 2xx answer that did not decode or lacks a member the spec
	// requires (the cause is then an *apicall.MissingMemberError).
	ErrMalformedBody = apicall.NewSentinel("apollo", apicall.MalformedBody, "malformed response body")
	// ErrBodyTooLarge is an answer over the limit of option.WithMaxBodyBytes.
	ErrBodyTooLarge = apicall.NewSentinel("apollo", apicall.BodyTooLarge, "response body too large")
	// ErrApplied is a 2xx answer to an enrichment or an account write that was refused
	// or cut short: the call took effect (Error.Applied); repeating it would repeat it.
	ErrApplied = apicall.NewSentinel("apollo", apicall.Applied, "applied, but the answer could not be read")
	// ErrMaybeApplied is an enrichment or an account write whose request may have
	// reached Apollo before the connection broke (an *apicall.UnknownOutcomeError): it
	// may have taken effect.
	ErrMaybeApplied = apicall.NewSentinel("apollo", apicall.MaybeApplied, "may have been applied")
)

// paramError is a call refused before sending, naming Apollo's parameter.
func paramError(param, reason string) error {
	return &apicall.ParamError{Service: "apollo", Param: param, Reason: reason}
}
