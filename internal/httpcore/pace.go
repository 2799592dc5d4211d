package httpcore

import (
	"context"
	"time"

	"github.com/orgapis/orgapis/wrappers/apicall"
)

// Pacer is the one mechanism behind every wait the clients and the command make:
// backoff between attempts, a wait the server asked for, and pacing to a rate-limit
// window. A wait over Cap, or one that would outlive the context, fails at once with a
// *apicall.WaitError; anything else is slept on Sleep. The zero value waits on a real timer
// with DefaultMaxServerWait as the cap.
type Pacer struct {
	// Cap bounds any single wait; 0 means DefaultMaxServerWait.
	Cap time.Duration
	// Now is the clock deadlines are measured on; nil means time.Now.
	Now func() time.Time
	// Sleep waits; nil means Sleep (a timer that stops with the context).
	Sleep func(context.Context, time.Duration) error
}

// Check reports whether a wait of d is allowed, without waiting: nil, or the
// *apicall.WaitError Wait would return.
func (p Pacer) Check(ctx context.Context, d time.Duration, reason string) error {
	if d <= 0 {
		return nil
	}
	limit := p.Cap
	if limit <= 0 {
		limit = DefaultMaxServerWait
	}
	if deadline, ok := ctx.Deadline(); ok {
		now := time.Now
		if p.Now != nil {
			now = p.Now
		}
		if left := deadline.Sub(now()); left < d && left < limit {
			return &apicall.WaitError{Wait: d, Limit: max(left, 0), Deadline: true, Reason: reason}
		}
	}
	if d > limit {
		return &apicall.WaitError{Wait: d, Limit: limit, Reason: reason}
	}
	return nil
}

// Wait sleeps for d unless Check refuses it; it also returns the context's error once
// the context is done.
func (p Pacer) Wait(ctx context.Context, d time.Duration, reason string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := p.Check(ctx, d, reason); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	sleep := p.Sleep
	if sleep == nil {
		sleep = Sleep
	}
	return sleep(ctx, d)
}
