package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a buffer several goroutines write to, and a test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runningProxy is validate proxy run in the test's process.
type runningProxy struct {
	URL    string
	stdout lockedBuffer
	stderr lockedBuffer
	cancel context.CancelFunc
	done   chan int
}

// startProxy runs validate proxy with args (--addr 127.0.0.1:0 added) until stop,
// and returns once it listens.
func startProxy(t testing.TB, args ...string) *runningProxy {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := &runningProxy{cancel: cancel, done: make(chan int, 1)}
	go func() {
		p.done <- runProxy(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), &p.stdout, &p.stderr)
	}()
	t.Cleanup(func() { p.stop() })
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if addr := between(p.stderr.String(), "listening on ", ","); addr != "" {
			p.URL = addr
			return p
		}
		select {
		case code := <-p.done:
			p.done <- code
			t.Fatalf("validate proxy exited %d before listening: %s", code, p.stderr.String())
		default:
		}
	}
	t.Fatalf("validate proxy did not listen: %s", p.stderr.String())
	return nil
}

// stop ends the proxy as Ctrl-C does and returns its exit status.
func (p *runningProxy) stop() int {
	p.cancel()
	code := <-p.done
	p.done <- code
	return code
}

// runningMock is validate mock run in the test's process.
type runningMock struct {
	URL    string
	cancel context.CancelFunc
	done   chan struct{}
}

// startMock runs validate mock with args until the test ends.
func startMockServer(t testing.TB, args ...string) *runningMock {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	m := &runningMock{cancel: cancel, done: make(chan struct{})}
	out, w := io.Pipe()
	go func() {
		defer close(m.done)
		runMock(ctx, args, w, io.Discard)
		w.Close()
	}()
	t.Cleanup(func() { cancel(); <-m.done })
	var text strings.Builder
	buf := make([]byte, 4096)
	for !strings.Contains(text.String(), "try: ") {
		n, err := out.Read(buf)
		if err != nil {
			t.Fatalf("mock ended before printing its address: %v, %q", err, text.String())
		}
		text.Write(buf[:n])
	}
	go io.Copy(io.Discard, out)
	m.URL = between(text.String(), "base URL: ", "\n")
	return m
}
