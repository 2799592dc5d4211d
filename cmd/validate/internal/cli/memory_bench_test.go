package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These benchmarks measure the command's peak memory (the child's maximum resident set)
// against hostile servers and files: the figures BENCHMARKS.md reports as peak-MB.
// They build the command and run it as a separate process, so the figure is the
// command's alone. Linux reports a child's maximum resident set as at least what the
// parent had when it started the child, so the small runs go first, before the parent
// holds the huge answers' server.

// peakMB runs cmd to its end and returns its peak resident set in MiB.
func peakMB(b *testing.B, cmd *exec.Cmd) (float64, error) {
	err := cmd.Run()
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Fatal("no rusage on this platform")
	}
	return float64(ru.Maxrss) / 1024, err // Linux reports KiB
}

// hugePages serves Affinity organization pages of about size bytes each, every one
// with a new next_page_token, and minimal valid answers elsewhere.
func hugePages(size int) *httptest.Server {
	org := `{"id":%d,"name":"Org %d","domain":"org%d.example","domains":["org%d.example"],"global":true,"person_ids":[1,2,3],"crunchbase_uuid":null}`
	var body bytes.Buffer
	body.WriteString(`{"organizations":[`)
	for i := 1; body.Len() < size; i++ {
		if i > 1 {
			body.WriteByte(',')
		}
		fmt.Fprintf(&body, org, i, i, i, i)
	}
	page := body.Bytes()
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/organizations" {
			http.NotFound(w, r)
			return
		}
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Query().Get("page_token"), "t"))
		w.Header().Set("Content-Length", strconv.Itoa(len(page)+len(`],"next_page_token":"t`)+len(strconv.Itoa(n+1))+len(`"}`)))
		w.Write(page)
		fmt.Fprintf(w, `],"next_page_token":"t%d"}`, n+1)
	}))
}

// BenchmarkHostilePeakRSS is the command's peak memory against a server of huge
// answers, a mock fed a huge body and long URLs, and a baseline that never ends.
func BenchmarkHostilePeakRSS(b *testing.B) {
	binary := buildCommand(b)
	b.Run("baseline-dev-zero", func(b *testing.B) {
		for b.Loop() {
			cmd := exec.Command(binary, "--baseline", "/dev/zero", filepath.Join(root, "testdata/recordings"))
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			mb, err := peakMB(b, cmd)
			if err == nil || !strings.Contains(stderr.String(), "not a regular file") {
				b.Fatalf("err %v, stderr %s", err, stderr.String())
			}
			b.ReportMetric(mb, "peak-MB")
		}
	})
	b.Run("mock-256MiB-body", func(b *testing.B) {
		for b.Loop() {
			b.ReportMetric(mockPeak(b, binary), "peak-MB")
		}
	})
	b.Run("live-27x30MiB", func(b *testing.B) {
		if testing.Short() {
			b.Skip("810 MB through the command")
		}
		srv := hugePages(30 << 20)
		defer srv.Close()
		for b.Loop() {
			rec := filepath.Join(b.TempDir(), "live.har")
			cmd := exec.Command(binary, "live", "--api", "affinity", "--base-url", srv.URL, "--max-pages", "27", "--budget", "60", "--record", rec)
			cmd.Env = append(os.Environ(), "AFFINITY_API_KEY=bench-key-123456")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			mb, _ := peakMB(b, cmd) // exit 2: the later calls fail on the server's 404s
			if info, err := os.Stat(rec); err != nil || info.Size() < 27*30<<20 {
				b.Fatalf("recording: %v %v\n%s", info, err, stderr.String())
			}
			b.ReportMetric(mb, "peak-MB")
		}
	})
}

// mockPeak starts validate mock, sends it one 256 MiB request body and 1,000
// unauthenticated requests with 60 KiB URLs, and returns the mock's peak resident set.
func mockPeak(b *testing.B, binary string) float64 {
	ctx, cancel := context.WithCancel(b.Context())
	cmd := exec.CommandContext(ctx, binary, "mock", "--api", "affinity", "--key", "bench-key-123456")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { cancel(); cmd.Wait() }() // stop the mock, then reap it
	line, err := bufio.NewReader(out).ReadString('\n')
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "base URL: ")
	if err != nil || !ok {
		b.Fatalf("mock said %q: %v", line, err)
	}
	client := &http.Client{Timeout: time.Minute}
	// Once with its length declared, once chunked: the mock must bound both.
	for _, length := range []int64{256 << 20, -1} {
		req, _ := http.NewRequest(http.MethodPost, base+"/organizations", io.LimitReader(zeros{}, 256<<20))
		req.ContentLength = length
		req.SetBasicAuth("", "bench-key-123456")
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			b.Logf("a %d-byte body: %v", length, err) // the mock may close the connection on it
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	long := base + "/organizations?term=" + strings.Repeat("x", 60<<10)
	for range 1000 {
		if resp, err := client.Get(long); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	time.Sleep(100 * time.Millisecond) // let the mock finish what it read
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	b.Fatal("no VmHWM")
	return 0
}

// zeros is an endless body of '0' digits: a number that never ends.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}
