package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/spectest"
	"github.com/orgapis/orgapis/specs"
)

// Review of issue 34's reports, selection, severity and configuration file: each test
// fails on a defect found, and passes once it is fixed.

// jsonRun runs validate check with --format json and decodes the report.
func jsonRun(t *testing.T, args ...string) (JSONReport, result) {
	t.Helper()
	r := cli(t, nil, append([]string{"--format", "json"}, args...)...)
	var rep JSONReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v: exit %d, not JSON: %v\n%s%s", args, r.code, err, r.stdout, r.stderr)
	}
	return rep, r
}

// A recording read from standard input is named "(stdin)" (collect.go), which is no
// file of the repository: an annotation must not point GitHub at a file of that name
// (annotations.go annotationFile leaves out "-" but not "(stdin)").
func TestReview34StdinAnnotationNamesNoFile(t *testing.T) {
	t.Chdir(root)
	har, err := os.ReadFile(filepath.Join("testdata", "recordings", "affinity.har"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	code := Run(ctx, []string{"--format", "github", "-"}, bytes.NewReader(har), &out, &errOut)
	if code != 1 || !strings.Contains(out.String(), "::error ") {
		t.Fatalf("exit %d, want 1 with error annotations:\n%s%s", code, out.String(), errOut.String())
	}
	if strings.Contains(out.String(), "file=") {
		t.Errorf("an annotation of standard input names a file:\n%s", out.String())
	}
}

// A baseline entry whose finding the run did not look for (its operation not
// selected, its kind --severity off) did not match because the run never checked it,
// not because the drift is gone: the report must not list it as stale and tell the
// user to remove it (run.go: the matcher only sees the findings that survive
// selection.filter and the --operation/--skip-operation routing).
func TestReview34BaselineEntriesOfUncheckedFindingsAreNotStale(t *testing.T) {
	base := filepath.Join(t.TempDir(), "baseline.txt")
	if r := cli(t, nil, "--write-baseline", base, "testdata/recordings"); r.code != 0 {
		t.Fatalf("writing the baseline: exit %d\n%s", r.code, r.stderr)
	}
	full, _ := jsonRun(t, "--baseline", base, "testdata/recordings")
	if len(full.Stale) != 0 {
		t.Fatalf("the whole run finds stale entries in its own baseline: %q", full.Stale)
	}
	for _, args := range [][]string{
		{"--skip-operation", "deleteOrganization"},
		{"--operation", "searchMixedCompanies"},
		{"--severity", "undocumented-status=off"},
		{"--severity", "undocumented-endpoint=off,body=off"},
	} {
		rep, r := jsonRun(t, append(append([]string{"--baseline", base}, args...), "testdata/recordings")...)
		if len(rep.Stale) != 0 {
			t.Errorf("%v: exit %d; entries of findings the run did not look for are called stale (\"the drift is gone; remove them\"): %q", args, r.code, rep.Stale)
		}
		md := cli(t, nil, append(append([]string{"--format", "markdown", "--baseline", base}, args...), "testdata/recordings")...)
		if strings.Contains(md.stdout, "matched no finding") {
			t.Errorf("%v: the Markdown report tells the user to remove entries the run did not check:\n%s", args, md.stdout)
		}
	}
}

// When --operation and --skip-operation leave every exchange out, the run checked
// nothing (exit 2), and its message must say why: not that the recordings hold no
// exchanges (check.go whyEmpty knows nothing of Summary.NotSelected).
func TestReview34NothingSelectedSaysWhy(t *testing.T) {
	for _, args := range [][]string{
		{"--operation", "searchMixedCompanies", "--skip-operation", "searchMixedCompanies"},
		{"--operation", "getOrganization", "testdata/recordings/apollo.yaml"},
	} {
		if !strings.HasPrefix(args[len(args)-1], "testdata/") {
			args = append(args, "testdata/recordings")
		}
		r := cli(t, nil, args...)
		if r.code != 2 {
			t.Fatalf("%v: exit %d, want 2\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		if strings.Contains(r.stderr, "hold no exchanges") || !strings.Contains(r.stderr, "select") {
			t.Errorf("%v: the message does not say the exchanges were left out by the selection: %q", args, r.stderr)
		}
	}
}

// --write-baseline makes every finding known (markKnown), warnings included; the
// summary then counts them twice: as known and as warnings (check.go sets
// Summary.Known after markKnown, but not Summary.Warnings, which findingSet.warned
// no longer holds). Run.go's doc says Warnings leaves a baseline's known ones aside.
func TestReview34WriteBaselineCountsNoWarningTwice(t *testing.T) {
	base := filepath.Join(t.TempDir(), "baseline.txt")
	rep, r := jsonRun(t, "--strict", "--operation", "updateOrganization", "--severity", "undocumented-field=warning",
		"--write-baseline", base, "testdata/recordings")
	s := rep.Summary
	if r.code != 0 || s.Findings == 0 || s.Known != s.Findings {
		t.Fatalf("exit %d, summary %+v\n%s", r.code, s, r.stderr)
	}
	if s.Known+s.Warnings > s.Findings {
		t.Errorf("%d findings, %d known and %d warnings: the warnings are counted twice", s.Findings, s.Known, s.Warnings)
	}
	text := cli(t, nil, "--strict", "--operation", "updateOrganization", "--severity", "undocumented-field=warning",
		"--write-baseline", filepath.Join(t.TempDir(), "b.txt"), "testdata/recordings")
	if strings.Contains(text.stdout, "findings are warnings") {
		t.Errorf("the text summary calls known findings warnings too:\n%s", text.stdout)
	}
}

// An exchange whose findings are all warnings does not fail the run (exit 0); the
// JUnit report must not mark its test case failed, or a CI system reading it fails
// (or marks unstable) a run the command passed (report.go WriteJUnit adds a <failure>
// for any finding).
func TestReview34JUnitWarningsDoNotFail(t *testing.T) {
	r := cli(t, nil, "--format", "junit", "--strict", "--operation", "updateOrganization",
		"--severity", "undocumented-field=warning,body=warning", "testdata/recordings")
	if r.code != 0 {
		t.Fatalf("exit %d, want 0 (every finding a warning)\n%s%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "<failure") || strings.Contains(r.stdout, `failures="1"`) {
		t.Errorf("exit 0, but the JUnit report fails a test case:\n%s", r.stdout)
	}
}

// A configuration key of a flag that takes one value must not take a list: with
// format: [json, text] the run silently used the last (config.go applyConfig accepts
// a sequence for every key), where the command line's one value per flag and the
// README's "lists as YAML lists" (operations, skip-operations, overlays) say a list is
// for the repeatable flags only.
func TestReview34ConfigListForAOneValueFlag(t *testing.T) {
	for _, text := range []string{
		"format:\n  - json\n  - text\n",
		"strict: [true, false]\n",
		"baseline: [a.txt, b.txt]\n",
	} {
		cfg := writeConfig(t, text)
		r := cli(t, nil, "--config", cfg, "testdata/recordings")
		if r.code != 2 || !strings.Contains(r.stderr, cfg+":") {
			t.Errorf("%q: exit %d, want 2 and an error naming %s and the line; stderr %q", text, r.code, cfg, r.stderr)
		}
	}
}

// An error found after the file was read (an operation no spec has) names where the
// flag was set: the line of the value at fault, not that of the list's last item
// (config.go records one line per flag, the last; whereSet appends it).
func TestReview34ConfigErrorNamesTheLineOfTheBadItem(t *testing.T) {
	cfg := writeConfig(t, "operations:\n  - nosuch\n  - updateOrganization\n")
	r := cli(t, nil, "--config", cfg, "testdata/recordings")
	if r.code != 2 || !strings.Contains(r.stderr, `"nosuch"`) {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, cfg+":2") {
		t.Errorf("the error points at the wrong line (nosuch is on line 2): %q", r.stderr)
	}
}

// --report must not write over the file --write-baseline writes: the run reports
// success and leaves a JSON report where the baseline should be (reportfiles.go checks
// a path against the other --report paths only).
func TestReview34ReportOverwritesTheWrittenBaseline(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "baseline.txt")
	r := cli(t, nil, "--write-baseline", base, "--report", "json="+base, "testdata/recordings")
	data, _ := os.ReadFile(base)
	if r.code != 2 && strings.HasPrefix(strings.TrimSpace(string(data)), "{") {
		t.Errorf("exit %d: the baseline file holds the JSON report instead:\n%.200s", r.code, data)
	}
}

// reportfiles.go refuses a path named twice, but compares the strings only: the same
// file under two spellings is written twice, the second report replacing the first.
func TestReview34ReportSameFileTwoSpellings(t *testing.T) {
	dir := t.TempDir()
	one := filepath.Join(dir, "one.json")
	r := cli(t, nil, "--report", "json="+one, "--report", "sarif="+dir+string(filepath.Separator)+"."+string(filepath.Separator)+"one.json", "testdata/recordings")
	if r.code != 2 {
		t.Errorf("one file named twice by two spellings: exit %d, %q", r.code, r.stderr)
	}
}

// An operation --skip-operation left out was exercised by the recordings; the
// coverage must not list it as not exercised, nor count it against --min-coverage
// (run.go: a not-selected exchange never reaches the coverage).
func TestReview34SkippedOperationIsNotReportedUnexercised(t *testing.T) {
	full, _ := jsonRun(t, "testdata/recordings")
	rep, _ := jsonRun(t, "--skip-operation", "updateOrganization", "testdata/recordings")
	missing := func(rep JSONReport) bool {
		for _, c := range rep.Coverage {
			for _, m := range c.Operations.Missing {
				if strings.Contains(m, "updateOrganization") || strings.Contains(m, "PUT /organizations/{organization_id}") {
					return true
				}
			}
		}
		return false
	}
	if missing(full) {
		t.Fatalf("the recordings do not exercise updateOrganization")
	}
	if missing(rep) {
		t.Errorf("--skip-operation updateOrganization: the coverage says it was not exercised")
	}
}

// The Markdown report "stays a few kilobytes whatever the run found (GitHub keeps 1 MiB
// of a step's summary)" (README), but its "Other API versions" section lists every
// version a recording sent, each value whole (markdown.go: no cap on
// Summary.APIVersions, and versionLine is not clipped): traffic that sends many
// versions, or one long one, makes a summary GitHub cuts.
func TestReview34MarkdownVersionsAreBounded(t *testing.T) {
	body, err := spectest.Example(specs.Affinity, "getWhoAmIV2", "200", "")
	if err != nil {
		t.Fatal(err)
	}
	var lines strings.Builder
	for i := range 300 {
		line, err := json.Marshal(map[string]any{"method": "GET", "url": "https://api.affinity.co/v2/auth/whoami", "status": 200,
			"request_headers":  map[string]string{"X-Affinity-Api-Version": fmt.Sprintf("%d-%s", i, strings.Repeat("v", 4000))},
			"response_headers": map[string]string{"Content-Type": "application/json"}, "response_body": json.RawMessage(body)})
		if err != nil {
			t.Fatal(err)
		}
		lines.Write(line)
		lines.WriteByte('\n')
	}
	path := write(t, filepath.Join(t.TempDir(), "versions.jsonl"), lines.String())
	r := cli(t, nil, "--format", "markdown", path)
	if r.code != 0 || !strings.Contains(r.stdout, "Other API versions") {
		t.Fatalf("exit %d\n%.2000s%s", r.code, r.stdout, r.stderr)
	}
	if len(r.stdout) > 64<<10 {
		t.Errorf("the Markdown report is %d bytes (over 1 MiB: %v); it should stay a few kilobytes", len(r.stdout), len(r.stdout) > 1<<20)
	}
}

// The same for stale baseline entries: the Markdown report lists five, each whole
// (markdown.go prints the entry's text unclipped, each / escaped to two bytes), so five
// lines a baseline reads (up to 64 KiB each) make a summary of 600 KB.
func TestReview34MarkdownStaleEntriesAreBounded(t *testing.T) {
	var b strings.Builder
	for i := range 5 {
		fmt.Fprintf(&b, "affinity\tgetOrganization\tbody\tbody\t/%d%s\n", i, strings.Repeat("/", 60000))
	}
	base := write(t, filepath.Join(t.TempDir(), "baseline.txt"), b.String())
	r := cli(t, nil, "--format", "markdown", "--baseline", base, "testdata/recordings")
	if !strings.Contains(r.stdout, "matched no finding") {
		t.Fatalf("exit %d, no stale entries\n%.2000s%s", r.code, r.stdout, r.stderr)
	}
	if len(r.stdout) > 64<<10 {
		t.Errorf("the Markdown report is %d bytes (over 1 MiB: %v); it should stay a few kilobytes", len(r.stdout), len(r.stdout) > 1<<20)
	}
}

// The findings section has the same gap: 30 operations of 5 lines, each line holding
// a pointer, a found value and the first sources at up to 1 KiB apiece (clip), every
// punctuation character escaped to two bytes, is over a megabyte; the README says "a
// few kilobytes whatever the run found", and GitHub cuts a step summary at 1 MiB.
func TestReview34MarkdownFindingLinesAreBounded(t *testing.T) {
	long := func(prefix string) string { return prefix + strings.Repeat("-.", 510) }
	var fs []contract.Finding
	for op := range 30 {
		for k := range 5 {
			for src := range 3 {
				fs = append(fs, contract.Finding{Source: long(fmt.Sprintf("recordings/%d/", src)) + ".har", Entry: op*10 + k,
					API: "affinity", OperationID: fmt.Sprintf("op%02d", op), Method: "GET", Path: "/x", Status: 200,
					Kind: contract.KindBody, Location: "body", Pointer: "/" + long(fmt.Sprint(k)), Expected: "type integer", Found: `"` + long("") + `"`})
			}
		}
	}
	slices.SortStableFunc(fs, func(a, b contract.Finding) int { return strings.Compare(a.Source, b.Source) })
	var out bytes.Buffer
	if err := WriteMarkdown(&out, Result{Findings: fs, Summary: Summary{Checked: len(fs), Failed: len(fs), Findings: len(fs)}}); err != nil {
		t.Fatal(err)
	}
	if out.Len() > 64<<10 {
		t.Errorf("the Markdown report is %d bytes (over 1 MiB: %v); it should stay a few kilobytes", out.Len(), out.Len() > 1<<20)
	}
}

// operationId is optional in OpenAPI: in a --spec whose operations lack one, every such
// operation, and every undocumented endpoint, has the same selection key ("API "), so
// --skip-operation "GET /a" leaves out GET /b and the undocumented endpoints too
// (selection.go keys by operationId alone).
func TestReview34SelectionOfOperationsWithoutOperationID(t *testing.T) {
	dir := t.TempDir()
	spec := write(t, filepath.Join(dir, "spec.yaml"), `openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: "https://api.affinity.co"}]
paths:
  /a:
    get:
      responses: {"200": {description: ok}}
  /b:
    get:
      responses: {"200": {description: ok}}
`)
	rec := write(t, filepath.Join(dir, "rec.jsonl"), `{"method":"GET","url":"https://api.affinity.co/a","status":200}
{"method":"GET","url":"https://api.affinity.co/b","status":500}
{"method":"GET","url":"https://api.affinity.co/c","status":200}
`)
	rep, r := jsonRun(t, "--spec", spec, "--api", "affinity", "--skip-operation", "GET /a", rec)
	if r.code == 2 && strings.Contains(r.stderr, "--spec") {
		t.Fatalf("the spec is refused: %s", r.stderr)
	}
	if rep.Summary.Checked != 2 || rep.Summary.NotSelected != 1 {
		t.Errorf("--skip-operation \"GET /a\": %d checked, %d not selected; want GET /b and GET /c checked, GET /a alone left out (exit %d)\n%s",
			rep.Summary.Checked, rep.Summary.NotSelected, r.code, r.stderr)
	}
}

// A configuration file of two YAML documents is read as its first alone: the second's
// settings, and its unknown keys, are silently ignored (config.go takes
// root.Content[0] of what docread.YAML parsed), where every other mistake in the file
// is an error naming the line.
func TestReview34ConfigSecondDocumentIsNotIgnored(t *testing.T) {
	for _, text := range []string{
		"strict: true\n---\nformat: json\n",
		"strict: true\n---\nstrickt: true\n",
		"strict: true\n...\n---\nbogus: 1\n",
	} {
		cfg := writeConfig(t, text)
		r := cli(t, nil, "--config", cfg, "testdata/recordings")
		if r.code != 2 || !strings.Contains(r.stderr, cfg+":") {
			t.Errorf("%q: exit %d, stderr %q; want 2 and an error naming the file and line of the second document", text, r.code, r.stderr)
		}
	}
}

// --min-coverage fails the run (exit 1), but the Markdown report's verdict, written
// before the floor is checked (check.go), says "passed": a job page reads "API contract
// check passed" on a failed job, with nothing on the page to say why (README's own
// .validate.yaml sets min-coverage); the GitHub annotations say nothing of it either
// (the reason goes to standard error alone).
func TestReview34MarkdownVerdictAgreesWithMinCoverage(t *testing.T) {
	r := cli(t, nil, "--format", "markdown", "--operation", "getOrganization", "--min-coverage", "operations=99", "testdata/recordings")
	if r.code != 1 || !strings.Contains(r.stderr, "--min-coverage") {
		t.Fatalf("exit %d, want 1 for the coverage floor\n%s%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "check passed") || !strings.Contains(r.stdout, "min-coverage") && !strings.Contains(r.stdout, "coverage under") {
		t.Errorf("exit 1, but the Markdown report says the check passed and not why it failed:\n%s", r.stdout)
	}
	// The annotations likewise: a failed job whose only annotation is a notice.
	r = cli(t, nil, "--format", "github", "--operation", "getOrganization", "--min-coverage", "operations=99", "testdata/recordings")
	if r.code != 1 || !strings.Contains(r.stdout, "coverage") {
		t.Errorf("exit %d, but no annotation says the coverage failed the run:\n%s", r.code, r.stdout)
	}
}
