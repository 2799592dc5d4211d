package gates

import "testing"

const plantedDocuments = `package x

import (
	"encoding/json"
	"os"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/speakeasy-api/openapi/overlay/loader"
	"gopkg.in/yaml.v3"
	y4 "go.yaml.in/yaml/v4"
)

func f(b []byte, n *yaml.Node, l interface{ LoadFromData([]byte) (any, error) }) {
	var v any
	_ = yaml.Unmarshal(b, &v)
	_ = y4.NewDecoder(nil)
	_, _ = openapi3.NewLoader().LoadFromFile("vendor.yaml")
	_, _ = l.LoadFromData(b)
	_, _ = loader.LoadOverlay("o.yaml")
	_ = json.Unmarshal(b, &v)
	_ = n.Decode(&v) // a tree docread returned: not a read
}
`

// Every way around the bounded reader is reported, with its line: YAML and OpenAPI
// anywhere but internal/docread, JSON in a package that reads files (the file-reading
// call in another file of it), and not in a package that reads none, nor in a test.
func TestDocumentsRuleOnPlantedViolations(t *testing.T) {
	const opens = "package x\n\nimport \"os\"\n\nfunc open() { _, _ = os.ReadFile(\"report.json\") }\n"
	const jsonOnly = "package y\n\nimport \"encoding/json\"\n\nfunc g(b []byte) { var v any; _ = json.Unmarshal(b, &v) }\n"
	got := plant(t, documents(), map[string]string{
		"cmd/x/x.go":                plantedDocuments,
		"cmd/x/open.go":             opens,
		"cmd/x/x_test.go":           plantedDocuments,
		"internal/docread/x.go":     plantedDocuments,
		"tools/x/x.go":              plantedDocuments,
		"wrappers/y/y.go":           jsonOnly, // decodes bodies the core bounded
		"wrappers/z/z.go":           jsonOnly,
		"wrappers/z/z_test.go":      opens, // a test that reads files makes no reader of z
		"cmd/x/testdata/planted.go": plantedDocuments,
	})
	const r = "documents"
	wantFindings(t, got,
		"cmd/x/x.go:15: "+r, "cmd/x/x.go:16: "+r, "cmd/x/x.go:17: "+r, "cmd/x/x.go:17: "+r,
		"cmd/x/x.go:18: "+r, "cmd/x/x.go:19: "+r, "cmd/x/x.go:20: "+r)
}

// An exception naming a function allows that function only: the same call in another
// function of the file is still reported.
func TestExceptionOfOneFunction(t *testing.T) {
	const src = "package x\n\nimport (\n\t\"encoding/json\"\n\t\"os\"\n)\n\ntype p struct{}\n\nfunc (*p) add(b []byte) { var v any; _ = json.Unmarshal(b, &v); _, _ = os.ReadFile(\"x\") }\n\nfunc other(b []byte) { var v any; _ = json.Unmarshal(b, &v) }\n"
	root := t.TempDir()
	writePlanted(t, root, map[string]string{"cmd/x/x.go": src})
	all, err := scanTree(root, []rule{documents()})
	if err != nil {
		t.Fatal(err)
	}
	kept, unused := filter(all, []exception{{"cmd/x/x.go", "documents", "why", "p.add"}})
	if len(all) != 2 || len(kept) != 1 || kept[0].fn != "other" || len(unused) != 0 {
		t.Errorf("all %v, kept %v, unused %v", all, kept, unused)
	}
}
