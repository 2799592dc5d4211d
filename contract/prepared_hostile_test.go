package contract

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

// A prepare whose value is of an interface type may return nil, as a func returning
// error does when all is well: the exchange comes Ready with a nil Value, not a panic
// on the caller's goroutine.
func TestReadPreparedNilInterfaceValue(t *testing.T) {
	file := parallelCases(t)["one a line"]
	bad := errors.New("bad")
	ready, n := 0, 0
	for p, err := range ReadPrepared("f.har", bytes.NewReader([]byte(file)), func(ex Exchange) error {
		if strings.HasSuffix(ex.URL.Path, "/organizations/7") {
			return bad
		}
		return nil
	}, WithParallel(2), withChunkBytes(1024, 0)) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if !p.Ready {
			continue
		}
		ready++
		if want := strings.HasSuffix(p.Exchange.URL.Path, "/organizations/7"); (p.Value == bad) != want || !want && p.Value != nil {
			t.Fatalf("entry %d: value %v", p.Exchange.Index, p.Value)
		}
	}
	if ready < n/2 {
		t.Errorf("%d of %d exchanges prepared", ready, n)
	}
}

// A caller that stops early, at any exchange, leaves no goroutine of the parallel
// reader running once the loop is left.
func TestReadPreparedStopLeavesNoGoroutine(t *testing.T) {
	file := parallelCases(t)["one a line"]
	before := runtime.NumGoroutine()
	for _, stopAt := range []int{0, 1, 5, 39, 40} {
		for p, err := range ReadPrepared("f.har", bytes.NewReader([]byte(file)), func(ex Exchange) int { return 1 },
			WithParallel(3), withChunkBytes(1024, 0)) {
			if err != nil {
				t.Fatal(err)
			}
			if p.Exchange.Index == stopAt {
				break
			}
		}
	}
	deadline := time.Now().Add(10 * time.Second) // not a measure of speed: a bound on waiting for exits
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines after stopping, %d before", n, before)
	}
}
