package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"

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
	for _, never := range []string{"contacts/search", "bulk_enrich", "removed the schema", "city` became"} {
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
	if code, out, stderr := runCmd(t, "diff", "--api", "affinity", "--against", same); code != 0 || !strings.Contains(out, "61 operations compared, 0 differences") {
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

// vendorDoc writes the Affinity spec, changed by change, as a vendor document.
func vendorDoc(t *testing.T, change func(*openapi3.T)) string {
	t.Helper()
	src, err := specs.Source(specs.Affinity)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(src)
	if err != nil {
		t.Fatal(err)
	}
	change(doc)
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "vendor.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// firstOperation is the first operation of doc, by path and method, that has a
// parameter keep accepts.
func firstOperation(t *testing.T, doc *openapi3.T, keep func(*openapi3.Parameter) bool) (*openapi3.Operation, int) {
	t.Helper()
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for _, method := range slices.Sorted(maps.Keys(item.Operations())) {
			op := item.GetOperation(method)
			for i, p := range op.Parameters {
				if p.Value != nil && keep(p.Value) {
					return op, i
				}
			}
		}
	}
	t.Fatal("no operation has such a parameter")
	return nil, 0
}

// A change oasdiff rates WARN (here a query parameter the vendor no longer declares,
// which our client still sends) is one code generated from our spec would feel: it is
// marked so and fails the command; one oasdiff rates INFO (a non-success status the
// vendor adds) differs without failing it. Both levels are checked first, so that an
// oasdiff that rates them otherwise fails here rather than passing vacuously.
func TestDiffCountsWarningsAsFelt(t *testing.T) {
	removeParam := func(doc *openapi3.T) {
		op, i := firstOperation(t, doc, func(p *openapi3.Parameter) bool {
			return p.In == openapi3.ParameterInQuery && !p.Required && !p.Deprecated
		})
		op.Parameters = slices.Delete(op.Parameters, i, i+1)
	}
	addStatus := func(doc *openapi3.T) {
		op, _ := firstOperation(t, doc, func(*openapi3.Parameter) bool { return true })
		op.Responses.Set("418", &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("A teapot.")})
	}
	for _, c := range []struct {
		name   string
		change func(*openapi3.T)
		level  checker.Level
		id     string
		code   int
		felt   string
	}{
		{"WARN", removeParam, checker.WARN, "request-parameter-removed", 1, "feels it"},
		{"INFO", addStatus, checker.INFO, "response-non-success-status-added", 0, "differs"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := vendorDoc(t, c.change)
			ours, err := specs.Load(t.Context(), specs.Affinity)
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := openapi3.NewLoader().LoadFromFile(path)
			if err != nil {
				t.Fatal(err)
			}
			narrow(ours, theirs)
			changes, err := compare(ours, theirs, "ours", path)
			if err != nil {
				t.Fatal(err)
			}
			var levels []string
			for _, ch := range changes {
				levels = append(levels, fmt.Sprintf("%s %v", ch.GetId(), ch.GetLevel()))
			}
			if len(changes) != 1 || changes[0].GetId() != c.id || changes[0].GetLevel() != c.level {
				t.Fatalf("oasdiff rates the change %v, want one %s at %v", levels, c.id, c.level)
			}
			code, out, stderr := runCmd(t, "diff", "--api", "affinity", "--against", path)
			felt := 0
			if c.code == 1 {
				felt = 1
			}
			if code != c.code || !strings.Contains(out, c.felt+" ") || !strings.Contains(out, "["+c.id+"]") ||
				!strings.Contains(out, fmt.Sprintf("1 differences, %d that code generated from our spec would feel", felt)) {
				t.Errorf("exit %d, want %d, a change marked %q\n%s%s", code, c.code, c.felt, out, stderr)
			}
		})
	}
}
