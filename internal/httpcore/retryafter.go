package httpcore

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ParseRetryAfter reads a Retry-After value in seconds or as an HTTP date. An absent,
// malformed, negative, infinite or overflowing value, or a date in the past, is zero:
// the caller falls back to its own backoff.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if math.IsNaN(secs) || secs <= 0 || secs > float64(math.MaxInt64/int64(time.Second)) {
			return 0
		}
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// ParseCount reads a rate-limit count header: a non-negative integer, or "unlimited".
// ok is false for an absent or malformed value, which must never fail a call.
func ParseCount(v string) (n int64, unlimited, ok bool) {
	v = strings.TrimSpace(v)
	if strings.EqualFold(v, "unlimited") {
		return 0, true, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false, false
	}
	return n, false, true
}

// CountInto reads a rate-limit count header into a window's fields: known becomes true
// for any valid value, unlimited for "unlimited", and dst takes a count. It reports
// whether dst was set.
func CountInto(v string, known, unlimited *bool, dst *int64) bool {
	n, isUnlimited, ok := ParseCount(v)
	if !ok {
		return false
	}
	*known = true
	if isUnlimited {
		*unlimited = true
		return false
	}
	*dst = n
	return true
}
