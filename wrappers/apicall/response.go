package apicall

import (
	"net/http"
	"time"
)

// Response is what one call's answer said besides its body, filled in for a caller that
// asks with option.WithResponseInto. R is the service's rate-limit type.
type Response[R any] struct {
	// StatusCode is the status of the last answer (after any retries).
	StatusCode int
	// Header is the last answer's header, with any key echoed in it redacted.
	Header http.Header
	// RequestID is the answer's X-Request-Id, worth quoting to the service's support;
	// empty when it sent none.
	RequestID string
	// RateLimit is the rate-limit state this answer reported: this call's, not the
	// last of any goroutine's.
	RateLimit R
	// Attempts is how many times the request was sent: 1, plus one per retry.
	Attempts int
	// Credits is what the call cost in the service's credits (Apollo): as the answer
	// reported it where it does, else as the service documents the operation's price;
	// 0 for a free call and for a service without credits. For an iteration it is the
	// last page's.
	Credits int
}

// Window is one rate-limit window as an answer reported it. A service reports some of
// its members: Affinity the limit, what is left and when it resets; Apollo the limit,
// what was used and what is left. The others stay zero.
type Window struct {
	// Known is true when the answer reported anything about this window.
	Known bool
	// Unlimited is true when the plan has no limit here (the service sends "unlimited").
	Unlimited bool
	Limit     int64 // requests allowed in the window
	Remaining int64 // requests left in the window
	// Used is the requests made in the window (Apollo).
	Used int64
	// Reset is the time until the window starts over (Affinity).
	Reset time.Duration
}
