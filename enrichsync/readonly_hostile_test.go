package enrichsync_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/orgapis/orgapis/enrichsync"
)

// A path that starts with two slashes is a path (Linux reads "//tmp" as "/tmp"), not
// a URI's authority: SQLite refused it as "invalid uri authority"; a symbolic link to
// a store, and a name with spaces and a '%', open the store they name; a FIFO is
// refused before SQLite would block on it.
func TestOpenStoreReadOnlyOddPaths(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a 50% store.db")
	st, err := enrichsync.OpenStore(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	link := filepath.Join(dir, "link.db")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/" + path, link, "//" + strings.TrimPrefix(link, "/")} {
		ro, err := enrichsync.OpenStoreReadOnly(t.Context(), p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if _, _, err := ro.QueryWrites(t.Context(), enrichsync.WriteQuery{}); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		ro.Close()
	}
	fifo := filepath.Join(dir, "fifo.db")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFO here:", err)
	}
	if _, err := enrichsync.OpenStoreReadOnly(t.Context(), fifo); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("FIFO: %v", err)
	}
}

// Reading a store read-only makes no file beside it. SQLite opens a WAL store's -shm
// and -wal files, making them when they are missing, and a read-only connection does
// not remove them on close: it left a 0-byte -wal and a 32 KiB -shm beside a store
// whose last writer had closed cleanly. That writer's Close now leaves the file in
// rollback-journal mode, which a reader opens alone; the store's bytes are unchanged.
func TestOpenStoreReadOnlyMakesNoFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.db")
	st, err := enrichsync.OpenStore(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ro, err := enrichsync.OpenStoreReadOnly(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ro.QueryWrites(t.Context(), enrichsync.WriteQuery{}); err != nil {
		t.Fatal(err)
	}
	ro.Close()
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Errorf("reading made %s", path+suffix)
		}
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("reading changed the store's bytes")
	}
}

// A store of a newer schema is refused read-only as read-write; one whose tables are
// another program's opens, and reading its log is an error naming the file, never a
// panic; neither file changes.
func TestOpenStoreReadOnlyForeignStores(t *testing.T) {
	newer, other := foreignStores(t, t.TempDir())
	before := map[string][]byte{}
	for _, p := range []string{newer, other} {
		before[p], _ = os.ReadFile(p)
	}
	if _, err := enrichsync.OpenStoreReadOnly(t.Context(), newer); err == nil || !strings.Contains(err.Error(), "newer") || !strings.Contains(err.Error(), newer) {
		t.Errorf("newer schema: %v", err)
	}
	ro, err := enrichsync.OpenStoreReadOnly(t.Context(), other)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ro.QueryWrites(t.Context(), enrichsync.WriteQuery{}); err == nil || !strings.Contains(err.Error(), other) {
		t.Errorf("another's tables: %v, want an error naming %s", err, other)
	}
	ro.Close()
	for p, b := range before {
		if now, _ := os.ReadFile(p); string(now) != string(b) {
			t.Errorf("%s changed", p)
		}
	}
}
