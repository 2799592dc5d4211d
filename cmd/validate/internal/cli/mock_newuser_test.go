package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/orgapis/orgapis/internal/newuser"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/option"
)

// syncBuffer is a buffer the mock writes to from its handlers while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startMock runs validate mock with args on a loopback port until the test ends, and
// returns its base URL and what it writes to stderr.
func startMock(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	out, w := io.Pipe()
	stderr := &syncBuffer{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if code := runMock(ctx, args, w, stderr); code != 0 {
			t.Errorf("validate mock exited %d: %s", code, stderr.String())
		}
		w.Close()
	}()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	var printed strings.Builder
	buf := make([]byte, 4096)
	for !strings.Contains(printed.String(), "try: ") {
		n, err := out.Read(buf)
		if err != nil {
			t.Fatalf("mock ended before printing its address: %v, %q", err, printed.String())
		}
		printed.Write(buf[:n])
	}
	go io.Copy(io.Discard, out)
	return between(printed.String(), "base URL: ", "\n"), stderr
}

// The new user's program (Example_newUser in package affinity, against its fake) runs
// unchanged against validate mock as the README starts it: it creates, renames and
// deletes an organization, sets its Status on Deal Flow to Won by names, and reads the
// list back; the mock logs no finding of the spec against any of it.
func TestTheNewUserProgramRunsAgainstValidateMock(t *testing.T) {
	baseURL, stderr := startMock(t, "--api", "affinity", "--orgs", "100", "--lists", "2", "--person-lists", "1", "--entries", "25")
	client, err := affinity.NewClient("mock-key", option.WithBaseURL(baseURL))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := newuser.Program(t.Context(), client, &out); err != nil {
		t.Fatalf("%v, after printing %q", err, out.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	// The organization, its status, the 25 entries and the new one, the deletion.
	if len(lines) != 2+26+1 || lines[0] != "organization: Acme Robotics Inc. acme-robotics.example" || lines[1] != "status: Won" ||
		lines[len(lines)-2] != "Acme Robotics Inc. [Won]" || lines[len(lines)-1] != "deleted: true" {
		t.Errorf("printed:\n%s", out.String())
	}
	for _, row := range lines[2 : len(lines)-2] {
		if !strings.HasPrefix(row, "Org ") || !(strings.HasSuffix(row, " [New]") || strings.HasSuffix(row, " [In Progress]") || strings.HasSuffix(row, " [Won]")) {
			t.Errorf("row %q: want an organization with its Status", row)
		}
	}
	if strings.Contains(stderr.String(), "finding") {
		t.Errorf("the mock logged findings:\n%s", stderr.String())
	}
}
