package enrichsync

import (
	"context"
	"errors"
	"iter"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Target is what a run enriches.
type Target struct {
	// ListID is the Affinity list of organizations whose entries are enriched; the
	// mapping's fields are the list's own or the organizations' global fields.
	ListID int64
	// SavedViewID, when set, narrows the run to the entries of that saved view of the
	// list (those its filters keep); their values are still read from the list, mapped
	// fields only, whatever the view's columns are.
	SavedViewID int64
	// AllOrganizations, instead of a list, enriches every organization of the team's
	// Affinity, read through v2; the mapping then fills global fields only, written
	// through v1: a read of the organization's values and a request per field changed
	// (a field of several values: one per value), so a changed organization costs more
	// requests than on a list, where one request writes all its fields.
	AllOrganizations bool
}

// Syncer enriches the organizations of Affinity lists from Apollo. Make one with New;
// it is safe for one run at a time.
type Syncer struct {
	apollo   *apollo.Client
	affinity *affinity.Client
	store    *Store
	mapping  Mapping
	set      settings
	// hook, when set (tests), is called at each step a run can be killed at.
	hook func(Step)
}

// Step is a point of a run where it may stop: after an Apollo answer is stored, before
// and after an organization's write. Tests kill a run at each.
type Step struct {
	// Kind is "enriched", "before-write" or "after-write".
	Kind string
	// Domain is the organization written, or the first of the batch enriched.
	Domain string
}

// New makes a Syncer over both clients, a store and a mapping. The mapping is checked
// here for what needs no server (its members, rules, a field filled twice); each run
// checks it against the list's live field definitions before it reads or spends
// anything else. Either check's error is a *MappingError, a problem per line.
func New(ap *apollo.Client, af *affinity.Client, store *Store, m Mapping, opts ...Option) (*Syncer, error) {
	switch {
	case ap == nil:
		return nil, errors.New("enrichsync: the Apollo client is nil")
	case af == nil:
		return nil, errors.New("enrichsync: the Affinity client is nil")
	case store == nil:
		return nil, errors.New("enrichsync: the store is nil")
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	s := &Syncer{apollo: ap, affinity: af, store: store, mapping: m,
		set: settings{ttl: DefaultTTL, now: time.Now, logger: slog.New(slog.DiscardHandler), maxOrgs: DefaultMaxOrganizations}}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("enrichsync: nil option")
		}
		if err := o(&s.set); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Plan yields what Apply would do now, organization by organization, and last a Done
// event with the predicted Summary: the credits, the requests and the minutes of rate
// limit. It spends no credit and writes nothing, to Affinity or the store: it is
// Apply's own decision, stopped before anything is spent. Its only Apollo request is
// the free read of the credit balance.
func (s *Syncer) Plan(ctx context.Context, t Target) iter.Seq2[Event, error] {
	return s.run(ctx, t, false)
}

// Apply enriches and writes, yielding an event per organization (set aside, enriched,
// written, unchanged, refused) and last a Done event with the Summary of what it
// spent. It stops at the first error it cannot work around (a rate limit after the
// client's retries, a lost connection), after storing everything it was answered:
// running it again goes on from there, without paying for a company twice or writing
// a value twice. A write Affinity refuses (a 4xx) is reported and the run goes on.
//
// The rules judge each field by the value Apply read at its start, in one pass over
// the list: Affinity's writes take no condition, and reading an entry again before
// its write would double the requests of a changed organization. So a value a person
// types into a field between that read and the field's write (at most the length of
// the run; a long list's last batch is written last) is overwritten, whatever the
// rule; the audit log's old value is the one read, and Affinity's field-value changes
// keep the person's. Run it when the list is not being edited, or in short runs (a
// budget, a deadline, a saved view), to keep that window small.
func (s *Syncer) Apply(ctx context.Context, t Target) iter.Seq2[Event, error] {
	return s.run(ctx, t, true)
}

// counter counts the answers of a client's calls, through a call option.
type counter struct{ n atomic.Int64 }

func (c *counter) opt() option.CallOption {
	return httpcore.CallFunc(func(call *httpcore.Call) error {
		call.Observe = append(call.Observe, func(any) { c.n.Add(1) })
		return nil
	})
}

func (c *counter) get() int { return int(c.n.Load()) }

// run is Plan and Apply: one decision, carried out only when apply is set. Its last
// yield is always the Done event with the Summary, with the error that ended the run
// if one did.
func (s *Syncer) run(ctx context.Context, t Target, apply bool) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		r := &runState{s: s, t: t, apply: apply, yield: yield}
		err := r.do(ctx)
		if errors.Is(err, errConsumerStopped) {
			r.end(context.WithoutCancel(ctx))
			return
		}
		sum := r.end(context.WithoutCancel(ctx))
		yield(Event{Kind: Done, Summary: &sum}, err)
	}
}
