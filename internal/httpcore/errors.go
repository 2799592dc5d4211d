// Package httpcore is the HTTP machinery the Apollo and Affinity wrappers share:
// retries with backoff, rate-limit parsing, and the error type for failed calls.
package httpcore

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Sentinels that Error matches with errors.Is, by status.
var (
	ErrUnauthorized  = errors.New("unauthorized")
	ErrForbidden     = errors.New("forbidden")
	ErrNotFound      = errors.New("not found")
	ErrRateLimited   = errors.New("rate limited")
	ErrMalformedBody = errors.New("malformed response body")
)

// maxBodySnippet bounds the raw body an Error keeps, so that a huge error page does not
// stay in memory with the error.
const maxBodySnippet = 2048

// Error is a call that reached the service and failed: a non-2xx status, or a 2xx
// answer whose body does not decode.
type Error struct {
	Method     string // request method
	Operation  string // operationId of the call, such as "searchOrganizations"
	StatusCode int
	// Message is the service's own explanation, taken from whatever body shape it used.
	Message string
	// Code is a machine-readable reason when the service gives one (Apollo's error_code).
	Code      string
	RequestID string
	// RetryAfter is how long the service asked the caller to wait, if it did.
	RetryAfter time.Duration
	RateLimit  RateLimit
	// Body is the start of the raw body (at most 2 KiB), for diagnosis.
	Body []byte
	// Err is the cause for a 2xx body that did not decode.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: HTTP %d", e.Operation, e.StatusCode)
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v: %v", ErrMalformedBody, e.Err)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request %s]", e.RequestID)
	}
	return b.String()
}

// Unwrap exposes the decode cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the status sentinels, so callers can write errors.Is(err, ErrNotFound).
func (e *Error) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrMalformedBody:
		return e.Err != nil
	}
	return false
}

// newStatusError builds the Error for a non-2xx answer whose body has been read.
func newStatusError(op string, resp *http.Response, body []byte, rl RateLimit) *Error {
	e := &Error{
		Method:     resp.Request.Method,
		Operation:  op,
		StatusCode: resp.StatusCode,
		RequestID:  resp.Header.Get("X-Request-Id"),
		RetryAfter: rl.RetryAfter,
		RateLimit:  rl,
		Body:       snippet(body),
	}
	e.Message, e.Code = extractMessage(resp.Header.Get("Content-Type"), body)
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	return e
}

// extractMessage reads a message from every body shape the services are known to use:
// {"error": ...}, {"message": ...}, {"errors": ["..."]}, {"errors": [{"message": ...}]},
// or plain text.
func extractMessage(contentType string, body []byte) (message, code string) {
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" {
		return "", ""
	}
	var shape struct {
		Error     json.RawMessage   `json:"error"`
		ErrorCode string            `json:"error_code"`
		Message   string            `json:"message"`
		Errors    []json.RawMessage `json:"errors"`
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
		return strings.Join(parts, "; "), shape.ErrorCode
	}
	if strings.Contains(contentType, "json") || strings.HasPrefix(trimmed, "<") {
		return "", "" // a JSON body of an unknown shape, or an HTML error page
	}
	return string(snippet([]byte(trimmed))), ""
}

func snippet(body []byte) []byte {
	if len(body) > maxBodySnippet {
		body = body[:maxBodySnippet]
	}
	return append([]byte(nil), body...)
}

// ParamError is an invalid argument, caught before any request is sent.
type ParamError struct {
	Param  string // the API's name for the parameter, such as "page_size"
	Reason string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("invalid parameter %s: %s", e.Param, e.Reason)
}
