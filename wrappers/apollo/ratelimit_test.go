package apollo

import (
	"net/http"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/apicall"
)

func TestParseRateLimitReadsCurrentAndOlderNames(t *testing.T) {
	h := http.Header{}
	h.Set("x-rate-limit-minute", "50")
	h.Set("x-minute-usage", "3")
	h.Set("x-minute-requests-left", "47")
	h.Set("x-rate-limit-daily", "2000")
	h.Set("x-daily-requests-left", "1990")
	h.Set("x-hourly-requests-left", "unlimited")
	rl := parseRateLimit(h, time.Now())
	if rl.Minute != (apicall.Window{Known: true, Limit: 50, Used: 3, Remaining: 47}) {
		t.Errorf("minute = %+v", rl.Minute)
	}
	if rl.Day != (apicall.Window{Known: true, Limit: 2000, Remaining: 1990}) {
		t.Errorf("day (older daily names) = %+v", rl.Day)
	}
	if rl.Hour != (apicall.Window{Known: true, Unlimited: true}) {
		t.Errorf("hour = %+v, want unlimited", rl.Hour)
	}
}
