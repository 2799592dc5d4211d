package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/util"
	"github.com/speakeasy-api/openapi/overlay/loader"
	"gopkg.in/yaml.v3"

	"github.com/orgapis/orgapis/specs"
)

// exampleTraffic writes, as JSON lines, one exchange for every response example of
// api's spec (each success response's example and named examples, with JSON content):
// traffic the spec describes exactly, so it has no drift. It returns the file and the
// number of exchanges.
func exampleTraffic(t *testing.T, api specs.API) (string, int) {
	t.Helper()
	doc, err := specs.Load(t.Context(), api)
	if err != nil {
		t.Fatal(err)
	}
	server := strings.TrimSuffix(doc.Servers[0].URL, "/")
	var lines []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for status, resp := range op.Responses.Map() {
				media := resp.Value.Content.Get("application/json")
				if !strings.HasPrefix(status, "2") || media == nil {
					continue
				}
				values := []any{media.Example}
				for _, ex := range media.Examples {
					values = append(values, ex.Value.Value)
				}
				for _, v := range values {
					if v == nil {
						continue
					}
					line, err := json.Marshal(map[string]any{
						"method": method, "url": server + pathParam.ReplaceAllString(path, "7"), "status": json.Number(status),
						"response_headers": map[string]string{"Content-Type": "application/json"}, "response_body": v,
					})
					if err != nil {
						t.Fatal(err)
					}
					lines = append(lines, string(line))
				}
			}
		}
	}
	// A check that checked nothing must fail: each spec has response examples for
	// several operations (Apollo 5, Affinity more).
	if len(lines) < 5 {
		t.Fatalf("%s: %d response examples, want at least 5", api, len(lines))
	}
	sort.Strings(lines)
	file := filepath.Join(t.TempDir(), string(api)+"-examples.jsonl")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return file, len(lines)
}

// runCLI runs the command line and returns its exit status and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(t.Context(), args, nil, &out, &errOut)
	return code, out.String(), errOut.String()
}

// Propose on traffic with no drift (each spec's own examples, which check passes)
// says so and writes an overlay whose one action marks the spec's info; check
// --overlay accepts it and passes the same traffic, overlay's own loader and
// oapi-codegen's (output-options.overlay) apply it strictly, and the patched spec is
// the spec plus the marker.
func TestProposeWithoutDriftWritesAnOverlayCheckAccepts(t *testing.T) {
	for _, api := range specs.APIs() {
		t.Run(string(api), func(t *testing.T) {
			traffic, n := exampleTraffic(t, api)
			summary := strconv.Itoa(n) + " exchanges checked: " + strconv.Itoa(n) + " passed, 0 failed"
			for _, strict := range []string{"", "--strict"} {
				args := append([]string{"check"}, strings.Fields(strict)...)
				if code, out, errOut := runCLI(t, append(args, traffic)...); code != 0 || !strings.Contains(out, summary) {
					t.Fatalf("check %s on the examples: exit %d, want 0 with %q\n%s%s", strict, code, summary, out, errOut)
				}
			}
			code, proposed, errOut := runCLI(t, "propose", "--api", string(api), traffic)
			noDrift := "validate propose: " + strconv.Itoa(n) + " exchanges of " + string(api) + " read, 0 actions proposed: no drift in the " + strconv.Itoa(n) + " checked;"
			if code != 0 || !strings.Contains(errOut, noDrift) {
				t.Fatalf("propose: exit %d, want 0 saying %q\n%s", code, noDrift, errOut)
			}
			file := filepath.Join(t.TempDir(), "nodrift.overlay.yaml")
			if err := os.WriteFile(file, []byte(proposed), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, strict := range []string{"", "--strict"} {
				args := append([]string{"check", "--overlay", file}, strings.Fields(strict)...)
				if code, out, errOut := runCLI(t, append(args, traffic)...); code != 0 || !strings.Contains(out, summary) {
					t.Fatalf("check %s --overlay: exit %d, want 0 with %q\n%s%s", strict, code, summary, out, errOut)
				}
			}

			ov, err := loader.LoadOverlay(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := ov.Validate(); err != nil {
				t.Fatalf("overlay's own validation: %v", err)
			}
			want := "no drift in the " + strconv.Itoa(n) + " exchanges of " + string(api) + " checked"
			if len(ov.Actions) != 1 || ov.Actions[0].Target != "$['info']" || ov.Actions[0].Remove ||
				!strings.Contains(ov.Actions[0].Description, "Nothing to propose: "+want) {
				t.Fatalf("actions %+v, want one update of $['info'] saying %q", ov.Actions, want)
			}
			src, err := specs.Source(api)
			if err != nil {
				t.Fatal(err)
			}
			var root yaml.Node
			if err := yaml.Unmarshal(src, &root); err != nil {
				t.Fatal(err)
			}
			if _, err := ov.ApplyToStrict(&root); err != nil {
				t.Fatal(err)
			}
			patched, err := yaml.Marshal(&root)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := openapi3.NewLoader().LoadFromData(patched)
			if err != nil {
				t.Fatalf("the patched spec does not load: %v", err)
			}
			if err := doc.Validate(t.Context(), openapi3.EnableExamplesValidation()); err != nil {
				t.Errorf("the patched spec: %v", err)
			}
			if got := doc.Info.Extensions[markerKey]; got != want {
				t.Errorf("info.%s = %v, want %q", markerKey, got, want)
			}
			// Nothing but the marker changed.
			orig, err := openapi3.NewLoader().LoadFromData(src)
			if err != nil {
				t.Fatal(err)
			}
			delete(doc.Info.Extensions, markerKey)
			a, _ := json.Marshal(orig)
			b, _ := json.Marshal(doc)
			if !bytes.Equal(a, b) {
				t.Error("the overlay changed more than the marker")
			}

			// oapi-codegen reads output-options.overlay with this loader, strict or not.
			spec := filepath.Join(t.TempDir(), api.File())
			if err := os.WriteFile(spec, src, 0o600); err != nil {
				t.Fatal(err)
			}
			for _, strict := range []bool{true, false} {
				gen, err := util.LoadSwaggerWithOverlay(spec, util.LoadSwaggerWithOverlayOpts{Path: file, Strict: strict, AllowRemoteRefsFrom: []string{}})
				if err != nil || gen.Info.Extensions[markerKey] != want {
					t.Fatalf("oapi-codegen's loader (strict %v): %v; marker %v", strict, err, gen.Info.Extensions[markerKey])
				}
			}
		})
	}
}

// Drift that finds no place in the spec to patch (a value a map's schema refuses: no
// member of its properties to widen) still gives an overlay check --overlay reads,
// whose marker says drift was seen and not proposed; check with it then reports that
// drift (exit 1, not 2 for an overlay it refuses).
func TestProposeWithUnplacedDriftMarksItAndCheckStillReportsIt(t *testing.T) {
	dir := t.TempDir()
	spec := writeFile(t, dir, "spec.yaml", `openapi: 3.0.3
info: {title: tags, version: "1"}
servers: [{url: https://api.apollo.io/api/v1}]
paths:
  /tags:
    get:
      operationId: getTags
      responses:
        "200":
          description: The tags.
          content:
            application/json:
              schema: {type: object, additionalProperties: {type: string}}
`)
	traffic := writeFile(t, dir, "t.jsonl", `{"method":"GET","url":"https://api.apollo.io/api/v1/tags","status":200,"response_headers":{"Content-Type":"application/json"},"response_body":{"a":1}}`+"\n")
	code, proposed, errOut := runCLI(t, "propose", "--api", "apollo", "--spec", spec, traffic)
	if code != 0 || !strings.Contains(errOut, "body GET /tags /a: no schema declares a; no action proposed") ||
		!strings.Contains(errOut, "1 exchanges of apollo read, 0 actions proposed for their drift;") || strings.Contains(errOut, "no drift") {
		t.Fatalf("propose: exit %d\n%s", code, errOut)
	}
	file := writeFile(t, dir, "ov.yaml", proposed)
	ov, err := loader.LoadOverlay(file)
	if err != nil || ov.Validate() != nil || len(ov.Actions) != 1 ||
		!strings.Contains(ov.Actions[0].Description, "drift at 1 places in 1 exchanges of apollo, none of it proposed") {
		t.Fatalf("overlay: %v\n%s", err, proposed)
	}
	code, out, errOut := runCLI(t, "check", "--api", "apollo", "--spec", spec, "--overlay", file, traffic)
	if code != 1 || !strings.Contains(out, "body /a: expected type string, found 1") {
		t.Fatalf("check --overlay: exit %d, want 1 with the drift\n%s%s", code, out, errOut)
	}
}

// With drift that propose can place, nothing changes: the actions are the drift's, and
// no marker is among them.
func TestProposeWithDriftWritesNoMarker(t *testing.T) {
	for _, api := range specs.APIs() {
		code, proposed, errOut := runCLI(t, "propose", "--api", string(api), shippedRecordings)
		if code != 0 || !regexp.MustCompile(`read, [1-9][0-9]* actions proposed\n`).MatchString(errOut) || strings.Contains(errOut, "no drift") || strings.Contains(proposed, markerKey) {
			t.Errorf("%s: exit %d\n%s\n%s", api, code, errOut, proposed)
		}
	}
}
