package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeHAR writes a HAR file of about size bytes made of valid Affinity search pages
// (about 60 KB each), all on one line.
func writeHAR(b *testing.B, path string, size int64) int {
	var orgs []string
	for i := 0; i < 400; i++ {
		orgs = append(orgs, fmt.Sprintf(`{"id":%d,"name":"Org %d","domain":"org%d.example","domains":["org%d.example"],"crunchbase_uuid":null,"global":false}`, i, i, i, i))
	}
	body := `{"organizations":[` + strings.Join(orgs, ",") + `],"next_page_token":"abc"}`
	text, _ := json.Marshal(body)
	entry := `{"request":{"method":"GET","url":"https://api.affinity.co/organizations?term=org","headers":[]},` +
		`"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"mimeType":"application/json","text":` + string(text) + `}}}`
	return writeHAROf(b, path, size, ",", func(int) string { return entry })
}

// writeHAROf writes a HAR file of about size bytes of the entries entry makes, joined
// by sep, streaming it so the benchmark itself stays small, and returns their number.
func writeHAROf(b *testing.B, path string, size int64, sep string, entry func(int) string) int {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	w.WriteString(`{"log":{"version":"1.2","creator":{"name":"bench","version":"1"},"entries":[`)
	n := 0
	for written := int64(0); written < size; n++ {
		e := entry(n)
		if n > 0 {
			w.WriteString(sep)
		}
		w.WriteString(e)
		written += int64(len(e) + len(sep))
	}
	w.WriteString("]}}\n")
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkPeakRSS runs the built command on a 100 MB and a 500 MB HAR file and reports
// its peak resident memory for each (entries are streamed, so it follows the largest
// entry, not the file) and its throughput per CPU core on the 500 MB file.
func BenchmarkPeakRSS(b *testing.B) {
	dir := b.TempDir()
	bin := buildCommand(b)
	sizes := []int64{100 << 20, 500 << 20}
	files := make([]string, len(sizes))
	entries := make([]int, len(sizes))
	for i, size := range sizes {
		files[i] = filepath.Join(dir, fmt.Sprintf("%dMB.har", size>>20))
		entries[i] = writeHAR(b, files[i], size)
	}
	rss := make([]int64, len(sizes))
	var cpu time.Duration // user and system time on the 500 MB file, over all iterations
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, file := range files {
			cmd := exec.Command(bin, "--format", "json", file)
			out, err := cmd.Output()
			if err != nil {
				b.Fatalf("%s: %v", file, err)
			}
			if !strings.Contains(string(out), fmt.Sprintf(`"passed": %d`, entries[j])) {
				b.Fatalf("%s: not every entry passed: %.300s", file, out)
			}
			rss[j] = max(rss[j], cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) // KiB on Linux
			if j == len(files)-1 {
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			}
		}
	}
	b.ReportMetric(float64(rss[0])/1024, "peak-RSS-MiB-100MB")
	b.ReportMetric(float64(rss[1])/1024, "peak-RSS-MiB-500MB")
	b.ReportMetric(float64(rss[1])/float64(rss[0]), "rss-ratio")
	// Throughput per core is the file's size over the CPU time the command spent on it,
	// whatever the number of cores it spread that time over.
	b.ReportMetric(float64(sizes[1]*int64(b.N))/1e6/cpu.Seconds(), "MB/s-per-core-500MB")
}
