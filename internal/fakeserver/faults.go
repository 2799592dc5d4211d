// Package fakeserver holds what the affinitytest and apollotest fakes share: faults
// that make a request fail the way the real services fail, and a queue of them.
package fakeserver

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault makes one request fail. Each queued fault is used once, by the next request.
type Fault struct {
	// Status to answer with; 0 answers normally after Delay, with Header added.
	Status int
	// RetryAfter, if set, is sent as the Retry-After header.
	RetryAfter string
	// Header holds more headers to send, such as a rate-limit reset.
	Header map[string]string
	// Body and ContentType replace the error body; empty gives a JSON message. In
	// Body, {path} stands for the request's path without its leading slash,
	// JSON-escaped, as the services name the endpoint in some messages.
	Body        string
	ContentType string
	// Delay holds the answer back, for timeout tests.
	Delay time.Duration
	// Cut declares a longer body than it sends and drops the connection mid-body.
	Cut bool
}

// RateLimited is a 429 with the given Retry-After value ("" sends none).
func RateLimited(retryAfter string) Fault {
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

// ServerError is an answer with a 5xx status.
func ServerError(status int) Fault { return Fault{Status: status} }

// Slow delays the normal answer by d.
func Slow(d time.Duration) Fault { return Fault{Delay: d} }

// Malformed answers 200 with a JSON body cut short.
func Malformed() Fault {
	return Fault{Status: http.StatusOK, Body: `{"organizations": [{"id": 1, "name": `, ContentType: "application/json"}
}

// CutShort answers 200 and drops the connection in the middle of the body.
func CutShort() Fault {
	return Fault{Status: http.StatusOK, Body: `{"organizations": [{"id": 1, "name": "A"`, ContentType: "application/json", Cut: true}
}

// Apply writes the fault's answer and reports whether the request is finished.
func (f Fault) Apply(w http.ResponseWriter, r *http.Request) bool {
	markDeliberate(r)
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return true
		}
	}
	for k, v := range f.Header {
		w.Header().Set(k, v)
	}
	if f.Status == 0 {
		return false // a normal answer, with Header added
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	body, ct := f.Body, f.ContentType
	if strings.Contains(body, "{path}") {
		quoted, _ := json.Marshal(strings.TrimPrefix(r.URL.Path, "/"))
		body = strings.ReplaceAll(body, "{path}", string(quoted[1:len(quoted)-1]))
	}
	if body == "" {
		body, ct = `{"message":"`+http.StatusText(f.Status)+`"}`, "application/json"
	}
	w.Header().Set("Content-Type", ct)
	if f.Cut {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)+1000))
	}
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(body))
	return true
}

// Queue is a concurrency-safe list of pending faults.
type Queue struct {
	mu     sync.Mutex
	faults []Fault
}

// Push appends faults.
func (q *Queue) Push(faults ...Fault) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.faults = append(q.faults, faults...)
}

// Pop removes and returns the next fault, if any.
func (q *Queue) Pop() (Fault, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.faults) == 0 {
		return Fault{}, false
	}
	f := q.faults[0]
	q.faults = q.faults[1:]
	return f, true
}
