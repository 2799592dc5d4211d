package apollo

import (
	"net/http"
	"time"

	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// RateLimit is the rate-limit state of a response: Apollo's minute, hour and day
// windows for the endpoint called.
type RateLimit struct {
	Minute apicall.Window // x-rate-limit-minute, x-minute-usage, x-minute-requests-left
	Hour   apicall.Window // x-rate-limit-hourly, x-hourly-usage, x-hourly-requests-left
	// Day reads the x-...-24-hour headers, and the older x-...-daily names.
	Day apicall.Window
}

// parseRateLimit reads the x-rate-limit-*, x-*-usage and x-*-requests-left headers.
func parseRateLimit(h http.Header, _ time.Time) RateLimit {
	return RateLimit{
		Minute: parseWindow(h, "minute"),
		Hour:   parseWindow(h, "hourly"),
		Day:    parseWindow(h, "24-hour", "daily"),
	}
}

// parseWindow reads one window under its current name and then any older ones.
func parseWindow(h http.Header, names ...string) apicall.Window {
	var w apicall.Window
	for _, name := range names {
		httpcore.CountInto(h.Get("X-Rate-Limit-"+name), &w.Known, &w.Unlimited, &w.Limit)
		httpcore.CountInto(h.Get("X-"+name+"-Usage"), &w.Known, &w.Unlimited, &w.Used)
		httpcore.CountInto(h.Get("X-"+name+"-Requests-Left"), &w.Known, &w.Unlimited, &w.Remaining)
	}
	return w
}
