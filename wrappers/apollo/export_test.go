package apollo

import (
	"context"
	"time"
)

// WithSleep replaces the wait between attempts, so that tests record the waits the
// client chose instead of sleeping through them.
func WithSleep(fn func(context.Context, time.Duration) error) Option {
	return func(s *settings) error { s.Sleep = fn; return nil }
}

// WithClock replaces the clock the client measures waits against deadlines on.
func WithClock(now func() time.Time) Option {
	return func(s *settings) error { s.Now = now; return nil }
}
