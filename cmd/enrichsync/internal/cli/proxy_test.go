package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// refusingProxy serves the fixture's fake Affinity, except that a write to a path
// holding fragment is refused with a 422 whose message echoes the key, as a hostile or
// careless server might.
func refusingProxy(t *testing.T, f *fixture, fragment string) *httptest.Server {
	t.Helper()
	h := f.aff.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && strings.Contains(r.URL.Path, fragment) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprintf(w, `{"errors":[{"code":"validation","message":"value refused for the key %s"}]}`, plantedAffinityKey)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// echoingProxy answers every request with a 422 whose message echoes the key in
// plain text, so that the run fails on its first read.
func echoingProxy(t *testing.T, key string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		fmt.Fprintf(w, `{"message":"no such thing for key %s"}`, key)
	}))
	t.Cleanup(srv.Close)
	return srv
}
