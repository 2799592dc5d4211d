package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// officialSARIFSchema is the OASIS SARIF 2.1.0 schema as go-sarif ships it (its
// pkg/report/v210/sarif/schema.go holds it in a constant): a pinned module, checked by
// go.sum, instead of a copy of the standard in this tree.
func officialSARIFSchema(t *testing.T) any {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/owenrumney/go-sarif/v3").Output()
	if err != nil {
		t.Fatalf("locating go-sarif: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "pkg/report/v210/sarif/schema.go"))
	if err != nil {
		t.Fatal(err)
	}
	_, text, ok := strings.Cut(string(src), "const schema = `")
	text, _, closed := strings.Cut(text, "`")
	if !ok || !closed {
		t.Fatal("go-sarif's schema.go has no schema constant")
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		t.Fatalf("the SARIF schema: %v", err)
	}
	return doc
}

// Every SARIF log the command writes is valid against the official SARIF 2.1.0 schema,
// and reads back with a SARIF library.
func TestSARIFIsValidAgainstTheOfficialSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif-schema-2.1.0.json", officialSARIFSchema(t)); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	runs := map[string]string{}
	runs["recordings"] = cli(t, nil, "--format", "sarif", "--strict", "testdata/recordings").stdout
	base := filepath.Join(t.TempDir(), "b.txt")
	cli(t, nil, "--write-baseline", base, "testdata/recordings")
	runs["with a baseline"] = cli(t, nil, "--format", "sarif", "--baseline", base, "testdata/recordings").stdout
	runs["unreadable input"] = cli(t, nil, "--format", "sarif", "go.mod", "testdata/recordings").stdout
	var empty bytes.Buffer
	if err := WriteSARIF(&empty, Result{}); err != nil {
		t.Fatal(err)
	}
	runs["no findings"] = empty.String()
	// The schema check can fail: a level SARIF does not have, a region without a line.
	for _, bad := range []struct{ from, to string }{{`"level": "error"`, `"level": "fatal"`}, {`"startLine": `, `"startLine": -`}} {
		broken := strings.Replace(runs["recordings"], bad.from, bad.to, 1)
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(broken))
		if err != nil || broken == runs["recordings"] || schema.Validate(doc) == nil {
			t.Errorf("a log with %s passed the schema (%v)", bad.to, err)
		}
	}
	for name, out := range runs {
		t.Run(name, func(t *testing.T) {
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
			if err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			if err := schema.Validate(doc); err != nil {
				t.Errorf("not valid SARIF 2.1.0: %v", err)
			}
			report, err := sarif.FromBytes([]byte(out), sarif.WithStrictValidation())
			if err != nil || len(report.Runs) != 1 {
				t.Errorf("go-sarif reads it as %v, %v", report, err)
			}
			var log struct {
				Runs []struct{ Results []json.RawMessage }
			}
			if json.Unmarshal([]byte(out), &log) != nil || (name != "no findings" && len(log.Runs[0].Results) == 0) {
				t.Errorf("no results in %s", name)
			}
		})
	}
}
