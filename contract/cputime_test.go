package contract

import (
	"syscall"
	"testing"
	"time"
)

// processCPU is the user and system time of the process so far, for benchmarks that
// report a ratio of CPU times measured alternately in one run.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
