package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// One run writes its annotations to standard output and a Markdown summary and a SARIF
// log to files, each the report --format would have written; the exit status is the
// run's.
func TestOneRunWritesEveryReportItIsAskedFor(t *testing.T) {
	dir := t.TempDir()
	md, sarif := filepath.Join(dir, "summary.md"), filepath.Join(dir, "report.sarif")
	r := cli(t, nil, "--strict", "--format", "github", "--report", "markdown="+md, "--report", "sarif="+sarif, "testdata/recordings")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if as := parseAnnotations(t, r.stdout); len(as) < 2 || as[0].level != "error" || as[len(as)-1].props["title"] != "validate" {
		t.Errorf("annotations: %+v", as)
	}
	alone := cli(t, nil, "--strict", "--format", "markdown", "testdata/recordings")
	if got, err := os.ReadFile(md); err != nil || string(got) != alone.stdout {
		t.Errorf("summary.md (%v) differs from --format markdown:\n%s\n---\n%s", err, got, alone.stdout)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if got, err := os.ReadFile(sarif); err != nil || json.Unmarshal(got, &log) != nil || log.Version != "2.1.0" || len(log.Runs[0].Results) == 0 {
		t.Errorf("report.sarif: %v %+v", err, log)
	}
	// A file that held something is replaced, not appended to.
	if err := os.WriteFile(md, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cli(t, nil, "--strict", "--report", "markdown="+md, "testdata/recordings")
	if got, _ := os.ReadFile(md); strings.HasPrefix(string(got), "old") {
		t.Error("the old content stayed")
	}
}

// --report is refused by name before anything is read when it is not FORMAT=PATH, names
// an unknown format or one path twice; a file it cannot write fails the run with exit
// 2, naming it, after the other reports are written.
func TestReportFlagBounds(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		arg, says string
	}{
		{"markdown", `want FORMAT=PATH`},
		{"markdown=", `want FORMAT=PATH`},
		{"xml=out.xml", `format "xml": want text, json, junit, sarif, markdown, github`},
	} {
		r := cli(t, nil, "--report", c.arg, "testdata/recordings")
		if r.code != 2 || !strings.Contains(r.stderr, "flag -report") || !strings.Contains(r.stderr, c.says) || r.stdout != "" {
			t.Errorf("--report %s: exit %d, stderr %q", c.arg, r.code, r.stderr)
		}
	}
	twice := filepath.Join(dir, "x")
	if r := cli(t, nil, "--report", "json="+twice, "--report", "markdown="+twice, "testdata/recordings"); r.code != 2 || !strings.Contains(r.stderr, "named twice") {
		t.Errorf("a path twice: exit %d, %q", r.code, r.stderr)
	}
	ok, missing := filepath.Join(dir, "ok.md"), filepath.Join(dir, "no", "such", "dir.md")
	r := cli(t, nil, "--report", "markdown="+missing, "--report", "markdown="+ok, "testdata/recordings")
	if r.code != 2 || !strings.Contains(r.stderr, "--report markdown="+missing) || !strings.Contains(r.stdout, "exchanges checked") {
		t.Errorf("an unwritable file: exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(ok); err != nil {
		t.Errorf("the writable report was not written: %v", err)
	}
}
