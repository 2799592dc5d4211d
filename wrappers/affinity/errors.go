package affinity

import (
	"errors"
	"fmt"
	"time"

	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/internal/redact"
)

// Error is a call that reached Affinity and failed: a non-2xx status, or a 2xx answer
// whose body did not decode. Inspect it with errors.As, or test it against the
// sentinels below with errors.Is.
type Error struct {
	Method    string // request method
	Operation string // operationId of the call, such as "searchOrganizations"
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Message is Affinity's explanation, from whichever body shape it used (its v1
	// error bodies are undocumented: {"errors": [...]}, {"message": ...} and plain text
	// all occur).
	Message string
	// RetryAfter is how long Affinity asked the caller to wait (Retry-After), if it did.
	RetryAfter time.Duration
	// RateLimit is the rate-limit state the failed answer reported.
	RateLimit RateLimit
	// Body is the start of the raw body (at most 4 KiB), for diagnosis.
	Body []byte
	// Err is the cause for a 2xx body that did not decode.
	Err error
}

func (e *Error) Error() string {
	return "affinity: " + httpcore.ErrorText(e.Operation, e.StatusCode, e.Err, e.Message, e.RetryAfter)
}

// Unwrap exposes the decode cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the status sentinels, so callers can write errors.Is(err, ErrNotFound).
func (e *Error) Is(target error) bool { return sentinels.Match(e.StatusCode, e.Err != nil, target) }

// newError builds the Error of a failed call; the key is replaced, in any encoding,
// wherever the service echoed it back.
func newError(f *httpcore.Failure[RateLimit], scrub *redact.Scrubber) error {
	return &Error{Method: f.Method, Operation: f.Operation, StatusCode: f.StatusCode,
		Message: scrub.String(f.Message), RetryAfter: f.RetryAfter, RateLimit: f.RateLimit,
		Body: scrub.Bytes(f.Snippet), Err: scrub.Error(f.Err)}
}

// Sentinels matched by *Error through errors.Is.
var (
	// These are this package's own: errors.Is with one of them never matches an
	// error of the other service's package.
	ErrUnauthorized  = errors.New("unauthorized")            // 401: the key is missing or wrong
	ErrForbidden     = errors.New("forbidden")               // 403: the key may not do this
	ErrNotFound      = errors.New("not found")               // 404
	ErrRateLimited   = errors.New("rate limited")            // 429 after the retries allowed
	ErrMalformedBody = errors.New("malformed response body") // a 2xx body that does not decode or lacks a required member
	// ErrBodyTooLarge is a response body over the limit of WithMaxBodyBytes.
	ErrBodyTooLarge = httpcore.ErrBodyTooLarge
)

// sentinels match an *Error's status to this package's sentinels.
var sentinels = httpcore.Sentinels{Unauthorized: ErrUnauthorized, Forbidden: ErrForbidden, NotFound: ErrNotFound,
	RateLimited: ErrRateLimited, MalformedBody: ErrMalformedBody}

// MissingMemberError is the cause (Error.Err) of a 2xx answer that lacks a member the
// spec requires, has it null, or has it of the wrong kind; Member names it, such as
// "organizations[3].id". Find it with errors.As.
type MissingMemberError = httpcore.MissingMember

// RedirectError is a redirect to another origin than the base URL's, refused before
// anything is sent there, so that the key never leaves the service's origin. Find it
// with errors.As; its Location has any key redacted.
type RedirectError = httpcore.RedirectError

// WaitError is a wait the client refused instead of sleeping: one longer than
// WithMaxRetryWait allows, or one that would outlive the context's deadline (it then
// matches context.DeadlineExceeded). Pacing to the rate limit returns it; find it with
// errors.As.
type WaitError = httpcore.WaitError

// ParamError is an invalid argument, caught before any request is sent.
type ParamError struct {
	Param  string // the API's name for the parameter, such as "page_size"
	Reason string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("affinity: invalid parameter %s: %s", e.Param, e.Reason)
}
