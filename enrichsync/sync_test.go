package enrichsync_test

import (
	"testing"

	"github.com/orgapis/orgapis/enrichsync"
)

// A plan spends nothing and predicts what apply then spends, request for request and
// credit for credit; a second run over unchanged data spends 0 credits and writes 0
// values.
func TestPlanPredictsApplyAndARerunSpendsNothing(t *testing.T) {
	w := newWorld(t, 25)
	s := w.syncer(t)
	afBefore, apBefore := w.affinity.Hits(), w.apollo.Hits()
	planEvents, plan := drain(t, s.Plan(t.Context(), enrichsync.Target{ListID: w.list}))
	if w.apollo.Credits() != 0 {
		t.Fatalf("the plan spent %d credits", w.apollo.Credits())
	}
	if got := w.apollo.Hits() - apBefore; got != 1 {
		t.Errorf("the plan made %d Apollo requests, want 1 (the balance)", got)
	}
	planReads := w.affinity.Hits() - afBefore
	setAside := 0
	for _, ev := range planEvents {
		if ev.Kind == enrichsync.SetAside {
			setAside++
		}
	}
	if setAside != 3 || plan.SetAside != 3 || plan.Organizations != 25 {
		t.Errorf("set aside %d (summary %d), organizations %d; want 3 and 25", setAside, plan.SetAside, plan.Organizations)
	}
	if plan.Credits != 25 || plan.Enriched != 25 || plan.ApolloRequests != 1+3 || plan.AffinityWrites != 25 {
		t.Errorf("plan: %+v", plan)
	}
	afBefore, apBefore = w.affinity.Hits(), w.apollo.Hits()
	_, applied := drain(t, s.Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	if got := w.apollo.Credits(); got != plan.Credits || applied.Credits != got {
		t.Errorf("apply spent %d credits (summary %d), the plan said %d", got, applied.Credits, plan.Credits)
	}
	if got := w.apollo.Hits() - apBefore; got != plan.ApolloRequests || applied.ApolloRequests != got {
		t.Errorf("apply made %d Apollo requests (summary %d), the plan said %d", got, applied.ApolloRequests, plan.ApolloRequests)
	}
	if got := w.affinity.Hits() - afBefore; got != planReads+plan.AffinityWrites || applied.AffinityWrites != plan.AffinityWrites || applied.AffinityReads != plan.AffinityReads {
		t.Errorf("apply made %d Affinity requests (%d reads, %d writes), the plan said %d reads and %d writes",
			got, applied.AffinityReads, applied.AffinityWrites, plan.AffinityReads, plan.AffinityWrites)
	}
	if applied.Changed != 25 || applied.ValuesWritten != 25*7 {
		t.Errorf("apply: %+v", applied)
	}
	snap := w.snapshot(t)
	if v := snap[1004]["Headquarters"]; v == "" {
		t.Errorf("no headquarters written: %v", snap[1004])
	}
	// The rerun: nothing to pay for, nothing to write.
	credits, afBefore := w.apollo.Credits(), w.affinity.Hits()
	_, again := drain(t, s.Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	if w.apollo.Credits() != credits || again.Credits != 0 || again.ValuesWritten != 0 || again.AffinityWrites != 0 || again.Unchanged != 25 {
		t.Errorf("rerun: %d credits, summary %+v", w.apollo.Credits()-credits, again)
	}
	if got := w.affinity.Hits() - afBefore; got != planReads {
		t.Errorf("rerun made %d Affinity requests, want only the %d reads", got, planReads)
	}
}
