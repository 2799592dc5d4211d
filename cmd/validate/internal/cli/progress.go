package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orgapis/orgapis/internal/terminal"
)

// progressThreshold is the input size from which a progress line is worth showing.
const progressThreshold = 64 << 20

// progressCounter counts what a run has read and checked, and shows it on a terminal.
type progressCounter struct {
	bytes, exchanges atomic.Int64

	out   io.Writer
	start time.Time
	done  chan struct{}
	wg    sync.WaitGroup
}

// startProgress shows a progress line on stderr, every half second, when stderr is a
// terminal, quiet is off and the inputs are large (or of unknown size, such as
// standard input). It counts in any case; stop ends the line.
func startProgress(stderr io.Writer, inputs []Input, quiet bool) *progressCounter {
	p := &progressCounter{out: stderr, start: time.Now(), done: make(chan struct{})}
	if quiet || !terminal.Is(stderr) || inputSize(inputs) < progressThreshold {
		return p
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.done:
				fmt.Fprint(p.out, "\r\033[K")
				return
			case <-t.C:
				fmt.Fprint(p.out, "\r"+p.line())
			}
		}
	}()
	return p
}

// line is the progress so far: bytes read and exchanges checked per second.
func (p *progressCounter) line() string {
	secs := max(time.Since(p.start).Seconds(), 0.001)
	n := p.exchanges.Load()
	return fmt.Sprintf("read %.1f MiB, %d exchanges checked (%.0f/s)", float64(p.bytes.Load())/(1<<20), n, float64(n)/secs)
}

func (p *progressCounter) stop() {
	close(p.done)
	p.wg.Wait()
}

func (p *progressCounter) checked() { p.exchanges.Add(1) }

// reader counts the bytes read through r. A file stays one that can be read at any
// offset, for contract.WithParallel: its reads at an offset are counted too (a
// parallel reader reads a little past each chunk's end, so the count may pass the
// file's size by a little).
func (p *progressCounter) reader(r io.Reader) io.Reader {
	if f, ok := r.(*os.File); ok {
		return &countingFile{countingReader: countingReader{r: f, n: &p.bytes}, f: f}
	}
	return &countingReader{r: r, n: &p.bytes}
}

// countingFile is a countingReader over a file, which keeps the file's ReadAt, Seek
// and Stat.
type countingFile struct {
	countingReader
	f *os.File
}

func (c *countingFile) ReadAt(b []byte, off int64) (int, error) {
	n, err := c.f.ReadAt(b, off)
	c.n.Add(int64(n))
	return n, err
}

func (c *countingFile) Seek(off int64, whence int) (int64, error) { return c.f.Seek(off, whence) }

func (c *countingFile) Stat() (os.FileInfo, error) { return c.f.Stat() }

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}

// inputSize adds up the sizes of the input files; standard input counts as large.
func inputSize(inputs []Input) int64 {
	var total int64
	for _, in := range inputs {
		if in.Name == "(stdin)" {
			return progressThreshold
		}
		if info, err := os.Stat(in.Name); err == nil {
			total += info.Size()
		}
	}
	return total
}
