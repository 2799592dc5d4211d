package apollo

import "github.com/orgapis/orgapis/internal/httpcore"

// Error is a call that reached Apollo and failed. Inspect it with errors.As, or test
// it against the sentinels below with errors.Is. Code holds Apollo's error_code.
type Error = httpcore.Error

// RateLimit is the rate-limit state of a response; Apollo fills Minute, Hour and Day.
type RateLimit = httpcore.RateLimit

// ParamError is an invalid argument, caught before any request is sent.
type ParamError = httpcore.ParamError

// Window is one rate-limit window.
type Window = httpcore.Window

// Sentinels matched by *Error through errors.Is.
var (
	ErrUnauthorized  = httpcore.ErrUnauthorized
	ErrForbidden     = httpcore.ErrForbidden
	ErrNotFound      = httpcore.ErrNotFound
	ErrRateLimited   = httpcore.ErrRateLimited
	ErrMalformedBody = httpcore.ErrMalformedBody
)
