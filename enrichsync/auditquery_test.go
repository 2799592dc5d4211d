package enrichsync_test

import (
	"testing"
	"time"

	"github.com/orgapis/orgapis/enrichsync"
	"github.com/orgapis/orgapis/wrappers/apollo"
)

// The audit log's query narrows by each filter, by time to the millisecond (stamps of
// several lengths compared as times, not text), and returns the latest writes that
// match, oldest first, with how many matched.
func TestQueryWritesFiltersAndBounds(t *testing.T) {
	w := newWorld(t, 4)
	t1 := time.Date(2026, 12, 6, 9, 0, 0, 500_000_000, time.UTC) // stamps as "...:00.5Z"
	w.now = t1
	s := w.syncer(t, enrichsync.WithTTL(24*time.Hour))
	target := enrichsync.Target{ListID: w.list}
	_, first := drain(t, s.Apply(t.Context(), target))
	// A day later Apollo says something else of company0: the second run writes its
	// own fields again (overwrite-own, always), and nothing else.
	if err := w.apollo.SetEnrichment("company0.com", apollo.EnrichedOrganization{Name: "Company 0", LatestFundingStage: "Series C", LinkedinURL: "https://www.linkedin.com/company/zero"}); err != nil {
		t.Fatal(err)
	}
	t2 := t1.Add(25*time.Hour + 250*time.Millisecond)
	w.now = t2
	_, second := drain(t, s.Apply(t.Context(), target))
	if first.ValuesWritten == 0 || second.ValuesWritten == 0 {
		t.Fatalf("runs wrote %d and %d values; the test needs both to write", first.ValuesWritten, second.ValuesWritten)
	}
	store, err := enrichsync.OpenStore(t.Context(), w.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	all := first.ValuesWritten + second.ValuesWritten
	for _, c := range []struct {
		name string
		q    enrichsync.WriteQuery
		want int
		// each checks every write returned
		each func(enrichsync.Write) bool
	}{
		{"all", enrichsync.WriteQuery{}, all, func(enrichsync.Write) bool { return true }},
		{"run", enrichsync.WriteQuery{Run: second.Run}, second.ValuesWritten, func(x enrichsync.Write) bool { return x.Run == second.Run && x.Domain == "company0.com" }},
		{"since, truncated to the second", enrichsync.WriteQuery{Since: t1.Truncate(time.Second)}, all, func(enrichsync.Write) bool { return true }},
		{"since, just after the first run", enrichsync.WriteQuery{Since: t1.Add(time.Millisecond)}, second.ValuesWritten, func(x enrichsync.Write) bool { return x.Run == second.Run }},
		{"since the second run to the millisecond", enrichsync.WriteQuery{Since: t2}, second.ValuesWritten, func(x enrichsync.Write) bool { return x.At.Equal(t2) }},
		{"since after", enrichsync.WriteQuery{Since: t2.Add(time.Millisecond)}, 0, nil},
		{"domain", enrichsync.WriteQuery{Domain: "company1.com"}, -1, func(x enrichsync.Write) bool { return x.Domain == "company1.com" && x.OrganizationID == 1001 }},
		{"organization", enrichsync.WriteQuery{OrganizationID: 1000}, -1, func(x enrichsync.Write) bool { return x.Domain == "company0.com" }},
		{"field", enrichsync.WriteQuery{Field: "LinkedIn"}, -1, func(x enrichsync.Write) bool { return x.Field == "LinkedIn" }},
		{"field id", enrichsync.WriteQuery{FieldID: w.fields["Stage"].ID}, -1, func(x enrichsync.Write) bool { return x.Field == "Stage" }},
		{"state", enrichsync.WriteQuery{State: enrichsync.WriteApplied}, all, func(x enrichsync.Write) bool { return x.State == enrichsync.WriteApplied }},
		{"no such state", enrichsync.WriteQuery{State: enrichsync.WriteRefused}, 0, nil},
		{"two filters", enrichsync.WriteQuery{Domain: "company0.com", Field: "Stage"}, 2, func(x enrichsync.Write) bool { return x.Field == "Stage" && x.Domain == "company0.com" }},
	} {
		ws, matched, err := store.QueryWrites(t.Context(), c.q)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if matched != len(ws) {
			t.Errorf("%s: %d returned of %d matched, under the default bound", c.name, len(ws), matched)
		}
		if c.want >= 0 && matched != c.want || c.want < 0 && matched == 0 {
			t.Errorf("%s: %d matched, want %d", c.name, matched, c.want)
		}
		for i, x := range ws {
			if !c.each(x) {
				t.Errorf("%s: %+v does not fit the query", c.name, x)
			}
			if i > 0 && ws[i-1].ID >= x.ID {
				t.Errorf("%s: not oldest first", c.name)
			}
		}
	}
	// The bound: the latest writes, oldest first, and the count of all.
	every, _, err := store.QueryWrites(t.Context(), enrichsync.WriteQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{1, 3, all - 1, all, all + 1} {
		ws, matched, err := store.QueryWrites(t.Context(), enrichsync.WriteQuery{Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		want := every[max(0, all-limit):]
		if matched != all || len(ws) != len(want) || ws[0].ID != want[0].ID || ws[len(ws)-1].ID != every[all-1].ID {
			t.Errorf("limit %d: %d writes (first %d) of %d matched; want the latest %d of %d", limit, len(ws), ws[0].ID, matched, len(want), all)
		}
	}
}
