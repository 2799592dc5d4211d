package affinity

import (
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// Error is a call that reached Affinity and failed: a non-2xx status, or a 2xx answer
// that was refused or could not be read whole. Find it with errors.As; its Message is
// Affinity's explanation from whichever body shape it used (its v1 error bodies are
// undocumented: {"errors": [...]}, {"message": ...} and plain text all occur). Test it
// against the sentinels below with errors.Is.
type Error = apicall.Error[RateLimit]

// The sentinels an *Error of this package matches through errors.Is. They are this
// package's own: errors.Is with one of them never matches an Apollo error.
var (
	// ErrUnauthorized is a 401: the key is missing or wrong.
	ErrUnauthorized = apicall.NewSentinel("affinity", apicall.Unauthorized, "unauthorized")
	// ErrForbidden is a 403: the key's user may not do this.
	ErrForbidden = apicall.NewSentinel("affinity", apicall.Forbidden, "forbidden")
	// ErrNotFound is a 404: no such organization, list, entry or field.
	ErrNotFound = apicall.NewSentinel("affinity", apicall.NotFound, "not found")
	// ErrRateLimited is a 429 after the retries allowed: the per-user window or the
	// account's monthly quota is spent.
	ErrRateLimited = apicall.NewSentinel("affinity", apicall.RateLimited, "rate limited")
	// ErrMalformedBody is a 2xx answer that did not decode, or lacks a member the spec
	// requires (the cause is then an *apicall.MissingMemberError).
	ErrMalformedBody = apicall.NewSentinel("affinity", apicall.MalformedBody, "malformed response body")
	// ErrBodyTooLarge is an answer over the limit of option.WithMaxBodyBytes.
	ErrBodyTooLarge = apicall.NewSentinel("affinity", apicall.BodyTooLarge, "response body too large")
	// ErrApplied is a 2xx answer to a write that was refused or cut short: the write took
	// effect (Error.Applied); repeating the call would repeat it.
	ErrApplied = apicall.NewSentinel("affinity", apicall.Applied, "applied, but the answer could not be read")
	// ErrMaybeApplied is a write whose request may have reached Affinity before the connection
	// broke (an *apicall.UnknownOutcomeError): it may have taken effect.
	ErrMaybeApplied = apicall.NewSentinel("affinity", apicall.MaybeApplied, "may have been applied")
)

// paramError is a call refused before sending, naming the API's parameter.
func paramError(param, reason string) error {
	return &apicall.ParamError{Service: "affinity", Param: param, Reason: reason}
}
