package httpcore

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ErrMalformedBody names a 2xx body that did not decode in error texts; each wrapper
// matches its own sentinels (Sentinels).
var ErrMalformedBody = errors.New("malformed response body")

// MaxErrorBody bounds the raw body a failure keeps, so that a huge error page does not
// stay in memory with the error.
const MaxErrorBody = 4 << 10

// maxErrorRead bounds how much of a non-2xx body is read at all.
const maxErrorRead = 64 << 10

// Failure is what the core knows of a call that reached the service and failed: a
// non-2xx status, or a 2xx answer whose body did not decode. Config.NewError turns it
// into the wrapper's own error type.
type Failure[R any] struct {
	Method     string
	Operation  string
	StatusCode int
	Header     http.Header
	// Message is the service's explanation, from the usual JSON shapes or plain text.
	Message string
	// RetryAfter is the wait the answer asked for (Retry-After), or zero.
	RetryAfter time.Duration
	RateLimit  R
	// Body is the whole body read (at most 64 KiB), for service-specific details;
	// Snippet is its start (at most MaxErrorBody), for the error to keep.
	Body, Snippet []byte
	// Err is the cause for a 2xx body that did not decode.
	Err error
}

// Sentinels are one wrapper's own errors by status, so that errors.Is with one
// package's sentinel never matches another package's error.
type Sentinels struct {
	Unauthorized, Forbidden, NotFound, RateLimited, MalformedBody error
}

// Match reports whether target is the sentinel for an error with status code and,
// when malformed, a body that did not decode.
func (s Sentinels) Match(code int, malformed bool, target error) bool {
	switch target {
	case nil:
		return false
	case s.Unauthorized:
		return code == http.StatusUnauthorized
	case s.Forbidden:
		return code == http.StatusForbidden
	case s.NotFound:
		return code == http.StatusNotFound
	case s.RateLimited:
		return code == http.StatusTooManyRequests
	case s.MalformedBody:
		return malformed
	}
	return false
}

// ErrorText is the text both wrappers give a failed call: operation and status, then
// the decode cause or the message, then each non-empty detail in parentheses.
func ErrorText(op string, status int, cause error, message string, retryAfter time.Duration, details ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: HTTP %d", op, status)
	if cause != nil {
		fmt.Fprintf(&b, ": %v: %v", ErrMalformedBody, cause)
	}
	if message != "" {
		fmt.Fprintf(&b, ": %s", message)
	}
	for _, d := range details {
		if d != "" {
			fmt.Fprintf(&b, " (%s)", d)
		}
	}
	if retryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", retryAfter)
	}
	return b.String()
}

// extractMessage reads a message from every body shape the services are known to use:
// {"error": ...}, {"message": ...}, {"errors": ["..."]}, {"errors": [{"message": ...}]},
// or plain text.
func extractMessage(contentType string, body []byte) string {
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" {
		return ""
	}
	var shape struct {
		Error   json.RawMessage   `json:"error"`
		Message string            `json:"message"`
		Errors  []json.RawMessage `json:"errors"`
	}
	if strings.HasPrefix(trimmed, "{") && json.Unmarshal(body, &shape) == nil {
		var parts []string
		if shape.Message != "" {
			parts = append(parts, shape.Message)
		}
		var s string
		if len(shape.Error) > 0 && json.Unmarshal(shape.Error, &s) == nil && s != "" {
			parts = append(parts, s)
		}
		for _, raw := range shape.Errors {
			var detail struct {
				Message string `json:"message"`
				Param   string `json:"param"`
			}
			switch {
			case json.Unmarshal(raw, &s) == nil:
				parts = append(parts, s)
			case json.Unmarshal(raw, &detail) == nil && detail.Message != "":
				if detail.Param != "" {
					parts = append(parts, detail.Param+": "+detail.Message)
				} else {
					parts = append(parts, detail.Message)
				}
			}
		}
		return string(snippet([]byte(strings.Join(parts, "; "))))
	}
	if strings.Contains(contentType, "json") || strings.HasPrefix(trimmed, "<") {
		return "" // a JSON body of an unknown shape, or an HTML error page
	}
	return string(snippet([]byte(trimmed)))
}

func snippet(body []byte) []byte {
	if len(body) > MaxErrorBody {
		body = body[:MaxErrorBody]
	}
	return append([]byte(nil), body...)
}
