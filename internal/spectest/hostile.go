package spectest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/orgapis/orgapis/specs"
)

// HostileKey is the key the hostile suite authenticates with: it has every character
// that URL, base64 and JSON encodings treat specially.
const HostileKey = "k+y/s=cr&t~<hostile>42"

// Answer is an operation's example answer, decoded, for a Call to take ids from.
type Answer struct{ v any }

// Int is the integer at pointer (such as "/list_entries/0/list_id"); 0 when absent.
func (a Answer) Int(pointer string) int64 {
	n, _ := get(a.v, pointer).(float64)
	return int64(n)
}

// String is the string at pointer; "" when absent.
func (a Answer) String(pointer string) string {
	s, _ := get(a.v, pointer).(string)
	return s
}

// Operation is one wrapper operation as the hostile suite drives it.
type Operation[C any] struct {
	// ID is the operation's operationId in the spec; every one needs an entry.
	ID string
	// Example names the entry of the success response's examples to serve; "" serves
	// its single example.
	Example string
	// Call makes the call, with ids taken from the answer it will get, and returns its
	// error.
	Call func(ctx context.Context, c C, a Answer) error
	// Required points at a member the wrapper must refuse, as a malformed body naming
	// it, when missing, null or of the wrong type.
	Required string
	// BadID, when set, is a value of the wrong kind for Required (a negative or empty
	// id) that must be refused the same way.
	BadID any
	// Segment, for an operation with a string path parameter, makes the call with that
	// parameter set to id. Operations without one must have only integer path
	// parameters in the spec.
	Segment func(ctx context.Context, c C, id string) error
	// OwnSegment, for an operation whose string path parameter the wrapper makes itself
	// from typed input (a caller's string never reaches the path), says how; it stands
	// for Segment.
	OwnSegment string
	// Unwrapped, for an operation the wrapper offers no method for (users reach it
	// through the generated client), says why; such an entry has no Call.
	Unwrapped string
}

// ClientOptions are what a fault needs of the client under test.
type ClientOptions struct {
	BaseURL      string
	MaxBodyBytes int64 // 0 leaves the default
	Retries      int
	Sleep        func(context.Context, time.Duration) error
	Logger       *slog.Logger
}

// Expect are the wrapper's own error tests.
type Expect struct {
	// Prefix starts every error text of the wrapper, such as "affinity: ".
	Prefix                           string
	Malformed, TooLarge, RateLimited error // sentinels, for errors.Is
	Redirect                         func(error) bool
	Param                            func(error) bool
	// UserAgent is what every request's User-Agent must match.
	UserAgent *regexp.Regexp
}

// Hostile runs every operation of api against a server with each fault, and fails
// when an operation of the spec has no entry in ops or an entry names no operation.
func Hostile[C any](t *testing.T, api specs.API, ops []Operation[C], newClient func(*testing.T, ClientOptions) C, want Expect) {
	doc, err := specs.Load(t.Context(), api)
	if err != nil {
		t.Fatal(err)
	}
	routes := routesOf(doc)
	var specIDs, tableIDs []string
	for _, r := range routes {
		specIDs = append(specIDs, r.op.OperationID)
	}
	for _, op := range ops {
		tableIDs = append(tableIDs, op.ID)
	}
	sort.Strings(specIDs)
	sort.Strings(tableIDs)
	if !slices.Equal(specIDs, tableIDs) {
		t.Fatalf("the hostile table does not cover the spec's operations exactly:\nspec:  %v\ntable: %v", specIDs, tableIDs)
	}
	examples := map[string][]byte{}
	for _, r := range routes {
		name, unwrapped := "", false
		for _, op := range ops {
			if op.ID == r.op.OperationID {
				name, unwrapped = op.Example, op.Unwrapped != ""
			}
		}
		if unwrapped {
			continue
		}
		body, err := successExample(r.op, name)
		if err != nil {
			t.Fatalf("%s: %v", r.op.OperationID, err)
		}
		examples[r.op.OperationID] = body
	}
	for _, op := range ops {
		if op.Unwrapped != "" || op.Call == nil {
			if op.Unwrapped == "" || op.Call != nil {
				t.Errorf("%s: an entry needs a Call, or no Call and the reason the wrapper has none", op.ID)
			}
			t.Logf("%s: not wrapped: %s", op.ID, op.Unwrapped)
			continue
		}
		h := &hostile[C]{t: t, routes: routes, examples: examples, op: op, newClient: newClient, want: want}
		for _, r := range routes {
			if r.op.OperationID == op.ID {
				h.route = r
			}
		}
		t.Run(op.ID, h.run)
	}
}

type route struct {
	method  string
	pattern *regexp.Regexp
	op      *openapi3.Operation
}

var pathParam = regexp.MustCompile(`\\\{[^}]*\\\}`)

func routesOf(doc *openapi3.T) []route {
	var out []route
	paths := doc.Paths.InMatchingOrder()
	for _, path := range paths {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			re := "^(?:/api)?(?:/v1)?" + pathParam.ReplaceAllString(regexp.QuoteMeta(path), `[^/]+`) + "/?$"
			out = append(out, route{method: method, pattern: regexp.MustCompile(re), op: op})
		}
	}
	return out
}

func (h *hostile[C]) find(r *http.Request) string {
	for _, rt := range h.routes {
		if rt.method == r.Method && rt.pattern.MatchString(r.URL.EscapedPath()) {
			return rt.op.OperationID
		}
	}
	return ""
}

// successExample is the JSON example of the operation's first 2xx response.
func successExample(op *openapi3.Operation, name string) ([]byte, error) {
	for _, code := range []string{"200", "201", "202"} {
		resp := op.Responses.Value(code)
		if resp == nil || resp.Value == nil {
			continue
		}
		media := resp.Value.Content.Get("application/json")
		if media == nil {
			continue
		}
		value := media.Example
		if name != "" || value == nil {
			keys := slices.Sorted(maps.Keys(media.Examples))
			if name == "" && len(keys) > 0 {
				name = keys[0]
			}
			if ex, ok := media.Examples[name]; ok && ex.Value != nil {
				value = ex.Value.Value
			}
		}
		if value != nil {
			return json.Marshal(value)
		}
	}
	if resp := op.Responses.Value("204"); resp != nil && resp.Value != nil && len(resp.Value.Content) == 0 {
		return []byte{}, nil // an answer without a body: the faults meet an empty one
	}
	return nil, fmt.Errorf("no JSON example of a 2xx answer")
}

type hostile[C any] struct {
	t         *testing.T
	routes    []route
	route     route
	examples  map[string][]byte
	op        Operation[C]
	newClient func(*testing.T, ClientOptions) C
	want      Expect
}

// server answers the operation under test with answer, and any other operation the
// call makes on the way (fields fetched to decode values, say) with its example.
func (h *hostile[C]) server(t *testing.T, answer http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		op := h.find(r)
		if op == h.op.ID {
			answer(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if body, ok := h.examples[op]; ok {
			w.Write(body)
			return
		}
		t.Errorf("%s %s matches no operation", r.Method, r.URL.Path)
		w.WriteHeader(http.StatusNotFound)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func jsonAnswer(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}
}

// call runs the operation against srv with a client made with o.
func (h *hostile[C]) call(t *testing.T, srv *httptest.Server, o ClientOptions) error {
	o.BaseURL = srv.URL
	c := h.newClient(t, o)
	var a Answer
	_ = json.Unmarshal(h.examples[h.op.ID], &a.v)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	err := h.op.Call(ctx, c, a)
	if err != nil && !strings.HasPrefix(err.Error(), h.want.Prefix) {
		t.Errorf("error does not name its service (%q): %v", h.want.Prefix, err)
	}
	noKeyInTree(t, err)
	return err
}

// noKeyInTree fails when any node of err's tree holds the key in any form: its text,
// a cause reached by Unwrap, or an exported field (every error of every fault is
// walked, whatever the fault was for).
func noKeyInTree(t *testing.T, err error) {
	t.Helper()
	for _, leak := range KeyNodes(err, KeyForms(HostileKey)) {
		t.Errorf("the error's tree holds the key: %s", leak)
	}
}

// echoed is a text holding the key in every form KeyForms knows.
func echoed() string {
	return "echo: " + strings.Join(KeyForms(HostileKey), " | ")
}

// echoStrings replaces every string of a decoded JSON value with text.
func echoStrings(v any, text string) any {
	switch t := v.(type) {
	case string:
		return text
	case map[string]any:
		for k, c := range t {
			t[k] = echoStrings(c, text)
		}
	case []any:
		for i, c := range t {
			t[i] = echoStrings(c, text)
		}
	}
	return v
}

func (h *hostile[C]) run(t *testing.T) {
	example := h.examples[h.op.ID]
	t.Run("valid answer", func(t *testing.T) {
		var agent string
		srv, _ := h.server(t, func(w http.ResponseWriter, r *http.Request) {
			agent = r.UserAgent()
			jsonAnswer(example)(w, r)
		})
		if err := h.call(t, srv, ClientOptions{}); err != nil {
			t.Fatalf("the spec's own example fails: %v", err)
		}
		if h.want.UserAgent != nil && !h.want.UserAgent.MatchString(agent) {
			t.Errorf("User-Agent %q does not match %s", agent, h.want.UserAgent)
		}
	})
	for _, status := range []int{http.StatusCreated, http.StatusAccepted} {
		if h.route.op.Responses.Value(strconv.Itoa(status)) == nil {
			continue
		}
		t.Run(fmt.Sprintf("valid answer as %d", status), func(t *testing.T) {
			srv, _ := h.server(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				w.Write(example)
			})
			if err := h.call(t, srv, ClientOptions{}); err != nil {
				t.Fatalf("the spec's example, answered %d as the spec allows, fails: %v", status, err)
			}
		})
	}
	t.Run("body at and over the limit", func(t *testing.T) {
		limit := max(int64(len(example))+64, 1024)
		at := append(bytes.Clone(example), bytes.Repeat([]byte(" "), int(limit)-len(example))...)
		srv, _ := h.server(t, jsonAnswer(at))
		if err := h.call(t, srv, ClientOptions{MaxBodyBytes: limit}); err != nil {
			t.Errorf("a body of exactly the limit fails: %v", err)
		}
		over := append(at, ' ')
		srv, _ = h.server(t, jsonAnswer(over))
		if err := h.call(t, srv, ClientOptions{MaxBodyBytes: limit}); !errors.Is(err, h.want.TooLarge) {
			t.Errorf("a body one byte over the limit: %v", err)
		}
	})
	if h.op.Required != "" {
		member := h.op.Required[strings.LastIndex(h.op.Required, "/")+1:]
		for _, m := range []struct {
			name  string
			value any
			del   bool
		}{{"missing", nil, true}, {"null", nil, false}, {"wrong type", wrongType(get(decode(example), h.op.Required)), false}, {"wrong kind", h.op.BadID, false}} {
			if m.name == "wrong kind" && m.value == nil {
				continue
			}
			t.Run("required member "+m.name, func(t *testing.T) {
				body, err := mutate(example, h.op.Required, m.value, m.del)
				if err != nil {
					t.Fatal(err)
				}
				srv, _ := h.server(t, jsonAnswer(body))
				err = h.call(t, srv, ClientOptions{})
				if !errors.Is(err, h.want.Malformed) || !strings.Contains(err.Error(), member) {
					t.Errorf("%s %s: err = %v, want a malformed body naming %q", h.op.Required, m.name, err, member)
				}
			})
		}
	}
	t.Run("cross-origin redirect", func(t *testing.T) {
		var other atomic.Int32
		elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { other.Add(1) }))
		defer elsewhere.Close()
		srv, _ := h.server(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusFound)
		})
		if err := h.call(t, srv, ClientOptions{}); !h.want.Redirect(err) || other.Load() != 0 {
			t.Errorf("err = %v, %d requests reached the other origin", err, other.Load())
		}
	})
	t.Run("key in a refused redirect's location", func(t *testing.T) {
		var other atomic.Int32
		elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { other.Add(1) }))
		defer elsewhere.Close()
		srv, _ := h.server(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", elsewhere.URL+"/"+url.PathEscape(echoed())+"?api_key="+url.QueryEscape(HostileKey)+"&next="+url.QueryEscape(echoed()))
			w.WriteHeader(http.StatusFound)
		})
		if err := h.call(t, srv, ClientOptions{}); !h.want.Redirect(err) || other.Load() != 0 {
			t.Errorf("err = %v, %d requests reached the other origin", err, other.Load())
		}
	})
	t.Run("key echoed in every string of a 2xx answer", func(t *testing.T) {
		// Every string member holds the key in every form: names, cursors, nextUrl,
		// values. Whatever the wrapper refuses, and quotes, must come out scrubbed.
		body, _ := json.Marshal(echoStrings(decode(example), echoed()))
		srv, _ := h.server(t, jsonAnswer(body))
		_ = h.call(t, srv, ClientOptions{})
	})
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusNotFound} {
		t.Run(fmt.Sprintf("key echoed in a %d answer", status), func(t *testing.T) {
			forms := KeyForms(HostileKey)
			msg, _ := json.Marshal(map[string]any{"message": echoed(), "errors": forms, "error": echoed(), "error_code": forms[1], "id": echoed()})
			srv, _ := h.server(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("X-Echo", echoed())
				w.WriteHeader(status)
				w.Write(msg)
			})
			if err := h.call(t, srv, ClientOptions{Retries: 1, Sleep: func(context.Context, time.Duration) error { return nil }}); err == nil {
				t.Fatal("an error answer was taken for success")
			}
		})
	}
	t.Run("key echoed in every encoding", func(t *testing.T) {
		forms := KeyForms(HostileKey)
		msg, _ := json.Marshal(map[string]any{"message": "bad key: " + strings.Join(forms, " | "), "errors": forms, "error_code": forms[1]})
		srv, _ := h.server(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Request-Id", forms[1])
			w.WriteHeader(http.StatusServiceUnavailable) // retried, so logged, where the method allows

			w.Write(msg)
		})
		var logs syncBuffer
		logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		err := h.call(t, srv, ClientOptions{Logger: logger, Retries: 1, Sleep: func(context.Context, time.Duration) error { return nil }})
		if err == nil {
			t.Fatal("an error answer was taken for success")
		}
		for name, text := range map[string]string{"error": err.Error(), "%+v": fmt.Sprintf("%+v", err), "%#v": fmt.Sprintf("%#v", err), "logs": logs.String()} {
			for _, form := range forms {
				if strings.Contains(text, form) {
					t.Errorf("%s holds the key as %q: %s", name, form, text)
				}
			}
		}
	})
	t.Run("absurd rate-limit headers", func(t *testing.T) {
		var slept []time.Duration
		var mu sync.Mutex
		sleep := func(_ context.Context, d time.Duration) error {
			mu.Lock()
			slept = append(slept, d)
			mu.Unlock()
			return nil
		}
		srv, _ := h.server(t, func(w http.ResponseWriter, r *http.Request) {
			absurdRateLimit(w.Header())
			w.Header().Set("Retry-After", "86400")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"message":"slow down"}`)
		})
		if err := h.call(t, srv, ClientOptions{Retries: 3, Sleep: sleep}); !errors.Is(err, h.want.RateLimited) || len(slept) != 0 {
			t.Errorf("a 429 asking for a day: err = %v, slept %v", err, slept)
		}
		srv, _ = h.server(t, func(w http.ResponseWriter, r *http.Request) {
			absurdRateLimit(w.Header())
			jsonAnswer(example)(w, r)
		})
		if err := h.call(t, srv, ClientOptions{Sleep: sleep}); err != nil || len(slept) != 0 {
			t.Errorf("a good answer with absurd headers: err = %v, slept %v", err, slept)
		}
	})
	t.Run("path ids", h.pathIDs)
}

// pathIDs checks that no path parameter can leave its segment: string ones are
// refused as dots and escaped otherwise; every other one must be an integer.
func (h *hostile[C]) pathIDs(t *testing.T) {
	var strs []string
	for _, p := range h.route.op.Parameters {
		if p.Value != nil && p.Value.In == "path" && p.Value.Schema != nil && !p.Value.Schema.Value.Type.Is("integer") {
			strs = append(strs, p.Value.Name)
		}
	}
	if h.op.Segment == nil {
		if len(strs) > 0 && h.op.OwnSegment == "" {
			t.Fatalf("path parameters %v are not integers: give the entry a Segment", strs)
		}
		return
	}
	if len(strs) == 0 {
		t.Fatal("a Segment for an operation without string path parameters")
	}
	for _, id := range []string{"..", "."} {
		srv, hits := h.server(t, jsonAnswer(h.examples[h.op.ID]))
		c := h.newClient(t, ClientOptions{BaseURL: srv.URL})
		err := h.op.Segment(t.Context(), c, id)
		noKeyInTree(t, err)
		if !h.want.Param(err) || hits.Load() != 0 || !strings.HasPrefix(err.Error(), h.want.Prefix) {
			t.Errorf("id %q: err = %v, %d requests sent", id, err, hits.Load())
		}
	}
	for _, id := range []string{"../x", "a/b", "a?b=c", "a#b", "100%", "%2e%2e", "..%2f", " a b "} {
		var got string
		srv, _ := h.server(t, func(w http.ResponseWriter, r *http.Request) {
			got = r.URL.EscapedPath()
			jsonAnswer(h.examples[h.op.ID])(w, r)
		})
		c := h.newClient(t, ClientOptions{BaseURL: srv.URL})
		_ = h.op.Segment(t.Context(), c, id)
		// The id must arrive as exactly one segment of the operation's path.
		if !h.route.pattern.MatchString(got) || !strings.Contains(got, "/"+url.PathEscape(id)) {
			t.Errorf("id %q arrived as path %q", id, got)
		}
	}
}

func absurdRateLimit(h http.Header) {
	for _, name := range []string{"X-Ratelimit-Limit-User", "X-Ratelimit-Limit-Org", "x-rate-limit-minute", "x-rate-limit-hourly", "x-rate-limit-24-hour"} {
		h.Set(name, "99999999999999999999999999")
	}
	for _, name := range []string{"X-Ratelimit-Limit-User-Remaining", "X-Ratelimit-Limit-Org-Remaining", "x-minute-requests-left", "x-hourly-requests-left", "x-24-hour-requests-left"} {
		h.Set(name, "0")
	}
	for _, name := range []string{"X-Ratelimit-Limit-User-Reset", "X-Ratelimit-Limit-Org-Reset"} {
		h.Set(name, "86400")
	}
	h.Set("x-minute-usage", "-5")
	h.Set("x-hourly-usage", "lots")
	h.Set("x-24-hour-usage", "1e400")
}

func decode(body []byte) any {
	var v any
	_ = json.Unmarshal(body, &v)
	return v
}

// get is the value at a JSON pointer whose segments are member names and indices.
func get(v any, pointer string) any {
	for _, seg := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		switch c := v.(type) {
		case map[string]any:
			v = c[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			v = c[i]
		default:
			return nil
		}
	}
	return v
}

// mutate returns body with the member at pointer deleted, or set to value.
func mutate(body []byte, pointer string, value any, del bool) ([]byte, error) {
	v := decode(body)
	i := strings.LastIndex(pointer, "/")
	parent, last := get(v, pointer[:i]), pointer[i+1:]
	if i == 0 {
		parent = v
	}
	switch p := parent.(type) {
	case map[string]any:
		if _, ok := p[last]; !ok {
			return nil, fmt.Errorf("the example has no member %s", pointer)
		}
		if del {
			delete(p, last)
		} else {
			p[last] = value
		}
	default:
		return nil, fmt.Errorf("the example has no object holding %s", pointer)
	}
	return json.Marshal(v)
}

// wrongType is a value of another JSON type than v.
func wrongType(v any) any {
	switch v.(type) {
	case string:
		return 12345
	case float64, bool:
		return "not a number"
	case map[string]any:
		return []any{"not", "an", "object"}
	}
	return map[string]any{"not": "expected"}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
