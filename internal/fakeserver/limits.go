package fakeserver

import (
	"net/http"
	"net/http/httptest"
	"time"
)

// Bounds of a fake, whoever sends to it: a fake that other programs reach (validate
// mock) must not let one request or many grow its memory without bound.
const (
	// MaxRequestBody is the largest request body a fake reads; a longer one is 413.
	// The services' own requests are a few KiB.
	MaxRequestBody = 1 << 20
	// MaxHeaderBytes bounds a request's header block, URL included.
	MaxHeaderBytes = 64 << 10
	// MaxRecorded is how many requests a fake remembers for Requests; older ones are
	// forgotten. Unauthenticated requests are never remembered.
	MaxRecorded = 10000
)

// LimitBody makes every request body of h stop at MaxRequestBody: a handler that
// reads past it gets an error, and the fake answers 413.
func LimitBody(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxRequestBody {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxRequestBody)
		h(w, r)
	}
}

// Start starts h, a fake's handler already within LimitBody, on a loopback port, with
// the header bound above and timeouts that a slow or silent client cannot hold open
// forever.
func Start(h http.Handler) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	Bound(srv.Config)
	srv.Start()
	return srv
}

// Bound sets a server's header limit and timeouts to a fake's, for a fake served by a
// server of the caller's (validate mock).
func Bound(srv *http.Server) {
	srv.MaxHeaderBytes = MaxHeaderBytes
	srv.ReadHeaderTimeout = 10 * time.Second
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = 2 * time.Minute // a slow fault holds an answer back 2 s
	srv.IdleTimeout = time.Minute
}

// Remember appends r to a fake's request log, forgetting the oldest past MaxRecorded.
func Remember[T any](log []T, r T) []T {
	if len(log) >= MaxRecorded {
		log = append(log[:0], log[len(log)-MaxRecorded+1:]...)
	}
	return append(log, r)
}
