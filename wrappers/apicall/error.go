package apicall

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Error is a call that reached the service and failed: a non-2xx status, or a 2xx
// answer that was refused (its body did not decode, lacked a member the spec requires,
// or was over the size limit) or could not be read whole. Find it with errors.As, or
// test it with errors.Is against the sentinels of its service's package.
type Error[R any] struct {
	// Service is the service's name, "affinity" or "apollo"; it starts the error text.
	Service   string
	Method    string // request method
	Operation string // operationId of the call, such as "searchOrganizations"
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Header is the answer's header, with any key echoed in it redacted.
	Header http.Header
	// RequestID is the answer's X-Request-Id, worth quoting to the service's support.
	RequestID string
	// Code is the service's machine-readable error code, such as Apollo's
	// "API_INACCESSIBLE", when the body has one.
	Code string
	// Message is the service's explanation, from whichever body shape it used, or the
	// status text.
	Message string
	// RetryAfter is how long the service asked the caller to wait, if it did.
	RetryAfter time.Duration
	// RateLimit is the rate-limit state the failed answer reported.
	RateLimit R
	// Body is the start of the raw body (at most 4 KiB), for diagnosis.
	Body []byte
	// Malformed is true for a 2xx answer refused for its body: it did not decode, or
	// a member the spec requires was missing, null or of the wrong kind.
	Malformed bool
	// Err is the cause for a 2xx answer: a *MissingMemberError, a JSON error, a
	// *BodyTooLargeError, or the read that failed; nil for a non-2xx status.
	Err error
	// Applied is true for a 2xx answer, refused or cut short, to a request that changes
	// something: an Affinity write took effect, an Apollo enrichment spent its credits.
	// Do not repeat the call; read the record back instead. The client never repeats
	// such a request itself.
	Applied bool
	// AppliedID is the id of the record an applied write made or changed, when the
	// answer held one that could be read (a top-level "id"); "" otherwise.
	AppliedID string
	// Hint is what the client knows to do about the failure, such as, for a 401, the
	// environment variable or argument the key came from; "" when it knows nothing.
	Hint string
}

func (e *Error[R]) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s: HTTP %d", e.Service, e.Operation, e.StatusCode)
	if e.Err != nil {
		if e.Malformed {
			b.WriteString(": malformed response body")
		}
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if e.Applied {
		b.WriteString(": it took effect all the same (a write made, or credits spent): do not repeat the call")
		if e.AppliedID != "" {
			fmt.Fprintf(&b, "; read back record %s instead", e.AppliedID)
		}
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request %s)", e.RequestID)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.Hint != "" {
		fmt.Fprintf(&b, ": %s", e.Hint)
	}
	return b.String()
}

// Unwrap exposes the cause.
func (e *Error[R]) Unwrap() error { return e.Err }

// Is matches the sentinels of the error's own service, so that errors.Is(err,
// affinity.ErrNotFound) holds for a 404 from Affinity and never for one from Apollo.
func (e *Error[R]) Is(target error) bool {
	s, ok := target.(*Sentinel)
	if !ok || s.service != e.Service {
		return false
	}
	switch s.class {
	case Unauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case Forbidden:
		return e.StatusCode == http.StatusForbidden
	case NotFound:
		return e.StatusCode == http.StatusNotFound
	case RateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case MalformedBody:
		return e.Malformed
	case BodyTooLarge:
		var tooLarge *BodyTooLargeError
		return errors.As(e.Err, &tooLarge)
	case Applied:
		return e.Applied
	}
	return false
}

// Class is the kind of failure a Sentinel stands for.
type Class int

// The classes of failure each service package has a sentinel for.
const (
	Unauthorized  Class = iota + 1 // 401: the key is missing or wrong
	Forbidden                      // 403: the key or plan may not do this
	NotFound                       // 404
	RateLimited                    // 429 after the retries allowed
	MalformedBody                  // a 2xx body refused: see Error.Malformed
	BodyTooLarge                   // a body over the client's limit
	Applied                        // a change took effect though its answer was refused: see Error.Applied
	MaybeApplied                   // a change may have taken effect: see UnknownOutcomeError
)

// Sentinel is one service's error of one class, for errors.Is. Each service package
// makes its own (affinity.ErrNotFound, apollo.ErrNotFound), and an *Error matches only
// those of its own service.
type Sentinel struct {
	service string
	class   Class
	text    string
}

// NewSentinel returns the sentinel of class for service; text is its Error text.
func NewSentinel(service string, class Class, text string) *Sentinel {
	return &Sentinel{service: service, class: class, text: text}
}

func (s *Sentinel) Error() string { return s.text }
