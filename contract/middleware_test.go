package contract

import (
	"io"
	"net/http"
	"slices"
	"strings"
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
	client := &http.Client{Transport: m.Wrap(transportFunc(func(*http.Request) (*http.Response, error) {
		// No X-Trace: every answer has one finding.
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{}`))}, nil
	}))}
	for range 3 {
		resp, err := client.Get("https://api.example.test/v2/things")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
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
	client := &http.Client{Transport: m.Wrap(transportFunc(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}, "X-Trace": {"t1"}},
			Body: io.NopCloser(strings.NewReader(`{}`))}, nil
	}))}
	resp, err := client.Get("https://api.example.test/v2/things")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	m.Wait()
	if calls != 0 {
		t.Errorf("onFindings called %d times for a conforming exchange", calls)
	}
}
