// Package option holds the options of the service clients (packages affinity and
// apollo). A ClientOption configures a client once, in NewClient; a CallOption changes
// one call, given as the last arguments of any method. An option that means the same
// in both places, such as WithRetries, is an Option, which is both: given to NewClient
// it sets the client's default, given to a call it overrides that default for that
// call only.
//
//	client, err := affinity.NewClient(key, option.WithRetries(5))
//	org, err := client.GetOrganization(ctx, id, affinity.GetOrganizationOptions{}, option.WithRetries(0))
//
// The option types are interfaces that only this module's packages implement: hold
// them, pass them around, keep them in slices ([]option.CallOption), but make them with
// the functions here or of a service package. Options that only make sense for one
// service, such as affinity.WithBearerAuth, live in that service's package and return
// the same types; a client refuses another service's option, and a nil one, with an
// *apicall.ParamError.
package option

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// ClientOption configures a client. NewClient returns the *apicall.ParamError of the
// first option that refuses its value.
type ClientOption interface {
	httpcore.ClientOption
}

// CallOption changes one call of a client, and never the client: the next call without
// it has the client's settings again. A method returns the *apicall.ParamError of the
// first call option that refuses its value, before sending anything. For a method
// that iterates over pages, it applies to the request for each page.
type CallOption interface {
	httpcore.CallOption
}

// Option is both a ClientOption and a CallOption: given to NewClient it sets the
// client's default, given to a call it overrides that default for the call.
type Option interface {
	ClientOption
	CallOption
}

// WithBaseURL sends requests to url (absolute http or https) instead of the service's
// production API, for a proxy or a fake.
func WithBaseURL(url string) ClientOption {
	return httpcore.ClientFunc(func(s *httpcore.Settings) error { return s.SetBaseURL(url) })
}

// WithHTTPClient sends requests through hc instead of http.DefaultClient. hc is never
// modified; middleware and the redirect guard are added to a copy.
func WithHTTPClient(hc *http.Client) ClientOption {
	return httpcore.ClientFunc(func(s *httpcore.Settings) error { return s.SetHTTPClient(hc) })
}

// WithRetries sets how many times a failed request is repeated (default 3; 0
// disables): for every call of a client, or for one call. Only requests safe to
// repeat are repeated once the service has seen them (each service's package says
// which).
func WithRetries(n int) Option {
	return httpcore.Shared{
		Client: func(s *httpcore.Settings) error { return s.SetRetries(n) },
		Call: func(c *httpcore.Call) error {
			if n < 0 {
				return &apicall.ParamError{Param: "WithRetries", Reason: "retries must not be negative, got " + strconv.Itoa(n)}
			}
			c.Retries = n
			return nil
		},
	}
}

// WithTimeout bounds a call, its retries and waits included: for every call of a
// client (each page of an iteration is a call), or for one call, replacing the
// client's. A wait the service asks for that would outlive it fails at once (the
// error matches context.DeadlineExceeded) instead of sleeping. Without it a call is
// bounded by its context only.
func WithTimeout(d time.Duration) Option {
	return httpcore.Shared{
		Client: func(s *httpcore.Settings) error { return s.SetTimeout(d) },
		Call:   func(c *httpcore.Call) error { return callTimeout("WithTimeout", c, d) },
	}
}

// WithHeader sets a header on every request of a client, or of one call. It is set
// after the client's own headers and editors (WithRequestEditor, the key's header),
// replacing any value they set; a call's replaces the client's.
func WithHeader(key, value string) Option {
	return httpcore.Shared{
		Client: func(s *httpcore.Settings) error { return s.SetHeader(key, value) },
		Call:   func(c *httpcore.Call) error { return callHeader("WithHeader", c, key, value) },
	}
}

// WithBackoff bounds the full-jitter exponential backoff between retries (default
// 500ms to 30s).
func WithBackoff(minWait, maxWait time.Duration) ClientOption {
	return httpcore.ClientFunc(func(s *httpcore.Settings) error { return s.SetBackoff(minWait, maxWait) })
}

// WithUserAgent replaces the User-Agent header (default orgapis-<service>-go/<version>).
func WithUserAgent(ua string) ClientOption {
	return httpcore.ClientFunc(func(s *httpcore.Settings) error { s.UserAgent = ua; return nil })
}

// WithLogger logs retries (warn) and responses (debug) to l. Keys are never logged.
func WithLogger(l *slog.Logger) ClientOption {
	return httpcore.ClientFunc(func(s *httpcore.Settings) error { return s.SetLogger(l) })
}

// WithMaxBodyBytes bounds the response bodies the client reads (default 32 MiB, at
// least 1 KiB); a longer one fails the call with the package's ErrBodyTooLarge. Error
// bodies are read up to 64 KiB whatever the limit, and an Error keeps at most 4 KiB.
func WithMaxBodyBytes(n int64) ClientOption {
	return httpcore.ClientFunc(func(s *httpcore.Settings) error { return s.SetMaxBodyBytes(n) })
}

// WithMaxRetryWait caps how long the client waits when the service asks it to
// (Retry-After, or a rate-limit window's reset); default one minute, and 0 means the
// default. When the service asks for longer, the call fails at once with the
// package's ErrRateLimited and the requested wait in Error.RetryAfter, rather than
// sleeping for it; pacing fails with an *apicall.WaitError.
func WithMaxRetryWait(d time.Duration) ClientOption {
	return httpcore.ClientFunc(func(s *httpcore.Settings) error { return s.SetMaxServerWait(d) })
}

// WithRequestEditor runs fn on every request after authentication, for extra headers.
func WithRequestEditor(fn func(context.Context, *http.Request) error) ClientOption {
	return httpcore.ClientFunc(func(s *httpcore.Settings) error { return s.AddEditor(fn) })
}

// WithMiddleware wraps the client's transport with mw, for logging, recording or
// checking responses against the spec (contract.Middleware). Middleware added first
// sits closest to the network. The client sees whatever the middleware returns.
func WithMiddleware(mw func(http.RoundTripper) http.RoundTripper) ClientOption {
	return httpcore.ClientFunc(func(s *httpcore.Settings) error { return s.AddMiddleware(mw) })
}

// WithResponseInto stores the call's response metadata in dst once the call is done:
// status, header, request id, attempts, and the rate-limit state of the call's own
// answer. R is the client's rate-limit type: pass an *affinity.Response to an
// Affinity call and an *apollo.Response to an Apollo one; the other is refused. For a
// method that iterates over pages, dst holds the last page's. dst is written from the
// calling goroutine's call only, so each goroutine passes its own.
func WithResponseInto[R any](dst *apicall.Response[R]) CallOption {
	return httpcore.CallFunc(func(c *httpcore.Call) error {
		if dst == nil {
			return &apicall.ParamError{Param: "WithResponseInto", Reason: "destination is nil"}
		}
		c.Into = append(c.Into, dst)
		return nil
	})
}

// WithRawResponseInto stores a copy of the call's 2xx JSON body in dst, for members the
// wrapper's types do not have. It is read within the client's WithMaxBodyBytes, as the
// typed result is; dst is left as it was when the call fails before a 2xx answer, or
// the answer's body is empty or not JSON, and is set even when the method then refuses
// the body (a required member missing, say), which is when it helps most. For a method
// that iterates over pages, dst holds the last page's body.
func WithRawResponseInto(dst *json.RawMessage) CallOption {
	return httpcore.CallFunc(func(c *httpcore.Call) error {
		if dst == nil {
			return &apicall.ParamError{Param: "WithRawResponseInto", Reason: "destination is nil"}
		}
		c.Raw = append(c.Raw, dst)
		return nil
	})
}

// WithQuery adds key=value to the query of the call's requests, for a parameter the
// method does not have. It adds a value, never replaces one: give it once per value
// for a list parameter (Apollo's organization_locations[]), and not for a parameter
// the method already sends. Keys and values are percent-encoded, UTF-8 included. The
// fakes hold requests to the specs, so one made with WithTest reports a parameter the
// spec does not list.
func WithQuery(key, value string) CallOption {
	return httpcore.CallFunc(func(c *httpcore.Call) error {
		if key == "" {
			return &apicall.ParamError{Param: "WithQuery", Reason: "key is empty"}
		}
		if c.Query == nil {
			c.Query = make(map[string][]string)
		}
		c.Query.Add(key, value)
		return nil
	})
}

// WithJSONSet sets a member of the call's JSON request body, for a member the method's
// types do not have: path names it from the body's top, with dots between the names of
// nested objects ("a.b" is member b of member a, which is made if missing or null).
// value is encoded with encoding/json; a json.RawMessage or []byte is taken as JSON
// text. The body is decoded, set and encoded again, so its members come out in
// alphabetical order and numbers as written. Later sets of the same path win.
//
// A call whose body is not a JSON object (an array, or a form) is refused with an
// *apicall.ParamError before anything is sent, as is a GET or HEAD; a POST, PUT, PATCH
// or DELETE without a body gets one made of the members set. A member name with a dot
// in it cannot be reached.
func WithJSONSet(path string, value any) CallOption {
	set, err := httpcore.NewJSONSet(path, value) // encoded now: later changes to value do not count
	return httpcore.CallFunc(func(c *httpcore.Call) error {
		if err != nil {
			e := *err // each call's own, since the client names itself in it
			return &e
		}
		c.Sets = append(c.Sets, set)
		return nil
	})
}

func callTimeout(param string, c *httpcore.Call, d time.Duration) error {
	if d <= 0 {
		return &apicall.ParamError{Param: param, Reason: "timeout must be positive, got " + d.String()}
	}
	c.Timeout = d
	return nil
}

func callHeader(param string, c *httpcore.Call, key, value string) error {
	if !httpcore.ValidHeader(key, value) {
		return &apicall.ParamError{Param: param, Reason: "not a valid header name and value"}
	}
	if c.Header == nil {
		c.Header = http.Header{}
	}
	c.Header.Set(key, value)
	return nil
}
