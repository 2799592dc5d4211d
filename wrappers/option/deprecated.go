package option

import (
	"time"

	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// The per-call names of v0.1.0 development, kept for one release: each is its shared
// name given to a call.

// WithCallRetries sets how many times this call's request may be repeated.
//
// Deprecated: Use WithRetries, which works for a call as for a client. WithCallRetries
// will be removed in the release after v0.1.0.
func WithCallRetries(n int) CallOption {
	return httpcore.CallFunc(func(c *httpcore.Call) error {
		if n < 0 {
			return &apicall.ParamError{Param: "WithCallRetries", Reason: "retries must not be negative"}
		}
		c.Retries = n
		return nil
	})
}

// WithCallTimeout bounds this call, its retries and waits included.
//
// Deprecated: Use WithTimeout, which works for a call as for a client. WithCallTimeout
// will be removed in the release after v0.1.0.
func WithCallTimeout(d time.Duration) CallOption {
	return httpcore.CallFunc(func(c *httpcore.Call) error { return callTimeout("WithCallTimeout", c, d) })
}

// WithCallHeader adds a header to this call's requests.
//
// Deprecated: Use WithHeader, which works for a call as for a client. WithCallHeader
// will be removed in the release after v0.1.0.
func WithCallHeader(key, value string) CallOption {
	return httpcore.CallFunc(func(c *httpcore.Call) error { return callHeader("WithCallHeader", c, key, value) })
}
