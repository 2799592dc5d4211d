package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgapis/orgapis/enrichsync"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
)

// Planted keys: long enough to be scrubbed, distinct enough to grep for.
const (
	plantedApolloKey   = "PLANTED-apollo-key-7f3a9c1e"
	plantedAffinityKey = "PLANTED-affinity-key-b41d2e90"
)

// fixture is both fakes on loopback (spec checks failing the test), seeded with the
// demo's list and fields, a mapping file and a store path in a directory of the test's,
// and a clock the test controls.
type fixture struct {
	aff         *affinitytest.Server
	ap          *apollotest.Server
	list        int64
	dir         string
	mapping, db string
	env         map[string]string

	mu   sync.Mutex
	now  time.Time
	step time.Duration // how far the clock moves at each reading
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{now: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC), step: time.Millisecond, dir: t.TempDir(),
		env: map[string]string{"APOLLO_API_KEY": plantedApolloKey, "AFFINITY_API_KEY": plantedAffinityKey}}
	f.aff = affinitytest.NewServer(plantedAffinityKey, affinitytest.WithTest(t))
	f.ap = apollotest.NewServer(plantedApolloKey, apollotest.WithTest(t))
	af, err := f.aff.Client()
	if err != nil {
		t.Fatal(err)
	}
	if f.list, err = seedDemo(t.Context(), f.aff, af); err != nil {
		t.Fatal(err)
	}
	f.mapping = filepath.Join(f.dir, "enrichsync.yaml")
	if err := os.WriteFile(f.mapping, []byte(exampleMapping), 0o600); err != nil {
		t.Fatal(err)
	}
	f.db = filepath.Join(f.dir, "state.db")
	return f
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(f.step)
	return f.now
}

// target is the flags that point a run at the fixture: the list, the mapping, the
// store and both fakes.
func (f *fixture) target() []string {
	return []string{"--list", fmt.Sprint(f.list), "--mapping", f.mapping, "--db", f.db,
		"--apollo-base-url", f.ap.URL, "--affinity-base-url", f.aff.URL}
}

// result is what one run of the command gave.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// run runs the command with args, the fixture's environment and clock, and stderr not
// a terminal unless terminal is set.
func (f *fixture) run(t *testing.T, terminal bool, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return f.env[k] }, Now: f.clock,
		Terminal: func(io.Writer) bool { return terminal }}
	code := Run(t.Context(), args, env)
	return result{out.String(), errb.String(), code}
}

// apply and plan run with the fixture's target and more flags.
func (f *fixture) plan(t *testing.T, more ...string) result {
	t.Helper()
	return f.run(t, false, append(append([]string{"plan"}, f.target()...), more...)...)
}

func (f *fixture) apply(t *testing.T, more ...string) result {
	t.Helper()
	return f.run(t, false, append(append([]string{"apply"}, f.target()...), more...)...)
}

// jsonEvent is an event as the jsonl output carries it.
type jsonEvent struct {
	Phase string `json:"phase"`
	enrichsync.Event
}

// parseJSONL reads JSON lines back, failing on a line that is not one object.
func parseJSONL(t *testing.T, s string) []jsonEvent {
	t.Helper()
	var out []jsonEvent
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		var ev jsonEvent
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ev); err != nil {
			t.Fatalf("line %d is not an event: %v\n%s", n, err, sc.Text())
		}
		out = append(out, ev)
	}
	return out
}

// summaryOf is the Done event's summary of a jsonl run (the last of phase, if given).
func summaryOf(t *testing.T, events []jsonEvent, phase string) enrichsync.Summary {
	t.Helper()
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Kind == enrichsync.Done && (phase == "" || events[i].Phase == phase) {
			return *events[i].Summary
		}
	}
	t.Fatalf("no done event of %q", phase)
	return enrichsync.Summary{}
}

// writes are the fake's write requests to Affinity.
func (f *fixture) writes() int {
	n := 0
	for _, r := range f.aff.Requests() {
		if r.Method != "GET" {
			n++
		}
	}
	return n
}
