package httpcore

import (
	"fmt"

	"github.com/orgapis/orgapis/wrappers/apicall"
)

// ClientOption is what package option's ClientOption is made of. Its method is
// unexported so that only this module's packages make options: a user can name, hold
// and pass the option types, never build one whose effect the client cannot vouch for.
type ClientOption interface {
	applyClient(*Settings) error
}

// CallOption is what package option's CallOption is made of; see ClientOption.
type CallOption interface {
	applyCall(*Call) error
}

// ClientFunc is a ClientOption made of a function.
type ClientFunc func(*Settings) error

func (f ClientFunc) applyClient(s *Settings) error { return f(s) }

// CallFunc is a CallOption made of a function.
type CallFunc func(*Call) error

func (f CallFunc) applyCall(c *Call) error { return f(c) }

// Shared is an option that means the same for a whole client and for one call, such
// as WithRetries: Client sets the client's default, Call overrides it for one call.
type Shared struct {
	Client ClientFunc
	Call   CallFunc
}

func (o Shared) applyClient(s *Settings) error { return o.Client(s) }
func (o Shared) applyCall(c *Call) error       { return o.Call(c) }

// apply runs one option, turning a nil option, or a value that only looks like one (a
// user's struct embedding a nil option, which would panic), into a
// *apicall.ParamError named as the option's place in the list.
func apply[O any](name string, i int, opt O, run func(O) error) (err error) {
	if any(opt) == nil {
		return &apicall.ParamError{Param: fmt.Sprintf("%s option %d", name, i), Reason: "is nil"}
	}
	defer func() {
		if recover() != nil {
			err = &apicall.ParamError{Param: fmt.Sprintf("%s option %d", name, i),
				Reason: fmt.Sprintf("(%T) holds no option: make options with package option or a service package", opt)}
		}
	}()
	return run(opt)
}
