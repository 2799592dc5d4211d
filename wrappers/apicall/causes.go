package apicall

import (
	"context"
	"fmt"
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
// spec requires, has it null, or has it of the wrong kind.
type MissingMemberError struct {
	Member string // a path such as "organizations[3].id"
	Reason string // such as "missing or null"
}

func (e *MissingMemberError) Error() string { return e.Member + ": " + e.Reason }

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
