package enrichsync

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite" // the pure-Go SQLite driver: no cgo, no server, one file
)

// DefaultStore is the file a sync keeps its state in when none is named: in the
// working directory, beside the mapping it goes with.
const DefaultStore = "enrichsync.db"

// Store is a sync's state in one SQLite file: the organizations with their last
// enrichment, every write (the audit log), and the runs. Open it with OpenStore, or
// with OpenStoreReadOnly to read it only; the file can be read with any SQLite tool
// (the tables are organizations, writes, runs). It is safe for concurrent use; two
// syncs over one file wait for each other's transactions.
type Store struct {
	db   *sql.DB
	path string
	// readOnly is a store opened with OpenStoreReadOnly, which Apply refuses.
	readOnly bool
}

// WriteState is where a logged write stands.
type WriteState string

const (
	// WriteIntended is a write logged before it was sent, whose answer has not been
	// recorded: the run stopped in between. The next run settles it by the value the
	// field then holds.
	WriteIntended WriteState = "intended"
	// WriteApplied is a write Affinity applied (or that a later run found applied).
	WriteApplied WriteState = "applied"
	// WriteNotApplied is an intended write a later run found not applied.
	WriteNotApplied WriteState = "not-applied"
	// WriteRefused is a write Affinity refused.
	WriteRefused WriteState = "refused"
)

// Write is one write of the audit log.
type Write struct {
	ID, Run                                      int64
	Domain                                       string
	OrganizationID, ListID, ListEntryID, FieldID int64
	Field                                        string
	Rule                                         Rule
	// Old and New are the field's values before and after, as text ("" for empty;
	// several values one per line, sorted).
	Old, New string
	State    WriteState
	At       time.Time
}

// schema is the store's tables; user_version says which schema a file has.
const schema = `
CREATE TABLE IF NOT EXISTS runs (
	id INTEGER PRIMARY KEY,
	mode TEXT NOT NULL,
	list_id INTEGER NOT NULL,
	started_at TEXT NOT NULL,
	finished_at TEXT,
	outcome TEXT,
	credits INTEGER NOT NULL DEFAULT 0,
	apollo_requests INTEGER NOT NULL DEFAULT 0,
	affinity_requests INTEGER NOT NULL DEFAULT 0,
	values_written INTEGER NOT NULL DEFAULT 0,
	set_aside INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS organizations (
	domain TEXT PRIMARY KEY,
	apollo_id TEXT,
	found INTEGER NOT NULL,
	payload TEXT,
	enriched_at TEXT NOT NULL,
	run_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS writes (
	id INTEGER PRIMARY KEY,
	run_id INTEGER NOT NULL,
	domain TEXT NOT NULL,
	organization_id INTEGER NOT NULL,
	list_id INTEGER NOT NULL,
	list_entry_id INTEGER NOT NULL,
	field_id INTEGER NOT NULL,
	field TEXT NOT NULL,
	rule TEXT NOT NULL,
	old_value TEXT NOT NULL,
	new_value TEXT NOT NULL,
	state TEXT NOT NULL,
	at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS writes_by_entry ON writes (list_id, list_entry_id, field_id);
CREATE INDEX IF NOT EXISTS writes_by_domain ON writes (domain);
PRAGMA user_version = 1;
`

// OpenStore opens the store at path, making it if it does not exist.
func OpenStore(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		path = DefaultStore
	}
	if err := checkStorePath(path); err != nil {
		return nil, err
	}
	if dir := filepath.Dir(path); dir != "." {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("store %s: the directory %s does not exist; make it first, or name a file in one that does", path, dir)
		}
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	// One connection: SQLite writes one at a time anyway, and the pragmas below hold
	// per connection.
	db.SetMaxOpenConns(1)
	s := &Store{db: db, path: path}
	for _, p := range []string{"PRAGMA busy_timeout = 10000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL"} {
		if _, err := db.ExecContext(ctx, p); err != nil {
			db.Close()
			return nil, fmt.Errorf("store %s: %s: %w", path, p, err)
		}
	}
	if _, err := s.version(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	return s, nil
}

// OpenStoreReadOnly opens the existing store at path to read it: for Plan, Writes and
// QueryWrites, on a store that must not change (a copy kept from a production run, a
// file the process may not write). It never makes the file, sets its journal mode or
// schema, or writes to it; Apply on it fails before it sends a request. A missing
// file, or one no sync made, is an error.
func OpenStoreReadOnly(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		path = DefaultStore
	}
	if err := checkStorePath(path); err != nil {
		return nil, err
	}
	switch info, err := os.Stat(path); {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("store %s: no such file (Apply makes one)", path)
	case err != nil:
		return nil, fmt.Errorf("store %s: %w", path, err)
	case !info.Mode().IsRegular():
		return nil, fmt.Errorf("store %s: not a regular file", path)
	}
	// SQLite's own read-only mode, by URI (the driver opens every name as one): a
	// write fails in SQLite itself, whatever this package asks. '%' is the URI's
	// escape; '?' and '#' were refused above.
	uri := "file:" + strings.ReplaceAll(path, "%", "%25")
	if strings.HasPrefix(path, "//") {
		// "file://x/..." names an authority; an empty one keeps the path whole.
		uri = "file://" + strings.TrimPrefix(uri, "file:")
	}
	db, err := sql.Open("sqlite", uri+"?mode=ro")
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	s := &Store{db: db, path: path, readOnly: true}
	if _, err := db.ExecContext(ctx, "PRAGMA busy_timeout = 10000"); err != nil {
		db.Close()
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	switch v, err := s.version(ctx); {
	case err != nil:
		db.Close()
		return nil, err
	case v == 0:
		// No schema, and none may be made here: an empty file, or another program's.
		db.Close()
		return nil, fmt.Errorf("store %s: holds no sync's state (schema version 0); a store is made by Apply", path)
	}
	return s, nil
}

// checkStorePath refuses names SQLite would read as something else than a file's.
func checkStorePath(path string) error {
	if strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") {
		return fmt.Errorf("store %q: a path with ? or # or a file: URI is not taken; name the file plainly", path)
	}
	// What SQLite would only call "unable to open database file".
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("store %s: is a directory; name a file in it, such as %s", path, filepath.Join(path, DefaultStore))
	}
	return nil
}

// version is the store's schema version, refused when newer than this sync's.
func (s *Store) version(ctx context.Context) (int, error) {
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return 0, fmt.Errorf("store %s: not a SQLite database this sync can read: %w", s.path, err)
	}
	if version > 1 {
		return 0, fmt.Errorf("store %s: schema version %d is newer than this sync's (1)", s.path, version)
	}
	return version, nil
}

// lock holds the store for one Apply: a second Apply over the same file, in this
// process or another, is refused while the first runs, so that two overlapping runs
// (a cron job that ran long) cannot pay for the same company twice. The lock is a
// SQLite transaction on a file beside the store, which the operating system releases
// when a killed process ends, so a killed run never blocks the next.
func (s *Store) lock(ctx context.Context) (unlock func(), err error) {
	db, err := sql.Open("sqlite", s.path+".lock")
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", s.path, err)
	}
	conn, err := db.Conn(ctx)
	if err == nil {
		_, err = conn.ExecContext(ctx, "BEGIN EXCLUSIVE")
		if err != nil {
			conn.Close()
		}
	}
	if err != nil {
		db.Close()
		// Busy or locked is another apply holding it; anything else (the lock file
		// cannot be made or read) is said as it is, not sent looking for a run.
		var se *sqlite.Error
		if errors.As(err, &se) && (se.Code()&0xff == 5 || se.Code()&0xff == 6) { // SQLITE_BUSY, SQLITE_LOCKED
			return nil, fmt.Errorf("store %s: another apply is running over it (%w)", s.path, err)
		}
		return nil, fmt.Errorf("store %s: taking its lock file %s: %w", s.path, s.path+".lock", err)
	}
	return func() {
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		conn.Close()
		db.Close()
	}, nil
}

// Close closes the store. A store opened with OpenStore that is the only connection
// to its file, in any process, leaves it in SQLite's rollback-journal mode, everything
// written in the file itself, so that reading it later with OpenStoreReadOnly makes no
// file beside it (a write-ahead log is a property of the file, and a read-only
// connection to such a file makes its -wal and -shm files and cannot remove them).
// OpenStore puts the file in write-ahead mode again. While another connection holds
// the file, it stays as it is, its write-ahead log in use; nothing is lost either way.
func (s *Store) Close() error {
	if !s.readOnly {
		s.leaveWAL()
	}
	return s.db.Close()
}

// leaveWAL switches the store's file to journal_mode DELETE if this is its only
// connection. SQLite checkpoints the log into the file, removes it and its index, and
// rewrites the header, all under an exclusive lock, which it asks for once, without
// waiting (sqlite3PagerCloseWal): any other connection's shared lock, held for as long
// as it has the file open in WAL mode, in this process or another, refuses it, and
// the pragma fails with SQLITE_BUSY at once. The file then stays in WAL mode, its log
// in use, and the other connection or the next OpenStore reads it as before. A process
// killed before Close never gets here; SQLite recovers its log on the next open. The
// error is not reported: the store is whole either way, and Close's caller can do
// nothing about another's lock.
func (s *Store) leaveWAL() {
	_, _ = s.db.ExecContext(context.Background(), "PRAGMA journal_mode = DELETE")
}

// Path is the store's file.
func (s *Store) Path() string { return s.path }

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func unstamp(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// beginRun records the start of a run.
func (s *Store) beginRun(ctx context.Context, mode string, listID int64, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, "INSERT INTO runs (mode, list_id, started_at) VALUES (?, ?, ?)", mode, listID, stamp(now))
	if err != nil {
		return 0, fmt.Errorf("store %s: %w", s.path, err)
	}
	return res.LastInsertId()
}

// endRun records how a run ended.
func (s *Store) endRun(ctx context.Context, id int64, sum Summary, now time.Time) error {
	outcome := "done"
	if sum.Stopped != "" {
		outcome = "stopped: " + string(sum.Stopped)
	}
	_, err := s.db.ExecContext(ctx, `UPDATE runs SET finished_at = ?, outcome = ?, credits = ?, apollo_requests = ?,
		affinity_requests = ?, values_written = ?, set_aside = ? WHERE id = ?`,
		stamp(now), outcome, sum.Credits, sum.ApolloRequests, sum.AffinityReads+sum.AffinityWrites, sum.ValuesWritten, sum.SetAside, id)
	return err
}

// enrichment is what the store keeps of a company's last enrichment.
type enrichment struct {
	domain   string
	apolloID string
	found    bool
	payload  []byte // the organization's JSON, when found
	at       time.Time
}

// enrichments are when each stored company was enriched, without the answers, which
// payload reads one at a time: a store of 50,000 companies holds hundreds of megabytes
// of them.
func (s *Store) enrichments(ctx context.Context) (map[string]enrichment, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT domain, COALESCE(apollo_id, ''), found, enriched_at FROM organizations")
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", s.path, err)
	}
	defer rows.Close()
	out := map[string]enrichment{}
	for rows.Next() {
		var e enrichment
		var at string
		if err := rows.Scan(&e.domain, &e.apolloID, &e.found, &at); err != nil {
			return nil, fmt.Errorf("store %s: %w", s.path, err)
		}
		e.at = unstamp(at)
		out[e.domain] = e
	}
	return out, rows.Err()
}

// payload fills in a stored enrichment's answer.
func (s *Store) payload(ctx context.Context, e enrichment) (enrichment, error) {
	if !e.found || e.payload != nil {
		return e, nil
	}
	var payload string
	if err := s.db.QueryRowContext(ctx, "SELECT COALESCE(payload, '') FROM organizations WHERE domain = ?", e.domain).Scan(&payload); err != nil {
		return e, fmt.Errorf("store %s: the enrichment of %s: %w", s.path, e.domain, err)
	}
	e.payload = []byte(payload)
	return e, nil
}

// saveEnrichments stores a batch's answers in one transaction: after it, a run that
// stops has them, and the next does not pay for them again.
func (s *Store) saveEnrichments(ctx context.Context, run int64, batch []enrichment) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, e := range batch {
			var payload any
			if e.found {
				payload = string(e.payload)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO organizations (domain, apollo_id, found, payload, enriched_at, run_id)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (domain) DO UPDATE SET apollo_id = excluded.apollo_id,
				found = excluded.found, payload = excluded.payload, enriched_at = excluded.enriched_at, run_id = excluded.run_id`,
				e.domain, e.apolloID, e.found, payload, stamp(e.at), run); err != nil {
				return err
			}
		}
		return nil
	})
}

// entryField names one field's value: of an organization for a global field, of a
// list entry for a list's own field.
type entryField struct {
	global    bool
	id, field int64
}

// keyOf is the entryField of a field's value for an organization or list entry.
func keyOf(global bool, orgID, entryID, fieldID int64) entryField {
	if global {
		return entryField{true, orgID, fieldID}
	}
	return entryField{false, entryID, fieldID}
}

// history is what the log says of each field of a list's entries: the last write
// Affinity applied, and any intended write not yet settled.
type history struct {
	applied  map[entryField]Write
	intended map[entryField][]Write
}

// history reads the log of a list's fields (listID 0: of no list) and of the global
// fields, whichever target wrote them: a global field's value is the organization's,
// on every list.
func (s *Store) history(ctx context.Context, listID int64, global func(fieldID int64) bool) (history, error) {
	h := history{applied: map[entryField]Write{}, intended: map[entryField][]Write{}}
	// The last applied write of each field of each entry, and those not settled: as
	// many rows as fields were written, however many runs wrote them.
	ws, err := s.writes(ctx, `state = ? OR id IN (SELECT MAX(id) FROM writes WHERE state = ?
		GROUP BY organization_id, list_entry_id, field_id)`, -1, WriteIntended, WriteApplied)
	if err != nil {
		return h, err
	}
	for _, w := range ws {
		g := global(w.FieldID)
		if !g && w.ListID != listID {
			continue
		}
		k := keyOf(g, w.OrganizationID, w.ListEntryID, w.FieldID)
		if w.State == WriteApplied {
			h.applied[k] = w // in id order: the last one stays
		} else {
			h.intended[k] = append(h.intended[k], w)
		}
	}
	return h, nil
}

// MaxWrites is the most writes Writes returns at once.
const MaxWrites = 10000

// Writes are the logged writes of a domain's organization ("" for every domain), oldest
// first, at most limit (0 or more than MaxWrites means MaxWrites): the audit log.
func (s *Store) Writes(ctx context.Context, domain string, limit int) ([]Write, error) {
	if limit <= 0 || limit > MaxWrites {
		limit = MaxWrites
	}
	if domain == "" {
		return s.writes(ctx, "1 = 1", limit)
	}
	return s.writes(ctx, "domain = ?", limit, domain)
}

// writes are the logged writes where the condition holds, in id order, at most limit
// (-1 for all).
func (s *Store) writes(ctx context.Context, where string, limit int, args ...any) ([]Write, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, run_id, domain, organization_id, list_id, list_entry_id, field_id, field,
		rule, old_value, new_value, state, at FROM writes WHERE `+where+` ORDER BY id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", s.path, err)
	}
	defer rows.Close()
	var out []Write
	for rows.Next() {
		var w Write
		var at string
		if err := rows.Scan(&w.ID, &w.Run, &w.Domain, &w.OrganizationID, &w.ListID, &w.ListEntryID, &w.FieldID, &w.Field,
			&w.Rule, &w.Old, &w.New, &w.State, &at); err != nil {
			return nil, fmt.Errorf("store %s: %w", s.path, err)
		}
		w.At = unstamp(at)
		out = append(out, w)
	}
	return out, rows.Err()
}

// intend logs writes before they are sent, in one transaction, and sets their ids.
func (s *Store) intend(ctx context.Context, ws []Write) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for i := range ws {
			w := &ws[i]
			res, err := tx.ExecContext(ctx, `INSERT INTO writes (run_id, domain, organization_id, list_id, list_entry_id, field_id,
				field, rule, old_value, new_value, state, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				w.Run, w.Domain, w.OrganizationID, w.ListID, w.ListEntryID, w.FieldID, w.Field, w.Rule, w.Old, w.New, WriteIntended, stamp(w.At))
			if err != nil {
				return err
			}
			if w.ID, err = res.LastInsertId(); err != nil {
				return err
			}
			w.State = WriteIntended
		}
		return nil
	})
}

// settle records what became of logged writes.
func (s *Store) settle(ctx context.Context, ids []int64, state WriteState) error {
	if len(ids) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, "UPDATE writes SET state = ? WHERE id = ?", state, id); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store %s: %w", s.path, err)
	}
	if err := fn(tx); err != nil {
		return errors.Join(fmt.Errorf("store %s: %w", s.path, err), tx.Rollback())
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store %s: %w", s.path, err)
	}
	return nil
}
