package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// logRow is a write as log --format jsonl gives it.
type logRow struct {
	ID, Run                     int64
	At, Domain, Field, Old, New string
	Rule, State                 string
	OrganizationID              int64 `json:"organization_id"`
	FieldID                     int64 `json:"field_id"`
	ListID                      int64 `json:"list_id"`
	ListEntryID                 int64 `json:"list_entry_id"`
}

func parseLog(t *testing.T, s string) []logRow {
	t.Helper()
	var out []logRow
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		var r logRow
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("not a write: %v\n%s", err, sc.Text())
		}
		out = append(out, r)
	}
	return out
}

// The audit log after two runs: every write with its old and new value, rule, time and
// run; each filter narrows it; a bound cuts it with a note on stderr; a table shows
// domains and values outside ASCII.
func TestLogQueriesTheAuditLog(t *testing.T) {
	f := newFixture(t)
	if r := f.apply(t, "--budget", "3"); r.code != exitBudget {
		t.Fatalf("first apply: %s", r)
	}
	f.now = f.now.Add(48 * time.Hour)
	if r := f.apply(t, "--budget", "100"); r.code != exitOK {
		t.Fatalf("second apply: %s", r)
	}
	logOf := func(args ...string) result {
		t.Helper()
		return f.run(t, false, append([]string{"log", "--db", f.db}, args...)...)
	}

	all := logOf("--format", "jsonl")
	if all.code != exitOK || all.stderr != "" {
		t.Fatalf("log: %s", all)
	}
	rows := parseLog(t, all.stdout)
	if len(rows) != 63 {
		t.Fatalf("%d writes logged; apply wrote 63 values", len(rows))
	}
	runs := map[int64]int{}
	for i, r := range rows {
		runs[r.Run]++
		if r.State != "applied" || r.New == "" || r.Old != "" || r.Rule == "" || r.Field == "" || r.Domain == "" || r.OrganizationID == 0 || r.ListEntryID == 0 {
			t.Errorf("write %+v", r)
		}
		if i > 0 && rows[i-1].ID >= r.ID {
			t.Error("not oldest first")
		}
	}
	if len(runs) != 2 || runs[1] == 0 || runs[2] == 0 {
		t.Errorf("writes by run: %v", runs)
	}

	for _, c := range []struct {
		args []string
		want int
		each func(logRow) bool
	}{
		{[]string{"--run", "1"}, runs[1], func(r logRow) bool { return r.Run == 1 }},
		{[]string{"--org", "https://www.Bücherwurm.de/impressum"}, 8, func(r logRow) bool { return r.Domain == "xn--bcherwurm-q9a.de" }},
		{[]string{"--org", "101"}, 7, func(r logRow) bool { return r.Domain == "acme.com" }},
		{[]string{"--field", "Headquarters"}, 8, func(r logRow) bool { return r.Field == "Headquarters" && r.Rule == "overwrite-own" }},
		{[]string{"--field", "Industry", "--org", "acme.com"}, 0, nil},
		{[]string{"--since", "1d"}, runs[2], func(r logRow) bool { return r.Run == 2 }},
		{[]string{"--since", "3d"}, 63, func(logRow) bool { return true }},
		{[]string{"--since", "2026-12-06"}, 63, func(logRow) bool { return true }},
		{[]string{"--since", "2026-12-08T08:00:00Z"}, runs[2], func(r logRow) bool { return r.Run == 2 }},
		{[]string{"--state", "refused"}, 0, nil},
		{[]string{"--state", "applied", "--run", "2"}, runs[2], func(r logRow) bool { return r.Run == 2 }},
	} {
		r := logOf(append(c.args, "--format", "jsonl")...)
		got := parseLog(t, r.stdout)
		if r.code != exitOK || len(got) != c.want {
			t.Errorf("log %q: %d writes, want %d\n%s", c.args, len(got), c.want, r)
		}
		for _, w := range got {
			if !c.each(w) {
				t.Errorf("log %q: %+v", c.args, w)
			}
		}
		if c.want == 0 && !strings.Contains(r.stderr, "no write matches") {
			t.Errorf("log %q: no note that nothing matched: %s", c.args, r)
		}
	}

	// The bound: the latest writes, oldest first, and a note of what it left out.
	cut := logOf("--limit", "5", "--format", "jsonl")
	got := parseLog(t, cut.stdout)
	if cut.code != exitOK || len(got) != 5 || got[4].ID != rows[62].ID || got[0].ID != rows[58].ID {
		t.Errorf("--limit 5: %d writes from %d; want the latest five", len(got), got[0].ID)
	}
	if !strings.Contains(cut.stderr, "showing the latest 5 of 63 writes that match") {
		t.Errorf("--limit 5 says nothing of the rest: %q", cut.stderr)
	}
	if full := logOf("--limit", "63"); strings.Contains(full.stderr, "showing") {
		t.Errorf("--limit 63 of 63 says it cut: %q", full.stderr)
	}

	// The table: a header, a line a write, Unicode domains and values.
	table := logOf("--org", "bücherwurm.de")
	lines := strings.Split(strings.TrimSuffix(table.stdout, "\n"), "\n")
	if table.code != exitOK || len(lines) != 9 || !strings.HasPrefix(lines[0], "AT (UTC)") {
		t.Fatalf("table: %s", table)
	}
	row := regexp.MustCompile(`^2026-12-0\d \d\d:\d\d:\d\d +\d +bücherwurm\.de +\S.* +(fill-empty|overwrite-own|always) +\(empty\) +\S.* +applied$`)
	for _, l := range lines[1:] {
		if !row.MatchString(l) {
			t.Errorf("log line %q", l)
		}
	}
	if !strings.Contains(table.stdout, "München, Bavaria, Germany") {
		t.Errorf("the table lacks the headquarters:\n%s", table.stdout)
	}
}

// plan and log read the store and never change it: its file (and write-ahead log)
// are byte for byte what the apply left, and an empty file is refused, not filled.
func TestPlanAndLogLeaveTheStoreAsItWas(t *testing.T) {
	f := newFixture(t)
	if r := f.apply(t, "--budget", "100"); r.code != exitOK {
		t.Fatalf("apply: %s", r)
	}
	files := func() []byte {
		main, err := os.ReadFile(f.db)
		if err != nil {
			t.Fatal(err)
		}
		wal, _ := os.ReadFile(f.db + "-wal")
		return append(main, wal...)
	}
	before := files()
	f.now = f.now.Add(200 * 24 * time.Hour) // every enrichment stale: the plan has work to predict
	if r := f.plan(t, "--budget", "100"); r.code != exitOK || !strings.Contains(r.stdout, "plan of") {
		t.Fatalf("plan: %s", r)
	}
	if r := f.run(t, false, "log", "--db", f.db); r.code != exitOK {
		t.Fatalf("log: %s", r)
	}
	if !bytes.Equal(before, files()) {
		t.Error("plan or log changed the store")
	}
	empty := filepath.Join(t.TempDir(), "empty.db")
	os.WriteFile(empty, nil, 0o644)
	for _, args := range [][]string{{"log", "--db", empty}, append(f.target(), "--db", empty)} {
		if args[0] != "log" {
			args = append([]string{"plan"}, args...)
		}
		r := f.run(t, false, args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "schema version 0") {
			t.Errorf("%s on an empty file: %s", args[0], r)
		}
		if fi, _ := os.Stat(empty); fi.Size() != 0 {
			t.Fatalf("%s filled the empty file", args[0])
		}
	}
}
