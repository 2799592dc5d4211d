package affinity_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/option"
)

// BenchmarkListRows2000 reads a list of 2,000 entries with 5 fields each, with their
// values by field name, through v1 and through v2 (sub-benchmarks v1 and v2). Each
// measures, in one run against the same fake:
//   - the time of ListRows against a hand-written loop of the same requests (v1:
//     Affinity's recipe of fields, entry pages and each entry's values, four at a
//     time; v2: the pages of entries with their values), alternating which goes first;
//     target ratio at most 1.15;
//   - requests per listing (requests/op), and the time the per-user limit of 900 a
//     minute imposes on them (limit-s/op), on the fake's clock, which the client's
//     pacing moves: no real wait. Target through v2: at most 25 requests and under 2 s.
func BenchmarkListRows2000(b *testing.B) {
	b.Run("v1", func(b *testing.B) { benchmarkListRows(b, []option.ClientOption{affinity.WithV1Only()}, handWrittenV1) })
	b.Run("v2", func(b *testing.B) { benchmarkListRows(b, nil, handWrittenV2) })
}

func benchmarkListRows(b *testing.B, opts []option.ClientOption, handWritten func(b *testing.B, base string, list int64) int) {
	fake := affinitytest.NewServer(key, affinitytest.WithTest(b))
	b.Cleanup(fake.Close)
	list := fake.GenerateList("Deal Flow", 2000, 5)
	client, err := affinity.NewClient(key, append([]option.ClientOption{option.WithBaseURL(fake.URL)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	wrapper := func() int {
		n := 0
		for row, err := range client.ListRows(b.Context(), list, affinity.RowOptions{}) {
			if err != nil {
				b.Fatal(err)
			}
			n += len(row.Values)
		}
		return n
	}
	requests, limit := underTheLimit(b, opts)
	var base, wrapped time.Duration
	timed := func(f func() int, total *time.Duration) {
		start := time.Now()
		if n := f(); n != 2000*5 {
			b.Fatalf("%d values, want 10,000", n)
		}
		*total += time.Since(start)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		hand := func() int { return handWritten(b, fake.URL, list) }
		if i%2 == 0 {
			timed(hand, &base)
			timed(wrapper, &wrapped)
		} else {
			timed(wrapper, &wrapped)
			timed(hand, &base)
		}
	}
	b.ReportMetric(float64(base.Microseconds())/float64(b.N)/1000, "handwritten-ms")
	b.ReportMetric(float64(wrapped.Microseconds())/float64(b.N)/1000, "wrapper-ms")
	b.ReportMetric(float64(wrapped)/float64(base), "time-ratio")
	b.ReportMetric(float64(requests), "requests/op")
	b.ReportMetric(limit.Seconds(), "limit-s/op")
}

// underTheLimit reads the list once from a fake that holds the key to 900 requests a
// minute on a clock the client's pacing moves, and returns the requests it took and
// the time the limit imposed.
func underTheLimit(b *testing.B, opts []option.ClientOption) (int, time.Duration) {
	clk := newClock()
	fake := affinitytest.NewServer(key, affinitytest.WithTest(b))
	defer fake.Close()
	fake.LimitRate(900, clk.Now)
	list := fake.GenerateList("Deal Flow", 2000, 5)
	client, err := fake.Client(append([]option.ClientOption{affinity.WithClock(clk.Now), affinity.WithSleep(clk.Sleep), option.WithRetries(0)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	start, before := clk.Now(), fake.Hits()
	if rows, err := drainList(client, list); err != nil || rows != 2000 {
		b.Fatalf("under the limit: %d rows, %v", rows, err)
	}
	return fake.Hits() - before, clk.Now().Sub(start)
}

// handWrittenV2 reads the list's pages through v2 by hand: each page's entries with
// their values, raw JSON by field name.
func handWrittenV2(b *testing.B, base string, list int64) int {
	n := 0
	next := fmt.Sprintf("%s/v2/lists/%d/list-entries?limit=100&fieldTypes=list&fieldTypes=global", base, list)
	for next != "" {
		var page struct {
			Data []struct {
				Entity struct {
					Fields []struct {
						Name  string `json:"name"`
						Value struct {
							Data json.RawMessage `json:"data"`
						} `json:"value"`
					} `json:"fields"`
				} `json:"entity"`
			} `json:"data"`
			Pagination struct {
				NextURL *string `json:"nextUrl"`
			} `json:"pagination"`
		}
		req, _ := http.NewRequest(http.MethodGet, next, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := (&http.Client{}).Do(req)
		if err != nil {
			b.Fatal(err)
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range page.Data {
			row := map[string]json.RawMessage{}
			for _, f := range e.Entity.Fields {
				if string(f.Value.Data) != "null" {
					row[f.Name] = f.Value.Data
				}
			}
			n += len(row)
		}
		next = ""
		if page.Pagination.NextURL != nil {
			next = *page.Pagination.NextURL
		}
	}
	return n
}

// handWrittenV1 follows Affinity's own v1 recipe by hand.
func handWrittenV1(b *testing.B, base string, list int64) int {
	get := func(path string, v any) {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.SetBasicAuth("", key)
		resp, err := (&http.Client{}).Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			b.Fatal(err)
		}
	}
	{
		var fields []affinityapi.Field
		get("/fields", &fields)
		names := map[int64]string{}
		for _, f := range fields {
			names[f.ID] = f.Name
		}
		type value struct {
			FieldID     int64           `json:"field_id"`
			ListEntryID *int64          `json:"list_entry_id"`
			Value       json.RawMessage `json:"value"`
		}
		n, token := 0, ""
		for {
			var page affinityapi.ListEntryPage
			path := fmt.Sprintf("/lists/%d/list-entries?page_size=500", list)
			if token != "" {
				path += "&page_token=" + token
			}
			get(path, &page)
			rows := make([]map[string][]json.RawMessage, len(page.ListEntries))
			var wg sync.WaitGroup
			slots := make(chan struct{}, 4)
			for i, e := range page.ListEntries {
				slots <- struct{}{}
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer func() { <-slots }()
					var values []value
					get(fmt.Sprintf("/field-values?organization_id=%d", e.EntityID), &values)
					row := map[string][]json.RawMessage{}
					for _, v := range values {
						if v.ListEntryID == nil || *v.ListEntryID == e.ID {
							row[names[v.FieldID]] = append(row[names[v.FieldID]], v.Value)
						}
					}
					rows[i] = row
				}()
			}
			wg.Wait()
			for _, r := range rows {
				n += len(r)
			}
			if page.NextPageToken == nil {
				return n
			}
			token = *page.NextPageToken
		}
	}
}
