package option_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/option"
)

// The client's defaults in these tests, each told apart from what a call option sets.
const (
	defaultRetries = 2
	defaultTimeout = time.Hour
	defaultHeader  = "client"
)

// attempt is what one request of a call carried, as the client's middleware saw it.
type attempt struct {
	header   http.Header
	query    url.Values
	body     string
	deadline time.Duration // time left on the request's context; 0 for none
}

// harness is a client of one service, with the defaults above, against a server that
// answers every request (503 while failing), and what its calls sent.
type harness struct {
	service  string
	failing  atomic.Bool
	mu       sync.Mutex
	attempts []attempt
	// The destinations of the options that write into the caller's variables.
	raw                json.RawMessage
	affinityResp       affinity.Response
	apolloResp         apollo.Response
	typed, do          func(ctx context.Context, opts ...option.CallOption) error
	responseInto       func() option.CallOption // option.WithResponseInto of the client's own type
	responded          func() bool
	resetDestinations  func()
	untouchedResponses func() bool
}

func (h *harness) take() []attempt {
	h.mu.Lock()
	defer h.mu.Unlock()
	a := h.attempts
	h.attempts = nil
	return a
}

// The body a server answers, one both services' GetOrganization accept.
const answer = `{"id":7,"name":"Org 7","domain":null,"domains":[],"crunchbase_uuid":null,"global":false,"organization":{"id":"o1","name":"Org 7"}}`

func newHarness(t *testing.T, service string) *harness {
	t.Helper()
	h := &harness{service: service}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if h.failing.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"message":"unavailable"}`)
			return
		}
		fmt.Fprint(w, answer)
	}))
	t.Cleanup(srv.Close)
	record := func(next http.RoundTripper) http.RoundTripper {
		return roundTripper(func(r *http.Request) (*http.Response, error) {
			a := attempt{header: r.Header.Clone(), query: r.URL.Query()}
			if d, ok := r.Context().Deadline(); ok {
				a.deadline = time.Until(d)
			}
			if r.Body != nil {
				b, err := io.ReadAll(r.Body)
				if err != nil {
					return nil, err
				}
				a.body = string(b)
				r.Body = io.NopCloser(bytes.NewReader(b))
			}
			h.mu.Lock()
			h.attempts = append(h.attempts, a)
			h.mu.Unlock()
			return next.RoundTrip(r)
		})
	}
	opts := []option.ClientOption{
		option.WithBaseURL(srv.URL), option.WithRetries(defaultRetries), option.WithTimeout(defaultTimeout),
		option.WithHeader("X-Default", defaultHeader), option.WithMiddleware(record),
		// Waits between attempts are recorded by nobody and slept by nobody.
		httpcore.ClientFunc(func(s *httpcore.Settings) error {
			s.Sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
			return nil
		}),
	}
	body := map[string]any{"a": 1}
	switch service {
	case "affinity":
		c, err := affinity.NewClient("sk-affinity-1", opts...)
		if err != nil {
			t.Fatal(err)
		}
		h.typed = func(ctx context.Context, o ...option.CallOption) error {
			_, err := c.GetOrganization(ctx, 7, affinity.GetOrganizationOptions{}, o...)
			return err
		}
		h.do = func(ctx context.Context, o ...option.CallOption) error {
			return c.Do(ctx, http.MethodPut, "/things/7", nil, body, nil, o...)
		}
		h.responseInto = func() option.CallOption { return option.WithResponseInto(&h.affinityResp) }
		h.responded = func() bool { return h.affinityResp.Attempts > 0 }
	case "apollo":
		c, err := apollo.NewClient("apollo-key-12", opts...)
		if err != nil {
			t.Fatal(err)
		}
		h.typed = func(ctx context.Context, o ...option.CallOption) error {
			_, err := c.GetOrganization(ctx, "o1", o...)
			return err
		}
		// A search only reads, so Apollo's is repeated as a GET is.
		h.do = func(ctx context.Context, o ...option.CallOption) error {
			return c.Do(ctx, http.MethodPost, "/mixed_companies/search", nil, body, nil, o...)
		}
		h.responseInto = func() option.CallOption { return option.WithResponseInto(&h.apolloResp) }
		h.responded = func() bool { return h.apolloResp.Attempts > 0 }
	}
	h.resetDestinations = func() {
		h.raw, h.affinityResp, h.apolloResp = nil, affinity.Response{}, apollo.Response{}
	}
	h.untouchedResponses = func() bool {
		return h.raw == nil && h.affinityResp.Attempts == 0 && h.apolloResp.Attempts == 0 &&
			h.affinityResp.Header == nil && h.apolloResp.Header == nil
	}
	return h
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// shape is a call of a harness: a typed GET, or a request with a JSON body through
// Do that the client repeats (Affinity's PUT, Apollo's search POST).
type shape struct {
	name string
	call func(h *harness) func(context.Context, ...option.CallOption) error
	body string // the body the call sends without options
}

var shapes = []shape{
	{"a typed GET", func(h *harness) func(context.Context, ...option.CallOption) error { return h.typed }, ""},
	{"a JSON body through Do", func(h *harness) func(context.Context, ...option.CallOption) error { return h.do }, `{"a":1}`},
}

// callOptionEntry is how to make one call option, and how its own call shows it took
// effect: the test of its effect on the next call is the same for every option.
type callOptionEntry struct {
	make func(h *harness) option.CallOption
	// failing makes the option's own call against a failing server.
	failing bool
	// took reports whether the option's call shows the option: from what the call
	// sent, its error and the destinations it wrote.
	took func(h *harness, s shape, sent []attempt, err error) bool
}

func refused(err error) bool {
	var pe *apicall.ParamError
	return errors.As(err, &pe)
}

func sentOnce(sent []attempt, ok func(attempt) bool) bool {
	return len(sent) == 1 && ok(sent[0])
}

func retriesNone(_ *harness, _ shape, sent []attempt, _ error) bool { return len(sent) == 1 }

func headerCall(_ *harness, _ shape, sent []attempt, _ error) bool {
	return sentOnce(sent, func(a attempt) bool { return a.header.Get("X-Default") == "call" })
}

func timeoutMinute(_ *harness, _ shape, sent []attempt, _ error) bool {
	return sentOnce(sent, func(a attempt) bool { return a.deadline > 0 && a.deadline <= time.Minute })
}

// callOptions has an entry for every exported function that makes a call option, in
// package option and in each service's package, by qualified name.
var callOptions = map[string]callOptionEntry{
	"option.WithRetries":     {make: func(*harness) option.CallOption { return option.WithRetries(0) }, failing: true, took: retriesNone},
	"option.WithCallRetries": {make: func(*harness) option.CallOption { return option.WithCallRetries(0) }, failing: true, took: retriesNone},
	"option.WithTimeout":     {make: func(*harness) option.CallOption { return option.WithTimeout(time.Minute) }, took: timeoutMinute},
	"option.WithCallTimeout": {make: func(*harness) option.CallOption { return option.WithCallTimeout(time.Minute) }, took: timeoutMinute},
	"option.WithHeader":      {make: func(*harness) option.CallOption { return option.WithHeader("X-Default", "call") }, took: headerCall},
	"option.WithCallHeader":  {make: func(*harness) option.CallOption { return option.WithCallHeader("X-Default", "call") }, took: headerCall},
	"option.WithQuery": {make: func(*harness) option.CallOption { return option.WithQuery("extra", "é 1") },
		took: func(_ *harness, _ shape, sent []attempt, _ error) bool {
			return sentOnce(sent, func(a attempt) bool { return a.query.Get("extra") == "é 1" })
		}},
	"option.WithJSONSet": {make: func(*harness) option.CallOption { return option.WithJSONSet("extra", 1) },
		took: func(_ *harness, s shape, sent []attempt, err error) bool {
			if s.body == "" { // a GET has no body to set a member of
				return len(sent) == 0 && refused(err)
			}
			return sentOnce(sent, func(a attempt) bool { return a.body == `{"a":1,"extra":1}` })
		}},
	"option.WithRawResponseInto": {make: func(h *harness) option.CallOption { return option.WithRawResponseInto(&h.raw) },
		took: func(h *harness, _ shape, _ []attempt, err error) bool { return err == nil && string(h.raw) == answer }},
	"option.WithResponseInto": {make: func(h *harness) option.CallOption { return h.responseInto() },
		took: func(h *harness, _ shape, _ []attempt, err error) bool { return err == nil && h.responded() }},
	"affinity.WithResponseInto": {make: func(h *harness) option.CallOption { return affinity.WithResponseInto(&h.affinityResp) },
		took: func(h *harness, _ shape, sent []attempt, err error) bool {
			if h.service != "affinity" {
				return len(sent) == 0 && refused(err) // another client's type
			}
			return err == nil && h.responded()
		}},
	// A budget of no credits: Apollo's GetOrganization, which costs one, is refused
	// before sending, and so is Do, which cannot tell a cost; Affinity's client refuses
	// another package's option.
	"apollo.WithCreditBudget": {make: func(*harness) option.CallOption { return apollo.WithCreditBudget(0) },
		took: func(h *harness, s shape, sent []attempt, err error) bool {
			if h.service == "apollo" && s.body == "" {
				return len(sent) == 0 && errors.Is(err, apollo.ErrOverBudget)
			}
			return len(sent) == 0 && refused(err)
		}},
	"apollo.WithResponseInto": {make: func(h *harness) option.CallOption { return apollo.WithResponseInto(&h.apolloResp) },
		took: func(h *harness, _ shape, sent []attempt, err error) bool {
			if h.service != "apollo" {
				return len(sent) == 0 && refused(err)
			}
			return err == nil && h.responded()
		}},
}

// callOptionConstructors are the exported functions of the package in dir that return
// a call option (option.CallOption or option.Option; in package option itself,
// CallOption or Option), named pkg.Name.
func callOptionConstructors(t *testing.T, dir, pkg string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, entry := range entries {
		if !strings.HasSuffix(entry.Name(), ".go") || strings.HasSuffix(entry.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, entry.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !fn.Name.IsExported() || fn.Type.Results == nil {
				continue
			}
			for _, r := range fn.Type.Results.List {
				var typ string
				switch e := r.Type.(type) {
				case *ast.Ident:
					if pkg == "option" {
						typ = e.Name
					}
				case *ast.SelectorExpr:
					if x, ok := e.X.(*ast.Ident); ok && x.Name == "option" {
						typ = e.Sel.Name
					}
				}
				if typ == "CallOption" || typ == "Option" {
					names = append(names, pkg+"."+fn.Name.Name)
				}
			}
		}
	}
	slices.Sort(names)
	return names
}

// The table above is the list of call options: a new constructor without an entry
// fails here, and so does an entry whose constructor is gone.
func TestEveryCallOptionHasAnEntry(t *testing.T) {
	var found []string
	for dir, pkg := range map[string]string{".": "option", "../affinity": "affinity", "../apollo": "apollo"} {
		found = append(found, callOptionConstructors(t, dir, pkg)...)
	}
	if len(found) < 10 {
		t.Fatalf("found only %v", found)
	}
	for _, name := range found {
		if _, ok := callOptions[name]; !ok {
			t.Errorf("%s makes a call option and has no entry in callOptions", name)
		}
	}
	for name := range callOptions {
		if !slices.Contains(found, name) {
			t.Errorf("callOptions has %s, which no package declares", name)
		}
	}
}

// One call's option is that call's only: after a call with it, whatever it did (and
// whether the call was refused), the next calls without it, failing and not, have the
// client's defaults: its retries, its timeout, its header, no query or body member of
// the option's, and no write into the option's destination. For every call option,
// both services and both kinds of call.
func TestACallOptionLeavesTheClientsDefaults(t *testing.T) {
	for _, service := range []string{"affinity", "apollo"} {
		for _, s := range shapes {
			for _, name := range slices.Sorted(maps.Keys(callOptions)) {
				e := callOptions[name]
				t.Run(service+"/"+s.name+"/"+name, func(t *testing.T) {
					h := newHarness(t, service)
					call := s.call(h)
					h.failing.Store(e.failing)
					err := call(t.Context(), e.make(h))
					if sent := h.take(); !e.took(h, s, sent, err) {
						t.Fatalf("the call with the option shows nothing of it: err %v, sent %+v", err, sent)
					}
					h.resetDestinations()
					// The next call, failing: the client's retries, each with its defaults.
					h.failing.Store(true)
					if err := call(t.Context()); err == nil {
						t.Fatal("a failing call succeeded")
					}
					sent := h.take()
					if len(sent) != 1+defaultRetries {
						t.Errorf("the next failing call sent %d attempts, want the client's %d", len(sent), 1+defaultRetries)
					}
					// And one that succeeds.
					h.failing.Store(false)
					if err := call(t.Context()); err != nil {
						t.Fatalf("the next call: %v", err)
					}
					sent = append(sent, h.take()...)
					for i, a := range sent {
						if got := a.header.Get("X-Default"); got != defaultHeader {
							t.Errorf("attempt %d after: X-Default %q, want the client's %q", i, got, defaultHeader)
						}
						if len(a.query) != 0 {
							t.Errorf("attempt %d after: query %v, want none", i, a.query)
						}
						if a.body != s.body {
							t.Errorf("attempt %d after: body %q, want %q", i, a.body, s.body)
						}
						if a.deadline < defaultTimeout/2 {
							t.Errorf("attempt %d after: %v left, want the client's timeout of %v", i, a.deadline, defaultTimeout)
						}
					}
					if !h.untouchedResponses() {
						t.Errorf("a call without the option wrote into its destination")
					}
				})
			}
		}
	}
}
