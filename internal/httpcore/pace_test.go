package httpcore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/apicall"
)

// deadlineAt is a context whose deadline is on the test's clock.
type deadlineAt struct {
	context.Context
	at time.Time
}

func (d deadlineAt) Deadline() (time.Time, bool) { return d.at, true }

func TestPacerBounds(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name     string
		cap      time.Duration
		left     time.Duration // 0: no deadline
		wait     time.Duration
		slept    time.Duration
		deadline bool // refused for the deadline
		capped   bool // refused for the cap
	}{
		{"no wait", time.Minute, 0, 0, 0, false, false},
		{"negative wait", time.Minute, 0, -time.Second, 0, false, false},
		{"at the cap", time.Minute, 0, time.Minute, time.Minute, false, false},
		{"past the cap", time.Minute, 0, time.Minute + time.Nanosecond, 0, false, true},
		{"default cap", 0, 0, DefaultMaxServerWait + 1, 0, false, true},
		{"at the deadline", time.Minute, 3 * time.Second, 3 * time.Second, 3 * time.Second, false, false},
		{"past the deadline", time.Minute, 3 * time.Second, 3*time.Second + 1, 0, true, false},
		{"past both, deadline nearer", time.Minute, 3 * time.Second, 24 * time.Hour, 0, true, false},
		{"past both, cap nearer", time.Second, time.Hour, 24 * time.Hour, 0, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var slept time.Duration
			p := Pacer{Cap: c.cap, Now: func() time.Time { return now },
				Sleep: func(_ context.Context, d time.Duration) error { slept += d; return nil }}
			var ctx context.Context = t.Context()
			if c.left > 0 {
				ctx = deadlineAt{ctx, now.Add(c.left)}
			}
			err := p.Wait(ctx, c.wait, "the rate limit")
			if slept != c.slept {
				t.Errorf("slept %s, want %s", slept, c.slept)
			}
			var we *apicall.WaitError
			refused := errors.As(err, &we)
			if refused != (c.deadline || c.capped) {
				t.Fatalf("err = %v", err)
			}
			if refused && (we.Deadline != c.deadline || we.Wait != c.wait || errors.Is(err, context.DeadlineExceeded) != c.deadline) {
				t.Errorf("err = %#v", we)
			}
		})
	}
}

func TestPacerStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	p := Pacer{Sleep: func(context.Context, time.Duration) error { t.Error("slept after the context ended"); return nil }}
	if err := p.Wait(ctx, time.Second, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	// The real sleep also ends with the context.
	if err := (Pacer{}).Wait(ctx, time.Hour, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}
