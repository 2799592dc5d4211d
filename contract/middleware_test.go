package contract

import (
	"net/http"
	"slices"
	"sync"
	"testing"
)

// Findings name the exchange they come from: the source given, and the exchange's
// place among those the middleware saw, counting from 0.
func TestMiddlewareNumbersItsExchanges(t *testing.T) {
	var mu sync.Mutex
	var entries []int
	m := NewMiddleware(pathsValidator(t), func(fs []Finding) {
		mu.Lock()
		defer mu.Unlock()
		for _, f := range fs {
			if f.Source != "live" {
				t.Errorf("finding source %q", f.Source)
			}
			entries = append(entries, f.Entry)
		}
	}, WithSource("live"))
	rt := m.Wrap(answerJSON()) // no X-Trace: every answer has one finding
	for range 3 {
		send(t, rt, http.MethodGet, "https://api.example.test/v2/things", "")
	}
	m.Wait()
	slices.Sort(entries)
	if !slices.Equal(entries, []int{0, 1, 2}) {
		t.Errorf("finding entries = %v, want [0 1 2]", entries)
	}
}

// A conforming exchange calls no one.
func TestMiddlewareIsQuietOnConformingExchanges(t *testing.T) {
	calls := 0
	m := NewMiddleware(pathsValidator(t), func([]Finding) { calls++ })
	send(t, m.Wrap(answerJSON("X-Trace", "t1")), http.MethodGet, "https://api.example.test/v2/things", "")
	m.Wait()
	if calls != 0 {
		t.Errorf("onFindings called %d times for a conforming exchange", calls)
	}
}
