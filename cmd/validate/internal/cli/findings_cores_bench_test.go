package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkCoresManyFindings runs the built command on 40 MB HAR files of small
// Affinity entries with 8 findings each and with 9 (the hostile review's pair: a
// parser's outcome once held at most 8, and one with more was checked again by a
// worker; now the findings count against what a parser holds ahead, checkOutcome.Size),
// with GOMAXPROCS=1 and GOMAXPROCS=2 by turns, and
// reports per file the wall time of one core over that of two, the CPU time of two
// over one, and the peak RSS of two over one (rusage of the child). The sequential
// run is the baseline of the same iteration. The benchmark's own peak RSS is logged:
// a child's Maxrss is at least it.
func BenchmarkCoresManyFindings(b *testing.B) {
	dir := b.TempDir()
	bin := buildCommand(b)
	entry := func(body string) string {
		text, _ := json.Marshal(body)
		return `{"request":{"method":"GET","url":"https://api.affinity.co/organizations?term=o","headers":[]},` +
			`"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"mimeType":"application/json","text":` + string(text) + `}}}`
	}
	files := []struct{ name, body string }{
		{"8-findings", `{"organizations":[{},{"name":"n","domain":"d","domains":[]}]}`},
		{"9-findings", `{"organizations":[{},{"name":"n","domain":"d"}]}`},
	}
	paths := make([]string, len(files))
	for i, f := range files {
		e := entry(f.body)
		paths[i] = filepath.Join(dir, f.name+".har")
		// Streamed (writeHAROf): a child's Maxrss is at least this process's peak RSS
		// when it was started (Linux keeps the old memory's peak at exec).
		writeHAROf(b, paths[i], 40<<20, ",", func(int) string { return e })
	}
	syscall.Sync()
	wall := make([][2]time.Duration, len(files))
	cpu := make([][2]time.Duration, len(files))
	rss := make([][2]int64, len(files))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, f := range files {
			for k := range 2 {
				procs := 1 + (i+k)%2
				run := runWithProcs(b, bin, paths[j], procs)
				if run.code != 1 || !strings.Contains(string(run.out), `"passed": 0`) {
					b.Fatalf("%s GOMAXPROCS=%d: exit %d, want 1 with every entry failed: %.300s", f.name, procs, run.code, run.out)
				}
				wall[j][procs-1] += run.wall
				cpu[j][procs-1] += run.cpu
				rss[j][procs-1] = max(rss[j][procs-1], run.rssKiB)
			}
		}
	}
	b.StopTimer()
	var self syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &self); err == nil {
		b.Logf("the benchmark's own peak RSS: %d KiB", self.Maxrss)
	}
	for j, f := range files {
		b.ReportMetric(wall[j][0].Seconds()/wall[j][1].Seconds(), "speedup-2-cores-"+f.name)
		b.ReportMetric(cpu[j][1].Seconds()/cpu[j][0].Seconds(), "cpu-ratio-"+f.name)
		b.ReportMetric(float64(rss[j][1])/float64(rss[j][0]), "rss-ratio-"+f.name)
		b.ReportMetric(float64(rss[j][1])/1024, "rss-MB-2-cores-"+f.name)
	}
}
