package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeSmallHAR writes a HAR file of about size bytes made of valid Affinity
// organizations, about 1 KB an entry with the headers a real answer has, one entry a
// line, and returns the number of entries.
func writeSmallHAR(b *testing.B, path string, size int64) int {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	w.WriteString(`{"log":{"version":"1.2","creator":{"name":"bench","version":"1"},"entries":[` + "\n")
	const headers = `{"name":"Content-Type","value":"application/json; charset=utf-8"},{"name":"Date","value":"Fri, 20 Nov 2026 10:00:00 GMT"},` +
		`{"name":"X-Ratelimit-Limit-User","value":"900"},{"name":"X-Ratelimit-Limit-User-Remaining","value":"899"},` +
		`{"name":"X-Ratelimit-Limit-User-Reset","value":"41"},{"name":"X-Ratelimit-Limit-Org","value":"unlimited"}`
	n := 0
	for written := int64(0); written < size; n++ {
		id := 64779194 + n
		body := fmt.Sprintf(`{"id":%d,"name":"Acme %d","domain":"acme%d.co","domains":["acme%d.co"],"crunchbase_uuid":null,"global":false}`, id, n, n, n)
		text, _ := json.Marshal(body)
		entry := fmt.Sprintf(`{"startedDateTime":"2026-11-20T10:00:00.000Z","time":120,"request":{"method":"GET","url":"https://api.affinity.co/organizations/%d",`+
			`"httpVersion":"HTTP/1.1","cookies":[],"headers":[{"name":"Accept","value":"application/json"}],"queryString":[],"headersSize":-1,"bodySize":-1},`+
			`"response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","cookies":[],"headers":[%s],"content":{"size":%d,"mimeType":"application/json","text":%s},`+
			`"redirectURL":"","headersSize":-1,"bodySize":-1},"cache":{},"timings":{"send":1,"wait":100,"receive":19}}`, id, headers, len(body), text)
		if n > 0 {
			w.WriteString(",\n")
		}
		w.WriteString(entry)
		written += int64(len(entry) + 2)
	}
	w.WriteString("]}}\n")
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkCores runs the built command on a 500 MB HAR file of 60 KB Affinity pages
// and on one of 1 KB entries, with GOMAXPROCS=1 and GOMAXPROCS=2 by turns (which goes
// first alternating from one iteration to the next), and reports for each file the
// wall time of one core over that of two (the goal is 1.8) and the MB/s of each. Both
// runs must report every entry passed. Wall times are the machine's: run it on a
// machine doing nothing else, and read the load average it logs. cpu-ratio is the
// CPU time with two cores over that with one, the work spreading adds, which the
// machine's load disturbs less.
func BenchmarkCores(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "validate")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/orgapis/orgapis/cmd/validate").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	const size = 500 << 20
	files := []struct {
		name, path string
		entries    int
	}{{name: "pages"}, {name: "small"}}
	for i := range files {
		files[i].path = filepath.Join(dir, files[i].name+".har")
	}
	files[0].entries = writeHAR(b, files[0].path, size)
	files[1].entries = writeSmallHAR(b, files[1].path, size)
	load := func() string {
		l, _ := os.ReadFile("/proc/loadavg")
		return strings.TrimSpace(string(l))
	}
	b.Logf("load average before: %s", load())
	wall := make([][2]time.Duration, len(files)) // per file, one core and two
	cpu := make([][2]time.Duration, len(files))  // likewise, user and system time
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, f := range files {
			for k := range 2 {
				procs := 1 + (i+k)%2
				cmd := exec.Command(bin, "--format", "json", f.path)
				cmd.Env = append(os.Environ(), fmt.Sprintf("GOMAXPROCS=%d", procs))
				start := time.Now()
				out, err := cmd.Output()
				wall[j][procs-1] += time.Since(start)
				if cmd.ProcessState != nil {
					cpu[j][procs-1] += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				}
				if err != nil {
					b.Fatalf("%s GOMAXPROCS=%d: %v", f.name, procs, err)
				}
				if !strings.Contains(string(out), fmt.Sprintf(`"passed": %d,`, f.entries)) {
					b.Fatalf("%s GOMAXPROCS=%d: not every entry passed: %.300s", f.name, procs, out)
				}
			}
		}
	}
	b.StopTimer()
	b.Logf("load average after: %s", load())
	for j, f := range files {
		fi, err := os.Stat(f.path)
		if err != nil {
			b.Fatal(err)
		}
		mb := float64(fi.Size()) * float64(b.N) / 1e6
		one, two := wall[j][0].Seconds(), wall[j][1].Seconds()
		b.ReportMetric(one/two, "speedup-2-cores-"+f.name)
		b.ReportMetric(mb/one, "MB/s-1-core-"+f.name)
		b.ReportMetric(mb/two, "MB/s-2-cores-"+f.name)
		// What spreading the work costs in all: CPU time with two cores over one's.
		b.ReportMetric(cpu[j][1].Seconds()/cpu[j][0].Seconds(), "cpu-ratio-"+f.name)
	}
}
