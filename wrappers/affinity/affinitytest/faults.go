package affinitytest

import (
	"strconv"
	"time"

	"github.com/orgapis/orgapis/internal/fakeserver"
)

// Fault makes one request fail; queue faults with Server.Fail.
type Fault = fakeserver.Fault

// RateLimited is a 429 with the given Retry-After value ("" sends none).
func RateLimited(retryAfter string) Fault { return fakeserver.RateLimited(retryAfter) }

// RateLimitedUntilReset is a 429 without Retry-After whose per-user window resets in
// the given number of seconds, as Affinity answers.
func RateLimitedUntilReset(seconds int) Fault {
	f := fakeserver.RateLimited("")
	f.Header = map[string]string{"X-Ratelimit-Limit-User-Reset": strconv.Itoa(seconds), "X-Ratelimit-Limit-User-Remaining": "0"}
	return f
}

// ServerError is an answer with a 5xx status.
func ServerError(status int) Fault { return fakeserver.ServerError(status) }

// Slow delays the normal answer by d.
func Slow(d time.Duration) Fault { return fakeserver.Slow(d) }

// CutShort answers 200 and drops the connection in the middle of the body.
func CutShort() Fault { return fakeserver.CutShort() }

// Malformed answers 200 with a JSON body cut short.
func Malformed() Fault { return fakeserver.Malformed() }

// Fail queues faults for the next requests, in order.
func (s *Server) Fail(faults ...Fault) { s.faults.Push(faults...) }
