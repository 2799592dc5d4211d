package enrichsync_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/orgapis/orgapis/enrichsync"
)

// journalMode is byte 18 of a SQLite file's header: 1 for a rollback journal, 2 for
// a write-ahead log.
func journalMode(t *testing.T, path string) byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := make([]byte, 20)
	if _, err := f.ReadAt(head, 0); err != nil {
		t.Fatal(err)
	}
	return head[18]
}

const (
	rollbackMode = 1
	walMode      = 2
)

// logWrite adds one write to the audit log of an open store, as a run would.
func logWrite(t *testing.T, st *enrichsync.Store, domain string) {
	t.Helper()
	if err := enrichsync.Exec(st, fmt.Sprintf(`INSERT INTO writes (run_id, domain, organization_id, list_id, list_entry_id,
		field_id, field, rule, old_value, new_value, state, at) VALUES (1, '%s', 1, 1, 1, 1, 'Industry', 'fill-empty', '', 'x',
		'applied', '2026-12-06T09:00:00Z')`, domain)); err != nil {
		t.Fatal(err)
	}
}

// domains are the domains of a store's logged writes, read read-only.
func domains(t *testing.T, path string) []string {
	t.Helper()
	ro, err := enrichsync.OpenStoreReadOnly(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	ws, _, err := ro.QueryWrites(t.Context(), enrichsync.WriteQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, w := range ws {
		out = append(out, w.Domain)
	}
	return out
}

func noFilesBeside(t *testing.T, path, when string) {
	t.Helper()
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Errorf("%s: %s is there", when, filepath.Base(path+suffix))
		}
	}
}

// A store's only connection leaves the file in rollback-journal mode on Close, with
// what it wrote in the file and nothing beside it; OpenStore puts it in WAL mode
// again, and its writes are kept too.
func TestCloseLeavesTheFileWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	for i, domain := range []string{"a.example", "b.example"} {
		st, err := enrichsync.OpenStore(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		if m := journalMode(t, path); m != walMode {
			t.Errorf("open %d: journal mode %d, want WAL", i, m)
		}
		logWrite(t, st, domain)
		if err := st.Close(); err != nil {
			t.Fatalf("close %d: %v", i, err)
		}
		if m := journalMode(t, path); m != rollbackMode {
			t.Errorf("after close %d: journal mode %d, want a rollback journal", i, m)
		}
		noFilesBeside(t, path, fmt.Sprintf("after close %d", i))
		if got := domains(t, path); len(got) != i+1 || got[i] != domain {
			t.Errorf("after close %d the log holds %q", i, got)
		}
		noFilesBeside(t, path, fmt.Sprintf("after reading it read-only %d", i))
	}
	// A second Close is an error or nothing, never a panic.
	st, err := enrichsync.OpenStore(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	st.Close()
}

// While another connection of this process holds the file, read-write or read-only,
// Close leaves it in WAL mode, and the other reads everything and writes on; the
// last one to close leaves the file whole.
func TestCloseKeepsWALWhileAnotherHoldsIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	a, err := enrichsync.OpenStore(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := enrichsync.OpenStore(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	logWrite(t, a, "a.example")
	if _, _, err := b.QueryWrites(t.Context(), enrichsync.WriteQuery{}); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if m := journalMode(t, path); m != walMode {
		t.Errorf("closed while another holds it: journal mode %d, want WAL", m)
	}
	logWrite(t, b, "b.example")
	ws, _, err := b.QueryWrites(t.Context(), enrichsync.WriteQuery{})
	if err != nil || len(ws) != 2 {
		t.Fatalf("the other store reads %d writes, %v; want 2", len(ws), err)
	}
	// A reader holds it now.
	ro, err := enrichsync.OpenStoreReadOnly(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if ws, _, err := ro.QueryWrites(t.Context(), enrichsync.WriteQuery{}); err != nil || len(ws) != 2 {
		t.Fatalf("the reader reads %d writes, %v; want 2", len(ws), err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if m := journalMode(t, path); m != walMode {
		t.Errorf("closed while a reader holds it: journal mode %d, want WAL", m)
	}
	if ws, _, err := ro.QueryWrites(t.Context(), enrichsync.WriteQuery{}); err != nil || len(ws) != 2 {
		t.Errorf("after the writer closed, the reader reads %d writes, %v; want 2", len(ws), err)
	}
	ro.Close()
	// The reader could not remove the log; the next store's Close does.
	closesWhole(t, path, 2, "after the last close")
}

// closesWhole opens the store at path and closes it, and checks that the close left
// it in rollback-journal mode with no file beside it, its log holding want writes.
func closesWhole(t *testing.T, path string, want int, when string) {
	t.Helper()
	st, err := enrichsync.OpenStore(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if m := journalMode(t, path); m != rollbackMode {
		t.Errorf("%s: journal mode %d, want a rollback journal", when, m)
	}
	noFilesBeside(t, path, when)
	if got := domains(t, path); len(got) != want {
		t.Errorf("%s: the log holds %q, want %d writes", when, got, want)
	}
}

// Another process holding the store keeps it in WAL mode through this one's Close,
// and then closes it whole; a process that exits without Close (killed) leaves its
// log, which a read-only open reads and the next Close folds into the file.
func TestCloseWithAnotherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := enrichsync.OpenStore(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	logWrite(t, st, "parent.example")

	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestStoreHolderChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ENRICHSYNC_HOLD="+path, "ENRICHSYNC_HOLD_END=close")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	holding := false
	for sc := bufio.NewScanner(stdout); !holding && sc.Scan(); {
		holding = sc.Text() == "holding"
	}
	if !holding {
		t.Fatal("the child did not say it holds the store")
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if m := journalMode(t, path); m != walMode {
		t.Errorf("closed while another process holds it: journal mode %d, want WAL", m)
	}
	stdin.Close() // the child writes, closes, and exits
	_, _ = io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	if m := journalMode(t, path); m != rollbackMode {
		t.Errorf("after the child's close: journal mode %d, want a rollback journal", m)
	}
	noFilesBeside(t, path, "after the child's close")
	if got := domains(t, path); len(got) != 2 {
		t.Errorf("the log holds %q, want the parent's and the child's writes", got)
	}

	// A child that exits without Close.
	kill := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestStoreHolderChild$", "-test.count=1")
	kill.Env = append(os.Environ(), "ENRICHSYNC_HOLD="+path, "ENRICHSYNC_HOLD_END=exit")
	if out, err := kill.CombinedOutput(); err == nil {
		t.Fatalf("the killed child exited 0:\n%s", out)
	}
	if m := journalMode(t, path); m != walMode {
		t.Errorf("after a killed writer: journal mode %d, want WAL (its log)", m)
	}
	if got := domains(t, path); len(got) != 3 {
		t.Errorf("read-only after a killed writer, the log holds %q, want 3 writes", got)
	}
	closesWhole(t, path, 3, "after the next close")
}

// TestStoreHolderChild is the child process of TestCloseWithAnotherProcess; it does
// nothing otherwise. It opens the store, reads it, says so, and when its input ends
// logs a write and closes the store (ENRICHSYNC_HOLD_END=close); or logs a write and
// exits at once without closing it (exit).
func TestStoreHolderChild(t *testing.T) {
	path := os.Getenv("ENRICHSYNC_HOLD")
	if path == "" {
		return
	}
	st, err := enrichsync.OpenStore(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.QueryWrites(t.Context(), enrichsync.WriteQuery{}); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("ENRICHSYNC_HOLD_END") == "exit" {
		logWrite(t, st, "killed.example")
		os.Exit(killedStatus) // no Close
	}
	fmt.Println("holding")
	_, _ = bufio.NewReader(os.Stdin).ReadString(0) // until the parent closes our input
	logWrite(t, st, "child.example")
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}
