package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orgapis/orgapis/internal/terminal"
)

// runIn runs the command from the repository root, where the README runs it.
func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(root)
	var out, errOut bytes.Buffer
	code := Run(t.Context(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// update rewrites the golden reports from the command's output: go test -update.
var update = flag.Bool("update", false, "rewrite the golden files in testdata from the current output")

func golden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The shipped recordings hold one drifted exchange of each kind; these reports were
// read line by line against the drift mkrecordings writes.
func TestShippedRecordingsReports(t *testing.T) {
	cases := []struct {
		golden string
		args   []string
	}{
		{"testdata/recordings.txt", []string{"testdata/recordings"}},
		{"testdata/recordings-strict.json", []string{"--strict", "--requests", "--format", "json", "testdata/recordings"}},
		{"testdata/recordings.junit.xml", []string{"--format", "junit", "testdata/recordings"}},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			path, err := filepath.Abs(c.golden) // before runIn changes directory
			if err != nil {
				t.Fatal(err)
			}
			want := golden(t, path)
			code, out, stderr := runIn(t, "", c.args...)
			if code != 1 {
				t.Errorf("exit = %d, want 1 (findings); stderr %s", code, stderr)
			}
			if *update && out != want {
				if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("rewrote %s", c.golden)
				return
			}
			if out != want {
				t.Errorf("report differs from %s:\n--- got\n%s\n--- want\n%s", c.golden, out, want)
			}
		})
	}
}

func TestNoKeyInAnyReport(t *testing.T) {
	for _, format := range []string{"text", "json", "junit"} {
		_, out, _ := runIn(t, "", "--strict", "--requests", "--format", format, "testdata/recordings")
		for _, secret := range []string{"recorded-apollo-key", "OnJlY29yZGVkLWFmZmluaXR5LWtleQ", "recorded-affinity-key"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s report contains %q", format, secret)
			}
		}
	}
	// A legacy key in the query and body of a checked request is never echoed either.
	line := `{"method":"POST","url":"https://api.apollo.io/v1/mixed_companies/search?api_key=SECRET1","status":200,` +
		`"request_headers":{"Content-Type":"application/json"},"request_body":{"api_key":"SECRET2","per_page":"ten"},` +
		`"response_headers":{"Content-Type":"application/json"},"response_body":{"pagination":{"page":1,"per_page":1,"total_entries":0,"total_pages":0}}}`
	code, out, _ := runIn(t, line+"\n", "--requests", "--strict", "--format", "json", "-")
	if code != 1 || !strings.Contains(out, "\"kind\": \"request\",\n      \"location\": \"body\",\n      \"pointer\": \"/per_page\"") {
		t.Errorf("exit %d, report %s", code, out)
	}
	if strings.Contains(out, "SECRET") {
		t.Errorf("report shows a key: %s", out)
	}
}

func TestExitCodes(t *testing.T) {
	valid := `{"method":"DELETE","url":"https://api.affinity.co/organizations/5","status":200,"response_headers":{"Content-Type":"application/json"},"response_body":{"success":true}}`
	if code, out, _ := runIn(t, valid+"\n", "-"); code != 0 || !strings.Contains(out, "1 exchanges checked: 1 passed, 0 failed") {
		t.Errorf("valid input: exit %d, %s", code, out)
	}
	for name, args := range map[string][]string{
		"no input":   {},
		"bad format": {"--format", "xml", "testdata/recordings"},
		"bad api":    {"--api", "hubspot", "testdata/recordings"},
		"bad flag":   {"--nope"},
	} {
		if code, _, stderr := runIn(t, "", args...); code != 2 || stderr == "" {
			t.Errorf("%s: exit %d, stderr %q; want 2 with a message", name, code, stderr)
		}
	}
	// A missing file is reported, and the other input is still checked.
	code, out, _ := runIn(t, valid+"\n", "no/such/file.har", "-")
	if code != 2 || !strings.Contains(out, "no/such/file.har") || !strings.Contains(out, "1 passed") {
		t.Errorf("missing file: exit %d, %s", code, out)
	}
}

func TestForcedAPIMatchesProxiedTraffic(t *testing.T) {
	proxied := `{"method":"GET","url":"http://localhost:8080/v1/organizations/54fca1087369647fc0000000/job_postings","status":200,"response_headers":{"Content-Type":"application/json"},"response_body":{"organization_job_postings":[]}}`
	// By host, nothing is checked: that is exit 2, with the reason and the way out.
	code, out, stderr := runIn(t, proxied+"\n", "-")
	if code != 2 || !strings.Contains(out, "1 skipped (other hosts: localhost:8080: 1)") ||
		!strings.Contains(stderr, "every exchange was skipped") || !strings.Contains(stderr, "localhost:8080 (1)") || !strings.Contains(stderr, "--api") {
		t.Errorf("by host: exit %d, %s%s", code, out, stderr)
	}
	code, out, _ = runIn(t, proxied+"\n", "--api", "apollo", "-")
	if code != 0 || !strings.Contains(out, "1 passed") {
		t.Errorf("--api apollo: exit %d, %s", code, out)
	}
}

func TestOtherSpecFile(t *testing.T) {
	spec, err := os.ReadFile("../../../../specs/affinity.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// A copy of the spec without the fields operation: that exchange becomes undocumented.
	edited := strings.Replace(string(spec), "  /organizations/fields:\n    get:\n      operationId: listOrganizationFields", "  /organizations/fieldz:\n    get:\n      operationId: listOrganizationFields", 1)
	path := t.TempDir() + "/affinity-edited.yaml"
	if err := os.WriteFile(path, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	line := `{"method":"GET","url":"https://api.affinity.co/organizations/fields","status":200,"response_headers":{"Content-Type":"application/json"},"response_body":[]}`
	code, out, stderr := runIn(t, line+"\n", "--spec", path, "-")
	if code != 1 || !strings.Contains(out, "undocumented-endpoint") {
		t.Errorf("--spec: exit %d, %s %s", code, out, stderr)
	}
}

// The README quotes the quick start's report; it must be the report the command prints.
func TestREADMEQuotesTheRealReport(t *testing.T) {
	readme := golden(t, "../../../../README.md")
	const intro = "prints (exit status 1, because there are findings):\n\n```\n"
	start := strings.Index(readme, intro)
	if start < 0 {
		t.Fatal("README no longer quotes the quick start's report")
	}
	block := readme[start+len(intro):]
	block = block[:strings.Index(block, "```")]
	if want := golden(t, "testdata/recordings.txt"); block != want {
		t.Errorf("README's report differs from the command's:\n--- README\n%s\n--- command\n%s", block, want)
	}
}

func TestTerminalSafe(t *testing.T) {
	cases := map[string]string{
		"plain \u00e9 \ufffd text":       "plain \u00e9 \ufffd text",
		"esc \x1b[31mred\x1b[0m bell \a": `esc \x1b[31mred\x1b[0m bell \x07`,
		"nul \x00 del \x7f c1 \u0085":    `nul \x00 del \x7f c1 \x85`,
		"bad utf8 \xff\xfe":              `bad utf8 \xff\xfe`,
	}
	for in, want := range cases {
		if got := terminal.Safe(in); got != want {
			t.Errorf("terminal.Safe(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTextReportCannotDriveTheTerminal(t *testing.T) {
	dir := t.TempDir()
	line := `{"method":"GET","url":"https://api.affinity.co/organizations/%1B%5D0;pwned%07/%00x","status":200,` +
		`"response_headers":{"Content-Type":"application/json"},"response_body":{"organizations":[],"next_page_token":"\u001b[31m"}}` + "\n"
	path := filepath.Join(dir, "evil.jsonl")
	if err := os.WriteFile(path, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	Run(t.Context(), []string{path}, strings.NewReader(""), &out, &errOut)
	for _, c := range []string{"\x1b", "\x07", "\x00"} {
		if strings.Contains(out.String(), c) {
			t.Errorf("text report holds control character %q:\n%s", c, out.String())
		}
	}
	if !strings.Contains(out.String(), `\x1b`) {
		t.Errorf("the escape is not shown escaped:\n%s", out.String())
	}
}

func TestNonRegularFilesNeverHang(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "stuck.har")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	good, err := os.ReadFile("../../../../testdata/recordings/affinity-extra.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "good.jsonl"), good, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var code int
	var out, errOut bytes.Buffer
	go func() {
		defer close(done)
		// The directory, the FIFO named outright, and a device that never ends.
		code = Run(t.Context(), []string{dir, fifo, "/dev/zero"}, strings.NewReader(""), &out, &errOut)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("validate hung on a FIFO or a device")
	}
	report := out.String()
	if code != 2 || !strings.Contains(report, "stuck.har: a named pipe (FIFO), not read") ||
		!strings.Contains(report, "/dev/zero: a device, not read") || !strings.Contains(report, "1 files skipped as not regular") ||
		!strings.Contains(report, "good.jsonl#1") {
		t.Errorf("exit %d, report:\n%s%s", code, report, errOut.String())
	}
}
