package affinity

import (
	"net/http"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/apicall"
)

func TestParseRateLimit(t *testing.T) {
	h := http.Header{}
	h.Set("X-Ratelimit-Limit-User", "900")
	h.Set("X-Ratelimit-Limit-User-Remaining", "899")
	h.Set("X-Ratelimit-Limit-User-Reset", "42")
	h.Set("X-Ratelimit-Limit-Org", "unlimited")
	h.Set("X-Ratelimit-Limit-Org-Remaining", "unlimited")
	rl := parseRateLimit(h, time.Now())
	if rl.User != (apicall.Window{Known: true, Limit: 900, Remaining: 899, Reset: 42 * time.Second}) {
		t.Errorf("user = %+v", rl.User)
	}
	if rl.Account != (apicall.Window{Known: true, Unlimited: true}) {
		t.Errorf("account = %+v", rl.Account)
	}
}

func TestParseRateLimitIgnoresGarbage(t *testing.T) {
	h := http.Header{}
	h.Set("X-Ratelimit-Limit-User", "ninety")
	h.Set("X-Ratelimit-Limit-User-Remaining", "-4")
	h.Set("X-Ratelimit-Limit-User-Reset", "99999999999999")
	rl := parseRateLimit(h, time.Now())
	if rl.User.Limit != 0 || rl.User.Remaining != 0 || rl.User.Reset != maxResetSeconds*time.Second || rl.Account.Known {
		t.Errorf("rate limit = %+v", rl)
	}
}
