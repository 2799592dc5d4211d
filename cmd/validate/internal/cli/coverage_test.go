package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// --coverage lists what the shipped recordings miss; --min-coverage fails the run
// under its floors and passes at or over them; a bad floor is a usage error.
func TestCoverageOfTheShippedRecordings(t *testing.T) {
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := Run(t.Context(), args, nil, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	const recordings = "../../../../testdata/recordings"
	code, out, _ := run(recordings, "--coverage")
	if code != 1 || !strings.Contains(out, "\ncoverage\n") || !strings.Contains(out, "not exercised: bulkEnrichOrganizations") ||
		!strings.Contains(out, "apollo   operations     3 of 19     15.8%") {
		t.Errorf("--coverage: exit %d\n%s", code, out)
	}
	// The JSON report always carries it, with everything missing listed.
	_, out, _ = run(recordings, "--format", "json")
	var rep JSONReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Coverage) != 2 || rep.Coverage[0].API != "apollo" ||
		rep.Coverage[0].Operations.Seen != 3 || len(rep.Coverage[0].Operations.Missing) != 16 {
		t.Fatalf("JSON coverage = %+v, %v", rep.Coverage, err)
	}
	// With a baseline of every finding, the run passes but for coverage.
	base := t.TempDir() + "/base.json"
	if code, _, _ := run(recordings, "--write-baseline", base); code != 0 {
		t.Fatalf("writing the baseline: exit %d", code)
	}
	for _, c := range []struct {
		floor string
		code  int
		says  string
	}{
		{"operations=9", 0, ""}, // apollo 15.8%, affinity 9.8%
		{"operations=10", 1, "affinity operations 9.8% (6 of 61) < 10%"},
		{"operations=16", 1, "apollo operations 15.8% (3 of 19) < 16%"},
		{"operations=10,statuses=5", 1, "affinity statuses"},
		{"members=0", 0, ""},
		{"operations=101", 2, "want a percent from 0 to 100"},
		{"calls=5", 2, "kind one of operations, statuses, parameters, members"},
	} {
		code, _, stderr := run(recordings, "--baseline", base, "--min-coverage", c.floor)
		if code != c.code || !strings.Contains(stderr, c.says) {
			t.Errorf("--min-coverage %s: exit %d, want %d; stderr %q", c.floor, code, c.code, stderr)
		}
	}
}
