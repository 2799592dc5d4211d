package contract

import (
	"bytes"
	"errors"
	"runtime"
	"slices"
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

// sizedReader is data that says it is size bytes long: a file that shrank (size
// larger) or grew (smaller) since its size was taken.
type sizedReader struct {
	*bytes.Reader
	size int64
}

func (s sizedReader) Size() int64 { return s.size }

// A file whose size changes while it is read (a shrunk one ends early, a grown one
// has more than its size said) gives the parallel reader no panic and no hang, and
// ReadPrepared the same exchanges and errors as reading the file one entry at a time
// as it was when its size was taken, each with its own value.
func TestReadPreparedFileChangingSize(t *testing.T) {
	file := parallelCases(t)["one a line"]
	for _, c := range []struct {
		name       string
		data, size int
	}{
		{"shrunk by half", len(file) / 2, len(file)},
		{"shrunk by one", len(file) - 1, len(file)},
		{"grown", len(file), len(file) / 2},
		{"grown by one", len(file), len(file) - 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			asSeen := file[:min(c.data, c.size)]
			want := readLog(Read("f.har", strings.NewReader(asSeen)))
			var got []string
			r := sizedReader{bytes.NewReader([]byte(file[:c.data])), int64(c.size)}
			for p, err := range ReadPrepared("f.har", r, func(ex Exchange) string { return ex.URL.Path }, WithParallel(2), withChunkBytes(1024, 0)) {
				if err != nil {
					got = append(got, readLog(func(yield func(Exchange, error) bool) { yield(Exchange{}, err) })...)
					continue
				}
				if p.Ready && p.Value != p.Exchange.URL.Path {
					t.Fatalf("entry %d: value %q", p.Exchange.Index, p.Value)
				}
				got = append(got, exchangeLine(p.Exchange))
			}
			if !slices.Equal(got, want) {
				t.Errorf("differs from reading %d bytes one entry at a time:\n%s", len(asSeen), firstDifference(got, want))
			}
		})
	}
}
