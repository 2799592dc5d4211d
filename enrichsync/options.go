package enrichsync

import (
	"fmt"
	"log/slog"
	"time"
)

// Option configures a Syncer.
type Option func(*settings) error

type settings struct {
	ttl      time.Duration
	budget   int
	deadline time.Time
	now      func() time.Time
	logger   *slog.Logger
	maxOrgs  int
}

// DefaultTTL is how long an enrichment stays fresh: a company enriched more recently
// is not paid for again.
const DefaultTTL = 90 * 24 * time.Hour

// DefaultMaxOrganizations is the most list entries a run reads.
const DefaultMaxOrganizations = 50000

// WithTTL sets how long an enrichment stays fresh (DefaultTTL without it): older ones
// are enriched again, for a credit each.
func WithTTL(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("enrichsync: TTL must be positive, got %s", d)
		}
		s.ttl = d
		return nil
	}
}

// WithCreditBudget sets the most Apollo credits Apply may spend (0 without it: only
// stored enrichments are written). Apply also never spends more than Apollo's balance
// says is left. A batch is never sent if it could pass the budget: a run over budget
// stops with Summary.Stopped set to StopBudget, and the next run goes on from there.
func WithCreditBudget(n int) Option {
	return func(s *settings) error {
		if n < 0 {
			return fmt.Errorf("enrichsync: credit budget must not be negative, got %d", n)
		}
		s.budget = n
		return nil
	}
}

// WithDeadline makes Apply start no batch of enrichment, and no write, after t; it then
// stops with Summary.Stopped set to StopDeadline; a plan made past it predicts that
// stop. The context's deadline, by contrast, cancels what is under way.
func WithDeadline(t time.Time) Option {
	return func(s *settings) error { s.deadline = t; return nil }
}

// WithClock sets the clock enrichments are dated and their TTL measured by (time.Now
// without it).
func WithClock(now func() time.Time) Option {
	return func(s *settings) error {
		if now == nil {
			return fmt.Errorf("enrichsync: clock is nil")
		}
		s.now = now
		return nil
	}
}

// WithLogger sets where a run logs what it does (nothing without it).
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		if l == nil {
			return fmt.Errorf("enrichsync: logger is nil")
		}
		s.logger = l
		return nil
	}
}

// WithMaxOrganizations bounds the list entries a run reads (DefaultMaxOrganizations
// without it); a longer list is an error before anything is spent.
func WithMaxOrganizations(n int) Option {
	return func(s *settings) error {
		if n < 1 {
			return fmt.Errorf("enrichsync: max organizations must be positive, got %d", n)
		}
		s.maxOrgs = n
		return nil
	}
}
