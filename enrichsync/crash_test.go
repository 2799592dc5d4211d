package enrichsync_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/orgapis/orgapis/enrichsync"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/option"
)

// killedStatus is the exit status of a run killed at its step.
const killedStatus = 75

// The crash test: a run killed for real (its process exits, no deferred cleanup) at
// every step it has, after each Apollo answer is stored and before and after each
// Affinity write, then run again to the end, leaves the list as a clean run does; the
// Apollo fake's counter shows each company paid for once, and the Affinity fake
// received each organization's write once.
func TestCrashAtEveryStepThenResumeEqualsACleanRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the sync in a child process once per step")
	}
	const n = 12
	clean := newWorld(t, n)
	drain(t, clean.syncer(t).Apply(t.Context(), enrichsync.Target{ListID: clean.list}))
	want, wantCredits := clean.snapshot(t), clean.apollo.Credits()
	if wantCredits != n {
		t.Fatalf("a clean run spent %d credits, want %d", wantCredits, n)
	}
	steps := 0
	for at := 1; ; at++ {
		w := newWorld(t, n)
		status := w.runChild(t, at)
		if status == 0 {
			steps = at - 1
			break
		}
		if status != killedStatus {
			t.Fatalf("step %d: the child exited %d, want %d (killed) or 0", at, status, killedStatus)
		}
		drain(t, w.syncer(t).Apply(t.Context(), enrichsync.Target{ListID: w.list}))
		if got := w.snapshot(t); !reflect.DeepEqual(got, want) {
			t.Fatalf("killed at step %d, then resumed: the list differs from a clean run's\ngot  %v\nwant %v", at, got, want)
		}
		if got := w.apollo.Credits(); got != wantCredits {
			t.Errorf("killed at step %d: %d credits spent in all, want %d (each company once)", at, got, wantCredits)
		}
		writes := map[string]int{}
		for _, r := range w.affinity.Requests() {
			if r.Method == "PATCH" {
				writes[r.Path]++
			}
		}
		if len(writes) != n {
			t.Errorf("killed at step %d: %d entries written, want %d", at, len(writes), n)
		}
		for path, k := range writes {
			if k != 1 {
				t.Errorf("killed at step %d: %s written %d times", at, path, k)
			}
		}
		// The audit log: every value written once, as applied; nothing left intended.
		states := w.auditStates(t)
		if states[enrichsync.WriteApplied] != 7*n || states[enrichsync.WriteIntended] != 0 {
			t.Errorf("killed at step %d: the log holds %v, want %d applied and none intended", at, states, 7*n)
		}
	}
	// 2 batches stored, and a step before and after each of 12 writes.
	if steps != 2+2*n {
		t.Errorf("the run has %d steps, want %d", steps, 2+2*n)
	}
}

// runChild runs Apply over w in a child process (this test binary) that exits with
// killedStatus at its at-th step, and returns the child's exit status.
func (w *world) runChild(t *testing.T, at int) int {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ENRICHSYNC_CRASH_AT="+strconv.Itoa(at), "ENRICHSYNC_DB="+w.dbPath,
		"ENRICHSYNC_AFFINITY="+w.affinity.URL, "ENRICHSYNC_APOLLO="+w.apollo.URL, "ENRICHSYNC_LIST="+strconv.FormatInt(w.list, 10),
		"ENRICHSYNC_NOW="+w.now.Format(time.RFC3339))
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		if exit.ExitCode() != killedStatus {
			t.Logf("child output:\n%s", out)
		}
		return exit.ExitCode()
	}
	t.Fatalf("child: %v\n%s", err, out)
	return -1
}

// TestCrashChild is the child process of the crash test; it does nothing otherwise.
func TestCrashChild(t *testing.T) {
	at, err := strconv.Atoi(os.Getenv("ENRICHSYNC_CRASH_AT"))
	if err != nil {
		return
	}
	list, _ := strconv.ParseInt(os.Getenv("ENRICHSYNC_LIST"), 10, 64)
	now, _ := time.Parse(time.RFC3339, os.Getenv("ENRICHSYNC_NOW"))
	af, err := affinity.NewClient(affinityKey, option.WithBaseURL(os.Getenv("ENRICHSYNC_AFFINITY")))
	if err != nil {
		t.Fatal(err)
	}
	ap, err := apollo.NewClient(apolloKey, option.WithBaseURL(os.Getenv("ENRICHSYNC_APOLLO")))
	if err != nil {
		t.Fatal(err)
	}
	store, err := enrichsync.OpenStore(t.Context(), os.Getenv("ENRICHSYNC_DB"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := enrichsync.ParseMapping("mapping.yaml", []byte(testMapping))
	if err != nil {
		t.Fatal(err)
	}
	s, err := enrichsync.New(ap, af, store, m, enrichsync.WithCreditBudget(1000), enrichsync.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	step := 0
	enrichsync.SetHook(s, func(enrichsync.Step) {
		step++
		if step == at {
			os.Exit(killedStatus) // a kill: no deferred function runs, the store is not closed
		}
	})
	for _, err := range s.Apply(t.Context(), enrichsync.Target{ListID: list}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	fmt.Println("finished without reaching step", at)
}
