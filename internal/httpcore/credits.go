package httpcore

import "github.com/orgapis/orgapis/wrappers/apicall"

// Inspect is the Call that opts make, for a wrapper that needs to read a call's own
// options (Call.Own) or its metadata destinations before or after running it. An
// option that refuses its value is skipped: Begin reports it when the call runs.
func Inspect[O CallOption](opts []O) *Call {
	call := &Call{Retries: -1}
	for i, opt := range opts {
		_ = apply("call", i, opt, func(o O) error { return o.applyCall(call) })
	}
	return call
}

// OwnValue is the value the last of a call's own options named name gave.
func (c *Call) OwnValue(name string) (any, bool) {
	for i := len(c.Own) - 1; i >= 0; i-- {
		if c.Own[i].Name == name {
			return c.Own[i].Value, true
		}
	}
	return nil, false
}

// Charge records in every metadata destination of call (option.WithResponseInto) the
// credits its last answer cost, once the wrapper knows them: after the answer is
// decoded, as a service may report them in the body.
func Charge[R any](d *Doer[R], call *Call, credits int) {
	if call == nil || len(call.Into) == 0 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, into := range call.Into {
		if r, ok := into.(*apicall.Response[R]); ok {
			r.Credits = credits
		}
	}
}
