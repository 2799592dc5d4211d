package cli

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// page1KB is an Affinity organization page of about 1 KB that conforms to the spec.
var page1KB = orgPage(10)

// benchUpstream serves page1KB for every request, as the API would.
func benchUpstream(tb testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, page1KB)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// benchProxy is the proxy's handler on a loopback server in front of upstream, as
// validate proxy serves it, without the command around it.
func benchProxy(tb testing.TB, upstream string) (*httptest.Server, *proxy) {
	cfg := proxyConfig{upstream: upstream, api: "affinity", format: "text", requests: true, maxBodyBytes: 8 << 20,
		timeout: time.Minute, limits: defaultLimits()}
	p, err := newProxy(context.Background(), cfg, io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(p)
	tb.Cleanup(func() { srv.Close(); p.fwd.CloseIdle() })
	return srv, p
}

// benchClient is a client with room for as many idle connections as clients.
func benchClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, DisableCompression: true}}
}

func getAll(tb testing.TB, c *http.Client, url string) {
	resp, err := c.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || n != int64(len(page1KB)) {
		tb.Fatalf("status %d, %d bytes, %v", resp.StatusCode, n, err)
	}
}

// BenchmarkProxy1KB times a 1 KB exchange on loopback through the proxy and, in the
// same run, straight to the same upstream, one after the other on kept-alive
// connections, and reports the medians and what the proxy adds to the median
// (added-µs; the goal is at most 1000). The proxy checks request and answer against
// the spec, as validate proxy does by default.
func BenchmarkProxy1KB(b *testing.B) {
	upstream := benchUpstream(b)
	srv, _ := benchProxy(b, upstream.URL)
	c := benchClient(4)
	direct, proxied := upstream.URL+"/organizations?page_size=10", srv.URL+"/organizations?page_size=10"
	for range 50 { // warm both paths: connections, pools, the validator's caches
		getAll(b, c, direct)
		getAll(b, c, proxied)
	}
	d, p := make([]time.Duration, 0, b.N), make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		getAll(b, c, direct)
		mid := time.Now()
		getAll(b, c, proxied)
		d, p = append(d, mid.Sub(start)), append(p, time.Since(mid))
	}
	b.StopTimer()
	md, mp := median(d), median(p)
	b.ReportMetric(float64(md.Microseconds()), "direct-µs")
	b.ReportMetric(float64(mp.Microseconds()), "proxied-µs")
	b.ReportMetric(float64((mp - md).Microseconds()), "added-µs")
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkProxyConcurrent200 sends b.N 1 KB exchanges through the proxy from 200
// clients at once and reports the live heap after them (heap-MiB), so that a long
// run (-benchtime=30s) shows whether memory stays flat.
func BenchmarkProxyConcurrent200(b *testing.B) {
	upstream := benchUpstream(b)
	srv, _ := benchProxy(b, upstream.URL)
	c := benchClient(200)
	b.ResetTimer()
	drive(b, c, srv.URL+"/organizations?page_size=10", 200, int64(b.N))
	b.StopTimer()
	b.ReportMetric(heapMiB(), "heap-MiB")
}

// drive sends n exchanges from clients goroutines at once.
func drive(tb testing.TB, c *http.Client, url string, clients int, n int64) {
	var left atomic.Int64
	left.Store(n)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				getAll(tb, c, url)
			}
		}()
	}
	wg.Wait()
}

func heapMiB() float64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// The proxy's memory does not grow with the exchanges it passes: 200 clients at
// once, the live heap after n exchanges and after 10n differ by less than a bound
// that holds one exchange's worth per client, not per exchange. The test counts
// exchanges, never time.
func TestProxyMemoryFlat(t *testing.T) {
	upstream := benchUpstream(t)
	srv, p := benchProxy(t, upstream.URL)
	c := benchClient(200)
	url := srv.URL + "/organizations?page_size=10"
	const n = 400
	drive(t, c, url, 200, n)
	after := heapMiB()
	drive(t, c, url, 200, 9*n)
	after10 := heapMiB()
	// 200 connections' buffers are in both; what may differ is noise of the pools.
	if grown := after10 - after; grown > 4 {
		t.Errorf("heap %.1f MiB after %d exchanges, %.1f MiB after %d: grew %.1f MiB", after, n, after10, 10*n, grown)
	}
	if res := p.tally.result(); res.Summary.Checked != 10*n || res.Summary.Passed != 10*n {
		t.Errorf("checked %d, passed %d, want %d", res.Summary.Checked, res.Summary.Passed, 10*n)
	}
	t.Logf("heap %.1f MiB after %d exchanges, %.1f MiB after %d", after, n, after10, 10*n)
}
