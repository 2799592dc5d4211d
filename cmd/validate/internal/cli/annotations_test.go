package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/terminal"
)

// annotationLine is GitHub's documented form of an annotation
// (docs.github.com, "Workflow commands for GitHub Actions"): ::LEVEL, optional
// comma-separated properties, ::, the message; a property's value holds no : or , and
// no line holds a raw line break.
var annotationLine = regexp.MustCompile(`^::(error|warning|notice)(?: ((?:file|line|endLine|col|endColumn|title)=[^,:]*(?:,(?:file|line|endLine|col|endColumn|title)=[^,:]*)*))?::(.*)$`)

// unescapeAnnotation undoes GitHub's escaping of a value, as the runner reads it.
func unescapeAnnotation(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(s)
}

type annotation struct {
	level, message string
	props          map[string]string
}

func parseAnnotations(t *testing.T, out string) []annotation {
	t.Helper()
	var as []annotation
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		m := annotationLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("not an annotation: %q", l)
		}
		a := annotation{level: m[1], message: unescapeAnnotation(m[3]), props: map[string]string{}}
		if m[2] != "" {
			for _, p := range strings.Split(m[2], ",") {
				k, v, _ := strings.Cut(p, "=")
				a.props[k] = unescapeAnnotation(v)
			}
		}
		as = append(as, a)
	}
	return as
}

// Every line is an annotation in GitHub's format; a recording's text, line breaks and
// a workflow command of its own included, stays inside its message, and a file's
// name keeps its commas and colons.
func TestGitHubAnnotationsMatchTheDocumentedFormat(t *testing.T) {
	injected := "x\n::set-env name=PATH::/tmp\r\n%0A" + hostile
	fs := []contract.Finding{
		{Source: "rec/a,b:c.har", Entry: 2, Line: 17, API: "apollo", OperationID: "searchMixedCompanies", Method: "POST",
			Path: "/api/v1/mixed_companies/search", Status: 200, Kind: contract.KindBody, Location: "body", Pointer: "/x", Expected: "string", Found: injected},
		{Source: "rec/b.har", Entry: 0, API: "apollo", OperationID: "getOrganization", Method: "GET", Path: "/api/v1/organizations/{id}",
			Status: 200, Kind: contract.KindBody, Location: "body", Pointer: "/y", Expected: "integer", Found: "null", Known: true},
		{Source: "live", Entry: -1, API: "affinity", Kind: KindCallFailed, Found: "timeout"},
		{Source: "broken.har", Entry: -1, Kind: contract.KindUnreadable, Found: "not JSON"},
	}
	var buf bytes.Buffer
	if err := WriteReport(&buf, "github", Result{Findings: fs, Summary: Summary{Checked: 2, Failed: 2}}); err != nil {
		t.Fatal(err)
	}
	as := parseAnnotations(t, buf.String())
	if len(as) != 5 {
		t.Fatalf("%d annotations, want 4 and the summary:\n%s", len(as), buf.String())
	}
	byTitle := map[string]annotation{}
	for _, a := range as {
		byTitle[a.props["title"]] = a
	}
	a := byTitle["searchMixedCompanies (apollo POST /api/v1/mixed_companies/search)"]
	if a.level != "error" || a.props["file"] != "rec/a,b:c.har" || a.props["line"] != "17" || a.message != terminal.Safe(textLine(fs[0])) {
		t.Errorf("the finding's annotation: %+v", a)
	}
	if strings.ContainsAny(a.message, "\r\n") || !strings.Contains(a.message, `\x0a::set-env name=PATH::/tmp\x0d\x0a%0A`) {
		t.Errorf("the injected command is not held in the message: %q", a.message)
	}
	if a := byTitle["getOrganization (apollo GET /api/v1/organizations/{id})"]; a.level != "notice" || a.props["line"] != "" {
		t.Errorf("a known finding: %+v", a)
	}
	if a := byTitle["failed calls"]; a.level != "error" || a.props["file"] != "" || a.message != "affinity: timeout" {
		t.Errorf("a failed call: %+v", a)
	}
	if a := byTitle["unreadable input"]; a.level != "error" || a.props["file"] != "broken.har" {
		t.Errorf("unreadable input: %+v", a)
	}
	if last := as[len(as)-1]; last.level != "notice" || last.props["title"] != "validate" || !strings.HasPrefix(last.message, "2 exchanges checked") {
		t.Errorf("summary: %+v", last)
	}
}

// A path in the checkout is named relative to it; one outside, or no file at all, is
// no file property (GitHub could not place it).
func TestGitHubAnnotationFile(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		source, want string
		ok           bool
	}{
		{"testdata/recordings/a.har", "testdata/recordings/a.har", true},
		{"./x/../y.har", "y.har", true},
		{filepath.Join(wd, "testdata", "ü.har"), "testdata/ü.har", true},
		{filepath.Join(filepath.Dir(wd), "other.har"), "", false},
		{"../outside.har", "", false},
		{"..x.har", "..x.har", true},
		{"-", "", false},
		{"live", "", false},
		{"", "", false},
	} {
		got, ok := annotationFile(c.source)
		if got != c.want || ok != c.ok {
			t.Errorf("annotationFile(%q) = %q, %v; want %q, %v", c.source, got, ok, c.want, c.ok)
		}
	}
}

// At most maxAnnotationsPerLevel annotations of each level (one notice kept for the
// summary), then the summary says how many were left out; exactly at the bound it says
// nothing of the kind.
func TestGitHubAnnotationsAreBounded(t *testing.T) {
	for _, c := range []struct {
		ops, want int
		says      string
	}{
		{maxAnnotationsPerLevel, maxAnnotationsPerLevel + 1, ""},
		{maxAnnotationsPerLevel + 1, maxAnnotationsPerLevel + 1, "10 annotations shown of 11 "},
		{400, maxAnnotationsPerLevel + 1, "10 annotations shown of 400 "},
	} {
		var buf bytes.Buffer
		if err := WriteGitHub(&buf, Result{Findings: findingsFor(c.ops, 1), Summary: Summary{Checked: c.ops, Failed: c.ops}}); err != nil {
			t.Fatal(err)
		}
		as := parseAnnotations(t, buf.String())
		last := as[len(as)-1].message
		if len(as) != c.want || (c.says == "") != !strings.Contains(last, "annotations shown") || !strings.Contains(last, c.says) {
			t.Errorf("%d operations: %d annotations, summary %q", c.ops, len(as), last)
		}
	}
	// Warnings and known findings have their own ten: a run of 15 of each level gives
	// 10 errors, 10 warnings, 9 notices and the summary.
	var fs []contract.Finding
	for i, f := range findingsFor(45, 1) {
		switch i / 15 {
		case 1:
			f.Severity = "warning"
		case 2:
			f.Known = true
		}
		fs = append(fs, f)
	}
	var buf bytes.Buffer
	if err := WriteGitHub(&buf, Result{Findings: fs, Summary: Summary{Checked: 45, Failed: 45}}); err != nil {
		t.Fatal(err)
	}
	levels := map[string]int{}
	for _, a := range parseAnnotations(t, buf.String()) {
		levels[a.level]++
	}
	if levels["error"] != 10 || levels["warning"] != 10 || levels["notice"] != 10 {
		t.Errorf("levels %v", levels)
	}
}
