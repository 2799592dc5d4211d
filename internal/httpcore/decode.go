package httpcore

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/orgapis/orgapis/internal/redact"
)

// Decode finishes a call made through d: it wraps a transport error, turns a non-2xx
// answer into the wrapper's error, and decodes a 2xx JSON body into T. It always
// closes the body.
func Decode[T, R any](d *Doer[R], op string, resp *http.Response, callErr error) (T, error) {
	var zero T
	if callErr != nil {
		return zero, fmt.Errorf("%s: %w", op, redact.URLError(callErr))
	}
	defer resp.Body.Close()
	ok := resp.StatusCode >= 200 && resp.StatusCode <= 299
	limit := d.cfg.MaxBodyBytes
	if !ok {
		limit = maxErrorRead
	}
	body, err := ReadBody(resp.Body, resp.ContentLength, limit)
	if err != nil && (ok || !isTooLarge(err)) {
		return zero, fmt.Errorf("%s: reading response: %w", op, redact.URLError(err))
	}
	if !ok {
		return zero, d.fail(op, resp, body, nil)
	}
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		return zero, d.fail(op, resp, body, err)
	}
	return v, nil
}

// fail builds the wrapper's error for an answer whose body has been read; cause is set
// for a 2xx body that did not decode.
func (d *Doer[R]) fail(op string, resp *http.Response, body []byte, cause error) error {
	now := time.Now()
	f := &Failure[R]{
		Method:     resp.Request.Method,
		Operation:  op,
		StatusCode: resp.StatusCode,
		Header:     resp.Header,
		RateLimit:  d.cfg.ParseRateLimit(resp.Header, now),
		Body:       body,
		Snippet:    snippet(body),
		Err:        cause,
	}
	if cause == nil {
		f.RetryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"), now)
		f.Message = extractMessage(resp.Header.Get("Content-Type"), body)
		if f.Message == "" {
			f.Message = http.StatusText(resp.StatusCode)
		}
	}
	if d.cfg.NewError == nil {
		return f
	}
	return d.cfg.NewError(f)
}

func isTooLarge(err error) bool {
	_, ok := err.(*BodyTooLargeError)
	return ok
}

// Error makes a bare Failure usable as an error, for a Doer without NewError.
func (f *Failure[R]) Error() string {
	return ErrorText(f.Operation, f.StatusCode, f.Err, f.Message, f.RetryAfter)
}
