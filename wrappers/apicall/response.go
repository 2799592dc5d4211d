package apicall

import "net/http"

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
}
