package apicall

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ParamError is a call refused before anything was sent: an argument, or an option,
// with a value the service or the client cannot take.
type ParamError struct {
	Service string // "affinity" or "apollo"
	// Param is the API's name for the parameter, such as "page_size", or the
	// option's, such as "WithRetries".
	Param  string
	Reason string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("%s: invalid parameter %s: %s", e.Service, e.Param, e.Reason)
}

// MissingMemberError is the cause (Error.Err) of a 2xx answer that lacks a member the
// spec requires, has it null, or has it of the wrong kind. Its text names the member
// by its JSON pointer into the body, as the validator's findings do.
type MissingMemberError struct {
	Member string // a path such as "organizations[3].id"; "" or "(body)" for the body
	Reason string // such as "missing or null"
}

func (e *MissingMemberError) Error() string {
	p := e.Pointer()
	if p == "" {
		p = "the body"
	}
	return p + ": " + e.Reason
}

// Pointer is Member as a JSON pointer into the body (RFC 6901), such as
// "/organizations/3/id"; "" for the body itself.
func (e *MissingMemberError) Pointer() string {
	if e.Member == "(body)" {
		return ""
	}
	var b strings.Builder
	seg := strings.Builder{}
	flush := func() {
		if seg.Len() > 0 {
			b.WriteString("/")
			b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(seg.String()))
			seg.Reset()
		}
	}
	for _, r := range e.Member {
		switch r {
		case '.', '[', ']':
			flush()
		default:
			seg.WriteRune(r)
		}
	}
	flush()
	return b.String()
}

// BodyTooLargeError is the cause (Error.Err) of an answer whose body was longer than
// the client's limit (option.WithMaxBodyBytes).
type BodyTooLargeError struct {
	Limit int64 // the limit in bytes
}

func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("body is over the %d-byte limit", e.Limit)
}

// RedirectError is a redirect to another origin (scheme, host and port) than the
// client's base URL, refused before anything is sent there, so that the key never
// leaves the service's origin.
type RedirectError struct {
	// StatusCode is the redirect's status, such as 302.
	StatusCode int
	// Location is where the service pointed, with any key in it redacted.
	Location string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("refused a redirect (HTTP %d) to %s: credentials are sent only to the configured origin", e.StatusCode, e.Location)
}

// WaitError is a wait the client refused instead of sleeping: longer than
// option.WithMaxRetryWait allows, or longer than the time left before the context's
// deadline (it then matches context.DeadlineExceeded). Waiting would only have delayed
// the same failure.
type WaitError struct {
	// Wait is what the server, the rate limit or the backoff asked for.
	Wait time.Duration
	// Limit is the bound it broke: the cap, or the time left before the deadline.
	Limit time.Duration
	// Deadline is true when Limit is the time left before the context's deadline.
	Deadline bool
	// Reason says what the wait was for, such as "the per-user rate limit".
	Reason string
}

func (e *WaitError) Error() string {
	if e.Deadline {
		return fmt.Sprintf("%s asks to wait %s, past the context's deadline (%s left)", e.Reason, e.Wait, e.Limit)
	}
	return fmt.Sprintf("%s asks to wait %s, more than the %s cap on waits", e.Reason, e.Wait, e.Limit)
}

// Unwrap makes a wait past the deadline match context.DeadlineExceeded.
func (e *WaitError) Unwrap() error {
	if e.Deadline {
		return context.DeadlineExceeded
	}
	return nil
}

// UnknownOutcomeError is a request that changes something (an Affinity write, an
// Apollo enrichment) which failed after it may have reached the service: the
// connection broke, or the context ended, before an answer came. The change may have
// taken effect, so the client did not repeat it; read the record back before
// repeating the call yourself. It matches the package's ErrMaybeApplied.
type UnknownOutcomeError struct {
	Service   string // "affinity" or "apollo"
	Method    string
	Operation string // operationId, when known
	Err       error  // what failed, with any key redacted
}

func (e *UnknownOutcomeError) Error() string {
	op := e.Operation
	if op == "" {
		op = e.Method
	}
	return fmt.Sprintf("%s: %s: %v: the request may have been applied: read the record back before repeating it", e.Service, op, e.Err)
}

// Unwrap exposes the cause, so that a context's end still matches context.Canceled.
func (e *UnknownOutcomeError) Unwrap() error { return e.Err }

// Is matches the MaybeApplied sentinel of the error's own service.
func (e *UnknownOutcomeError) Is(target error) bool {
	s, ok := target.(*Sentinel)
	return ok && s.service == e.Service && s.class == MaybeApplied
}
