package httpcore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/orgapis/orgapis/internal/bodyread"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// Decode finishes a call made through d: it wraps a transport error, turns a non-2xx
// answer into an *apicall.Error, and decodes a 2xx JSON body into T. Each check then
// looks at the value: a non-nil error (say, a member the spec requires is missing)
// refuses the answer as malformed, unless the check wrapped it with Refuse or PassOn.
// Decode always closes the body.
func Decode[T, R any](d *Doer[R], op string, resp *http.Response, callErr error, checks ...func(*T) error) (T, error) {
	var zero T
	body, err := d.answer(op, resp, callErr)
	if err != nil {
		return zero, err
	}
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		return zero, d.fail(op, resp, body, true, err)
	}
	for _, check := range checks {
		err := check(&v)
		var refused *refusal
		var passed *passOn
		switch {
		case err == nil:
			continue
		case errors.As(err, &passed):
			return zero, passed.err
		case errors.As(err, &refused):
			return zero, d.fail(op, resp, body, false, refused.err)
		default:
			return zero, d.fail(op, resp, body, true, err)
		}
	}
	return v, nil
}

// answer reads the body of a 2xx answer, within the client's limit, and gives a copy
// of it to the call's WithRawResponseInto when it is JSON. Anything else is the call's
// error: a transport error wrapped and scrubbed, a refused option (a
// *apicall.ParamError) as it is, and a non-2xx answer or a body cut short as an
// *apicall.Error. It always closes the body.
func (d *Doer[R]) answer(op string, resp *http.Response, callErr error) ([]byte, error) {
	if callErr != nil {
		var refused *apicall.ParamError
		if errors.As(callErr, &refused) {
			return nil, refused // nothing was sent: the option's own error says it all
		}
		var unknown *apicall.UnknownOutcomeError
		if errors.As(callErr, &unknown) {
			unknown.Operation = op
			return nil, unknown
		}
		return nil, d.cfg.Scrubber.Error(fmt.Errorf("%s%s: %w", d.prefix(), op, callErr))
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
		body, err = bodyread.Read(resp.Body, resp.ContentLength, limit)
	}
	if err != nil && (ok || !isTooLarge(err)) {
		// The service answered; the body was over the limit or broke off.
		return nil, d.fail(op, resp, body, false, err)
	}
	if !ok {
		return nil, d.fail(op, resp, body, false, nil)
	}
	// A key the service echoes in a successful answer goes no further than here:
	// not into the value decoded, a raw copy, or what a caller stores of either.
	body = d.cfg.Scrubber.Body(body)
	d.keepRaw(resp, body)
	return body, nil
}

// keepRaw copies a 2xx body into the call's WithRawResponseInto destinations, when
// there are any and the body is JSON. The copy is the caller's own: the body's buffer
// may be reused, and the call's several answers (ListRows' goroutines) each write whole.
func (d *Doer[R]) keepRaw(resp *http.Response, body []byte) {
	if resp.Request == nil {
		return
	}
	call := callOf(resp.Request.Context())
	if call == nil || len(call.Raw) == 0 || !json.Valid(body) {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, dst := range call.Raw {
		*dst = bytes.Clone(body)
	}
}

// Refuse, returned by a check, fails the call with err as the cause of an
// *apicall.Error that is not malformed: a well-formed answer that still does not give
// what was asked for, such as Apollo's {} for an enrichment that matched nothing.
func Refuse(err error) error { return &refusal{err} }

type refusal struct{ err error }

func (r *refusal) Error() string { return r.err.Error() }

// PassOn, returned by a check, ends Decode with err as it is: the failure of another
// call the check had to make (say, to learn field types), which is already an error of
// its own.
func PassOn(err error) error { return &passOn{err} }

type passOn struct{ err error }

func (p *passOn) Error() string { return p.err.Error() }

// fail builds the *apicall.Error of an answer whose body has been read; cause is set
// for a 2xx answer refused, malformed when for its body's shape. Everything in it the
// server sent (header, body snippet, message, code, id, the cause and what the cause
// keeps) is made safe by the one constructor of such errors, the client's scrubber
// (redact.Scrubber.Error), as the error is returned.
func (d *Doer[R]) fail(op string, resp *http.Response, body []byte, malformed bool, cause error) error {
	if cause == nil && len(body) > maxErrorRead {
		body = body[:maxErrorRead] // the byte read past the limit, to tell it was reached
	}
	now := d.cfg.Now()
	h := resp.Header.Clone()
	e := &apicall.Error[R]{
		Service:    d.cfg.Service,
		Method:     resp.Request.Method,
		Operation:  op,
		StatusCode: resp.StatusCode,
		Header:     h,
		RequestID:  h.Get("X-Request-Id"),
		RateLimit:  d.cfg.ParseRateLimit(resp.Header, now),
		Body:       snippet(body),
		Malformed:  malformed,
		Err:        cause,
		Applied:    success(resp.StatusCode) && d.cfg.Applies(resp.Request),
	}
	if e.Applied {
		e.AppliedID = topLevelID(body)
	}
	if cause == nil {
		e.RetryAfter = d.serverWait(resp, e.RateLimit, now)
		e.Message = extractMessage(resp.Header.Get("Content-Type"), body)
		if e.Message == "" {
			e.Message = http.StatusText(resp.StatusCode)
		}
		if d.cfg.ErrorCode != nil {
			e.Code = d.cfg.ErrorCode(body)
		}
		if resp.StatusCode == http.StatusUnauthorized {
			e.Hint = d.cfg.KeyHint
		}
	}
	return d.cfg.Scrubber.Error(e)
}

// topLevelID is the "id" member of a JSON object body, a number or a string, or "".
func topLevelID(body []byte) string {
	var v struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(body, &v) != nil || len(v.ID) == 0 {
		return ""
	}
	var text string
	if json.Unmarshal(v.ID, &text) == nil {
		return text
	}
	var n json.Number
	if json.Unmarshal(v.ID, &n) == nil {
		return n.String()
	}
	return ""
}

// prefix is "service: " for error texts, or nothing without a Service.
func (d *Doer[R]) prefix() string {
	if d.cfg.Service == "" {
		return ""
	}
	return d.cfg.Service + ": "
}

func isTooLarge(err error) bool {
	var tooLarge *apicall.BodyTooLargeError
	return errors.As(err, &tooLarge)
}

// EachID is a Decode check for an array of records: the first item whose id is not
// valid is a *apicall.MissingMemberError named array[i].id, with reason, since a record
// nobody can ask for again must not be yielded as if it were one. array is the array's
// member ("" for the body itself); the name is formatted only for the error.
func EachID[T any](items []T, array string, valid func(*T) bool, reason string) error {
	for i := range items {
		if !valid(&items[i]) {
			return &apicall.MissingMemberError{Member: fmt.Sprintf("%s[%d].id", array, i), Reason: reason}
		}
	}
	return nil
}

// Records converts the generated records of an answer into a wrapper's own record
// type (tools/records writes them with the same fields, so conv is a conversion). A
// nil slice stays nil.
func Records[T, G any](in []G, conv func(G) T) []T {
	if in == nil {
		return nil
	}
	out := make([]T, len(in))
	for i, g := range in {
		out[i] = conv(g)
	}
	return out
}
