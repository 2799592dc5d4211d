package enrichsync_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/enrichsync"
)

// A store opened read-only reads what OpenStore reads (the audit log, a plan), leaves
// the file's bytes as they were, and refuses an Apply before any request.
func TestOpenStoreReadOnly(t *testing.T) {
	w := newWorld(t, 4)
	s := w.syncer(t, enrichsync.WithTTL(time.Hour))
	target := enrichsync.Target{ListID: w.list}
	_, applied := drain(t, s.Apply(t.Context(), target))
	if applied.ValuesWritten == 0 {
		t.Fatal("the apply wrote nothing; the test needs writes to read")
	}
	rw, err := enrichsync.OpenStore(t.Context(), w.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	want, wantMatched, err := rw.QueryWrites(t.Context(), enrichsync.WriteQuery{})
	rw.Close()
	if err != nil {
		t.Fatal(err)
	}
	// The file and its write-ahead log (the syncer's store is still open) as they are.
	files := func() []byte {
		main, err := os.ReadFile(w.dbPath)
		if err != nil {
			t.Fatal(err)
		}
		wal, _ := os.ReadFile(w.dbPath + "-wal")
		return append(main, wal...)
	}
	before := files()

	ro, err := enrichsync.OpenStoreReadOnly(t.Context(), w.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	got, matched, err := ro.QueryWrites(t.Context(), enrichsync.WriteQuery{})
	if err != nil || matched != wantMatched || len(got) != len(want) {
		t.Fatalf("read-only: %d of %d writes, %v; read-write: %d of %d", len(got), matched, err, len(want), wantMatched)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("write %d: %+v, read-write %+v", i, got[i], want[i])
		}
	}

	// A plan over it, two hours on (the enrichments stale), predicts writes and
	// writes nothing.
	w.now = w.now.Add(2 * time.Hour)
	m, err := enrichsync.ParseMapping("mapping.yaml", []byte(testMapping))
	if err != nil {
		t.Fatal(err)
	}
	planner, err := enrichsync.New(w.ap, w.af, ro, m, enrichsync.WithClock(func() time.Time { return w.now }), enrichsync.WithCreditBudget(1000), enrichsync.WithTTL(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	_, plan := drain(t, planner.Plan(t.Context(), target))
	if plan.Organizations != applied.Organizations || plan.Cached != 0 {
		t.Errorf("plan: %d organizations, %d cached; the apply had %d, all stale now", plan.Organizations, plan.Cached, applied.Organizations)
	}

	// Apply is refused before a request leaves.
	affinityBefore, credits := len(w.affinity.Requests()), w.apollo.Credits()
	var applyErr error
	for _, err := range planner.Apply(t.Context(), target) {
		if err != nil {
			applyErr = err
			break
		}
	}
	if applyErr == nil || !strings.Contains(applyErr.Error(), "read-only") || !strings.Contains(applyErr.Error(), w.dbPath) {
		t.Errorf("apply on a read-only store: %v", applyErr)
	}
	if n := len(w.affinity.Requests()); n != affinityBefore || w.apollo.Credits() != credits {
		t.Errorf("the refused apply sent %d Affinity requests and spent %d credits", n-affinityBefore, w.apollo.Credits()-credits)
	}
	ro.Close()
	if !bytes.Equal(before, files()) {
		t.Error("reading the store read-only changed its file")
	}
}

// What is not a store is said, and nothing is made or changed: a missing file, an
// empty one, a directory, a name SQLite would read as a URI. A name with '%' or
// non-ASCII letters opens the file of that name.
func TestOpenStoreReadOnlyRefuses(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	if _, err := enrichsync.OpenStoreReadOnly(t.Context(), missing); err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing: %v", err)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("opening a missing store read-only made it")
	}
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o644)
	if _, err := enrichsync.OpenStoreReadOnly(t.Context(), empty); err == nil || !strings.Contains(err.Error(), "schema version 0") {
		t.Errorf("empty: %v", err)
	}
	if fi, _ := os.Stat(empty); fi.Size() != 0 {
		t.Errorf("the empty file has %d bytes now", fi.Size())
	}
	if _, err := enrichsync.OpenStoreReadOnly(t.Context(), dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
	for _, bad := range []string{"file:" + missing, missing + "?mode=rwc", missing + "#x"} {
		if _, err := enrichsync.OpenStoreReadOnly(t.Context(), bad); err == nil || !strings.Contains(err.Error(), "name the file plainly") {
			t.Errorf("%s: %v", bad, err)
		}
	}
	notDB := filepath.Join(dir, "notes.txt")
	os.WriteFile(notDB, []byte("\ufeffnot a database at all, but long enough to have a header of its own........"), 0o644)
	if _, err := enrichsync.OpenStoreReadOnly(t.Context(), notDB); err == nil || !strings.Contains(err.Error(), "not a SQLite database") {
		t.Errorf("text file: %v", err)
	}

	// "%41" is no escape of "A" here: the store made under that name is the one read.
	for _, name := range []string{"state%41.db", "état ✓.db"} {
		path := filepath.Join(dir, name)
		st, err := enrichsync.OpenStore(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		ro, err := enrichsync.OpenStoreReadOnly(t.Context(), path)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if _, _, err := ro.QueryWrites(t.Context(), enrichsync.WriteQuery{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		ro.Close()
	}
	if _, err := os.Stat(filepath.Join(dir, "stateA.db")); err == nil {
		t.Error("a store named stateA.db was made: %41 was read as an escape")
	}
}
