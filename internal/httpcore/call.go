package httpcore

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/orgapis/orgapis/wrappers/apicall"
)

// Call is what one call's options ask for (package option's CallOption sets it). The
// Doer finds it in the request's context.
type Call struct {
	// Retries overrides the client's retry count when not negative.
	Retries int
	// Timeout bounds the call, its retries and waits included, when positive; zero
	// means the client's (Config.Timeout).
	Timeout time.Duration
	// Header is added to the call's requests, after the client's own headers.
	Header http.Header
	// Query is added to the query of the call's requests (see edit).
	Query url.Values
	// Sets are members set in the call's JSON request body, in order (see edit).
	Sets []JSONSet
	// Raw receives the JSON body of each 2xx answer, copied.
	Raw []*json.RawMessage
	// Into receives each answer's metadata: *apicall.Response[R] of the client's R.
	Into []any
	// Observe receives each answer's rate-limit state (the client's R), for a
	// wrapper's own pacing.
	Observe []func(rateLimit any)
	// Own are the service-specific call options given (such as apollo.WithCreditBudget),
	// in order; Begin refuses another service's.
	Own []Own
}

type callKey struct{}

// callOf is the Call of a request's context; nil for a request made outside Run.
func callOf(ctx context.Context) *Call {
	c, _ := ctx.Value(callKey{}).(*Call)
	return c
}

// Begin applies one call's options: the returned context carries them to the Doer,
// and its own timeout (the client's when the call sets none); end releases that
// timeout. A nested call (say, a client fetching field types for the caller's call)
// begins its own Call, so the caller's options and metadata stay with the caller's
// request. A bad option is a *apicall.ParamError.
func Begin[R any, O CallOption](ctx context.Context, d *Doer[R], opts []O) (_ context.Context, end func(), err error) {
	call := &Call{Retries: -1}
	for i, opt := range opts {
		if err := apply("call", i, opt, func(o O) error { return o.applyCall(call) }); err != nil {
			return ctx, func() {}, d.withService(err)
		}
	}
	for _, o := range call.Own {
		if o.Package != d.cfg.Service {
			return ctx, func() {}, d.paramError(o.Name, "is an option of package "+o.Package+", not of "+d.cfg.Service)
		}
	}
	for _, into := range call.Into {
		if _, ok := into.(*apicall.Response[R]); !ok {
			var want *apicall.Response[R]
			return ctx, func() {}, d.paramError("WithResponseInto", fmt.Sprintf("wants a %T for this client, got a %T", want, into))
		}
	}
	ctx = context.WithValue(ctx, callKey{}, call)
	timeout := call.Timeout
	if timeout == 0 {
		timeout = d.cfg.Timeout
	}
	if timeout > 0 {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		return ctx, cancel, nil
	}
	return ctx, func() {}, nil
}

// Run makes one call with its options: send makes the request on the context it is
// given, and Decode finishes it.
func Run[T, R any, O CallOption](ctx context.Context, d *Doer[R], op string, opts []O,
	send func(context.Context) (*http.Response, error), checks ...func(*T) error) (T, error) {
	ctx, end, err := Begin(ctx, d, opts)
	if err != nil {
		var zero T
		return zero, err
	}
	defer end()
	resp, err := send(ctx)
	return Decode(d, op, resp, err, checks...)
}

// report fills in the metadata of an answer for every Into of the call.
func (d *Doer[R]) report(call *Call, resp *http.Response, rl R, attempts int) {
	if call == nil {
		return
	}
	for _, observe := range call.Observe {
		observe(rl)
	}
	if len(call.Into) == 0 {
		return
	}
	h := d.scrubHeader(resp.Header)
	// Under the Doer's lock: the calls of one iterator may run in several goroutines
	// (ListRows), all reporting into the caller's one value.
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, into := range call.Into {
		*into.(*apicall.Response[R]) = apicall.Response[R]{StatusCode: resp.StatusCode, Header: h,
			RequestID: h.Get("X-Request-Id"), RateLimit: rl, Attempts: attempts}
	}
}

// scrubHeader is a copy of h with the key, in any encoding, taken out of every value.
func (d *Doer[R]) scrubHeader(h http.Header) http.Header {
	out := h.Clone()
	for _, vs := range out {
		for i, v := range vs {
			vs[i] = d.cfg.Scrubber.String(v)
		}
	}
	return out
}

// paramError is a local refusal, named for the client's service.
func (d *Doer[R]) paramError(param, reason string) error {
	return &apicall.ParamError{Service: d.cfg.Service, Param: param, Reason: reason}
}

// withService names the client's service in a *apicall.ParamError an option returned.
func (d *Doer[R]) withService(err error) error {
	if pe, ok := err.(*apicall.ParamError); ok && pe.Service == "" {
		pe.Service = d.cfg.Service
	}
	return err
}
