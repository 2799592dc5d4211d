package affinity_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// comparable is what both APIs say of a row: everything but Raw (each API's own JSON)
// and a ranked option's colour (v2 names it, v1 numbers it).
func comparable(t *testing.T, r affinity.Row) string {
	t.Helper()
	type value struct {
		Type     affinity.ValueType
		EntityID int64
		Number   float64
		Text     string
		Date     time.Time
		Option   *[2]any
		Location *affinity.Location
	}
	values := map[string][]value{}
	for name, vs := range r.Values {
		for _, v := range vs {
			c := value{Type: v.Type, EntityID: v.EntityID, Number: v.Number, Text: v.Text, Date: v.Date, Location: v.Location}
			if v.Option != nil {
				c.Option = &[2]any{v.Option.ID, v.Option.Text}
			}
			values[name] = append(values[name], c)
		}
	}
	e := r.Entry
	var entity any
	switch {
	case r.Organization != nil:
		entity = []any{r.Organization.ID, r.Organization.Name, r.Organization.Domain, r.Organization.Domains, r.Organization.Global}
	case r.Person != nil:
		entity = []any{r.Person.ID, r.Person.FirstName, r.Person.LastName, r.Person.PrimaryEmail, r.Person.Emails}
	}
	b, err := json.Marshal([]any{e.ID, e.ListID, e.EntityID, e.EntityType, e.CreatorID, e.CreatedAt, entity, values})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// One seeded fake, read through v2 and through v1: the same rows, values and order, an
// organization list with global values among the list's own, and a person list.
func TestListRowsThroughV2AndV1GiveTheSameRows(t *testing.T) {
	fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
	t.Cleanup(fake.Close)
	orgs := fake.GenerateList("Deal Flow", 250, 7)
	people := fake.GeneratePersonList("Contacts", 120, 7)
	v1, err := fake.Client(affinity.WithV1Only())
	if err != nil {
		t.Fatal(err)
	}
	v2, err := fake.Client()
	if err != nil {
		t.Fatal(err)
	}
	// Global values of two of the list's organizations, through v1's writes.
	rows := 0
	for row, err := range v1.ListRows(t.Context(), orgs, affinity.RowOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		if rows%100 == 0 {
			if _, err := v1.CreateFieldValue(t.Context(), affinity.NewFieldValue{FieldID: 662, EntityID: row.Entry.EntityID, Value: affinity.NumberValue(float64(rows))}); err != nil {
				t.Fatal(err)
			}
		}
		rows++
	}
	for _, list := range []int64{orgs, people} {
		var want, got []string
		for row, err := range v1.ListRows(t.Context(), list, affinity.RowOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, comparable(t, row))
		}
		before := fake.Hits()
		for row, err := range v2.ListRows(t.Context(), list, affinity.RowOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, comparable(t, row))
		}
		if len(got) != len(want) || len(want) < 120 {
			t.Fatalf("list %d: %d rows through v2, %d through v1", list, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("list %d row %d:\nv2 %s\nv1 %s", list, i, got[i], want[i])
			}
		}
		if pages := (len(want) + 99) / 100; fake.Hits()-before != pages {
			t.Errorf("list %d: %d requests through v2, want %d (one a page)", list, fake.Hits()-before, pages)
		}
	}
	if !strings.Contains(fmt.Sprint(globalRow(t, v2, orgs)), "Potential Users") {
		t.Error("no row carries the global field's value")
	}
}

func globalRow(t *testing.T, c *affinity.Client, list int64) []string {
	var names []string
	for row, err := range c.ListRows(t.Context(), list, affinity.RowOptions{PageSize: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		for name := range row.Values {
			names = append(names, name)
		}
		break
	}
	return names
}

// v2Pages serves /v2/lists/5/list-entries from pages, one per request, whose nextUrl
// is built by next from the server's own URL.
func v2Pages(t *testing.T, pages int, body func(n int, self string) string) (*affinity.Client, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1))
		if i > pages {
			t.Errorf("request %d: the listing did not stop", i)
			http.Error(w, "no more", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body(i, srv.URL))
	}))
	t.Cleanup(srv.Close)
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return c, &n
}

const v2Row = `{"id":%d,"listId":5,"createdAt":"2025-03-01T00:00:00Z","creatorId":null,"type":"company","entity":{"id":%d,"name":"Acme","domain":null,"domains":[],"isGlobal":false,"fields":[]}}`

func page(rows int, first int, next string) string {
	var data []string
	for i := range rows {
		data = append(data, fmt.Sprintf(v2Row, first+i, 1000+first+i))
	}
	n := "null"
	if next != "" {
		n = fmt.Sprintf("%q", next)
	}
	return fmt.Sprintf(`{"data":[%s],"pagination":{"prevUrl":null,"nextUrl":%s}}`, strings.Join(data, ","), n)
}

func drain(c *affinity.Client) (int, error) {
	rows := 0
	var err error
	for _, err = range c.ListRows(context.Background(), 5, affinity.RowOptions{}) {
		if err != nil {
			break
		}
		rows++
	}
	return rows, err
}

// A v2 listing follows nextUrl only to the client's own origin and path, with a cursor;
// any other is a malformed answer naming /pagination/nextUrl, before anything is sent
// there. A repeated cursor and a run of empty pages end it; empty pages between full
// ones do not.
func TestListRowsV2GuardsItsCursors(t *testing.T) {
	for _, c := range []struct {
		name  string
		pages int
		body  func(n int, self string) string
		rows  int
		want  func(error) bool
	}{
		{"another host", 1, func(_ int, _ string) string {
			return page(2, 1, "https://evil.example/v2/lists/5/list-entries?cursor=c")
		}, 0,
			func(err error) bool {
				return errors.Is(err, affinity.ErrMalformedBody) && strings.Contains(err.Error(), "/pagination/nextUrl")
			}},
		{"another path", 1, func(_ int, self string) string { return page(2, 1, self+"/v2/companies?cursor=c") }, 0,
			func(err error) bool {
				return errors.Is(err, affinity.ErrMalformedBody) && strings.Contains(err.Error(), "/v2/lists/5/list-entries")
			}},
		{"no cursor", 1, func(_ int, self string) string { return page(2, 1, self+"/v2/lists/5/list-entries") }, 0,
			func(err error) bool {
				return errors.Is(err, affinity.ErrMalformedBody) && strings.Contains(err.Error(), "no cursor")
			}},
		{"a repeated cursor", 2, func(n int, self string) string { return page(1, n, self+"/v2/lists/5/list-entries?cursor=same") }, 2,
			func(err error) bool { return errors.Is(err, affinity.ErrRepeatedPageToken) }},
		{"empty pages without end", affinity.MaxEmptyPages + 1, func(n int, self string) string {
			return page(0, 0, fmt.Sprintf("%s/v2/lists/5/list-entries?cursor=c%d", self, n))
		}, 0, func(err error) bool { return errors.Is(err, affinity.ErrEmptyPages) }},
		{"a full page between empty ones", 4, func(n int, self string) string {
			next := fmt.Sprintf("%s/v2/lists/5/list-entries?cursor=c%d", self, n)
			switch n {
			case 2:
				return page(3, 10, next)
			case 4:
				return page(0, 0, "")
			}
			return page(0, 0, next)
		}, 3, func(err error) bool { return err == nil }},
	} {
		t.Run(c.name, func(t *testing.T) {
			client, _ := v2Pages(t, c.pages, c.body)
			rows, err := drain(client)
			if rows != c.rows || !c.want(err) {
				t.Errorf("%d rows, err = %v", rows, err)
			}
		})
	}
}

// A key v2 refuses (401 or 403) gets an Error that says how to go on, WithV1Only, and a
// client made with it reads the same list through v1.
func TestListRowsV2RefusalPointsAtV1(t *testing.T) {
	fake := affinitytest.NewUnstartedServer(key, affinitytest.WithTest(t))
	list := fake.GenerateList("Deal Flow", 3, 2)
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/v2/") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				fmt.Fprint(w, `{"errors":[{"code":"authorization","message":"no v2 access"}]}`)
				return
			}
			fake.Handler().ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
		if err != nil {
			t.Fatal(err)
		}
		var apiErr *affinity.Error
		if _, err := drainList(c, list); !errors.As(err, &apiErr) || apiErr.StatusCode != status || !strings.Contains(err.Error(), "WithV1Only") {
			t.Errorf("%d: err = %v", status, err)
		}
		c1, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), affinity.WithV1Only())
		if err != nil {
			t.Fatal(err)
		}
		if rows, err := drainList(c1, list); err != nil || rows != 3 {
			t.Errorf("%d through v1: %d rows, %v", status, rows, err)
		}
	}
}

func drainList(c *affinity.Client, list int64) (int, error) {
	rows := 0
	for _, err := range c.ListRows(context.Background(), list, affinity.RowOptions{}) {
		if err != nil {
			return rows, err
		}
		rows++
	}
	return rows, nil
}

// clock is a virtual clock shared by a client (its clock and its sleep) and the fake's
// rate limit: a job's time under the limit, without waiting for it.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

// Under the per-user limit (900 a minute, on the fake's clock), v1's recipe for a
// 2,000-entry list waits out two windows and never meets a 429; v2 reads it within one.
func TestListRowsUnderTheRateLimit(t *testing.T) {
	for _, c := range []struct {
		name               string
		opts               []option.ClientOption
		minWait, maxWait   time.Duration
		minCalls, maxCalls int
	}{
		{"v2", nil, 0, 0, 20, 20},
		{"v1", []option.ClientOption{affinity.WithV1Only()}, 2 * time.Minute, 3 * time.Minute, 2005, 2006},
	} {
		t.Run(c.name, func(t *testing.T) {
			clk := newClock()
			fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
			t.Cleanup(fake.Close)
			fake.LimitRate(900, clk.Now)
			list := fake.GenerateList("Deal Flow", 2000, 5)
			opts := append([]option.ClientOption{affinity.WithClock(clk.Now),
				affinity.WithSleep(func(ctx context.Context, d time.Duration) error { return clk.Sleep(ctx, d) }), option.WithRetries(0)}, c.opts...)
			client, err := fake.Client(opts...)
			if err != nil {
				t.Fatal(err)
			}
			start, before := clk.Now(), fake.Hits()
			rows, err := drainList(client, list)
			waited, calls := clk.Now().Sub(start), fake.Hits()-before
			if err != nil || rows != 2000 {
				t.Fatalf("%d rows, %v (after %d requests, %s)", rows, err, calls, waited)
			}
			if waited < c.minWait || waited > c.maxWait || calls < c.minCalls || calls > c.maxCalls {
				t.Errorf("%d requests over %s of the limit's time; want %d to %d over %s to %s", calls, waited, c.minCalls, c.maxCalls, c.minWait, c.maxWait)
			}
		})
	}
}

// Options ListRows cannot take are refused through v2 as through v1, before sending.
func TestListRowsV2RefusesBadOptions(t *testing.T) {
	client, n := v2Pages(t, 0, func(int, string) string { return "" })
	for _, opts := range []affinity.RowOptions{{Concurrency: 17}, {Concurrency: -1}, {PageSize: 101}, {PageSize: -1}} {
		for _, err := range client.ListRows(t.Context(), 5, opts) {
			var pe *apicall.ParamError
			if !errors.As(err, &pe) {
				t.Errorf("%+v: err = %v, want a ParamError", opts, err)
			}
			break
		}
	}
	for _, err := range client.ListRows(t.Context(), 0, affinity.RowOptions{}) {
		var pe *apicall.ParamError
		if !errors.As(err, &pe) || pe.Param != "list_id" {
			t.Errorf("list 0: err = %v", err)
		}
		break
	}
	if n.Load() != 0 {
		t.Errorf("%d requests sent", n.Load())
	}
}
