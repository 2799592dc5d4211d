package httpcore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/apicall"
)

func TestSettersRefuseBadValuesNamingTheOption(t *testing.T) {
	s := DefaultSettings("https://api.example.test", "ua")
	if s.MaxRetries != DefaultMaxRetries || s.MinBackoff != DefaultMinBackoff || s.MaxBackoff != DefaultMaxBackoff ||
		s.MaxBodyBytes != DefaultMaxBodyBytes || s.MaxServerWait != DefaultMaxServerWait || s.UserAgent != "ua" {
		t.Fatalf("defaults = %+v", s)
	}
	bad := map[string]error{
		"WithBaseURL":       s.SetBaseURL("ftp://x"),
		"WithBaseURL host":  s.SetBaseURL("https://"),
		"WithHTTPClient":    s.SetHTTPClient(nil),
		"WithRetries":       s.SetRetries(-1),
		"WithBackoff":       s.SetBackoff(0, time.Second),
		"WithBackoff order": s.SetBackoff(2*time.Second, time.Second),
		"WithLogger":        s.SetLogger(nil),
		"WithMaxBodyBytes":  s.SetMaxBodyBytes(1023),
		"WithMaxRetryWait":  s.SetMaxServerWait(-time.Second),
		"WithRequestEditor": s.AddEditor(nil),
		"WithMiddleware":    s.AddMiddleware(nil),
		"WithTimeout":       s.SetTimeout(0),
		"WithHeader":        s.SetHeader("X-A", "b\r\nX-Evil: 1"),
		"WithHeader name":   s.SetHeader("X:A", "b"),
	}
	for option, err := range bad {
		var pe *apicall.ParamError
		if !errors.As(err, &pe) || pe.Param != strings.Fields(option)[0] || pe.Reason == "" {
			t.Errorf("%s: error %v, want a *apicall.ParamError naming the option", option, err)
		}
	}
	if s.BaseURL != "https://api.example.test" || s.HTTPClient != nil || s.MaxRetries != DefaultMaxRetries || s.MinBackoff != DefaultMinBackoff ||
		s.Logger != nil || s.MaxBodyBytes != DefaultMaxBodyBytes || s.MaxServerWait != DefaultMaxServerWait || s.Editors != nil || s.Middleware != nil ||
		s.Timeout != 0 || s.Header != nil {
		t.Errorf("a refused value changed the settings: %+v", s)
	}
	good := []error{s.SetBaseURL("http://127.0.0.1:8080/api"), s.SetRetries(0), s.SetBackoff(time.Second, time.Second),
		s.SetMaxBodyBytes(1024), s.SetMaxServerWait(0), s.SetLogger(slog.Default()), s.SetTimeout(time.Second), s.SetHeader("X-A", "Zürich")}
	for i, err := range good {
		if err != nil {
			t.Errorf("good value %d refused: %v", i, err)
		}
	}
	if s.BaseURL != "http://127.0.0.1:8080/api" || s.MaxRetries != 0 || s.MinBackoff != time.Second || s.MaxBodyBytes != 1024 ||
		s.Timeout != time.Second || s.Header.Get("X-A") != "Zürich" {
		t.Errorf("settings = %+v", s)
	}
}

func TestClientIsACopyWithMiddlewareInOrderAndAnOriginGuard(t *testing.T) {
	var order []string
	mark := func(name string) func(http.RoundTripper) http.RoundTripper {
		return func(next http.RoundTripper) http.RoundTripper {
			return roundTrip(func(r *http.Request) (*http.Response, error) {
				order = append(order, name)
				return next.RoundTrip(r)
			})
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	callerCheck := 0
	caller := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { callerCheck++; return nil }}
	s := DefaultSettings(srv.URL, "")
	_ = s.SetHTTPClient(caller)
	_ = s.AddMiddleware(mark("inner"))
	_ = s.AddMiddleware(mark("outer"))
	c := s.client()
	if c == caller || caller.Transport != nil {
		t.Fatal("the caller's client was used or changed")
	}
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if strings.Join(order, ",") != "outer,inner" {
		t.Errorf("middleware order = %v, want the first added closest to the network", order)
	}
	// Same origin: followed, without Referer, and the caller's own policy is asked.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/b", nil)
	req.Header.Set("Referer", srv.URL+"/a?api_key=K")
	req.Response = &http.Response{StatusCode: 302}
	if err := c.CheckRedirect(req, []*http.Request{req}); err != nil || req.Header.Get("Referer") != "" || callerCheck != 1 {
		t.Errorf("same origin: %v, Referer %q, caller asked %d times", err, req.Header.Get("Referer"), callerCheck)
	}
	// Another port of the same host: refused, named, key-free.
	other, _ := http.NewRequest(http.MethodGet, strings.Replace(srv.URL, "127.0.0.1:", "127.0.0.1:1", 1)+"/x?api_key=K", nil)
	other.Response = &http.Response{StatusCode: 307}
	err = c.CheckRedirect(other, []*http.Request{req})
	var re *apicall.RedirectError
	if !errors.As(err, &re) || re.StatusCode != 307 || strings.Contains(re.Location, "=K") || !strings.Contains(err.Error(), "refused") {
		t.Errorf("other origin: %v", err)
	}
	// Without a policy of the caller's, ten redirects are the most.
	plain := DefaultSettings(srv.URL, "")
	if err := plain.client().CheckRedirect(req, make([]*http.Request, 10)); err == nil {
		t.Error("an eleventh redirect was followed")
	}
	if err := plain.client().CheckRedirect(req, make([]*http.Request, 9)); err != nil {
		t.Errorf("a tenth redirect was refused: %v", err)
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestOriginOf(t *testing.T) {
	same := [][2]string{{"https://h", "https://h:443/x"}, {"http://H", "http://h:80"}, {"HTTPS://h.example/a", "https://h.example/b"}}
	for _, p := range same {
		a, _ := url.Parse(p[0])
		b, _ := url.Parse(p[1])
		if Origin(a) != Origin(b) {
			t.Errorf("%s and %s should be one origin", p[0], p[1])
		}
	}
	differ := [][2]string{{"https://h", "http://h"}, {"https://h", "https://h:8443"}, {"https://h", "https://g"}}
	for _, p := range differ {
		a, _ := url.Parse(p[0])
		b, _ := url.Parse(p[1])
		if Origin(a) == Origin(b) {
			t.Errorf("%s and %s should be two origins", p[0], p[1])
		}
	}
}

func TestCountInto(t *testing.T) {
	var known, unlimited bool
	var n int64 = 7
	if CountInto("", &known, &unlimited, &n) || known || n != 7 {
		t.Error("an absent value changed the window")
	}
	if !CountInto("12", &known, &unlimited, &n) || !known || unlimited || n != 12 {
		t.Errorf("12: known %v unlimited %v n %d", known, unlimited, n)
	}
	if CountInto("unlimited", &known, &unlimited, &n) || !unlimited || n != 12 {
		t.Errorf("unlimited: unlimited %v n %d", unlimited, n)
	}
}

func TestRetryAfterBounds(t *testing.T) {
	now := time.Now()
	if got := ParseRetryAfter("0.001", now); got != time.Millisecond {
		t.Errorf("a millisecond = %s", got)
	}
	if got := ParseRetryAfter("9223372036", now); got != 9223372036*time.Second {
		t.Errorf("the largest whole-second wait = %s", got)
	}
	if got := ParseRetryAfter("9223372037", now); got != 0 {
		t.Errorf("one second past the largest = %s, want 0", got)
	}
}

func TestBackoffStartsAtTheMinimum(t *testing.T) {
	d := NewDoer(Config[struct{}]{MinBackoff: 10 * time.Millisecond, MaxBackoff: time.Second})
	for range 20 {
		if w := d.backoff(0); w != 10*time.Millisecond {
			t.Fatalf("first backoff = %s, want exactly the minimum", w)
		}
	}
	seenAbove := false
	for range 50 {
		w := d.backoff(1)
		if w < 10*time.Millisecond || w > 20*time.Millisecond {
			t.Fatalf("second backoff = %s, want 10ms to 20ms", w)
		}
		seenAbove = seenAbove || w > 10*time.Millisecond
	}
	if !seenAbove {
		t.Error("the second backoff never went past the minimum")
	}
}

func TestServerWaitCapIsInclusive(t *testing.T) {
	for _, c := range []struct {
		retryAfter string
		slept      bool
	}{{"60", true}, {"61", false}} {
		srv, hits := script(t, answer(429, "Retry-After", c.retryAfter))
		var s sleeps
		d := NewDoer(Config[struct{}]{MaxRetries: 1, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond, MaxServerWait: time.Minute,
			Sleep: s.sleep, Idempotent: func(*http.Request) bool { return true }})
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		resp, err := d.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if slept := len(s.waits) == 1; slept != c.slept || (c.slept && (*hits != 2 || s.waits[0] != time.Minute)) || (!c.slept && *hits != 1) {
			t.Errorf("Retry-After %s: waits %v, hits %d", c.retryAfter, s.waits, *hits)
		}
	}
}

func TestDecodeBoundsBodies(t *testing.T) {
	big := strings.Repeat("x", 100<<10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		if r.URL.Path == "/error" {
			w.WriteHeader(500)
		}
		_, _ = io.WriteString(w, big)
	}))
	defer srv.Close()
	for _, idempotent := range []bool{true, false} { // read in Do, or in Decode
		d := NewDoer(Config[struct{}]{MaxBodyBytes: 50 << 10, Idempotent: func(*http.Request) bool { return idempotent }})
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/ok", nil)
		resp, err := d.Do(req)
		_, err = Decode[string](d, "getBig", resp, err)
		if !errors.Is(err, tooLargeSentinel) {
			t.Errorf("idempotent %v: 100 KiB over a 50 KiB limit: %v", idempotent, err)
		}
		req, _ = http.NewRequest(http.MethodGet, srv.URL+"/error", nil)
		resp, err = d.Do(req)
		_, err = Decode[string](d, "getBig", resp, err)
		var f *apicall.Error[struct{}]
		if !errors.As(err, &f) || f.StatusCode != 500 || len(f.Body) != MaxErrorBody || len(f.Message) > MaxErrorBody {
			t.Errorf("idempotent %v: error body kept %d bytes, message %d", idempotent, len(f.Body), len(f.Message))
		}
	}
}

func TestDecodeChecksRequiredMembers(t *testing.T) {
	srv, _ := script(t)
	d := NewDoer(Config[struct{}]{})
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := d.Do(req)
	type answer struct{ OK bool }
	_, err = Decode(d, "getThing", resp, err, func(a *answer) error {
		return &apicall.MissingMemberError{Member: "ok", Reason: "false"}
	})
	var f *apicall.Error[struct{}]
	if !errors.As(err, &f) || !f.Malformed || !errors.Is(err, malformedSentinel) || !strings.Contains(err.Error(), "ok: false") {
		t.Errorf("err = %v", err)
	}
	if !bytes.Contains(f.Body, []byte(`"ok"`)) {
		t.Errorf("body = %q", f.Body)
	}
}

func TestSleepHonoursTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a done context = %v", err)
	}
	if err := Sleep(t.Context(), time.Microsecond); err != nil {
		t.Errorf("Sleep = %v", err)
	}
}

// failing answers every request with err and counts the attempts in *calls.
func failing(err error, calls *int) *http.Client {
	return &http.Client{Transport: roundTrip(func(*http.Request) (*http.Response, error) {
		*calls++
		return nil, err
	})}
}

func TestTransportErrorsRetryOnlyWhatIsSafeToRepeat(t *testing.T) {
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	reset := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
	dns := &net.DNSError{Err: "no such host", Name: "api.example.test"}
	for _, c := range []struct {
		name       string
		err        error
		idempotent bool
		calls      int
	}{
		{"dial error on a create", dial, false, 3},
		{"DNS error on a create", dns, false, 3},
		{"reset on a create", reset, false, 1},
		{"reset on a read", reset, true, 3},
		{"a refusal that says a repeat is useless", fmt.Errorf("budget spent: %w", ErrNoRetry), true, 1},
	} {
		var calls int
		var s sleeps
		d := NewDoer(Config[struct{}]{HTTPClient: failing(c.err, &calls), MaxRetries: 2,
			MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond, Sleep: s.sleep,
			Idempotent: func(*http.Request) bool { return c.idempotent }})
		req, _ := http.NewRequest(http.MethodPost, "https://api.example.test/v1/x?api_key=sk-secret-123", nil)
		resp, err := d.Do(req)
		if resp != nil || err == nil {
			t.Fatalf("%s: resp %v, err %v", c.name, resp, err)
		}
		if !errors.Is(err, c.err) {
			t.Errorf("%s: error %v does not wrap the transport's", c.name, err)
		}
		if strings.Contains(err.Error(), "sk-secret-123") {
			t.Errorf("%s: the error shows the key: %v", c.name, err)
		}
		if calls != c.calls || len(s.waits) != c.calls-1 {
			t.Errorf("%s: %d calls and %d waits, want %d calls", c.name, calls, len(s.waits), c.calls)
		}
	}
}

func TestTransportRetryStopsWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	var calls int
	d := NewDoer(Config[struct{}]{HTTPClient: failing(&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("refused")}, &calls),
		MaxRetries: 5, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond,
		Sleep: func(context.Context, time.Duration) error { cancel(); return context.Canceled }})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://api.example.test/", nil)
	if _, err := d.Do(req); !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("err %v after %d calls, want context.Canceled after 1", err, calls)
	}
}

func TestUserAgentAndARepeatedBody(t *testing.T) {
	var agents, bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		agents, bodies = append(agents, r.UserAgent()), append(bodies, string(b))
		if len(bodies) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	var s sleeps
	d := NewDoer(Config[struct{}]{UserAgent: "orgapis-test/1", MaxRetries: 1, MinBackoff: time.Millisecond,
		MaxBackoff: time.Millisecond, Sleep: s.sleep, Idempotent: func(*http.Request) bool { return true }})
	req, _ := http.NewRequest(http.MethodPut, srv.URL, strings.NewReader(`{"name":"Acme"}`))
	resp, err := d.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(bodies) != 2 || bodies[0] != `{"name":"Acme"}` || bodies[1] != bodies[0] {
		t.Errorf("bodies sent = %q, want the same body twice", bodies)
	}
	if len(agents) != 2 || agents[0] != "orgapis-test/1" || agents[1] != agents[0] {
		t.Errorf("user agents = %q", agents)
	}
}

func TestStatusBoundsAndTheFallbackMessage(t *testing.T) {
	for _, c := range []struct {
		status  int
		body    string
		ok      bool
		message string
	}{
		{299, `"fine"`, true, ""},
		{300, "", false, "Multiple Choices"},
		{500, "", false, "Internal Server Error"},
		{500, "boom", false, "boom"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(c.status)
			_, _ = io.WriteString(w, c.body)
		}))
		d := NewDoer(Config[struct{}]{})
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		resp, err := d.Do(req)
		got, err := Decode[string](d, "getThing", resp, err)
		srv.Close()
		var f *apicall.Error[struct{}]
		switch {
		case c.ok && (err != nil || got != "fine"):
			t.Errorf("status %d: %q, %v; want a success", c.status, got, err)
		case !c.ok && (!errors.As(err, &f) || f.Message != c.message):
			t.Errorf("status %d: error %v, want a Failure with message %q", c.status, err, c.message)
		}
	}
}

// The sentinels of a Doer without a Service, standing for a wrapper's own.
var (
	notFoundSentinel    = apicall.NewSentinel("", apicall.NotFound, "not found")
	rateLimitedSentinel = apicall.NewSentinel("", apicall.RateLimited, "rate limited")
	malformedSentinel   = apicall.NewSentinel("", apicall.MalformedBody, "malformed response body")
	tooLargeSentinel    = apicall.NewSentinel("", apicall.BodyTooLarge, "response body too large")
)
