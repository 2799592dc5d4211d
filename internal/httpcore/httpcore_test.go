package httpcore

import (
	"net/http"
	"testing"
	"time"
)

func TestExtractMessageFromEveryKnownShape(t *testing.T) {
	cases := []struct {
		name, contentType, body, message, code string
	}{
		{"errors objects", "application/json", `{"errors":[{"message":"Invalid page_token variable","param":"page_token"}]}`, "page_token: Invalid page_token variable", ""},
		{"errors strings", "application/json", `{"errors":["a","b"]}`, "a; b", ""},
		{"message", "application/json", `{"message":"Too many"}`, "Too many", ""},
		{"error with code", "application/json", `{"error":"not on free plan","error_code":"API_INACCESSIBLE"}`, "not on free plan", "API_INACCESSIBLE"},
		{"plain text", "text/plain", "Invalid API key. Please check.", "Invalid API key. Please check.", ""},
		{"unknown JSON", "application/json", `{"detail":"x"}`, "", ""},
		{"html page", "text/html", "<html>502</html>", "", ""},
		{"empty", "", "", "", ""},
		{"error object", "application/json", `{"error":{"nested":true}}`, "", ""},
	}
	for _, c := range cases {
		msg, code := extractMessage(c.contentType, []byte(c.body))
		if msg != c.message || code != c.code {
			t.Errorf("%s: got (%q, %q), want (%q, %q)", c.name, msg, code, c.message, c.code)
		}
	}
}

func TestParseApolloReadsCurrentAndOlderNames(t *testing.T) {
	h := http.Header{}
	h.Set("x-rate-limit-minute", "50")
	h.Set("x-minute-usage", "3")
	h.Set("x-minute-requests-left", "47")
	h.Set("x-rate-limit-daily", "2000")
	h.Set("x-daily-requests-left", "1990")
	h.Set("x-hourly-requests-left", "unlimited")
	h.Set("retry-after", "12")
	rl := ParseApollo(h, time.Now())
	if rl.Minute != (Window{Known: true, Limit: 50, Used: 3, Remaining: 47}) {
		t.Errorf("minute = %+v", rl.Minute)
	}
	if !rl.Day.Known || rl.Day.Limit != 2000 || rl.Day.Remaining != 1990 {
		t.Errorf("day (older daily names) = %+v", rl.Day)
	}
	if !rl.Hour.Unlimited {
		t.Errorf("hour = %+v, want unlimited", rl.Hour)
	}
	if rl.RetryAfter != 12*time.Second {
		t.Errorf("retry after = %s", rl.RetryAfter)
	}
}

func TestParseAffinityIgnoresGarbage(t *testing.T) {
	h := http.Header{}
	h.Set("X-Ratelimit-Limit-User", "ninety")
	h.Set("X-Ratelimit-Limit-User-Remaining", "-4")
	h.Set("X-Ratelimit-Limit-User-Reset", "7")
	rl := ParseAffinity(h, time.Now())
	if rl.User.Limit != 0 || rl.User.Remaining != 0 || rl.User.Reset != 7*time.Second || rl.Org.Known {
		t.Errorf("rate limit = %+v", rl)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := map[string]time.Duration{
		"":    0,
		"5":   5 * time.Second,
		"0":   0,
		"-3":  0,
		"abc": 0,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):       0,
	}
	for in, want := range cases {
		if got := ParseRetryAfter(in, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestBackoffStaysWithinBounds(t *testing.T) {
	d := NewDoer(Config{MinBackoff: 10 * time.Millisecond, MaxBackoff: 80 * time.Millisecond})
	for attempt := 0; attempt < 40; attempt++ {
		for i := 0; i < 50; i++ {
			w := d.backoff(attempt)
			if w < 10*time.Millisecond || w > 80*time.Millisecond {
				t.Fatalf("attempt %d: wait %s outside [10ms, 80ms]", attempt, w)
			}
		}
	}
	// Jitter: the waits of a later attempt are not all the same.
	seen := map[time.Duration]bool{}
	for i := 0; i < 20; i++ {
		seen[d.backoff(3)] = true
	}
	if len(seen) < 2 {
		t.Error("backoff has no jitter")
	}
}

func TestRedactURL(t *testing.T) {
	got := RedactURL("https://u:p@api.apollo.io/v1/x?api_key=SECRET&page=2")
	if got != "https://api.apollo.io/v1/x?api_key=REDACTED&page=2" {
		t.Errorf("RedactURL = %s", got)
	}
}
