package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/specs"
)

// benchResponseHeaders are the headers of the benchmark's answers: the content type,
// a date, and four of Affinity's rate-limit headers (documented, each with a pattern).
const benchResponseHeaders = `{"name":"Content-Type","value":"application/json; charset=utf-8"},{"name":"Date","value":"Fri, 20 Nov 2026 10:00:00 GMT"},` +
	`{"name":"X-Ratelimit-Limit-User","value":"900"},{"name":"X-Ratelimit-Limit-User-Remaining","value":"899"},` +
	`{"name":"X-Ratelimit-Limit-User-Reset","value":"41"},{"name":"X-Ratelimit-Limit-Org","value":"unlimited"}`

// smallEntry is one HAR entry of about 1 KB as the recorder writes it: an Affinity
// organization read by id, with benchResponseHeaders.
func smallEntry(i int) string {
	body := fmt.Sprintf(`{"id":%d,"name":"Acme %d","domain":"acme%d.co","domains":["acme%d.co"],"crunchbase_uuid":null,"global":false}`,
		64779194+i, i, i, i)
	text, _ := json.Marshal(body)
	return `{"startedDateTime":"2026-11-20T10:00:00.000Z","time":120,"request":{"method":"GET","url":"https://api.affinity.co/organizations/` +
		fmt.Sprint(64779194+i) + `","httpVersion":"HTTP/1.1","cookies":[],"headers":[{"name":"Accept","value":"application/json"},` +
		`{"name":"User-Agent","value":"orgapis/1.0"}],"queryString":[],"headersSize":-1,"bodySize":-1},` +
		`"response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","cookies":[],"headers":[` +
		benchResponseHeaders + `],` +
		`"content":{"size":` + fmt.Sprint(len(body)) + `,"mimeType":"application/json","text":` + string(text) + `},"redirectURL":"","headersSize":-1,"bodySize":-1},` +
		`"cache":{},"timings":{"send":1,"wait":100,"receive":19}}`
}

// pageEntry is one HAR entry of about 87 KB: an Affinity search page of 600
// organizations with the same headers as smallEntry's.
func pageEntry(i int) string {
	var orgs []string
	for j := range 600 {
		orgs = append(orgs, fmt.Sprintf(`{"id":%d,"name":"Org %d","domain":"org%d.example","domains":["org%d.example"],"crunchbase_uuid":null,"global":false}`, i*1000+j, j, j, j))
	}
	body := `{"organizations":[` + strings.Join(orgs, ",") + `],"next_page_token":"eyJwYXJhbXMiOnsidGVybSI6IiJ9fQ"}`
	text, _ := json.Marshal(body)
	return `{"startedDateTime":"2026-11-20T10:00:00.000Z","time":120,"request":{"method":"GET","url":"https://api.affinity.co/organizations?term=org&page_size=500",` +
		`"httpVersion":"HTTP/1.1","cookies":[],"headers":[{"name":"Accept","value":"application/json"},{"name":"User-Agent","value":"orgapis/1.0"}],` +
		`"queryString":[],"headersSize":-1,"bodySize":-1},"response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","cookies":[],"headers":[` +
		benchResponseHeaders + `],` +
		`"content":{"size":` + fmt.Sprint(len(body)) + `,"mimeType":"application/json","text":` + string(text) + `},"redirectURL":"","headersSize":-1,"bodySize":-1},` +
		`"cache":{},"timings":{"send":1,"wait":100,"receive":19}}`
}

// harOf is a HAR file of entries made by entry until it holds about size bytes; n is
// their number.
func harOf(size int, entry func(int) string) (har []byte, n int) {
	var b bytes.Buffer
	b.WriteString(`{"log":{"version":"1.2","creator":{"name":"bench","version":"1"},"entries":[`)
	for ; b.Len() < size; n++ {
		if n > 0 {
			b.WriteString(",\n")
		}
		b.WriteString(entry(n))
	}
	b.WriteString("]}}\n")
	return b.Bytes(), n
}

// cpuTime is the user and system time of the process so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkEntrySize runs the command's pipeline (Runner.Run: the HAR reader, the
// workers' checks with coverage, the collector) over two in-memory HAR files of the
// same size, one of 1 KB entries (an organization read by id) and one of 87 KB pages,
// alternating which goes first, and reports each one's MB/s per core (the file's size
// over the process's user and system time, the collector's included, less what a run
// of no entry takes: the coverage's tables, the workers), their ratio
// (issue 35: at least 0.6), and the allocations per entry of the small ones (issue 35:
// at most 10; what a run of no entry allocates, measured in the same iteration, taken
// off), every entry conforming.
func BenchmarkEntrySize(b *testing.B) {
	const size = 16 << 20
	small, nSmall := harOf(size, smallEntry)
	pages, nPages := harOf(size, pageEntry)
	runner := &Runner{Validators: map[specs.API]*contract.Validator{}}
	for _, api := range specs.APIs() {
		v, err := contract.NewEmbedded(b.Context(), api)
		if err != nil {
			b.Fatal(err)
		}
		runner.Validators[api] = v
	}
	run := func(har []byte, n int) (time.Duration, uint64) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := cpuTime(b)
		res := runner.Run(b.Context(), []Input{{Name: "bench.har", Open: func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(har)), nil
		}}})
		cpu := cpuTime(b) - start
		runtime.ReadMemStats(&after)
		if res.Summary.Passed != n || res.Summary.Checked != n || res.Summary.Findings != 0 {
			b.Fatalf("passed %d of %d, findings %d: %+v", res.Summary.Passed, n, res.Summary.Findings, res.Findings[:min(len(res.Findings), 3)])
		}
		return cpu, after.Mallocs - before.Mallocs
	}
	run(small, nSmall) // compiles the schemas, warms the pools
	empty := []byte(`{"log":{"version":"1.2","entries":[]}}`)
	var cpuSmall, cpuPages, cpuRun time.Duration
	var allocsSmall, allocsRun uint64 // allocsRun: what a run of no entry allocates (coverage, workers)
	b.ResetTimer()
	for i := range b.N {
		c, a := run(empty, 0)
		cpuRun, allocsRun = cpuRun+c, allocsRun+a
		if i%2 == 0 {
			c, a := run(small, nSmall)
			cpuSmall, allocsSmall = cpuSmall+c, allocsSmall+a
			cpuPages += first(run(pages, nPages))
		} else {
			cpuPages += first(run(pages, nPages))
			c, a := run(small, nSmall)
			cpuSmall, allocsSmall = cpuSmall+c, allocsSmall+a
		}
	}
	mbSmall := float64(len(small)*b.N) / 1e6 / (cpuSmall - cpuRun).Seconds()
	mbPages := float64(len(pages)*b.N) / 1e6 / (cpuPages - cpuRun).Seconds()
	b.ReportMetric(float64(len(small))/float64(nSmall), "B/small-entry")
	b.ReportMetric(float64(len(pages))/float64(nPages), "B/page-entry")
	b.ReportMetric(mbSmall, "MB/s-per-core-1KB")
	b.ReportMetric(mbPages, "MB/s-per-core-87KB")
	b.ReportMetric(mbSmall/mbPages, "ratio")
	b.ReportMetric(float64(allocsSmall-allocsRun)/float64(nSmall*b.N), "allocs/small-entry")
}

func first[T, U any](t T, _ U) T { return t }
