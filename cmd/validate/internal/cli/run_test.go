package cli

import (
	"testing"
	"time"
)

// The byte budget hands out exactly what it holds: all of it at once, and nothing more
// until some is released.
func TestByteBudget(t *testing.T) {
	b := newByteBudget(10)
	got := func(n int64) chan struct{} {
		done := make(chan struct{})
		go func() { b.acquire(n); close(done) }()
		return done
	}
	select {
	case <-got(10):
	case <-time.After(10 * time.Second):
		t.Fatal("the whole budget was not handed out")
	}
	waiting := got(1)
	select {
	case <-waiting:
		t.Fatal("a byte was handed out past the budget")
	case <-time.After(50 * time.Millisecond):
	}
	b.release(10)
	select {
	case <-waiting:
	case <-time.After(10 * time.Second):
		t.Fatal("a release did not wake the waiter")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.free != 9 {
		t.Errorf("free = %d, want 9", b.free)
	}
}

func TestLessOrdersBySourceThenEntry(t *testing.T) {
	for _, c := range []struct {
		s1     string
		e1     int
		s2     string
		e2     int
		expect bool
	}{
		{"a.har", 9, "b.har", 1, true},
		{"b.har", 1, "a.har", 9, false},
		{"a.har", 1, "a.har", 2, true},
		{"a.har", 2, "a.har", 1, false},
		{"a.har", 2, "a.har", 2, false},
	} {
		if got := less(c.s1, c.e1, c.s2, c.e2); got != c.expect {
			t.Errorf("less(%s#%d, %s#%d) = %v", c.s1, c.e1, c.s2, c.e2, got)
		}
	}
}
