package cli

import (
	"strconv"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/contract"
)

func TestWhereAndGroupTitle(t *testing.T) {
	for _, c := range []struct {
		f    contract.Finding
		want string
	}{
		{contract.Finding{Kind: contract.KindHeader, Location: "header", Pointer: "/X-Rate"}, " header:X-Rate"},
		{contract.Finding{Kind: contract.KindRequest, Location: "query", Pointer: "/page"}, " query:page"},
		{contract.Finding{Kind: contract.KindRequest, Location: "path", Pointer: "/id"}, " path:id"},
		{contract.Finding{Kind: contract.KindRequest, Location: "body", Pointer: "/name"}, " /name"},
		{contract.Finding{Kind: contract.KindBody, Location: "body", Pointer: "/a/0"}, " /a/0"},
		{contract.Finding{Kind: contract.KindBody, Location: "body"}, " (body)"},
		{contract.Finding{Kind: contract.KindRequest, Location: "body"}, " (request body)"},
		{contract.Finding{Kind: contract.KindRequest, Location: "query"}, " query:"},
		{contract.Finding{Kind: contract.KindUndocumentedStatus}, ""},
	} {
		if got := where(c.f); got != c.want {
			t.Errorf("where(%+v) = %q, want %q", c.f, got, c.want)
		}
	}
	for _, c := range []struct {
		f    contract.Finding
		want string
	}{
		{contract.Finding{Kind: contract.KindUnreadable, OperationID: "x"}, "unreadable input"},
		{contract.Finding{Kind: KindCallFailed, OperationID: "x"}, "failed calls"},
		{contract.Finding{Kind: contract.KindUndocumentedEndpoint, API: "apollo"}, "undocumented endpoints (apollo)"},
		{contract.Finding{Kind: contract.KindBody, API: "affinity", OperationID: "getOrganization", Method: "GET", Path: "/organizations/{id}"},
			"getOrganization (affinity GET /organizations/{id})"},
	} {
		if got := groupTitle(c.f); got != c.want {
			t.Errorf("groupTitle(%+v) = %q, want %q", c.f, got, c.want)
		}
	}
}

// Findings alike but for array indices and source read as one line that counts them
// and names the first three sources; unreadable input and failed calls never merge.
func TestClusteredLines(t *testing.T) {
	finding := func(entry, index int, known bool) contract.Finding {
		return contract.Finding{Source: "a.har", Entry: entry, Kind: contract.KindBody, Location: "body",
			Pointer: "/organizations/" + strconv.Itoa(index) + "/domain", Expected: "type string", Found: "42", Known: known}
	}
	lines := func(fs []contract.Finding) []string {
		var out []string
		for _, c := range cluster(fs) {
			out = append(out, c.textLine())
		}
		return out
	}
	one := lines([]contract.Finding{finding(1, 0, false)})
	if len(one) != 1 || strings.HasPrefix(one[0], "1×") || !strings.Contains(one[0], "/organizations/0/domain") {
		t.Errorf("one finding: %q", one)
	}
	same := lines([]contract.Finding{finding(1, 3, false), finding(2, 3, false)})
	if len(same) != 1 || !strings.HasPrefix(same[0], "2× body /organizations/3/domain:") || !strings.HasSuffix(same[0], " in a.har#1, a.har#2") {
		t.Errorf("same pointer twice: %q", same)
	}
	var four []contract.Finding
	for i := range 4 {
		four = append(four, finding(i, i, false))
	}
	got := lines(four)
	if len(got) != 1 || !strings.HasPrefix(got[0], "4× body /organizations/*/domain:") || !strings.HasSuffix(got[0], " in a.har#0, a.har#1, a.har#2 and 1 more") {
		t.Errorf("four findings: %q", got)
	}
	// Several findings of one exchange name it once: five in entry 0 and one in entry 1
	// is "in a.har#0, a.har#1", with nothing more.
	var repeated []contract.Finding
	for i := range 5 {
		repeated = append(repeated, finding(0, i, false))
	}
	repeated = append(repeated, finding(1, 9, false))
	if got := lines(repeated); len(got) != 1 || !strings.HasPrefix(got[0], "6× ") || !strings.HasSuffix(got[0], " in a.har#0, a.har#1") {
		t.Errorf("findings of one exchange: %q", got)
	}
	var many []contract.Finding
	for e := range 5 {
		for i := range 3 {
			many = append(many, finding(e, i, false))
		}
	}
	if got := lines(many); len(got) != 1 || !strings.HasSuffix(got[0], " in a.har#0, a.har#1, a.har#2 and 2 more") {
		t.Errorf("three findings in each of five exchanges: %q", got)
	}
	three := lines(four[:3])
	if len(three) != 1 || strings.Contains(three[0], "more") {
		t.Errorf("three findings: %q", three)
	}
	known := lines([]contract.Finding{finding(1, 0, true), finding(2, 1, true), finding(3, 2, false)})
	if len(known) != 2 || !strings.HasSuffix(known[0], " (known)") || strings.HasSuffix(known[1], " (known)") {
		t.Errorf("known and new: %q", known)
	}
	if got := sourceOf(contract.Finding{Source: "a.har", Entry: -1}); got != "a.har" {
		t.Errorf("sourceOf a whole file = %q", got)
	}
	failed := contract.Finding{Source: "live", Entry: 1, Kind: KindCallFailed, Expected: "an answer", Found: "timeout"}
	if got := lines([]contract.Finding{failed, failed}); len(got) != 2 {
		t.Errorf("failed calls merged: %q", got)
	}
}

// The summary names each count only when there is something to say, and exitStatus
// turns a result into the documented codes.
func TestSummaryAndExitStatus(t *testing.T) {
	base := Summary{Checked: 3, Passed: 2, Failed: 1}
	if got := summaryLine(base); got != "3 exchanges checked: 2 passed, 1 failed; 0 skipped" {
		t.Errorf("plain summary = %q", got)
	}
	full := Summary{Checked: 3, Passed: 2, Failed: 1, Skipped: 2, SkippedBy: map[string]int{"b.example": 1, "a.example": 1},
		Unreadable: 1, Known: 1, SkippedFiles: 1, NotRegular: 1, CallsFailed: 1}
	want := "3 exchanges checked: 2 passed, 1 failed; 2 skipped (other hosts: a.example: 1, b.example: 1); 1 unreadable; " +
		"1 findings known from the baseline; 1 files skipped (not HAR, go-vcr cassette or JSON lines); 1 files skipped as not regular; 1 calls failed"
	if got := summaryLine(full); got != want {
		t.Errorf("full summary =\n%q\nwant\n%q", got, want)
	}
	known := contract.Finding{Kind: contract.KindBody, Known: true}
	drift := contract.Finding{Kind: contract.KindBody}
	for _, c := range []struct {
		res        Result
		allowEmpty bool
		code       int
		says       string
	}{
		{Result{Summary: Summary{Checked: 1}}, false, 0, ""},
		{Result{Summary: Summary{Checked: 1}, Findings: []contract.Finding{known}}, false, 0, ""},
		{Result{Summary: Summary{Checked: 1}, Findings: []contract.Finding{known, drift}}, false, 1, ""},
		{Result{Summary: Summary{Checked: 1, Unreadable: 1}}, false, 2, ""},
		{Result{Summary: Summary{Files: 1}}, false, 2, "the recordings hold no exchanges"},
		{Result{Summary: Summary{Files: 1}}, true, 0, ""},
		{Result{Summary: Summary{Files: 0, SkippedFiles: 2}}, false, 2, "no recordings found in in/ (2 files skipped"},
		{Result{Summary: Summary{Files: 0}}, false, 2, "no recordings found in in/ (pass"},
		{Result{Summary: Summary{Files: 1, Skipped: 1, SkippedBy: map[string]int{"cdn.example": 1}}}, false, 2, "every exchange was skipped, because its host is neither api.apollo.io nor api.affinity.co: cdn.example (1)"},
	} {
		var stderr strings.Builder
		if code := exitStatus(c.res, c.allowEmpty, []string{"in/"}, &stderr); code != c.code || !strings.Contains(stderr.String(), c.says) || (c.says == "") != (stderr.Len() == 0) {
			t.Errorf("%+v: exit %d, stderr %q; want %d saying %q", c.res.Summary, code, stderr.String(), c.code, c.says)
		}
	}
}

// Both APIs' getOrganization are two suites, not one.
func TestJUnitSuitesPerAPIAndOperation(t *testing.T) {
	res := Result{Exchanges: []Checked{
		{Source: "a.har", Entry: 0, API: "affinity", OperationID: "getOrganization"},
		{Source: "b.har", Entry: 0, API: "apollo", OperationID: "getOrganization", Findings: 1},
		{Source: "b.har", Entry: 1, API: "apollo", OperationID: "getOrganization"},
	}, Findings: []contract.Finding{{Source: "b.har", Entry: 0, API: "apollo", OperationID: "getOrganization", Kind: contract.KindBody}}}
	var out strings.Builder
	if err := WriteJUnit(&out, res); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<testsuite name="affinity getOrganization" tests="1" failures="0"`, `<testsuite name="apollo getOrganization" tests="2" failures="1"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %s in\n%s", want, out.String())
		}
	}
}
