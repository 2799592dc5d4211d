package httpcore

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/apicall"
)

func TestExtractMessageFromEveryKnownShape(t *testing.T) {
	cases := []struct {
		name, contentType, body, message string
	}{
		{"errors objects", "application/json", `{"errors":[{"message":"Invalid page_token variable","param":"page_token"}]}`, "page_token: Invalid page_token variable"},
		{"errors strings", "application/json", `{"errors":["a","b"]}`, "a; b"},
		{"message", "application/json", `{"message":"Too many"}`, "Too many"},
		{"error", "application/json", `{"error":"not on free plan","error_code":"API_INACCESSIBLE"}`, "not on free plan"},
		{"plain text", "text/plain", "Invalid API key. Please check.", "Invalid API key. Please check."},
		{"unknown JSON", "application/json", `{"detail":"x"}`, ""},
		{"html page", "text/html", "<html>502</html>", ""},
		{"empty", "", "", ""},
		{"error object", "application/json", `{"error":{"nested":true}}`, ""},
		{"message and error", "application/json", `{"message":"m","error":"e"}`, "m; e"},
		{"errors object without param", "application/json", `{"errors":[{"message":"bad"},{"message":""},{"code":1}]}`, "bad"},
		{"JSON string body", "application/json", `"oops"`, ""},
		{"long text is cut", "text/plain", strings.Repeat("x", 3*MaxErrorBody), strings.Repeat("x", MaxErrorBody)},
	}
	for _, c := range cases {
		if msg := extractMessage(c.contentType, []byte(c.body)); msg != c.message {
			t.Errorf("%s: got %q, want %q", c.name, msg, c.message)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := map[string]time.Duration{
		"":            0,
		"5":           5 * time.Second,
		" 2.5 ":       2500 * time.Millisecond,
		"0":           0,
		"-3":          0,
		"abc":         0,
		"NaN":         0,
		"Inf":         0,
		"-Inf":        0,
		"1e30":        0,
		"99999999999": 0,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):       0,
	}
	for in, want := range cases {
		if got := ParseRetryAfter(in, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestParseCount(t *testing.T) {
	cases := []struct {
		in            string
		n             int64
		unlimited, ok bool
	}{
		{"900", 900, false, true}, {" 0 ", 0, false, true}, {"Unlimited", 0, true, true},
		{"", 0, false, false}, {"-4", 0, false, false}, {"ninety", 0, false, false}, {"1.5", 0, false, false},
		{strconv.FormatUint(math.MaxUint64, 10), 0, false, false},
	}
	for _, c := range cases {
		n, unlimited, ok := ParseCount(c.in)
		if n != c.n || unlimited != c.unlimited || ok != c.ok {
			t.Errorf("ParseCount(%q) = %d, %v, %v", c.in, n, unlimited, ok)
		}
	}
}

func TestBackoffStaysWithinBounds(t *testing.T) {
	d := NewDoer(Config[struct{}]{MinBackoff: 10 * time.Millisecond, MaxBackoff: 80 * time.Millisecond})
	for attempt := 0; attempt < 40; attempt++ {
		ceiling := min(10*time.Millisecond<<min(attempt, 30), 80*time.Millisecond)
		for i := 0; i < 50; i++ {
			if w := d.backoff(attempt); w < 10*time.Millisecond || w > ceiling {
				t.Fatalf("attempt %d: wait %s outside [10ms, %s]", attempt, w, ceiling)
			}
		}
	}
	seen := map[time.Duration]bool{}
	for i := 0; i < 20; i++ {
		seen[d.backoff(3)] = true
	}
	if len(seen) < 2 {
		t.Error("backoff has no jitter")
	}
}

// sleeps records the waits a Doer asked for instead of sleeping.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

// script answers each request with the next status and headers, then 200.
func script(t *testing.T, answers ...http.Header) (*httptest.Server, *int) {
	t.Helper()
	var mu sync.Mutex
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		i := hits
		hits++
		mu.Unlock()
		status := http.StatusOK
		if i < len(answers) {
			for k, v := range answers[i] {
				w.Header()[k] = v
			}
			status, _ = strconv.Atoi(answers[i].Get("X-Status"))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func answer(status int, kv ...string) http.Header {
	h := http.Header{"X-Status": {strconv.Itoa(status)}}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

type window struct{ reset time.Duration }

func TestDoerRetries(t *testing.T) {
	const lo, hi = 10 * time.Millisecond, 40 * time.Millisecond
	cases := []struct {
		name       string
		method     string
		answers    []http.Header
		maxRetries int
		wantHits   int
		wantStatus int
		// Exact waits, or, where backoff chose, nil and a count within [lo, hi].
		wantWaits   []time.Duration
		backoffs    int
		deadline    time.Duration
		rateLimited bool // RateLimitWait answers 7s
	}{
		{name: "success", method: "GET", maxRetries: 3, wantHits: 1, wantStatus: 200},
		{name: "5xx burst then success", method: "GET", maxRetries: 3, answers: []http.Header{answer(500), answer(502), answer(503)},
			wantHits: 4, wantStatus: 200, backoffs: 3},
		{name: "retries run out", method: "GET", maxRetries: 2, answers: []http.Header{answer(504), answer(504), answer(504), answer(504)},
			wantHits: 3, wantStatus: 504, backoffs: 2},
		{name: "Retry-After seconds is the wait", method: "GET", maxRetries: 3, answers: []http.Header{answer(429, "Retry-After", "42")},
			wantHits: 2, wantStatus: 200, wantWaits: []time.Duration{42 * time.Second}},
		{name: "429 without Retry-After waits for the reset", method: "GET", maxRetries: 3, answers: []http.Header{answer(429)},
			rateLimited: true, wantHits: 2, wantStatus: 200, wantWaits: []time.Duration{7 * time.Second}},
		{name: "nonsense Retry-After falls back to backoff", method: "GET", maxRetries: 3, answers: []http.Header{answer(503, "Retry-After", "NaN")},
			wantHits: 2, wantStatus: 200, backoffs: 1},
		{name: "POST is not repeated once sent", method: "POST", maxRetries: 3, answers: []http.Header{answer(503)},
			wantHits: 1, wantStatus: 503},
		{name: "4xx is not repeated", method: "GET", maxRetries: 3, answers: []http.Header{answer(422)}, wantHits: 1, wantStatus: 422},
		{name: "a wait past the deadline returns at once", method: "GET", maxRetries: 3, answers: []http.Header{answer(429, "Retry-After", "30")},
			deadline: 5 * time.Second, wantHits: 1, wantStatus: 429},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, hits := script(t, c.answers...)
			var s sleeps
			cfg := Config[window]{MaxRetries: c.maxRetries, MinBackoff: lo, MaxBackoff: hi, Sleep: s.sleep,
				Idempotent: func(r *http.Request) bool { return r.Method == http.MethodGet }}
			if c.rateLimited {
				cfg.ParseRateLimit = func(http.Header, time.Time) window { return window{reset: 7 * time.Second} }
				cfg.RateLimitWait = func(w window) time.Duration { return w.reset }
			}
			d := NewDoer(cfg)
			ctx := t.Context()
			if c.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, c.deadline)
				defer cancel()
			}
			req, _ := http.NewRequestWithContext(ctx, c.method, srv.URL, strings.NewReader(`{}`))
			resp, err := d.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if *hits != c.wantHits || resp.StatusCode != c.wantStatus {
				t.Errorf("hits %d, status %d; want %d, %d", *hits, resp.StatusCode, c.wantHits, c.wantStatus)
			}
			if c.wantWaits != nil {
				if len(s.waits) != len(c.wantWaits) || s.waits[0] != c.wantWaits[0] {
					t.Errorf("waits %v, want %v", s.waits, c.wantWaits)
				}
				return
			}
			if len(s.waits) != c.backoffs {
				t.Fatalf("waits %v, want %d backoffs", s.waits, c.backoffs)
			}
			for _, w := range s.waits {
				if w < lo || w > hi {
					t.Errorf("backoff %s outside [%s, %s]", w, lo, hi)
				}
			}
		})
	}
}

func TestDecodeTurnsAnswersIntoValuesOrFailures(t *testing.T) {
	srv, _ := script(t, answer(404, "Retry-After", "3"))
	d := NewDoer(Config[struct{}]{})
	get := func() (*http.Response, error) {
		req, _ := http.NewRequest("GET", srv.URL, nil)
		return d.Do(req)
	}
	type ok struct{ OK bool }
	resp, err := get()
	_, err = Decode[ok](d, "getThing", resp, err)
	var f *apicall.Error[struct{}]
	if !errors.As(err, &f) || f.StatusCode != 404 || f.Operation != "getThing" || f.RetryAfter != 3*time.Second || f.Err != nil {
		t.Fatalf("404: %#v", err)
	}
	if !errors.Is(err, notFoundSentinel) || errors.Is(err, rateLimitedSentinel) || errors.Is(err, malformedSentinel) {
		t.Error("StatusIs does not match by status")
	}
	resp, err = get()
	v, err := Decode[ok](d, "getThing", resp, err)
	if err != nil || !v.OK {
		t.Fatalf("200: %+v, %v", v, err)
	}
	resp, err = get()
	_, err = Decode[[]int](d, "getThing", resp, err)
	if !errors.As(err, &f) || f.StatusCode != 200 || f.Err == nil || !errors.Is(err, malformedSentinel) || !strings.Contains(err.Error(), "malformed response body") {
		t.Errorf("undecodable 200: %v", err)
	}
}
