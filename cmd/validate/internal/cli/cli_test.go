package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
)

// These tests run the command as a user and a CI job see it (exit status, stdout and
// stderr) from the repository root. Most call Run in this process, so that coverage
// and mutation testing see them; TestBuiltCommand builds the binary and runs it.

// root is the repository's root, found before any test changes directory.
var root string

func TestMain(m *testing.M) {
	var err error
	if root, err = filepath.Abs("../../../.."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}

type result struct {
	code           int
	stdout, stderr string
}

// cli runs the command in this process from the repository root, with env set.
func cli(t *testing.T, env []string, args ...string) result {
	t.Helper()
	t.Chdir(root)
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	code := Run(ctx, args, strings.NewReader(""), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

// buildCommand builds the command into a temporary directory.
func buildCommand(t testing.TB) string {
	t.Helper()
	binary := filepath.Join(t.TempDir(), "validate")
	if out, err := exec.Command("go", "build", "-o", binary, "github.com/orgapis/orgapis/cmd/validate").CombinedOutput(); err != nil {
		t.Fatalf("building the command: %v\n%s", err, out)
	}
	return binary
}

// binaryRun runs the built binary from the repository root with env added.
func binaryRun(t *testing.T, binary string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errOut.String()}
}

func (r result) has(t *testing.T, code int, stdout, stderr []string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
	for _, s := range stdout {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
		}
	}
	for _, s := range stderr {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
		}
	}
}

func write(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestNothingCheckedIsNeverGreen(t *testing.T) {
	empty := t.TempDir()
	cli(t, nil, empty).has(t, 2, []string{"0 exchanges checked"}, []string{"nothing was checked: no recordings found in " + empty})
	cli(t, nil, "--allow-empty", empty).has(t, 0, nil, nil)

	other := t.TempDir()
	write(t, filepath.Join(other, "notes.md"), "# notes\n")
	write(t, filepath.Join(other, "spec.yaml"), "openapi: 3.0.3\n")
	cli(t, nil, other).has(t, 2, []string{"2 files skipped (not HAR, go-vcr cassette or JSON lines)"}, []string{"(2 files skipped"})

	jsonl := write(t, filepath.Join(t.TempDir(), "empty.jsonl"), "")
	cli(t, nil, jsonl).has(t, 2, nil, []string{"the recordings hold no exchanges"})
}

func TestFlagsAnywhereAndNothingIgnored(t *testing.T) {
	// --strict after the path still applies.
	cli(t, nil, "testdata/recordings", "--strict").has(t, 1, []string{"undocumented-field /tags"}, nil)
	cli(t, nil, "--workers", "-3", "testdata/recordings").has(t, 2, nil, []string{"--workers -3: want 1 to 256"})

	// The README's old form, copied literally: the stray argument stops the run before
	// any request; nothing reaches the default API or the fake.
	fake := apollotest.NewServer("k-123456789", apollotest.WithTest(t))
	defer fake.Close()
	cli(t, []string{"APOLLO_API_KEY=k-123456789"}, "live", "--api", "apollo", "--org-id", "ID", "[--allow-credits]", "--base-url", fake.URL).
		has(t, 2, nil, []string{`unexpected arguments ["[--allow-credits]"]`})
	if fake.Hits() != 0 {
		t.Errorf("the fake got %d requests", fake.Hits())
	}
	cli(t, nil, "live").has(t, 2, nil, []string{"--api is required: affinity or apollo"})
	cli(t, nil, "mock").has(t, 2, nil, []string{"validate mock: --api is required: affinity or apollo"})
	cli(t, nil, "mock", "--api", "apollo", "extra").has(t, 2, nil, []string{`validate mock: unexpected arguments ["extra"]: mock takes flags only`})
	cli(t, nil, "live", "--api", "affinity", "--max-pages", "0").has(t, 2, nil, []string{"--max-pages 0"})
	// Apollo without --spend-credits calls the free reads only (the account stages, a
	// page of the fake's no accounts, people search and the two usage reads), saying
	// how to check the others, and spends nothing.
	cli(t, []string{"APOLLO_API_KEY=k-123456789"}, "live", "--api", "apollo", "--base-url", fake.URL).
		has(t, 0, []string{"5 exchanges checked: 5 passed"}, []string{"pass --spend-credits N to check them", "getAccount was not called"})
	if fake.Credits() != 0 {
		t.Errorf("the fake counted %d credits", fake.Credits())
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, arg := range []string{"-h", "--help", "help"} {
		r := cli(t, nil, arg)
		r.has(t, 0, []string{"validate live", "validate mock", "AFFINITY_API_KEY", "APOLLO_API_KEY", "Exit status"}, nil)
		if r.stderr != "" {
			t.Errorf("%s wrote to stderr: %s", arg, r.stderr)
		}
	}
	cli(t, nil, "live", "--help").has(t, 0, []string{"AFFINITY_API_KEY", "APOLLO_API_KEY", "-base-url"}, nil)
	cli(t, nil, "check", "-h").has(t, 0, []string{"-baseline", "-include"}, nil)
	cli(t, nil, "--version").has(t, 0, []string{"validate ", "spec apollo.yaml sha256:", "spec affinity.yaml sha256:"}, nil)
}

func TestRecordingsRecognisedByContent(t *testing.T) {
	// At the repository root: the shipped recordings, and nothing unreadable.
	r := cli(t, nil, ".")
	r.has(t, 1, []string{"testdata/recordings/affinity.har#4 409 undocumented-status", "14 exchanges checked"}, nil)
	if strings.Contains(r.stdout, "unreadable") {
		t.Errorf("validate . reports unreadable input:\n%s", r.stdout)
	}
	// A file named outright that is no recording says what was expected.
	cli(t, nil, "README.md").has(t, 2, []string{"README.md: not a recording: expected HAR, go-vcr cassette or JSON lines"}, nil)
	// --include and --exclude narrow a walk.
	cli(t, nil, "--include", "*.har", "testdata/recordings").has(t, 1, []string{"6 exchanges checked"}, nil)
	cli(t, nil, "--exclude", "*.har", "--exclude", "*.yaml", "testdata/recordings").has(t, 1, []string{"2 exchanges checked"}, nil)
}

func TestBrokenSpecNamesFileAndLine(t *testing.T) {
	spec := write(t, filepath.Join(t.TempDir(), "bad.yaml"),
		"openapi: 3.0.3\ninfo:\n  title: x\n  version: \"1\"\npaths:\n  /x:\n    get:\n      responses:\n        \"200\":\n          $ref: \"#/components/responses/Nope\"\n")
	cli(t, nil, "--api", "affinity", "--spec", spec, "testdata/recordings").has(t, 2, nil, []string{spec + ":10:"})
}

// TestBuiltCommand runs the binary as a user does: exit statuses reach the shell, and
// a mock, a live run that records it and a replay of that recording agree.
func TestBuiltCommand(t *testing.T) {
	binary := buildCommand(t)
	binaryRun(t, binary, nil, "--version").has(t, 0, []string{"spec apollo.yaml sha256:"}, nil)
	binaryRun(t, binary, nil, "testdata/recordings").has(t, 1, []string{"14 exchanges checked"}, nil)
	binaryRun(t, binary, nil, "live").has(t, 2, nil, []string{"--api is required"})

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	mock := exec.CommandContext(ctx, binary, "mock", "--api", "affinity", "--orgs", "30")
	stdout, err := mock.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := mock.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = mock.Wait() }()
	lines := bufio.NewScanner(stdout)
	var baseURL, key string
	for lines.Scan() && (baseURL == "" || key == "") {
		if v, ok := strings.CutPrefix(lines.Text(), "base URL: "); ok {
			baseURL = v
		}
		if v, ok := strings.CutPrefix(lines.Text(), "key: "); ok {
			key = v
		}
	}
	if baseURL == "" || key == "" {
		t.Fatal("mock printed no base URL and key")
	}
	rec := filepath.Join(t.TempDir(), "out.har")
	live := binaryRun(t, binary, []string{"AFFINITY_API_KEY=" + key}, "live", "--api", "affinity", "--base-url", baseURL, "--record", rec)
	live.has(t, 0, []string{"exchanges checked"}, nil)
	summary := strings.TrimSpace(live.stdout)
	summary = summary[strings.LastIndex(summary, "\n")+1:]
	checked := summary[:strings.Index(summary, ":")] // "N exchanges checked"
	// The recording is of 127.0.0.1, yet replays against the Affinity spec.
	binaryRun(t, binary, nil, rec).has(t, 0, []string{checked + ": ", "0 failed; 0 skipped"}, nil)
}

func TestBaselineMakesKnownDriftPass(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "baseline.txt")
	// The run that writes the baseline passes: what it wrote is known.
	cli(t, nil, "--write-baseline", base, "testdata/recordings").has(t, 0, []string{"(known)"}, nil)
	cli(t, nil, "--baseline", base, "testdata/recordings").has(t, 0, []string{"(known)", "findings known from the baseline"}, nil)
	// An earlier JSON report works as a baseline too.
	report := cli(t, nil, "--format", "json", "testdata/recordings")
	write(t, filepath.Join(dir, "report.json"), report.stdout)
	cli(t, nil, "--baseline", filepath.Join(dir, "report.json"), "testdata/recordings").has(t, 0, nil, nil)
	// Without one entry, its finding fails the run again.
	data, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	var kept []string
	removed := ""
	for _, l := range lines {
		if removed == "" && strings.HasPrefix(l, "affinity\tupdateOrganization\tbody") {
			removed = l
			continue
		}
		kept = append(kept, l)
	}
	if removed == "" {
		t.Fatalf("baseline lacks the updateOrganization drift:\n%s", data)
	}
	write(t, base, strings.Join(kept, "\n")+"\n")
	r := cli(t, nil, "--baseline", base, "testdata/recordings")
	r.has(t, 1, []string{"affinity.har#2 200 body /domain"}, nil)
	if strings.Contains(r.stdout, "/domain: expected type string or null, found 42 (known)") {
		t.Error("the finding whose entry was removed is still known")
	}
	// An entry that matches nothing is listed as stale.
	write(t, base, strings.Join(lines, "\n")+"\nlistOrganizationFields\tbody\tbody\t/0/name\n")
	cli(t, nil, "--baseline", base, "testdata/recordings").has(t, 0, []string{"baseline entries that matched no finding", "listOrganizationFields body body /0/name"}, nil)
	// A broken baseline names its line.
	write(t, base, "# header\nonly two\tfields\n")
	cli(t, nil, "--baseline", base, "testdata/recordings").has(t, 2, nil, []string{base + ":2: want 5 fields"})
}

func TestManyFindingsReadInOneScreen(t *testing.T) {
	var b strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&b, `{"method":"GET","url":"https://api.affinity.co/organizations?page_token=t%d","status":200,"response_headers":{"Content-Type":"application/json"},"response_body":{"organizations":[{"id":%d,"name":"A","domain":42,"domains":[],"crunchbase_uuid":null,"global":false}],"next_page_token":null}}`+"\n", i, i+1)
	}
	path := write(t, filepath.Join(t.TempDir(), "many.jsonl"), b.String())
	r := cli(t, nil, path)
	r.has(t, 1, []string{"1000× body /organizations/0/domain", "and 997 more", "1000 exchanges checked"}, nil)
	if n := strings.Count(r.stdout, "\n"); n > 20 {
		t.Errorf("text report of one repeated drift has %d lines:\n%s", n, r.stdout)
	}
	var rep JSONReport
	if err := json.Unmarshal([]byte(cli(t, nil, "--format", "json", path).stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1000 || len(rep.Groups) != 1 || rep.Groups[0].Count != 1000 {
		t.Errorf("JSON report: %d findings, groups %+v", len(rep.Findings), rep.Groups)
	}
}

func TestSARIF(t *testing.T) {
	r := cli(t, nil, "--strict", "--format", "sarif", "testdata/recordings")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var log map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatal(err)
	}
	// The structure SARIF 2.1.0 requires of a log, a run, a tool and a result.
	if log["version"] != "2.1.0" {
		t.Fatalf("version = %v", log["version"])
	}
	runs, _ := log["runs"].([]any)
	if len(runs) != 1 {
		t.Fatalf("runs = %v", log["runs"])
	}
	run := runs[0].(map[string]any)
	driver := run["tool"].(map[string]any)["driver"].(map[string]any)
	if driver["name"] == "" || driver["version"] == "" || driver["informationUri"] == "" {
		t.Errorf("tool.driver = %v", driver)
	}
	if base := run["originalUriBaseIds"].(map[string]any)[sarifModuleBase].(map[string]any)["uri"].(string); !strings.HasPrefix(base, "https://github.com/orgapis/orgapis/blob/") {
		t.Errorf("%s = %q", sarifModuleBase, base)
	}
	rules := map[string]bool{}
	for _, rule := range driver["rules"].([]any) {
		r := rule.(map[string]any)
		if r["help"].(map[string]any)["text"] == "" {
			t.Errorf("rule %v has no help", r["id"])
		}
		rules[r["id"].(string)] = true
	}
	fileLines := map[string][]string{}
	lineIn := func(file string, n int) string {
		if _, ok := fileLines[file]; !ok {
			data, err := os.ReadFile(filepath.Join(root, file))
			if err != nil {
				t.Fatal(err)
			}
			fileLines[file] = strings.Split(string(data), "\n")
		}
		if n < 1 || n > len(fileLines[file]) {
			return ""
		}
		return strings.TrimSpace(fileLines[file][n-1])
	}
	place := func(loc map[string]any) (uri, base string, line int) {
		phys := loc["physicalLocation"].(map[string]any)
		art := phys["artifactLocation"].(map[string]any)
		base, _ = art["uriBaseId"].(string)
		if region, _ := phys["region"].(map[string]any); region != nil {
			line = int(region["startLine"].(float64))
		}
		return art["uri"].(string), base, line
	}
	want := map[string]string{ // a finding's text -> the spec line its related location must name
		"affinity.har#2 200 body /domain":              "domain:",
		"affinity.har#4 409 undocumented-status":       "responses:",
		"apollo.yaml#1 200 body /pagination/page":      "page:",
		"affinity-extra.jsonl#1 200 body /next_page":   "next_page_token:",
		"apollo.yaml#3 200 undocumented-endpoint":      "paths:",
		"affinity.har#2 200 undocumented-field /tags":  "Organization:",
		"apollo.yaml#1 200 undocumented-field /new_fi": "MixedCompaniesSearchResponse:",
	}
	results := run["results"].([]any)
	if len(results) == 0 {
		t.Fatal("no results")
	}
	for _, x := range results {
		res := x.(map[string]any)
		text := res["message"].(map[string]any)["text"].(string)
		if !rules[res["ruleId"].(string)] || text == "" {
			t.Errorf("result without a known rule or a message: %v", res)
		}
		// The primary location is the recording, in the user's tree; in formats with
		// lines, at the line its entry starts on.
		uri, base, line := place(res["locations"].([]any)[0].(map[string]any))
		if !strings.HasPrefix(uri, "testdata/recordings/") || base != "" {
			t.Errorf("%s: primary location %s (base %q), want the recording", text, uri, base)
		}
		if strings.HasSuffix(uri, ".jsonl") && !strings.HasPrefix(lineIn(uri, line), `{"method"`) {
			t.Errorf("%s: line %d of %s is %q, not its exchange", text, line, uri, lineIn(uri, line))
		}
		if strings.HasSuffix(uri, ".har") && !strings.HasPrefix(lineIn(uri, line), "{") {
			t.Errorf("%s: line %d of %s is %q, not an entry's start", text, line, uri, lineIn(uri, line))
		}
		related := res["relatedLocations"].([]any)[0].(map[string]any)
		specURI, specBase, specLine := place(related)
		if !strings.HasPrefix(specURI, "specs/") || specBase != sarifModuleBase {
			t.Errorf("%s: related location %s (base %q), want the module's spec", text, specURI, specBase)
		}
		for prefix, decl := range want {
			if strings.Contains(text, prefix) {
				if got := lineIn(specURI, specLine); !strings.HasPrefix(got, decl) {
					t.Errorf("%s points at %s:%d %q, want a line starting %q", prefix, specURI, specLine, got, decl)
				}
				delete(want, prefix)
			}
		}
	}
	for prefix := range want {
		t.Errorf("no result for %s", prefix)
	}
}

func TestProgressOnlyOnATerminal(t *testing.T) {
	var stderr bytes.Buffer
	p := startProgress(&stderr, []Input{{Name: "(stdin)"}}, false) // large, but not a terminal
	p.bytes.Add(200 << 20)
	p.checked()
	p.stop()
	if stderr.Len() != 0 {
		t.Errorf("progress written to a non-terminal: %q", stderr.String())
	}
	if line := p.line(); !strings.Contains(line, "read 200.0 MiB, 1 exchanges checked") {
		t.Errorf("progress line = %q", line)
	}
}

func TestFindingsPointAtTheRightPlace(t *testing.T) {
	line := `{"method":"POST","url":"https://api.apollo.io/api/v1/mixed_companies/search?per_page=x","status":200,` +
		`"request_headers":{"Content-Type":"application/json"},"request_body":{"per_page":"ten"},` +
		`"response_headers":{"Content-Type":"application/json"},` +
		`"response_body":{"pagination":{"page":1,"per_page":1,"total_entries":1,"total_pages":1},"accounts":[{"id":"a","domain":"a.co","num_contacts":"many"}]}}` + "\n"
	path := write(t, filepath.Join(t.TempDir(), "drift.jsonl"), line)
	cli(t, nil, "--requests", path).has(t, 1, []string{
		"body /accounts/0/num_contacts: expected type integer", // inside Account's allOf
		`body /accounts/0/name: expected property "name", found none`,
		"request /per_page: expected type integer",      // the request body, by JSON pointer
		"request query:per_page: expected type integer", // the query, by name
	}, nil)
	r := cli(t, nil, "--requests", "--format", "json", path)
	var rep struct {
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		for _, field := range []string{"source", "entry", "api", "operation_id", "method", "path", "status", "kind", "location", "pointer", "expected", "found", "known"} {
			if _, ok := f[field]; !ok {
				t.Errorf("finding without %q: %v", field, f)
			}
		}
		if f["kind"] == "request" && f["pointer"] == "/per_page" && f["location"] != "body" && f["location"] != "query" {
			t.Errorf("request finding without its location: %v", f)
		}
	}
}
