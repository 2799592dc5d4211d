package affinity_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"testing"
	"time"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/option"
)

// replay records every page the fake serves for n organizations, then serves those
// bytes from memory, so that the benchmark measures the client and not the fake's JSON
// encoding (which would be the same for both sides and hide the difference).
func replay(b *testing.B, n int) *httptest.Server {
	b.Helper()
	fake := affinitytest.NewServer(key, affinitytest.WithTest(b))
	defer fake.Close()
	fake.Generate(n)
	pages := map[string][]byte{}
	token := ""
	for {
		u := fake.URL + "/organizations?page_size=500"
		if token != "" {
			u += "&page_token=" + url.QueryEscape(token)
		}
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.SetBasicAuth("", key)
		resp, err := (&http.Client{}).Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		pages[token] = body
		var p struct {
			Next *string `json:"next_page_token"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			b.Fatal(err)
		}
		if p.Next == nil {
			break
		}
		token = *p.Next
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Ratelimit-Limit-User", "900")
		_, _ = w.Write(pages[r.URL.Query().Get("page_token")])
	}))
	b.Cleanup(srv.Close)
	return srv
}

// baseline is the loop a user would write by hand with net/http and encoding/json.
func baseline(ctx context.Context, base string) (int, error) {
	count, token := 0, ""
	for {
		u := base + "/organizations?page_size=500"
		if token != "" {
			u += "&page_token=" + url.QueryEscape(token)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return count, err
		}
		req.SetBasicAuth("", key)
		resp, err := (&http.Client{}).Do(req)
		if err != nil {
			return count, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return count, err
		}
		var page affinityapi.OrganizationPage
		if err := json.Unmarshal(body, &page); err != nil {
			return count, err
		}
		count += len(page.Organizations)
		if page.NextPageToken == nil {
			return count, nil
		}
		token = *page.NextPageToken
	}
}

func viaWrapper(ctx context.Context, c *affinity.Client) (int, error) {
	count := 0
	for _, err := range c.Organizations(ctx, affinity.OrganizationQuery{PageSize: 500}) {
		if err != nil {
			return count, err
		}
		count++
	}
	return count, nil
}

// measure runs f once and returns its duration and heap allocations.
func measure(f func() (int, error)) (time.Duration, uint64, int, error) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	n, err := f()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	return elapsed, after.Mallocs - before.Mallocs, n, err
}

// BenchmarkIterate100k lists 100,000 organizations through the wrapper and through
// the hand-written baseline, alternating in the same run, and reports both and their
// ratios. Targets: time-ratio <= 1.15, allocs-ratio <= 1.2.
func BenchmarkIterate100k(b *testing.B) {
	const n = 100_000
	srv := replay(b, n)
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	var wTime, bTime time.Duration
	var wAllocs, bAllocs uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, a, got, err := measure(func() (int, error) { return baseline(ctx, srv.URL) })
		if err != nil || got != n {
			b.Fatalf("baseline: %d, %v", got, err)
		}
		bTime, bAllocs = bTime+d, bAllocs+a
		d, a, got, err = measure(func() (int, error) { return viaWrapper(ctx, c) })
		if err != nil || got != n {
			b.Fatalf("wrapper: %d, %v", got, err)
		}
		wTime, wAllocs = wTime+d, wAllocs+a
	}
	b.ReportMetric(float64(wTime.Nanoseconds())/float64(b.N*n), "wrapper-ns/record")
	b.ReportMetric(float64(bTime.Nanoseconds())/float64(b.N*n), "baseline-ns/record")
	b.ReportMetric(float64(wAllocs)/float64(b.N*n), "wrapper-allocs/record")
	b.ReportMetric(float64(bAllocs)/float64(b.N*n), "baseline-allocs/record")
	b.ReportMetric(float64(wTime)/float64(bTime), "time-ratio")
	b.ReportMetric(float64(wAllocs)/float64(bAllocs), "allocs-ratio")
}

// BenchmarkPeakHeap lists 10,000 and then 100,000 organizations through the wrapper
// and reports the peak live heap above the starting heap for each, and their ratio: it
// stays near 1 because one page is held at a time. Each sample (once per page) forces a
// GC first, so that it counts what the iteration retains, not garbage the pacer has not
// collected yet.
func BenchmarkPeakHeap(b *testing.B) {
	small, large := replay(b, 10_000), replay(b, 100_000)
	peak := func(base string) uint64 {
		c, _ := affinity.NewClient(key, option.WithBaseURL(base))
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		start, top := ms.HeapAlloc, ms.HeapAlloc
		n := 0
		for _, err := range c.Organizations(b.Context(), affinity.OrganizationQuery{PageSize: 500}) {
			if err != nil {
				b.Fatal(err)
			}
			if n++; n%500 == 250 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				top = max(top, ms.HeapAlloc)
			}
		}
		if top < start {
			return 0
		}
		return top - start
	}
	var s, l uint64
	for i := 0; i < b.N; i++ {
		s, l = max(s, peak(small.URL)), max(l, peak(large.URL))
	}
	b.ReportMetric(float64(s)/1024, "peak-KiB-10k")
	b.ReportMetric(float64(l)/1024, "peak-KiB-100k")
	b.ReportMetric(float64(l)/float64(s), "peak-ratio")
}
