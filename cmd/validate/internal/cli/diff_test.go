package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/specs"
)

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(t.Context(), args, nil, &out, &errOut)
	return code, out.String(), errOut.String()
}

// validate diff against a vendor document written for the test reports each kind of
// difference for the operations both describe, marks those code generated from our
// spec would feel, and leaves out what only one document has.
func TestDiffAgainstAVendorDocument(t *testing.T) {
	code, out, stderr := runCmd(t, "diff", "--api", "apollo", "--against", "testdata/vendor-apollo.yaml")
	if code != 1 {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	for _, want := range []string{
		"feels it GET /organizations/{organization_id}/job_postings: added the new required `query` request parameter `department` [new-required-request-parameter]",
		"feels it POST /mixed_companies/search: added the new required request property `q_keywords` [new-required-request-property]",
		"feels it POST /mixed_companies/search: the `page` request property `type` changed from `integer` to `string` [request-property-type-changed]",
		"feels it GET /organizations/{organization_id}/job_postings: removed the required property `organization_job_postings/items/title` from the response with the `200` status [response-required-property-removed]",
		"feels it GET /organizations/{organization_id}/job_postings: the `organization_job_postings/items/posted_at` response's property `type/format` changed from `string/date-time` to `integer` for status `200` [response-property-type-changed]",
		"feels it GET /organizations/{organization_id}/job_postings: the response property `organization_job_postings/items/id` became nullable for the status `200` [response-property-became-nullable]",
		"differs GET /organizations/{organization_id}/job_postings: added the non-success response with the status `404` [response-non-success-status-added]",
		"differs GET /organizations/{organization_id}/job_postings: added the optional property `organization_job_postings/items/salary` to the response with the `200` status [response-optional-property-added]",
		"3 operations compared,",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, never := range []string{"people/match", "bulk_enrich", "removed the schema", "city` became"} {
		if strings.Contains(out, never) {
			t.Errorf("report mentions %q, which only one document has or both declare alike:\n%s", never, out)
		}
	}
}

// Our spec against itself differs in nothing; bad input is exit 2, naming it.
func TestDiffEdges(t *testing.T) {
	src, _ := specs.Source(specs.Affinity)
	same := filepath.Join(t.TempDir(), "affinity.yaml")
	if err := os.WriteFile(same, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCmd(t, "diff", "--api", "affinity", "--against", same); code != 0 || !strings.Contains(out, "37 operations compared, 0 differences") {
		t.Errorf("against itself: exit %d\n%s%s", code, out, stderr)
	}
	unrelated := filepath.Join(t.TempDir(), "other.yaml")
	_ = os.WriteFile(unrelated, []byte("openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /weather:\n    get:\n      responses:\n        '200': {description: ok}\n"), 0o644)
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"diff", "--api", "apollo"}, "--against is required"},
		{[]string{"diff", "--against", same}, "--api is required"},
		{[]string{"diff", "--api", "apollo", "--against", "testdata/no-such.yaml"}, "no-such.yaml"},
		{[]string{"diff", "--api", "apollo", "--against", unrelated}, "describes none of the apollo spec's operations"},
	} {
		if code, _, stderr := runCmd(t, c.args...); code != 2 || !strings.Contains(stderr, c.says) {
			t.Errorf("%v: exit %d, stderr %q", c.args, code, stderr)
		}
	}
}
