package affinitytest

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// LimitRate makes the fake hold its key to perMinute requests a minute, as Affinity
// holds each user (900 a minute, shared by v1 and v2), counted on the clock now: a
// request past the limit is 429 until the window resets, and every answer carries the
// window's X-Ratelimit-Limit-User headers. A test or a benchmark that gives the client
// the same clock (and a sleep that moves it) learns how long a job takes under the
// limit without waiting for it. perMinute 0 turns the limit off; until then every
// answer says 899 of 900 left.
func (s *Server) LimitRate(perMinute int, now func() time.Time) {
	s.rate.set(perMinute, now)
}

// rateWindow is the per-user window of LimitRate.
type rateWindow struct {
	mu        sync.Mutex
	perMinute int
	now       func() time.Time
	start     time.Time
	used      int
}

func (rw *rateWindow) set(perMinute int, now func() time.Time) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if now == nil {
		now = time.Now
	}
	rw.perMinute, rw.now, rw.start, rw.used = perMinute, now, time.Time{}, 0
}

// admit counts one request in the window, sets the window's headers on h, and reports
// whether the request is within the limit; without a limit it admits everything.
func (rw *rateWindow) admit(h http.Header) bool {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.perMinute <= 0 {
		return true
	}
	now := rw.now()
	if rw.start.IsZero() || !now.Before(rw.start.Add(time.Minute)) {
		rw.start, rw.used = now, 0
	}
	rw.used++
	reset := max(int((rw.start.Add(time.Minute).Sub(now)+time.Second-1)/time.Second), 1)
	h.Set("X-Ratelimit-Limit-User", strconv.Itoa(rw.perMinute))
	h.Set("X-Ratelimit-Limit-User-Remaining", strconv.Itoa(max(rw.perMinute-rw.used, 0)))
	h.Set("X-Ratelimit-Limit-User-Reset", strconv.Itoa(reset))
	return rw.used <= rw.perMinute
}
