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
// values by field name, through ListRows and through a hand-written loop that follows
// Affinity's own recipe (fields, entry pages, then the values of each entry, four at a
// time, raw JSON by field name), alternating in one run against the same fake.
// Target: time ratio at most 1.15.
func BenchmarkListRows2000(b *testing.B) {
	fake := affinitytest.NewServer(key)
	b.Cleanup(fake.Close)
	list := fake.GenerateList("Deal Flow", 2000, 5)
	client, err := affinity.NewClient(key, option.WithBaseURL(fake.URL))
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	wrapper := func() int {
		n := 0
		for row, err := range client.ListRows(ctx, list, affinity.RowOptions{}) {
			if err != nil {
				b.Fatal(err)
			}
			n += len(row.Values)
		}
		return n
	}
	get := func(path string, v any) {
		req, _ := http.NewRequest(http.MethodGet, fake.URL+path, nil)
		req.SetBasicAuth("", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			b.Fatal(err)
		}
	}
	handWritten := func() int {
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
	var base, wrapped time.Duration
	timed := func(f func() int, total *time.Duration) {
		start := time.Now()
		if n := f(); n != 2000*5 {
			b.Fatalf("%d values, want 10,000", n)
		}
		*total += time.Since(start)
	}
	b.ResetTimer()
	for i := range b.N {
		if i%2 == 0 {
			timed(handWritten, &base)
			timed(wrapper, &wrapped)
		} else {
			timed(wrapper, &wrapped)
			timed(handWritten, &base)
		}
	}
	b.ReportMetric(float64(base.Microseconds())/float64(b.N)/1000, "handwritten-ms")
	b.ReportMetric(float64(wrapped.Microseconds())/float64(b.N)/1000, "wrapper-ms")
	b.ReportMetric(float64(wrapped)/float64(base), "time-ratio")
}
