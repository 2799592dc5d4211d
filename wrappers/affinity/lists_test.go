package affinity_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

func TestListsAndEntries(t *testing.T) {
	c, fake := setup(t)
	ctx := t.Context()
	dealFlow := fake.GenerateList("Deal Flow", 23, 5)
	fake.GenerateList("Portfolio", 2, 2)
	lists, err := c.ListLists(ctx)
	if err != nil || len(lists) != 2 || lists[0].Name != "Deal Flow" || lists[0].Fields != nil {
		t.Fatalf("lists = %+v, %v", lists, err)
	}
	list, err := c.GetList(ctx, dealFlow)
	if err != nil || list.Fields == nil || len(list.Fields) != 5 || (list.Fields)[0].Name != "Status" {
		t.Fatalf("list = %+v, %v", list, err)
	}
	// Paginated on the wire, always: the bare-array answer never reaches the caller.
	before := len(fake.Requests())
	var ids []int64
	for e, err := range c.ListEntries(ctx, affinity.ListEntryQuery{ListID: dealFlow, PageSize: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	reqs := fake.Requests()[before:]
	if len(ids) != 23 || len(reqs) != 3 {
		t.Fatalf("%d entries in %d requests; want 23 in 3", len(ids), len(reqs))
	}
	for _, r := range reqs {
		if r.Query.Get("page_size") != "10" {
			t.Errorf("request without page_size: %v", r.Query)
		}
	}
	entry, err := c.GetListEntry(ctx, dealFlow, ids[4])
	if err != nil || entry.ID != ids[4] || entry.ListID != dealFlow {
		t.Errorf("entry = %+v, %v", entry, err)
	}
	added, err := c.CreateListEntry(ctx, dealFlow, entry.EntityID)
	if err != nil || added.EntityID != entry.EntityID || added.ID == entry.ID {
		t.Fatalf("added = %+v, %v", added, err)
	}
	if err := c.DeleteListEntry(ctx, dealFlow, added.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetListEntry(ctx, dealFlow, added.ID); !errors.Is(err, affinity.ErrNotFound) {
		t.Errorf("deleted entry: %v", err)
	}
	var pe *apicall.ParamError
	if _, err := c.GetList(ctx, 0); !errors.As(err, &pe) || pe.Param != "list_id" {
		t.Errorf("list 0: %v", err)
	}
}

func TestListEntryIsNotAddedTwice(t *testing.T) {
	c, fake := setup(t)
	list := fake.GenerateList("Deal Flow", 1, 1)
	fake.Fail(affinitytest.ServerError(503))
	before := fake.Hits()
	if _, err := c.CreateListEntry(t.Context(), list, 1000); err == nil {
		t.Fatal("want the 503")
	}
	if n := fake.Hits() - before; n != 1 {
		t.Errorf("create sent %d times after a 503, want 1", n)
	}
}

func TestFieldsAndTypedValues(t *testing.T) {
	c, fake := setup(t)
	ctx := t.Context()
	list := fake.GenerateList("Deal Flow", 3, 7)
	number := affinity.ValueNumber
	fields, err := c.ListFields(ctx, affinity.FieldQuery{ListID: list, ValueType: &number})
	if err != nil || len(fields) != 1 || fields[0].Name != "Amount" {
		t.Fatalf("number fields of the list = %+v, %v", fields, err)
	}
	var entry affinity.ListEntry
	for e, err := range c.ListEntries(ctx, affinity.ListEntryQuery{ListID: list}) {
		if err != nil {
			t.Fatal(err)
		}
		entry = e
		break
	}
	values, err := c.ListFieldValues(ctx, affinity.FieldValueQuery{ListEntryID: entry.ID})
	if err != nil || len(values) != 7 {
		t.Fatalf("values = %+v, %v", values, err)
	}
	byType := map[affinity.ValueType]affinity.Value{}
	for _, v := range values {
		byType[v.Value.Type] = v.Value
	}
	if v := byType[affinity.ValueRankedDropdown]; v.Option == nil || v.Option.Text != "New" {
		t.Errorf("status = %+v", v)
	}
	if v := byType[affinity.ValuePerson]; v.EntityID != 38706 {
		t.Errorf("owner = %+v", v)
	}
	if v := byType[affinity.ValueNumber]; v.Number != 1000 {
		t.Errorf("amount = %+v", v)
	}
	if v := byType[affinity.ValueDate]; !v.Date.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("close date = %+v", v)
	}
	if v := byType[affinity.ValueText]; v.Text != "Note 0" {
		t.Errorf("notes = %+v", v)
	}
	if v := byType[affinity.ValueLocation]; v.Location == nil || *v.Location.City != "San Francisco" {
		t.Errorf("headquarters = %+v", v)
	}
	if v := byType[affinity.ValueDropdown]; v.Text != "Software" || v.String() != "Software" {
		t.Errorf("sector = %+v", v)
	}
	// Set, change and delete a value, and read its history.
	amount := fields[0]
	set, err := c.CreateFieldValue(ctx, affinity.NewFieldValue{FieldID: amount.ID, EntityID: entry.EntityID, ListEntryID: entry.ID, Value: affinity.NumberValue(42)})
	if err != nil || set.Value.Number != 42 || set.ListEntryID != entry.ID {
		t.Fatalf("created = %+v, %v", set, err)
	}
	changed, err := c.UpdateFieldValue(ctx, set.ID, affinity.NumberValue(43))
	if err != nil || changed.Value.Number != 43 || changed.UpdatedAt.IsZero() {
		t.Fatalf("updated = %+v, %v", changed, err)
	}
	if err := c.DeleteFieldValue(ctx, set.ID); err != nil {
		t.Fatal(err)
	}
	update := affinity.ActionUpdate
	history, err := c.ListFieldValueChanges(ctx, affinity.FieldValueChangeQuery{FieldID: amount.ID, ListEntryID: entry.ID, ActionType: &update})
	if err != nil || len(history) != 1 || history[0].Value.Number != 43 || history[0].Action != affinity.ActionUpdate {
		t.Errorf("history = %+v, %v", history, err)
	}
	var pe *apicall.ParamError
	if _, err := c.ListFieldValues(ctx, affinity.FieldValueQuery{OrganizationID: 1, ListEntryID: 2}); !errors.As(err, &pe) {
		t.Errorf("two ids: %v", err)
	}
}

func TestWrongValueShapeIsMalformed(t *testing.T) {
	c := answering(t, `[{"id":1,"field_id":9,"entity_id":5,"value_type":3,"value":"not a number"}]`)
	_, err := c.ListFieldValues(t.Context(), affinity.FieldValueQuery{OrganizationID: 5})
	if !errors.Is(err, affinity.ErrMalformedBody) || !strings.Contains(err.Error(), "field 9") {
		t.Errorf("err = %v, want ErrMalformedBody naming the field", err)
	}
}

func TestQuotasAndWhoAmI(t *testing.T) {
	c, _ := setup(t)
	q, err := c.GetQuotas(t.Context())
	if err != nil || !q.AccountMonthly.Unlimited || q.AccountMonthly.Used != 7 || q.KeyPerMinute.Limit != 900 ||
		q.KeyPerMinute.Remaining != 899 || q.KeyPerMinute.Reset != 42*time.Second || q.KeyPerMinute.Unlimited {
		t.Errorf("quotas = %+v, %v", q, err)
	}
	me, err := c.WhoAmI(t.Context())
	if err != nil || me.UserID != 38706 || me.TenantID != 1 || me.TenantSubdomain != "fake" || me.GrantType != "api_key" || me.GrantCreatedAt.IsZero() {
		t.Errorf("whoami = %+v, %v", me, err)
	}
}

// The pipeline view of a 2,000-entry list, through v2 (one request a page of 100) and
// through v1 (one a page of 500 and one an entry), each holding one page at a time.
func TestListRowsTheWholePipeline(t *testing.T) {
	for _, c := range []struct {
		name        string
		opts        []option.ClientOption
		maxRequests int
	}{
		{"v2", nil, 2000 / affinity.MaxV2PageSize},
		{"v1", []option.ClientOption{affinity.WithV1Only()}, 1 + 2000/affinity.MaxPageSize + 2000},
	} {
		t.Run(c.name, func(t *testing.T) {
			client, fake := setup(t, c.opts...)
			list := fake.GenerateList("Deal Flow", 2000, 5)
			fake.GenerateList("Other", 3, 3) // values of other lists never leak in
			before := fake.Hits()
			var peak uint64
			var ms runtime.MemStats
			n := 0
			for row, err := range client.ListRows(t.Context(), list, affinity.RowOptions{Concurrency: 8}) {
				if err != nil {
					t.Fatal(err)
				}
				if row.Organization == nil || row.Organization.ID != row.Entry.EntityID {
					t.Fatalf("row %d entity = %+v", n, row.Organization)
				}
				status := row.Values["Status"]
				if len(status) != 1 || status[0].Option == nil || status[0].Option.Text != []string{"New", "In Progress", "Won"}[n%3] {
					t.Fatalf("row %d status = %+v", n, status)
				}
				if a := row.Values["Amount"]; len(a) != 1 || a[0].Number != float64(1000*(n+1)) {
					t.Fatalf("row %d amount = %+v (rows out of order?)", n, a)
				}
				if len(row.Values) != 5 {
					t.Fatalf("row %d has %d fields: %v", n, len(row.Values), row.Values)
				}
				if n%250 == 0 {
					runtime.GC()
					runtime.ReadMemStats(&ms)
					peak = max(peak, ms.HeapInuse)
				}
				n++
			}
			if n != 2000 {
				t.Fatalf("rows = %d, want 2000", n)
			}
			if requests := fake.Hits() - before; requests > c.maxRequests {
				t.Errorf("%d requests; want at most %d", requests, c.maxRequests)
			}
			// One page is held at a time: far less than all 2,000 rows would take.
			if peak > 64<<20 {
				t.Errorf("peak heap %d MiB", peak>>20)
			}
		})
	}
}

func TestListRowsPacesToTheRateLimit(t *testing.T) {
	for _, c := range []struct {
		header map[string]string
		waits  []time.Duration
	}{
		{map[string]string{"X-Ratelimit-Limit-User-Remaining": "2", "X-Ratelimit-Limit-User-Reset": "9"}, []time.Duration{9 * time.Second}},
		{map[string]string{"X-Ratelimit-Limit-User-Remaining": "15", "X-Ratelimit-Limit-User-Reset": "9"}, []time.Duration{9 * time.Second}},
		{map[string]string{"X-Ratelimit-Limit-User-Remaining": "16", "X-Ratelimit-Limit-User-Reset": "9"}, nil}, // the reserve is still in hand
		{map[string]string{"X-Ratelimit-Limit-User-Remaining": "0", "X-Ratelimit-Limit-User-Reset": "0"}, nil},  // no reset to wait for
		{map[string]string{"X-Ratelimit-Limit-User": "0", "X-Ratelimit-Limit-User-Remaining": "0"}, nil},        // no limit stated
		{map[string]string{"X-Ratelimit-Limit-User": "unlimited", "X-Ratelimit-Limit-User-Remaining": "0"}, nil},
	} {
		var sleeps recordedSleeps
		client, fake := setup(t, affinity.WithSleep(sleeps.sleep), affinity.WithV1Only())
		list := fake.GenerateList("Deal Flow", 3, 1)
		// The entries page (the second request) reports the window of the case.
		fake.Fail(affinitytest.Fault{}, affinitytest.Fault{Header: c.header})
		for _, err := range client.ListRows(t.Context(), list, affinity.RowOptions{Concurrency: 1}) {
			if err != nil {
				t.Fatal(err)
			}
		}
		if w := sleeps.get(); !slices.Equal(w, c.waits) {
			t.Errorf("%v: waits = %v, want %v", c.header, w, c.waits)
		}
	}
}

// Pacing is bounded like a retry: a reset over WithMaxRetryWait, or past the deadline,
// fails at once with a *WaitError instead of sleeping; a reset within both is slept.
func TestListRowsPacingIsBounded(t *testing.T) {
	// The client's clock stands an hour ahead of the machine's, so the deadline it
	// measures is exact while the dialer, on the real clock, still has an hour.
	now := time.Now().Add(time.Hour)
	for _, c := range []struct {
		name     string
		reset    string
		cap      time.Duration
		deadline time.Duration // 0: none
		slept    []time.Duration
		refused  bool
		expired  bool // the refusal matches context.DeadlineExceeded
	}{
		{"a day's reset", "86400", 0, 0, nil, true, false},
		{"at the cap", "60", time.Minute, 0, []time.Duration{time.Minute}, false, false},
		{"past the cap", "61", time.Minute, 0, nil, true, false},
		{"within the deadline", "3", 0, 3 * time.Second, []time.Duration{3 * time.Second}, false, false},
		{"past the deadline", "4", 0, 3 * time.Second, nil, true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var sleeps recordedSleeps
			opts := []option.ClientOption{affinity.WithSleep(sleeps.sleep), affinity.WithClock(func() time.Time { return now }), affinity.WithV1Only()}
			if c.cap > 0 {
				opts = append(opts, option.WithMaxRetryWait(c.cap))
			}
			client, fake := setup(t, opts...)
			list := fake.GenerateList("Deal Flow", 3, 1)
			fake.Fail(affinitytest.Fault{}, affinitytest.Fault{Header: map[string]string{
				"X-Ratelimit-Limit-User": "900", "X-Ratelimit-Limit-User-Remaining": "0", "X-Ratelimit-Limit-User-Reset": c.reset}})
			var ctx context.Context = t.Context()
			if c.deadline > 0 {
				ctx = &clockDeadline{Context: ctx, at: now.Add(c.deadline)}
			}
			var rows int
			var err error
			for _, err = range client.ListRows(ctx, list, affinity.RowOptions{Concurrency: 1}) {
				if err != nil {
					break
				}
				rows++
			}
			var we *apicall.WaitError
			if errors.As(err, &we) != c.refused || errors.Is(err, context.DeadlineExceeded) != c.expired {
				t.Fatalf("err = %v", err)
			}
			if c.refused && rows != 0 {
				t.Errorf("%d rows before the refusal", rows)
			}
			if !c.refused && rows != 3 {
				t.Errorf("%d rows, want 3", rows)
			}
			if w := sleeps.get(); !slices.Equal(w, c.slept) {
				t.Errorf("waits = %v, want %v", w, c.slept)
			}
		})
	}
}

// clockDeadline is a context whose deadline is on the test's clock.
type clockDeadline struct {
	context.Context
	at time.Time
}

func (c *clockDeadline) Deadline() (time.Time, bool) { return c.at, true }
