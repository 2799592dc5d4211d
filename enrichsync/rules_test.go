package enrichsync_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/enrichsync"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/apollo"
)

// entries maps the list's organizations to their entry ids.
func (w *world) entries(t testing.TB) map[int64]int64 {
	t.Helper()
	out := map[int64]int64{}
	for row, err := range w.af.ListRows(t.Context(), w.list, affinity.RowOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		out[row.Entry.EntityID] = row.Entry.ID
	}
	return out
}

// A person's edits after the sync wrote: under overwrite-own a value a person changed
// is left alone while the sync's own values follow Apollo; under fill-empty a value a
// person emptied is not filled again. The edits go through the fake's API, which
// records them as field-value changes, as Affinity does.
func TestAPersonsEditIsLeftAlone(t *testing.T) {
	w := newWorld(t, 5)
	s := w.syncer(t, enrichsync.WithTTL(24*time.Hour))
	target := enrichsync.Target{ListID: w.list}
	drain(t, s.Apply(t.Context(), target))
	entry := w.entries(t)
	stage, employees := w.fields["Stage"], w.fields["Employees"]
	before := w.snapshot(t)
	// Company 1's stage, set by a person to an option the sync would not choose.
	personal := "Seed"
	if strings.HasPrefix(before[1001]["Stage"], "Seed") {
		personal = "Series C"
	}
	opt, err := stage.Option(personal)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.af.SetListEntryField(t.Context(), w.list, entry[1001], stage, []affinity.SetValue{affinity.OptionValue(opt.ID)}); err != nil {
		t.Fatal(err)
	}
	// Company 3's employees, emptied by a person.
	if err := w.af.ClearListEntryField(t.Context(), w.list, entry[1003], employees); err != nil {
		t.Fatal(err)
	}
	changes, err := w.af.ListFieldValueChanges(t.Context(), affinity.FieldValueChangeQuery{FieldID: stage.ID, ListEntryID: entry[1001]})
	if err != nil || len(changes) < 2 {
		t.Fatalf("the fake recorded %d changes of company 1's stage (%v), want the sync's and the person's", len(changes), err)
	}
	// Apollo's data changes for companies 0, 1 and 3, and the enrichments grow stale.
	newStage := "Venture (Round not Specified)"
	if strings.HasPrefix(before[1000]["Stage"], "Venture") || strings.HasPrefix(before[1001]["Stage"], "Venture") {
		newStage = "Series A"
	}
	for _, d := range []string{"company0.com", "company1.com", "company3.com"} {
		n := 4242
		if err := w.apollo.SetEnrichment(d, apollo.EnrichedOrganization{Name: d, LatestFundingStage: newStage, EstimatedNumEmployees: &n}); err != nil {
			t.Fatal(err)
		}
	}
	w.now = w.now.Add(25 * time.Hour)
	events, sum := drain(t, s.Apply(t.Context(), target))
	after := w.snapshot(t)
	if got := after[1000]["Stage"]; !strings.HasPrefix(got, newStage) {
		t.Errorf("company 0's stage, the sync's own value, is %q; overwrite-own should have made it %q", got, newStage)
	}
	if got := after[1001]["Stage"]; !strings.HasPrefix(got, personal) {
		t.Errorf("company 1's stage, a person's value, is %q; want it left at %q", got, personal)
	}
	if got := after[1003]["Employees"]; got != "" {
		t.Errorf("company 3's employees, emptied by a person, were filled again: %q", got)
	}
	if got := after[1000]["Employees"]; got != before[1000]["Employees"] {
		t.Errorf("company 0's employees (fill-empty, holding the sync's value) changed from %q to %q", before[1000]["Employees"], got)
	}
	reasons := map[string]string{}
	for _, ev := range events {
		for _, c := range ev.Fields {
			reasons[ev.Org.Domain+" "+c.Field] = c.Reason
		}
	}
	for key, want := range map[string]string{
		"company1.com Stage":     "changed by a person after the sync wrote it",
		"company3.com Employees": "emptied by a person after the sync wrote it",
		"company0.com Employees": "holds a value, and the rule fills only empty fields",
	} {
		if reasons[key] != want {
			t.Errorf("%s: reason %q, want %q", key, reasons[key], want)
		}
	}
	if sum.Credits != 5 || sum.Enriched != 5 {
		t.Errorf("after the TTL every company is enriched again: %+v", sum)
	}
	// The audit log has the sync's write of company 0's new stage, with the old value.
	store, err := enrichsync.OpenStore(t.Context(), w.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	log, err := store.Writes(t.Context(), "company0.com", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(log, func(x enrichsync.Write) bool {
		return x.Field == "Stage" && x.New == newStage && x.Old != "" && x.State == enrichsync.WriteApplied && x.Rule == enrichsync.OverwriteOwn
	}) {
		t.Errorf("no applied overwrite of company 0's stage in the log: %+v", log)
	}
}

// The credit budget is never passed, by one credit: a run stops before a batch that
// could pass it, reports the rest deferred, and the next run goes on from there.
func TestTheCreditBudgetIsNeverPassed(t *testing.T) {
	for _, budget := range []int{0, 1, 9, 10, 11, 15} {
		w := newWorld(t, 30)
		s := w.syncer(t, enrichsync.WithCreditBudget(budget))
		_, plan := drain(t, s.Plan(t.Context(), enrichsync.Target{ListID: w.list}))
		_, sum := drain(t, s.Apply(t.Context(), enrichsync.Target{ListID: w.list}))
		if got := w.apollo.Credits(); got != budget || sum.Credits != budget || plan.Credits != budget {
			t.Errorf("budget %d: spent %d (summary %d, plan %d)", budget, got, sum.Credits, plan.Credits)
		}
		if sum.Stopped != enrichsync.StopBudget || sum.Deferred != 30-budget || plan.Deferred != 30-budget {
			t.Errorf("budget %d: stopped %q, %d deferred (plan %d), want budget and %d", budget, sum.Stopped, sum.Deferred, plan.Deferred, 30-budget)
		}
		if sum.ApolloRequests != plan.ApolloRequests {
			t.Errorf("budget %d: %d Apollo requests, the plan said %d", budget, sum.ApolloRequests, plan.ApolloRequests)
		}
	}
	// Enough budget: nothing deferred, and a second run with the rest finishes.
	w := newWorld(t, 30)
	_, first := drain(t, w.syncer(t, enrichsync.WithCreditBudget(20)).Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	_, second := drain(t, w.syncer(t, enrichsync.WithCreditBudget(20)).Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	if first.Credits != 20 || second.Credits != 10 || second.Stopped != "" || w.apollo.Credits() != 30 {
		t.Errorf("two runs of budget 20: %d then %d credits (fake %d), second stopped %q", first.Credits, second.Credits, w.apollo.Credits(), second.Stopped)
	}
}

// A deadline that has passed stops Apply before anything is spent or written; one an
// hour away lets it finish.
func TestApplyStopsAtTheDeadline(t *testing.T) {
	w := newWorld(t, 12)
	_, sum := drain(t, w.syncer(t, enrichsync.WithDeadline(w.now)).Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	if sum.Stopped != enrichsync.StopDeadline || sum.Deferred != 12 || w.apollo.Credits() != 0 || sum.AffinityWrites != 0 {
		t.Errorf("at the deadline: %+v, %d credits", sum, w.apollo.Credits())
	}
	_, sum = drain(t, w.syncer(t, enrichsync.WithDeadline(w.now.Add(time.Hour))).Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	if sum.Stopped != "" || sum.Changed != 12 {
		t.Errorf("an hour before the deadline: %+v", sum)
	}
}

// Rows the sync cannot key are set aside with a reason, and the others go on.
func TestRowsWithoutADomainOrSharingOneAreSetAside(t *testing.T) {
	w := newWorld(t, 5)
	events, sum := drain(t, w.syncer(t).Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	aside := map[string]string{}
	for _, ev := range events {
		if ev.Kind == enrichsync.SetAside {
			aside[ev.Org.Name] = ev.Reason
		}
	}
	if !strings.Contains(aside["Twin A"], "2 entries of the list have the domain twins.io") || aside["Twin B"] != aside["Twin A"] ||
		aside["Nowhere Ltd"] != "no domain to enrich it by" || len(aside) != 3 {
		t.Errorf("set aside: %v", aside)
	}
	if sum.Changed != 5 || w.apollo.Credits() != 5 {
		t.Errorf("the others: %+v, %d credits", sum, w.apollo.Credits())
	}
	// The non-ASCII domain is keyed by its punycode, and enriched under it.
	i := slices.IndexFunc(events, func(ev enrichsync.Event) bool { return ev.Org.OrganizationID == 1004 })
	if i < 0 || events[i].Org.Domain != "xn--bcher4-3ya.de" || events[i].Kind != enrichsync.Wrote {
		t.Errorf("bücher4.de: %+v", events[max(i, 0)])
	}
}

// Two applies over one store at once: the second is refused while the first runs, and
// runs once the first is done.
func TestASecondApplyWaitsForTheFirst(t *testing.T) {
	w := newWorld(t, 3)
	first, second := w.syncer(t), w.syncer(t)
	var inner error
	enrichsync.SetHook(first, func(st enrichsync.Step) {
		if st.Kind != "enriched" || inner != nil {
			return
		}
		inner = errors.New("the second apply was not refused")
		for _, err := range second.Apply(t.Context(), enrichsync.Target{ListID: w.list}) {
			if err != nil && strings.Contains(err.Error(), "another apply is running") {
				inner = nil
			} else if err != nil {
				inner = err
			}
		}
	})
	drain(t, first.Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	if inner != nil {
		t.Fatal(inner)
	}
	_, sum := drain(t, second.Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	if sum.Unchanged != 3 || w.apollo.Credits() != 3 {
		t.Errorf("after the first: %+v, %d credits", sum, w.apollo.Credits())
	}
}

// A saved view narrows the run to its entries; a domain shared with an entry outside
// the view still sets the view's entry aside.
func TestASavedViewNarrowsTheRun(t *testing.T) {
	w := newWorld(t, 5)
	entry := w.entries(t)
	view, err := w.affinity.AddSavedView(w.list, "To enrich", entry[1001], entry[1003], entry[9001])
	if err != nil {
		t.Fatal(err)
	}
	target := enrichsync.Target{ListID: w.list, SavedViewID: view}
	_, plan := drain(t, w.syncer(t).Plan(t.Context(), target))
	events, sum := drain(t, w.syncer(t).Apply(t.Context(), target))
	var wrote, aside []string
	for _, ev := range events {
		switch ev.Kind {
		case enrichsync.Wrote:
			wrote = append(wrote, ev.Org.Domain)
		case enrichsync.SetAside:
			aside = append(aside, ev.Org.Name)
		}
	}
	if !slices.Equal(wrote, []string{"company1.com", "company3.com"}) || !slices.Equal(aside, []string{"Twin A"}) {
		t.Errorf("wrote %v, set aside %v", wrote, aside)
	}
	if w.apollo.Credits() != 2 || sum.Credits != 2 || plan.Credits != 2 || sum.AffinityReads != plan.AffinityReads {
		t.Errorf("credits %d, summary %+v, plan %+v", w.apollo.Credits(), sum, plan)
	}
	// The view that does not exist is an error naming it, before anything is spent.
	for _, err := range w.syncer(t).Apply(t.Context(), enrichsync.Target{ListID: w.list, SavedViewID: 77}) {
		if err == nil || !strings.Contains(err.Error(), "saved view 77") {
			t.Errorf("a missing view: %v", err)
		}
	}
}

// Every organization, without a list: global fields only, written through v1; a
// changed value is updated in place (the field keeps one value), and a rerun writes
// nothing.
func TestAllOrganizations(t *testing.T) {
	w := newWorld(t, 6)
	headcount, err := w.affinity.AddField(0, "Headcount", 3, false)
	if err != nil {
		t.Fatal(err)
	}
	tags, err := w.affinity.AddField(0, "Tags", 2, true, "b2b", "software", "saas")
	if err != nil {
		t.Fatal(err)
	}
	store, err := enrichsync.OpenStore(t.Context(), w.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	newSync := func(doc string) *enrichsync.Syncer {
		m, err := enrichsync.ParseMapping("all.yaml", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		s, err := enrichsync.New(w.ap, w.af, store, m, enrichsync.WithCreditBudget(100), enrichsync.WithTTL(time.Hour),
			enrichsync.WithClock(func() time.Time { return w.now }))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	single := newSync("fields:\n  - apollo: industry\n    field: Industry\n  - apollo: estimated_num_employees\n    field: Headcount\n    rule: overwrite-own\n")
	all := enrichsync.Target{AllOrganizations: true}
	_, plan := drain(t, single.Plan(t.Context(), all))
	before := w.affinity.Hits()
	_, sum := drain(t, single.Apply(t.Context(), all))
	if sum.Changed != 6 || sum.SetAside != 3 || sum.ValuesWritten != 12 || sum.Credits != 6 {
		t.Errorf("first run: %+v", sum)
	}
	// The client's own lookup of the fields' value types (once, when it first reads
	// field values) is not a request of the run's calls, and not counted.
	if got := w.affinity.Hits() - before; got != sum.AffinityReads+sum.AffinityWrites+1 || sum.AffinityWrites != plan.AffinityWrites || sum.AffinityWrites != 6*3 {
		t.Errorf("%d requests: summary %+v, plan %+v", got, sum, plan)
	}
	// Apollo's head count changes; after the TTL the value is updated, not added.
	n := 777
	if err := w.apollo.SetEnrichment("company2.com", apollo.EnrichedOrganization{Name: "Company 2", EstimatedNumEmployees: &n}); err != nil {
		t.Fatal(err)
	}
	w.now = w.now.Add(2 * time.Hour)
	drain(t, single.Apply(t.Context(), all))
	values, err := w.af.ListFieldValues(t.Context(), affinity.FieldValueQuery{OrganizationID: 1002})
	if err != nil {
		t.Fatal(err)
	}
	var counts []string
	for _, v := range values {
		if v.FieldID == headcount.ID {
			counts = append(counts, v.Value.String())
		}
	}
	if !slices.Equal(counts, []string{"777"}) {
		t.Errorf("company 2's head count values: %v, want one, 777", counts)
	}
	// A field of several values, from Apollo's keywords; a rerun writes nothing.
	multi := newSync("fields:\n  - apollo: keywords\n    field: Tags\n")
	_, sum = drain(t, multi.Apply(t.Context(), all))
	_, again := drain(t, multi.Apply(t.Context(), all))
	// (Company 2's answer, set above, has no keywords.)
	if sum.Changed != 5 || again.ValuesWritten != 0 || again.AffinityWrites != 0 || again.Credits != 0 {
		t.Errorf("tags: first %+v, rerun %+v", sum, again)
	}
	values, err = w.af.ListFieldValues(t.Context(), affinity.FieldValueQuery{OrganizationID: 1003})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range values {
		if v.FieldID == tags.ID {
			got = append(got, v.Value.String())
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"b2b", "software"}) {
		t.Errorf("company 3's tags: %v", got)
	}
	// A list field in a mapping for all organizations is no field of theirs.
	bad := newSync("fields:\n  - apollo: industry\n    field: Employees\n")
	for _, err := range bad.Plan(t.Context(), all) {
		if err == nil || !strings.Contains(err.Error(), `all.yaml:2: no field "Employees"`) {
			t.Errorf("a list's field for all organizations: %v", err)
		}
	}
}
