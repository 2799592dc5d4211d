package enrichsync_test

import (
	"testing"

	"github.com/orgapis/orgapis/enrichsync"
)

// A run's first event is Started, whose counts are the run's: the set-aside events
// follow it at once, and each organization then gets exactly one event, in a plan, a
// run stopped at the budget and a full run alike.
func TestStartedCountsWhatFollows(t *testing.T) {
	w := newWorld(t, 23)
	for _, c := range []struct {
		name   string
		budget int
		apply  bool
	}{{"plan", 1000, false}, {"plan over budget", 5, false}, {"apply stopped at the budget", 5, true}, {"apply", 1000, true}} {
		s := w.syncer(t, enrichsync.WithCreditBudget(c.budget))
		seq := s.Plan(t.Context(), enrichsync.Target{ListID: w.list})
		if c.apply {
			seq = s.Apply(t.Context(), enrichsync.Target{ListID: w.list})
		}
		events, sum := drain(t, seq)
		if len(events) == 0 || events[0].Kind != enrichsync.Started || events[0].Summary == nil {
			t.Fatalf("%s: the first event is %+v, want Started with counts", c.name, events[0])
		}
		st := events[0].Summary
		if st.Organizations != sum.Organizations || st.SetAside != sum.SetAside || st.Organizations != 23 || st.SetAside != 3 {
			t.Errorf("%s: Started says %d organizations and %d set aside; the run's summary %d and %d", c.name, st.Organizations, st.SetAside, sum.Organizations, sum.SetAside)
		}
		perOrg, aside := 0, 0
		for i, ev := range events[1:] {
			switch ev.Kind {
			case enrichsync.SetAside:
				if i >= st.SetAside {
					t.Errorf("%s: a set-aside event after an organization's", c.name)
				}
				aside++
			case enrichsync.Started:
				t.Errorf("%s: a second Started", c.name)
			default:
				perOrg++
			}
		}
		if perOrg != st.Organizations || aside != st.SetAside {
			t.Errorf("%s: %d organization events and %d set aside after Started, which said %d and %d", c.name, perOrg, aside, st.Organizations, st.SetAside)
		}
	}
}
