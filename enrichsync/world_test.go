package enrichsync_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/orgapis/orgapis/enrichsync"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
)

const (
	affinityKey = "affinity-test-key"
	apolloKey   = "apollo-test-key"
)

// world is both fakes with a list of organizations to enrich, the fields a mapping
// fills, and a store.
type world struct {
	affinity *affinitytest.Server
	apollo   *apollotest.Server
	af       *affinity.Client
	ap       *apollo.Client
	list     int64
	fields   map[string]affinity.Field
	orgs     []affinity.Organization
	dbPath   string
	now      time.Time
}

// testMapping fills every kind of field the sync converts to.
const testMapping = `# Apollo -> Affinity
fields:
  - apollo: estimated_num_employees
    field: Employees
  - apollo: estimated_num_employees
    field: Size
  - apollo: industry
    field: Industry
  - apollo: location
    field: Headquarters
    rule: overwrite-own
  - apollo: founded_year
    field: Founded
  - apollo: latest_funding_stage
    field: Stage
    rule: overwrite-own
  - apollo: linkedin_url
    field: LinkedIn
    rule: always
`

// newWorld makes a list of n organizations with distinct domains (every fifth one
// outside ASCII), plus two entries sharing a domain and one without a domain, which a
// run sets aside.
func newWorld(t testing.TB, n int) *world {
	t.Helper()
	w := &world{now: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC), fields: map[string]affinity.Field{}}
	w.affinity = affinitytest.NewServer(affinityKey, affinitytest.WithTest(t))
	t.Cleanup(w.affinity.Close)
	w.apollo = apollotest.NewServer(apolloKey, apollotest.WithTest(t))
	t.Cleanup(w.apollo.Close)
	var ids []int64
	for i := range n {
		domain := fmt.Sprintf("company%d.com", i)
		if i%5 == 4 {
			domain = fmt.Sprintf("bücher%d.de", i)
		}
		w.orgs = append(w.orgs, affinity.Organization{ID: int64(1000 + i), Name: fmt.Sprintf("Company %d", i), Domain: domain, Domains: []string{domain}})
	}
	w.orgs = append(w.orgs,
		affinity.Organization{ID: 9001, Name: "Twin A", Domain: "twins.io", Domains: []string{"twins.io"}},
		affinity.Organization{ID: 9002, Name: "Twin B", Domain: "www.twins.io", Domains: []string{"www.twins.io"}},
		affinity.Organization{ID: 9003, Name: "Nowhere Ltd", Domains: []string{}})
	w.affinity.Add(w.orgs...)
	for _, o := range w.orgs {
		ids = append(ids, o.ID)
	}
	var err error
	if w.list, err = w.affinity.AddList("Pipeline", ids...); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name    string
		list    int64
		t       affinity.ValueType
		multi   bool
		options []string
	}{
		{"Employees", w.list, 3, false, nil},
		{"Size", w.list, 2, false, []string{"1-50", "51-200", "201-500", "501+"}},
		{"Industry", 0, 6, false, nil},
		{"Headquarters", w.list, 5, false, nil},
		{"Founded", w.list, 4, false, nil},
		{"Stage", w.list, 7, false, []string{"Seed", "Series A", "Series B", "Series C", "Venture (Round not Specified)"}},
		{"LinkedIn", w.list, 6, false, nil},
	} {
		field, err := w.affinity.AddField(f.list, f.name, f.t, f.multi, f.options...)
		if err != nil {
			t.Fatal(err)
		}
		w.fields[f.name] = field
	}
	if w.af, err = w.affinity.Client(); err != nil {
		t.Fatal(err)
	}
	if w.ap, err = w.apollo.Client(); err != nil {
		t.Fatal(err)
	}
	w.dbPath = filepath.Join(t.TempDir(), "state.db")
	return w
}

// syncer opens the world's store and makes a syncer over it; the store closes with
// the test.
func (w *world) syncer(t testing.TB, opts ...enrichsync.Option) *enrichsync.Syncer {
	t.Helper()
	store, err := enrichsync.OpenStore(t.Context(), w.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	m, err := enrichsync.ParseMapping("mapping.yaml", []byte(testMapping))
	if err != nil {
		t.Fatal(err)
	}
	opts = append([]enrichsync.Option{enrichsync.WithClock(func() time.Time { return w.now }), enrichsync.WithCreditBudget(1000)}, opts...)
	s, err := enrichsync.New(w.ap, w.af, store, m, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// drain runs an iterator of events to its end and returns them, failing on an error.
func drain(t testing.TB, seq func(func(enrichsync.Event, error) bool)) ([]enrichsync.Event, enrichsync.Summary) {
	t.Helper()
	var events []enrichsync.Event
	var sum enrichsync.Summary
	for ev, err := range seq {
		if err != nil {
			t.Fatalf("run failed: %v", err)
		}
		if ev.Kind == enrichsync.Done {
			sum = *ev.Summary
			continue
		}
		events = append(events, ev)
	}
	return events, sum
}

// snapshot is the list's mapped values, entry by entry, as text.
func (w *world) snapshot(t testing.TB) map[int64]map[string]string {
	t.Helper()
	out := map[int64]map[string]string{}
	var fields []affinity.Field
	for _, f := range w.fields {
		fields = append(fields, f)
	}
	for row, err := range w.af.ListRows(t.Context(), w.list, affinity.RowOptions{Fields: fields}) {
		if err != nil {
			t.Fatal(err)
		}
		vals := map[string]string{}
		for name, vs := range row.Values {
			for _, v := range vs {
				vals[name] += v.String() + ";"
			}
		}
		out[row.Entry.EntityID] = vals
	}
	return out
}

// auditStates counts the store's logged writes by state.
func (w *world) auditStates(t testing.TB) map[enrichsync.WriteState]int {
	t.Helper()
	store, err := enrichsync.OpenStore(t.Context(), w.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ws, err := store.Writes(t.Context(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[enrichsync.WriteState]int{}
	for _, x := range ws {
		out[x.State]++
	}
	return out
}
