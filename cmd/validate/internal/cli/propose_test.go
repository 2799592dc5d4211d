package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/speakeasy-api/openapi/overlay/loader"
	"gopkg.in/yaml.v3"

	"github.com/orgapis/orgapis/specs"
)

const shippedRecordings = "../../../../testdata/recordings"

// propose writes the overlay of api's drift in the shipped recordings to a file.
func propose(t *testing.T, api specs.API) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := Run(t.Context(), []string{"propose", "--api", string(api), shippedRecordings}, nil, &out, &errOut); code != 0 {
		t.Fatalf("propose --api %s: exit %d\n%s", api, code, errOut.String())
	}
	file := filepath.Join(t.TempDir(), string(api)+".overlay.yaml")
	if err := os.WriteFile(file, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// The round trip: the shipped drifted recordings, propose, then check --overlay on the
// same recordings finds nothing, strict checks and request checks aside; each patched
// spec still loads and its examples still validate; and the overlay names its
// evidence.
func TestProposeThenCheckFindsNoDrift(t *testing.T) {
	files := map[specs.API]string{specs.Apollo: propose(t, specs.Apollo), specs.Affinity: propose(t, specs.Affinity)}
	var out, errOut bytes.Buffer
	if code := Run(t.Context(), []string{"--strict", "--overlay", files[specs.Apollo], "--overlay", files[specs.Affinity], shippedRecordings}, nil, &out, &errOut); code != 0 ||
		!strings.Contains(out.String(), "14 exchanges checked: 14 passed, 0 failed") {
		t.Fatalf("check with the overlays: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	// Without them the same run finds the drift.
	if code := Run(t.Context(), []string{"--strict", shippedRecordings}, nil, &bytes.Buffer{}, &bytes.Buffer{}); code != 1 {
		t.Errorf("without the overlays: exit %d, want 1", code)
	}
	for api, file := range files {
		ov, err := loader.LoadOverlay(file)
		if err != nil || ov.Validate() != nil {
			t.Fatalf("%s: %v", api, err)
		}
		for _, a := range ov.Actions {
			if !a.Remove && (!strings.Contains(a.Description, "seen in 1 exchanges (") || !strings.Contains(a.Description, "testdata/recordings/")) {
				t.Errorf("%s: action on %s names no evidence: %q", api, a.Target, a.Description)
			}
		}
		src, _ := specs.Source(api)
		var root yaml.Node
		if err := yaml.Unmarshal(src, &root); err != nil {
			t.Fatal(err)
		}
		if _, err := ov.ApplyToStrict(&root); err != nil {
			t.Fatal(err)
		}
		patched, _ := yaml.Marshal(&root)
		doc, err := openapi3.NewLoader().LoadFromData(patched)
		if err != nil {
			t.Fatalf("%s: the patched spec does not load: %v", api, err)
		}
		if err := doc.Validate(t.Context(), openapi3.EnableExamplesValidation()); err != nil {
			t.Errorf("%s: the patched spec's examples: %v", api, err)
		}
	}
}

// The overlay, given to oapi-codegen through its config (output-options.overlay),
// generates a client that builds.
func TestProposedOverlayGeneratesAClientThatBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs oapi-codegen and go build")
	}
	file := propose(t, specs.Apollo)
	root, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	// The package must be inside this module to build with its dependencies.
	dir, err := os.MkdirTemp(filepath.Join(root, "cmd/validate/internal/cli/testdata"), "overlaybuild-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	spec := filepath.Join(dir, "apollo.yaml")
	src, _ := specs.Source(specs.Apollo)
	config := "package: drifted\ngenerate:\n  models: true\n  client: true\noutput-options:\n  overlay:\n    path: " + file + "\n"
	for name, data := range map[string][]byte{"apollo.yaml": src, "config.yaml": []byte(config)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	gen := filepath.Join(dir, "drifted.gen.go")
	run("go", "run", "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen", "-config", filepath.Join(dir, "config.yaml"), "-o", gen, spec)
	code, err := os.ReadFile(gen)
	if err != nil || !bytes.Contains(code, []byte("ProposedPostContactsSearch")) {
		t.Fatalf("the generated client lacks the proposed operation (%v)", err)
	}
	rel, _ := filepath.Rel(root, dir)
	run("go", "build", "./"+rel)
}
