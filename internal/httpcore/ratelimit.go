package httpcore

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Window is one rate-limit window as a response reported it.
type Window struct {
	// Known is true when the response reported anything about this window.
	Known bool
	// Unlimited is true when the plan has no limit here (the service says "unlimited").
	Unlimited bool
	Limit     int64         // requests allowed in the window
	Remaining int64         // requests left in the window
	Used      int64         // requests made in the window (Apollo only)
	Reset     time.Duration // time until the window resets (Affinity only)
}

// RateLimit is the rate-limit state of the last response. Affinity reports the User and
// Org windows; Apollo the Minute, Hour and Day windows. Windows a response did not report
// have Known false.
type RateLimit struct {
	User, Org         Window // Affinity: per user per minute; per account per month
	Minute, Hour, Day Window // Apollo: per team and endpoint
	// RetryAfter is the wait the response asked for (Retry-After), or zero.
	RetryAfter time.Duration
}

// ParseAffinity reads Affinity's X-Ratelimit-Limit-{User,Org}[-Remaining|-Reset] headers
// and Retry-After.
func ParseAffinity(h http.Header, now time.Time) RateLimit {
	var rl RateLimit
	for _, w := range []struct {
		scope string
		win   *Window
	}{{"User", &rl.User}, {"Org", &rl.Org}} {
		prefix := "X-Ratelimit-Limit-" + w.scope
		setCount(w.win, h.Get(prefix), &w.win.Limit)
		setCount(w.win, h.Get(prefix+"-Remaining"), &w.win.Remaining)
		var secs int64
		if setCount(w.win, h.Get(prefix+"-Reset"), &secs) {
			w.win.Reset = time.Duration(secs) * time.Second
		}
	}
	rl.RetryAfter = ParseRetryAfter(h.Get("Retry-After"), now)
	return rl
}

// ParseApollo reads Apollo's x-rate-limit-*, x-*-usage and x-*-requests-left headers,
// including the older "daily" names, and retry-after.
func ParseApollo(h http.Header, now time.Time) RateLimit {
	var rl RateLimit
	for _, w := range []struct {
		names []string // current name first, then older ones
		win   *Window
	}{
		{[]string{"minute"}, &rl.Minute},
		{[]string{"hourly"}, &rl.Hour},
		{[]string{"24-hour", "daily"}, &rl.Day},
	} {
		for _, name := range w.names {
			setCount(w.win, h.Get("X-Rate-Limit-"+name), &w.win.Limit)
			setCount(w.win, h.Get("X-"+name+"-Usage"), &w.win.Used)
			setCount(w.win, h.Get("X-"+name+"-Requests-Left"), &w.win.Remaining)
		}
	}
	rl.RetryAfter = ParseRetryAfter(h.Get("Retry-After"), now)
	return rl
}

// setCount parses a count or "unlimited" into dst and reports whether it found either.
// Anything else is ignored: a malformed header must not fail a call.
func setCount(w *Window, v string, dst *int64) bool {
	v = strings.TrimSpace(v)
	if v == "" {
		return false
	}
	if strings.EqualFold(v, "unlimited") {
		w.Known, w.Unlimited = true, true
		return false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return false
	}
	w.Known = true
	*dst = n
	return true
}

// ParseRetryAfter reads a Retry-After value in seconds or as an HTTP date. It returns
// zero for an absent, malformed or past value.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
