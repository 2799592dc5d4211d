package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

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
	bin := buildCommand(b)
	const size = 500 << 20
	files := []struct {
		name, path string
		entries    int
	}{{name: "pages"}, {name: "small"}}
	for i := range files {
		files[i].path = filepath.Join(dir, files[i].name+".har")
	}
	files[0].entries = writeHAR(b, files[0].path, size)
	files[1].entries = writeHAROf(b, files[1].path, size, ",\n", smallEntry)
	// The gigabyte just written is flushed to disk before the runs: its writeback
	// otherwise takes a core from the first of them (the two-core runs most).
	syscall.Sync()
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
				run := runWithProcs(b, bin, f.path, procs)
				wall[j][procs-1] += run.wall
				cpu[j][procs-1] += run.cpu
				if run.code != 0 || !strings.Contains(string(run.out), fmt.Sprintf(`"passed": %d,`, f.entries)) {
					b.Fatalf("%s GOMAXPROCS=%d: exit %d, not every entry passed: %.300s", f.name, procs, run.code, run.out)
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

// procsRun is one run of the built command on a file (its JSON report) with
// GOMAXPROCS set: its wall time, user and system time, peak RSS in KiB (Linux's
// rusage), report and exit status.
type procsRun struct {
	wall, cpu time.Duration
	rssKiB    int64
	out       []byte
	code      int
}

// runWithProcs runs the built command bin on path with GOMAXPROCS=procs; a command
// that could not run at all fails the benchmark.
func runWithProcs(b *testing.B, bin, path string, procs int) procsRun {
	b.Helper()
	cmd := exec.Command(bin, "--format", "json", path)
	cmd.Env = append(os.Environ(), fmt.Sprintf("GOMAXPROCS=%d", procs))
	start := time.Now()
	out, err := cmd.Output()
	run := procsRun{wall: time.Since(start), out: out}
	if cmd.ProcessState == nil {
		b.Fatalf("%s GOMAXPROCS=%d: %v", path, procs, err)
	}
	run.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	run.code = cmd.ProcessState.ExitCode()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		run.rssKiB = ru.Maxrss
	}
	return run
}
