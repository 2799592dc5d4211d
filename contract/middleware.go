package contract

import (
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Middleware checks every response passing through the transports it wraps against a
// Validator, without changing what the caller receives.
//
// The checks run beside the caller: a round trip returns as soon as the body has been
// read, and the response is validated on another goroutine while the caller decodes
// it, so validation adds little to a client's time. A body of 4 MiB or more is checked
// before the round trip returns, so that the check's decoded copy is gone before the
// caller decodes its own. At most GOMAXPROCS responses wait for their checks at once;
// a further round trip waits for a free slot, which bounds memory. Call Wait before
// reading what OnFindings collected.
//
// Plug it into a wrapper with its WithMiddleware option, or into any http.Client:
//
//	mw := contract.NewMiddleware(v, report)
//	hc := &http.Client{Transport: mw.Wrap(http.DefaultTransport)}
type Middleware struct {
	validator  *Validator
	onFindings func([]Finding)
	onChecked  func(Checked)
	source     string
	recorder   *Recorder

	n       atomic.Int64
	slots   chan struct{}
	pending sync.WaitGroup
}

// MiddlewareOption configures a Middleware.
type MiddlewareOption func(*Middleware)

// WithSource names the exchanges in findings (default "transport").
func WithSource(name string) MiddlewareOption { return func(m *Middleware) { m.source = name } }

// Checked is one exchange the middleware validated, with or without findings.
type Checked struct {
	Index       int    // the exchange's Index in findings
	OperationID string // "" for an undocumented endpoint
	Findings    int
}

// WithChecked passes every validated exchange to fn, passing or not, for reports that
// list passes too (JUnit). fn may be called from several goroutines at once.
func WithChecked(fn func(Checked)) MiddlewareOption {
	return func(m *Middleware) { m.onChecked = fn }
}

// WithRecorder records every exchange the middleware sees in r, from the middleware's
// own copy of the bodies: one copy of a large body instead of one for the recorder and
// one for the checks, as Recorder.Wrap under the middleware would make.
func WithRecorder(r *Recorder) MiddlewareOption {
	return func(m *Middleware) { m.recorder = r }
}

// NewMiddleware returns a middleware that validates with v and passes the findings of
// each response that has any to onFindings, which may be called from several
// goroutines at once.
func NewMiddleware(v *Validator, onFindings func([]Finding), opts ...MiddlewareOption) *Middleware {
	m := &Middleware{validator: v, onFindings: onFindings, source: "transport",
		slots: make(chan struct{}, runtime.GOMAXPROCS(0))}
	for _, opt := range opts {
		opt(m)
	}
	return m
}

// Wrap returns a RoundTripper that sends requests through base (nil means
// http.DefaultTransport) and validates the responses. Its type fits the wrappers'
// WithMiddleware option.
func (m *Middleware) Wrap(base http.RoundTripper) http.RoundTripper {
	return &validating{m: m, base: base}
}

// Wait blocks until every response that has passed through the middleware so far has
// been validated and its findings reported.
func (m *Middleware) Wait() { m.pending.Wait() }

type validating struct {
	m    *Middleware
	base http.RoundTripper
}

func (t *validating) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, c, err := captureRoundTrip(t.base, req)
	if err != nil {
		return resp, err
	}
	m := t.m
	if m.recorder != nil {
		m.recorder.add(req, resp, c, start)
	}
	// The caller owns req and resp from here on and may change their headers; the
	// check works on copies.
	u := *req.URL
	ex := Exchange{Source: m.source, Index: int(m.n.Add(1) - 1), Method: req.Method, URL: &u,
		RequestHeader: req.Header.Clone(), RequestBody: c.reqBody, Status: resp.StatusCode,
		ResponseHeader: resp.Header.Clone(), ResponseBody: c.body}
	if len(c.body) >= syncCheckBytes {
		// A large body is checked before the caller gets it: the check's decoded tree
		// and the caller's own decode of the same body never share the heap.
		m.report(ex, c)
		return resp, nil
	}
	m.slots <- struct{}{}
	m.pending.Add(1)
	go func() {
		defer m.pending.Done()
		defer func() { <-m.slots }()
		m.report(ex, c)
	}()
	return resp, nil
}

// syncCheckBytes is the body size from which a response is checked before the round
// trip returns instead of beside the caller's decode: memory then holds one decoded
// copy of a large body at a time, for a little of the caller's time.
const syncCheckBytes = 4 << 20

// report checks ex and passes on what the check found.
func (m *Middleware) report(ex Exchange, c captured) {
	op, findings := m.check(ex, c)
	if len(findings) > 0 && m.onFindings != nil {
		m.onFindings(findings)
	}
	if m.onChecked != nil {
		m.onChecked(Checked{Index: ex.Index, OperationID: op, Findings: len(findings)})
	}
}

func (m *Middleware) check(ex Exchange, c captured) (string, []Finding) {
	switch {
	case c.readErr != nil:
		f := m.validator.base(ex)
		f.Kind, f.Location, f.Expected, f.Found = KindBody, "body", "a complete body", fmt.Sprintf("body cut short after %d bytes: %v", len(c.body), c.readErr)
		return f.OperationID, []Finding{f}
	case c.tooLarge:
		f := m.validator.base(ex)
		f.Kind, f.Expected, f.Found = KindUnreadable, fmt.Sprintf("a body of at most %d MiB to validate", MaxBodyBytes>>20), "a longer body, passed to the caller whole but not validated"
		return f.OperationID, []Finding{f}
	}
	return m.validator.Check(ex)
}
