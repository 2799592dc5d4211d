package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// --operation checks the exchanges of the operations it names, by operationId or by
// method and path template; --skip-operation leaves some out; the rest are counted as
// not selected. A name no spec has is refused by name before anything is read.
func TestOperationSelection(t *testing.T) {
	for _, c := range []struct {
		args       []string
		code       int
		has, lacks []string
		summary    string
	}{
		{[]string{"--operation", "searchMixedCompanies"}, 1, []string{"searchMixedCompanies ("},
			[]string{"updateOrganization", "deleteOrganization", "undocumented endpoints"}, "3 exchanges checked: 1 passed, 2 failed; 1 skipped (other hosts: cdn.example.com: 1); 11 exchanges of operations not selected"},
		{[]string{"--operation", "  put   /organizations/{organization_id} "}, 1, []string{"updateOrganization ("},
			[]string{"searchMixedCompanies", "deleteOrganization"}, "1 exchanges checked: 0 passed, 1 failed"},
		{[]string{"--operation", "getOrganization"}, 0, nil, []string{"searchMixedCompanies", "updateOrganization"}, "0 failed"},
		{[]string{"--skip-operation", "updateOrganization", "--skip-operation", "deleteOrganization"}, 1,
			[]string{"searchMixedCompanies (", "undocumented endpoints"}, []string{"updateOrganization (", "deleteOrganization ("}, ""},
		{[]string{"--operation", "searchMixedCompanies", "--skip-operation", "searchMixedCompanies"}, 2, nil, nil, "nothing was checked"},
	} {
		r := cli(t, nil, append(append([]string{"--strict"}, c.args...), "testdata/recordings")...)
		out := r.stdout + r.stderr
		if r.code != c.code || !strings.Contains(out, c.summary) {
			t.Errorf("%v: exit %d, want %d, and %q in\n%s", c.args, r.code, c.code, c.summary, out)
		}
		for _, s := range c.has {
			if !strings.Contains(r.stdout, s) {
				t.Errorf("%v: no %q in\n%s", c.args, s, r.stdout)
			}
		}
		for _, s := range c.lacks {
			if strings.Contains(r.stdout, s) {
				t.Errorf("%v: %q in\n%s", c.args, s, r.stdout)
			}
		}
		if c.code != 2 && !strings.Contains(r.stdout, "exchanges of operations not selected") {
			t.Errorf("%v: the summary does not count what was not selected:\n%s", c.args, r.stdout)
		}
	}
	for _, bad := range [][]string{{"--operation", "nosuch"}, {"--skip-operation", "GET /nowhere"}, {"--operation", "POST /organizations/{id}"}, {"--operation", ""}} {
		r := cli(t, nil, append(bad, "testdata/recordings")...)
		if r.code != 2 || !strings.Contains(r.stderr, strings.TrimPrefix(bad[0], "--")) || r.stdout != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %q", bad, r.code, r.stderr, r.stdout)
		}
	}
}

// --severity makes a kind of finding a warning (reported, not failing the run) or
// leaves it out; an error stays an error. Each report says which are warnings.
func TestSeverity(t *testing.T) {
	// updateOrganization has a body finding and an undocumented field.
	base := []string{"--strict", "--operation", "updateOrganization"}
	r := cli(t, nil, append(base, "--severity", "undocumented-field=warning", "testdata/recordings")...)
	if r.code != 1 || !strings.Contains(r.stdout, "undocumented-field /tags: expected no such field, found field present (warning)") ||
		strings.Contains(r.stdout, "/domain: expected type string or null, found 42 (warning)") || !strings.Contains(r.stdout, "1 findings are warnings") {
		t.Errorf("one kind a warning: exit %d\n%s", r.code, r.stdout)
	}
	r = cli(t, nil, append(base, "--severity", "undocumented-field=warning,body=warning", "testdata/recordings")...)
	if r.code != 0 || !strings.Contains(r.stdout, "2 findings are warnings") {
		t.Errorf("every kind a warning: exit %d\n%s", r.code, r.stdout)
	}
	// A later value overrides an earlier one.
	r = cli(t, nil, append(base, "--severity", "undocumented-field=off", "--severity", "body=off", "testdata/recordings")...)
	if r.code != 0 || strings.Contains(r.stdout, "updateOrganization") || !strings.Contains(r.stdout, "1 exchanges checked: 1 passed, 0 failed") {
		t.Errorf("both off: exit %d\n%s", r.code, r.stdout)
	}
	r = cli(t, nil, append(base, "--severity", "body=off", "--severity", "body=error", "--severity", "undocumented-field=off", "testdata/recordings")...)
	if r.code != 1 || !strings.Contains(r.stdout, "found 42\n") {
		t.Errorf("off, then error again: exit %d\n%s", r.code, r.stdout)
	}
	// In the JSON, the SARIF and the annotations too.
	r = cli(t, nil, append(base, "--severity", "undocumented-field=warning", "--format", "json", "testdata/recordings")...)
	var rep JSONReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || rep.Summary.Warnings != 1 || len(rep.Findings) != 2 {
		t.Fatalf("json: %v %+v", err, rep.Summary)
	}
	for _, f := range rep.Findings {
		if (f.Kind == "undocumented-field") != (f.Severity == "warning") {
			t.Errorf("json finding %s has severity %q", f.Kind, f.Severity)
		}
	}
	r = cli(t, nil, append(base, "--severity", "undocumented-field=warning", "--format", "sarif", "testdata/recordings")...)
	if !strings.Contains(r.stdout, `"level": "warning"`) || !strings.Contains(r.stdout, `"level": "error"`) {
		t.Errorf("sarif levels:\n%s", r.stdout)
	}
	r = cli(t, nil, append(base, "--severity", "undocumented-field=warning", "--format", "github", "testdata/recordings")...)
	if !strings.Contains(r.stdout, "::warning file=testdata/recordings/affinity.har") || !strings.Contains(r.stdout, "::error file=testdata/recordings/affinity.har") {
		t.Errorf("annotations:\n%s", r.stdout)
	}
	for _, bad := range []string{"body=fatal", "unreadable=off", "body", "body=warning,nope=off"} {
		r := cli(t, nil, "--severity", bad, "testdata/recordings")
		if r.code != 2 || !strings.Contains(r.stderr, "-severity") || r.stdout != "" {
			t.Errorf("--severity %s: exit %d, %q", bad, r.code, r.stderr)
		}
	}
}
