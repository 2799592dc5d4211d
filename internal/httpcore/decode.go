package httpcore

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/orgapis/orgapis/internal/redact"
)

// Decode finishes a call made through d: it wraps a transport error, turns a non-2xx
// answer into the wrapper's error, and decodes a 2xx JSON body into T. Each check then
// looks at the value: a non-nil error (say, a member the spec requires is missing)
// makes the call a malformed-body failure. Decode always closes the body.
func Decode[T, R any](d *Doer[R], op string, resp *http.Response, callErr error, checks ...func(*T) error) (T, error) {
	var zero T
	if callErr != nil {
		return zero, fmt.Errorf("%s%s: %w", d.prefix(), op, d.cfg.Scrubber.Error(redact.URLError(callErr)))
	}
	defer resp.Body.Close()
	ok := success(resp.StatusCode)
	var body []byte
	var err error
	if bb, buffered := resp.Body.(*bufferedBody); buffered {
		body, err = bb.data, bb.err
	} else {
		limit := d.cfg.MaxBodyBytes
		if !ok {
			limit = maxErrorRead
		}
		body, err = ReadBody(resp.Body, resp.ContentLength, limit)
	}
	if err != nil && (ok || !isTooLarge(err)) {
		return zero, fmt.Errorf("%s%s: reading response: %w", d.prefix(), op, d.cfg.Scrubber.Error(redact.URLError(err)))
	}
	if !ok {
		return zero, d.fail(op, resp, body, nil)
	}
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		return zero, d.fail(op, resp, body, err)
	}
	for _, check := range checks {
		if err := check(&v); err != nil {
			return zero, d.fail(op, resp, body, err)
		}
	}
	return v, nil
}

// fail builds the wrapper's error for an answer whose body has been read; cause is set
// for a 2xx body that did not decode.
func (d *Doer[R]) fail(op string, resp *http.Response, body []byte, cause error) error {
	if cause == nil && len(body) > maxErrorRead {
		body = body[:maxErrorRead] // the byte read past the limit, to tell it was reached
	}
	now := d.cfg.Now()
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
		f.RetryAfter = d.serverWait(resp, f.RateLimit, now)
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

// prefix is "service: " for error texts, or nothing without a Service.
func (d *Doer[R]) prefix() string {
	if d.cfg.Service == "" {
		return ""
	}
	return d.cfg.Service + ": "
}

func isTooLarge(err error) bool {
	var tooLarge *BodyTooLargeError
	return errors.As(err, &tooLarge)
}

// MissingMember is the error a Decode check gives for a member the spec requires.
type MissingMember struct {
	Member string // a path such as "organizations[3].id"
	Reason string // such as "missing or null"
}

func (e *MissingMember) Error() string { return e.Member + ": " + e.Reason }

// EachID is a Decode check for an array of records: the first item whose id is not
// valid is a *MissingMember named array[i].id, with reason, since a record nobody can
// ask for again must not be yielded as if it were one. array is the array's member
// ("" for the body itself); the name is formatted only for the error.
func EachID[T any](items []T, array string, valid func(*T) bool, reason string) error {
	for i := range items {
		if !valid(&items[i]) {
			return &MissingMember{Member: fmt.Sprintf("%s[%d].id", array, i), Reason: reason}
		}
	}
	return nil
}

// Error makes a bare Failure usable as an error, for a Doer without NewError.
func (f *Failure[R]) Error() string {
	return ErrorText(f.Operation, f.StatusCode, f.Err, f.Message, f.RetryAfter)
}
