// Package httpcore is the HTTP machinery the wrappers share: a Doer that retries with
// backoff and honours Retry-After, bounded reading of bodies, and the decoding of an
// answer into a value or a failure.
//
// It knows no service. Each wrapper brings its own vocabulary through Config: its
// rate-limit type and header parsing, which requests are safe to repeat, and the error
// type a failed call becomes.
package httpcore
