package affinitytest

import (
	"net/http"
	"strconv"
	"time"
)

// Fault makes one request fail. Queue faults with Server.Fail; each is used once, by
// the next request received.
type Fault struct {
	// Status to answer with; 0 answers normally after Delay.
	Status int
	// RetryAfter, if set, is sent as the Retry-After header.
	RetryAfter string
	// UserReset, if set, overrides X-Ratelimit-Limit-User-Reset (seconds).
	UserReset int
	// Body and ContentType replace the error body; empty gives a JSON message.
	Body        string
	ContentType string
	// Delay holds the answer back, for timeout tests.
	Delay time.Duration
}

// RateLimited is a 429 with the given Retry-After value ("" sends none).
func RateLimited(retryAfter string) Fault {
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

// ServerError is an answer with a 5xx status.
func ServerError(status int) Fault { return Fault{Status: status} }

// Slow delays the normal answer by d.
func Slow(d time.Duration) Fault { return Fault{Delay: d} }

// Malformed answers 200 with a body that is not valid JSON.
func Malformed() Fault {
	return Fault{Status: http.StatusOK, Body: `{"organizations": [{"id": 1, "name": `, ContentType: "application/json"}
}

// Fail queues faults for the next requests, in order.
func (s *Server) Fail(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// apply writes the fault's answer and reports whether the request is finished.
func (f Fault) apply(w http.ResponseWriter, r *http.Request) bool {
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return true
		}
	}
	if f.Status == 0 {
		return false
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.UserReset > 0 {
		w.Header().Set("X-Ratelimit-Limit-User-Reset", strconv.Itoa(f.UserReset))
	}
	body, ct := f.Body, f.ContentType
	if body == "" {
		body, ct = `{"message":"`+http.StatusText(f.Status)+`"}`, "application/json"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(body))
	return true
}
