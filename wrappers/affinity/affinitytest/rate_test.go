package affinitytest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgapis/orgapis/specs"
)

// stepClock is a clock a test moves by hand.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// The fake at its own limit: under LimitRate(900), the 900th request of a minute
// passes, shared by v1 and v2, and the 901st (v1 or v2) is a 429 in its API's shape
// with every rate-limit header the spec declares for a 429, the window's reset
// counted down on the injected clock; the last instant of the minute is still in it,
// and the next minute passes again with a fresh window. WithTest holds every answer,
// the 429s included, to the spec.
func TestLimitRateAtTheNineHundredthRequest(t *testing.T) {
	const key = "sk-rate-1"
	fake := NewUnstartedServer(key, WithTest(t))
	t0 := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	clk := &stepClock{now: t0}
	fake.LimitRate(900, clk.Now)
	send := func(i int) *httptest.ResponseRecorder {
		var r *http.Request
		if i%2 == 0 {
			r = httptest.NewRequest("GET", "/lists", nil)
			r.SetBasicAuth("", key)
		} else {
			r = httptest.NewRequest("GET", "/v2/companies", nil)
			r.Header.Set("Authorization", "Bearer "+key)
		}
		w := httptest.NewRecorder()
		fake.Handler().ServeHTTP(w, r)
		return w
	}
	// want checks an answer's status and its window: remaining requests, and seconds
	// to the reset of the window that began at start.
	want := func(t *testing.T, what string, w *httptest.ResponseRecorder, status, remaining int, start time.Time) {
		t.Helper()
		left := start.Add(time.Minute).Sub(clk.Now())
		reset := max(int((left+time.Second-1)/time.Second), 1)
		h := w.Header()
		if w.Code != status || h.Get("X-Ratelimit-Limit-User") != "900" ||
			h.Get("X-Ratelimit-Limit-User-Remaining") != strconv.Itoa(remaining) || h.Get("X-Ratelimit-Limit-User-Reset") != strconv.Itoa(reset) {
			t.Fatalf("%s: %d, user window %q %q %q; want %d, 900 %d %d", what, w.Code, h.Get("X-Ratelimit-Limit-User"),
				h.Get("X-Ratelimit-Limit-User-Remaining"), h.Get("X-Ratelimit-Limit-User-Reset"), status, remaining, reset)
		}
	}
	// 900 requests over 45 seconds, alternating v1 and v2.
	for i := 1; i <= 900; i++ {
		clk.set(t0.Add(time.Duration(i-1) * 50 * time.Millisecond))
		want(t, "request "+strconv.Itoa(i), send(i), http.StatusOK, 900-i, t0)
	}
	declared := rateLimitHeadersOf429(t)
	for i, at := range []time.Duration{45 * time.Second, time.Minute - time.Nanosecond} {
		clk.set(t0.Add(at))
		for _, n := range []int{901 + 2*i, 902 + 2*i} {
			w := send(n)
			want(t, "request "+strconv.Itoa(n), w, http.StatusTooManyRequests, 0, t0)
			for _, name := range declared {
				if w.Header().Get(name) == "" {
					t.Errorf("request %d: the 429 lacks %s, which the spec declares", n, name)
				}
			}
			var body struct {
				Message string `json:"message"`
				Errors  []struct {
					Code string `json:"code"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || (n%2 == 0) != (body.Message != "") ||
				(n%2 == 1) != (len(body.Errors) == 1 && body.Errors[0].Code == "rate-limit") {
				t.Errorf("request %d: body %s, want the 429 of its API", n, w.Body)
			}
		}
	}
	// The next minute is a new window, for both APIs.
	t1 := t0.Add(time.Minute)
	clk.set(t1)
	want(t, "the first request of the next minute", send(0), http.StatusOK, 899, t1)
	want(t, "the second", send(1), http.StatusOK, 898, t1)
	if len(declared) < 6 {
		t.Errorf("the spec declares %v on a 429", declared)
	}
}

// rateLimitHeadersOf429 is the rate-limit headers the spec declares on every 429
// answer of Affinity's, v1's and v2's.
func rateLimitHeadersOf429(t *testing.T) []string {
	t.Helper()
	doc, err := specs.Load(t.Context(), specs.Affinity)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	responses := 0
	for _, name := range []string{"/lists", "/v2/companies"} {
		resp := doc.Paths.Value(name).Get.Responses.Status(http.StatusTooManyRequests)
		if resp == nil {
			t.Fatalf("the spec has no 429 for GET %s", name)
		}
		responses++
		for h := range resp.Value.Headers {
			if strings.HasPrefix(strings.ToLower(h), "x-ratelimit-") {
				count[h]++
			}
		}
	}
	var both []string
	for h, n := range count {
		if n == responses {
			both = append(both, h)
		}
	}
	return both
}
