package cli

import (
	"bytes"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/enrichsync"
	"github.com/orgapis/orgapis/internal/terminal"
)

// A progress line on standard error only when it is a terminal: redrawn in place with
// the organizations done of those the run goes through, and taken away at the end;
// nothing at all otherwise, and nothing with --quiet.
func TestProgressOnlyOnATerminal(t *testing.T) {
	f := newFixture(t)
	r := f.run(t, true, append([]string{"apply"}, append(f.target(), "--budget", "100")...)...)
	if r.code != exitOK {
		t.Fatalf("apply: %s", r)
	}
	if !strings.Contains(r.stderr, "\r\033[Kapply: 0/8 organizations") || !strings.Contains(r.stderr, "\r\033[Kapply: 8/8 organizations, 8 enriched, 8 written, 3 set aside") {
		t.Errorf("no progress line on a terminal: %q", r.stderr)
	}
	if !strings.HasSuffix(r.stderr, "\r\033[K") {
		t.Errorf("the progress line is left behind: %q", r.stderr)
	}
	if strings.Contains(r.stdout, "\r") || strings.Contains(r.stdout, "\033") {
		t.Errorf("progress in stdout: %q", r.stdout)
	}
	g := newFixture(t)
	for _, c := range []struct {
		terminal bool
		more     []string
	}{{false, nil}, {true, []string{"--quiet"}}} {
		r := g.run(t, c.terminal, append([]string{"plan"}, append(g.target(), c.more...)...)...)
		if r.code != exitOK || strings.Contains(r.stderr, "\r") || strings.Contains(r.stderr, "organizations,") {
			t.Errorf("terminal %v %q: %q", c.terminal, c.more, r.stderr)
		}
	}
	// What the command asks of a real file: a regular file and a buffer are not
	// terminals.
	file, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if terminal.Is(file) || terminal.Is(&bytes.Buffer{}) || terminal.Is(io.Discard) {
		t.Error("a file or a buffer taken for a terminal")
	}
}

// A key appears nowhere: not in the output of any command (a server that echoes it in
// an error included), not in the store's files.
func TestNoKeyInAnyOutput(t *testing.T) {
	f := newFixture(t)
	var outputs []string
	record := func(r result) result {
		outputs = append(outputs, r.stdout, r.stderr)
		return r
	}
	// Refused writes whose answers quote the key, then the runs that write.
	refuser := refusingProxy(t, f, "/list-entries/")
	if r := record(f.run(t, false, "apply", "--list", "501", "--mapping", f.mapping, "--db", f.db,
		"--apollo-base-url", f.ap.URL, "--affinity-base-url", refuser.URL, "--budget", "100")); r.code != exitFailed || !strings.Contains(r.stdout, "REDACTED") {
		t.Errorf("refused writes: %s", r)
	}
	record(f.plan(t, "--budget", "100"))
	record(f.apply(t, "--budget", "100"))
	record(f.apply(t, "--budget", "100", "--format", "jsonl"))
	record(f.run(t, false, "log", "--db", f.db))
	record(f.run(t, false, "log", "--db", f.db, "--format", "jsonl"))
	// A failed read whose answer quotes the key.
	for _, key := range []string{plantedApolloKey, plantedAffinityKey} {
		echo := echoingProxy(t, key)
		r := record(f.run(t, false, "plan", "--list", "501", "--mapping", f.mapping, "--db", f.db, "--apollo-base-url", echo.URL, "--affinity-base-url", echo.URL))
		if r.code != exitFailed || !strings.Contains(r.stderr, "REDACTED") {
			t.Errorf("a server echoing the key: %s", r)
		}
	}
	for _, key := range []string{plantedApolloKey, plantedAffinityKey} {
		forms := []string{key, base64.StdEncoding.EncodeToString([]byte(":" + key)), base64.StdEncoding.EncodeToString([]byte(key))}
		for i, out := range outputs {
			for _, form := range forms {
				if strings.Contains(out, form) {
					t.Errorf("output %d holds a key (%q):\n%s", i, form, out)
				}
			}
		}
		files, _ := filepath.Glob(filepath.Join(f.dir, "*.db*"))
		if len(files) < 1 {
			t.Errorf("store files: %v", files)
		}
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			for _, form := range forms {
				if bytes.Contains(data, []byte(form)) {
					t.Errorf("%s holds a key", name)
				}
			}
		}
	}
}

// The table: names and values outside ASCII kept whole and aligned by the columns a
// terminal gives them (East Asian wide characters two, combining marks none); control
// characters from a server shown as escapes, so a name cannot rewrite the terminal;
// long names cut with an ellipsis.
func TestTableOutsideASCII(t *testing.T) {
	var out bytes.Buffer
	r := newRenderer("table", &out, "apply", nil)
	events := []enrichsync.Event{
		{Kind: enrichsync.Started, Summary: &enrichsync.Summary{Organizations: 4}},
		{Kind: enrichsync.Wrote, Org: enrichsync.Org{Name: "東京テック株式会社", Domain: "xn--eckwd4c7c.jp"}, Fields: []enrichsync.FieldChange{{Field: "所在地", Rule: enrichsync.FillEmpty, New: "東京都渋谷区", Write: true}}},
		{Kind: enrichsync.Wrote, Org: enrichsync.Org{Name: "Cafe\u0301 Société", Domain: "cafe.fr"}, Fields: []enrichsync.FieldChange{{Field: "Employees", Rule: enrichsync.Always, Old: "12", New: "13", Write: true}}},
		{Kind: enrichsync.Unchanged, Org: enrichsync.Org{Name: "Evil\x1b[2J\rCorp", Domain: "evil.com"}, Fields: []enrichsync.FieldChange{{Field: "Employees", Reason: "unchanged"}}},
		{Kind: enrichsync.Unchanged, Org: enrichsync.Org{Name: strings.Repeat("Very Long Name ", 5), Domain: "long.com"}},
		{Kind: enrichsync.Done, Summary: &enrichsync.Summary{Apply: true, Organizations: 4}},
	}
	for _, ev := range events {
		if err := r.event(ev); err != nil {
			t.Fatal(err)
		}
	}
	text := out.String()
	for _, want := range []string{"東京テック株式会社", "東京都渋谷区", "Cafe\u0301 Société", `Evil\x1b[2J\x0dCorp`, "Very Long Name Very Long Na…", "(empty)", "12", "13"} {
		if !strings.Contains(text, want) {
			t.Errorf("the table lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "\x1b") || strings.Count(text, "\r") > 0 {
		t.Errorf("a control character reached the table: %q", text)
	}
	// Each organization's domain starts at the same terminal column.
	col := -1
	for _, l := range strings.Split(text, "\n") {
		for _, d := range []string{"cafe.fr", "evil.com", "long.com", displayDomain("xn--eckwd4c7c.jp")} {
			if i := strings.Index(l, "  "+d); i >= 0 && (strings.HasPrefix(l, "wrote") || strings.HasPrefix(l, "unchanged")) {
				at := textWidth(l[:i+2])
				if col == -1 {
					col = at
				} else if at != col {
					t.Errorf("%s at column %d, not %d:\n%s", d, at, col, text)
				}
			}
		}
	}
	if col != whatWidth+2+orgWidth+2 {
		t.Errorf("domains at column %d, want %d:\n%s", col, whatWidth+2+orgWidth+2, text)
	}
	for _, c := range []struct {
		s string
		w int
	}{{"abc", 3}, {"東京", 4}, {"e\u0301", 1}, {"Øresund", 7}} {
		if got := textWidth(c.s); got != c.w {
			t.Errorf("textWidth(%q) = %d, want %d", c.s, got, c.w)
		}
	}
	if got := fit("東京テック株式会社", 9, false); got != "東京テッ…" || textWidth(got) != 9 {
		t.Errorf("fit of a wide name to 9 columns: %q (%d)", got, textWidth(got))
	}
}

// help, a command's help, version.
func TestHelpAndVersion(t *testing.T) {
	f := &fixture{}
	r := f.run(t, false, "help")
	for _, c := range commands {
		if !strings.Contains(r.stdout, "enrichsync "+c) {
			t.Errorf("help does not list %s", c)
		}
	}
	if r.code != exitOK || !strings.Contains(r.stdout, "go run turns every non-zero one into 1") {
		t.Errorf("help: %s", r)
	}
	for _, args := range [][]string{{"help", "apply"}, {"apply", "--help"}, {"apply", "-h"}} {
		r = f.run(t, false, args...)
		if r.code != exitOK || !strings.Contains(r.stdout, "-budget") || !strings.Contains(r.stdout, "-deadline") || !strings.Contains(r.stdout, "exit 3") {
			t.Errorf("%q: %s", args, r)
		}
	}
	for _, args := range [][]string{{"help", "log"}, {"help", "demo"}, {"help", "example"}, {"help", "plan"}} {
		if r = f.run(t, false, args...); r.code != exitOK || !strings.Contains(r.stdout, "usage: enrichsync "+args[1]) {
			t.Errorf("%q: %s", args, r)
		}
	}
	r = f.run(t, false, "version")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "enrichsync ") {
		t.Errorf("version: %s", r)
	}
	if r = f.run(t, false); r.code != exitUsage || !strings.Contains(r.stderr, "Usage:") {
		t.Errorf("no command: %s", r)
	}
}

// Apollo's balance in the summary: a balance it did not report is said to be not
// known, in the table and as null in jsonl; one below zero (overdrawn) is printed as
// it is, -1 included, which was read as "not known" and printed like it.
func TestSummaryBalance(t *testing.T) {
	left := func(n int) *int { return &n }
	for _, c := range []struct {
		left        *int
		table, json string
	}{
		{nil, "(budget 100; Apollo's balance not known)", `"credits_left":null`},
		{left(0), "(budget 100; Apollo's balance before: 0)", `"credits_left":0,`},
		{left(9992), "(budget 100; Apollo's balance before: 9,992)", `"credits_left":9992,`},
		{left(-1), "(budget 100; Apollo's balance before: -1, overdrawn)", `"credits_left":-1,`},
		{left(-1234567), "(budget 100; Apollo's balance before: -1,234,567, overdrawn)", `"credits_left":-1234567,`},
	} {
		sum := enrichsync.Summary{Apply: true, CreditBudget: 100, CreditsLeft: c.left}
		var table, jsonl bytes.Buffer
		if err := newRenderer("table", &table, "apply", nil).event(enrichsync.Event{Kind: enrichsync.Done, Summary: &sum}); err != nil {
			t.Fatal(err)
		}
		if want := "  credits spent      0 " + c.table + "\n"; !strings.Contains(table.String(), want) {
			t.Errorf("table: %q, want the line %q", table.String(), want)
		}
		if err := newRenderer("jsonl", &jsonl, "", nil).event(enrichsync.Event{Kind: enrichsync.Done, Summary: &sum}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(jsonl.String(), c.json) || strings.Count(jsonl.String(), "\n") != 1 {
			t.Errorf("jsonl: %q, want %s in one line", jsonl.String(), c.json)
		}
	}
}
