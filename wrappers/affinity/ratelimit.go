package affinity

import (
	"net/http"
	"time"

	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// RateLimit is the rate-limit state of a response. Affinity limits each user over a
// short window and each account over a month; any exhausted window answers 429.
type RateLimit struct {
	// User is the per-user window (X-Ratelimit-Limit-User*): 900 requests per
	// 60 seconds.
	User apicall.Window
	// Account is the per-account monthly quota (X-Ratelimit-Limit-Org*).
	Account apicall.Window
}

// maxResetSeconds keeps an absurd reset header from overflowing a Duration.
const maxResetSeconds = 1 << 32

// parseRateLimit reads the X-Ratelimit-Limit-{User,Org}[-Remaining|-Reset] headers.
func parseRateLimit(h http.Header, _ time.Time) RateLimit {
	return RateLimit{User: parseWindow(h, "User"), Account: parseWindow(h, "Org")}
}

func parseWindow(h http.Header, scope string) apicall.Window {
	var w apicall.Window
	prefix := "X-Ratelimit-Limit-" + scope
	httpcore.CountInto(h.Get(prefix), &w.Known, &w.Unlimited, &w.Limit)
	httpcore.CountInto(h.Get(prefix+"-Remaining"), &w.Known, &w.Unlimited, &w.Remaining)
	var secs int64
	if httpcore.CountInto(h.Get(prefix+"-Reset"), &w.Known, &w.Unlimited, &secs) {
		w.Reset = time.Duration(min(secs, maxResetSeconds)) * time.Second
	}
	return w
}
