package affinity

import (
	"context"
	"iter"
	"time"

	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/option"
)

// WithSleep replaces the wait between attempts, so that tests record the waits the
// client chose instead of sleeping through them.
func WithSleep(fn func(context.Context, time.Duration) error) option.ClientOption {
	return httpcore.ClientFunc(func(s *httpcore.Settings) error { s.Sleep = fn; return nil })
}

// WithClock replaces the clock the client measures waits against deadlines on.
func WithClock(now func() time.Time) option.ClientOption {
	return httpcore.ClientFunc(func(s *httpcore.Settings) error { s.Now = now; return nil })
}

// PersonsByID is OrganizationPersons without the organization: the persons of ids
// through v2, for tests that serve one answer to every request.
func PersonsByID(ctx context.Context, c *Client, ids []int64) iter.Seq2[Person, error] {
	return c.personsByID(ctx, ids, nil)
}
