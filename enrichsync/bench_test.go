package enrichsync_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/orgapis/orgapis/enrichsync"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/option"
)

// fakeClock is a clock that only sleeping moves: the clients' waits for the rate
// limit move it instead of passing.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

// clockOption makes a client measure and sleep on clk.
func clockOption(clk *fakeClock) option.ClientOption {
	return httpcore.ClientFunc(func(s *httpcore.Settings) error { s.Now, s.Sleep = clk.Now, clk.Sleep; return nil })
}

// BenchmarkSync2000 enriches a list of 2,000 organizations from empty, then runs again
// over the unchanged data, with Affinity's fake holding the key to 900 requests a
// minute on a clock the clients' waits move. It reports the requests per organization
// the issue sets goals for, the credits of the rerun, and the minutes the rate limit
// imposed on the first run.
func BenchmarkSync2000(b *testing.B) {
	const n = 2000
	var apolloPerOrg, writesPerChanged, readsPerOrg, rerunPerOrg, rerunCredits, limitMin float64
	for range b.N {
		b.StopTimer()
		w := newWorld(b, n)
		clk := &fakeClock{now: w.now}
		w.affinity.LimitRate(900, clk.Now)
		var err error
		if w.af, err = w.affinity.Client(clockOption(clk)); err != nil {
			b.Fatal(err)
		}
		if w.ap, err = w.apollo.Client(clockOption(clk)); err != nil {
			b.Fatal(err)
		}
		s := w.syncer(b, enrichsync.WithCreditBudget(n))
		target := enrichsync.Target{ListID: w.list}
		b.StartTimer()
		start := clk.Now()
		_, first := drain(b, s.Apply(b.Context(), target))
		limit := clk.Now().Sub(start)
		apBefore, afBefore, credits := w.apollo.Hits(), w.affinity.Hits(), w.apollo.Credits()
		_, second := drain(b, s.Apply(b.Context(), target))
		b.StopTimer()
		if first.Changed != n || second.Unchanged != n {
			b.Fatalf("first run %+v, second %+v", first, second)
		}
		apolloPerOrg += float64(first.ApolloRequests) / n
		writesPerChanged += float64(first.AffinityWrites) / float64(first.Changed)
		readsPerOrg += float64(first.AffinityReads) / n
		// The rerun's requests beyond the list's reads and the balance: per unchanged
		// organization.
		extra := (w.apollo.Hits() - apBefore - 1) + (w.affinity.Hits() - afBefore - second.AffinityReads)
		rerunPerOrg += float64(extra) / float64(second.Unchanged)
		rerunCredits += float64(w.apollo.Credits() - credits)
		limitMin += limit.Minutes()
		b.StartTimer()
	}
	N := float64(b.N)
	b.ReportMetric(apolloPerOrg/N, "apollo-requests/org")
	b.ReportMetric(writesPerChanged/N, "affinity-requests/changed-org")
	b.ReportMetric(readsPerOrg/N, "affinity-reads/org")
	b.ReportMetric(rerunPerOrg/N, "requests/unchanged-org")
	b.ReportMetric(rerunCredits/N, "credits/rerun")
	b.ReportMetric(limitMin/N, "limit-min/run")
}
