package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/speakeasy-api/openapi/overlay"
	"gopkg.in/yaml.v3"

	"github.com/orgapis/orgapis/internal/docread"
	"github.com/orgapis/orgapis/specs"
)

// parseOverlay reads an overlay held in a string, through the bounded reader, with
// room for the benchmark's largest (100,000 actions are 12 MB; the command needs
// --max-document-bytes for those).
func parseOverlay(t testing.TB, src string) *overlay.Overlay {
	t.Helper()
	path := filepath.Join(t.TempDir(), "o.yaml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	ov, err := readOverlay(path, docread.Limits{Bytes: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return ov
}

func specNode(t testing.TB, api specs.API) *yaml.Node {
	t.Helper()
	src, err := specs.Source(api)
	if err != nil {
		t.Fatal(err)
	}
	n, err := docread.YAML(api.File(), src, docread.Default())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The linear applier gives what overlay's ApplyToStrict gives, document and errors
// alike, for plain paths and for the actions it hands to overlay, in both versions.
func TestApplyOverlayAgreesWithOverlay(t *testing.T) {
	actions := `
  - target: $.info
    update:
      x-note: "é ü"
      description: new
  - target: "$['paths']['/organizations/enrich']['get']['parameters'][0]"
    update:
      description: first
  - target: $.paths['/organizations/enrich'].get
    update:
      tags: [More]
      x-it:
        a: [1, 2]
  - target: "$['paths']['/organizations/enrich']['get']['x-it']"
    update:
      a: [3]
      b:
        c: d
  - target: $.info.title
    update: Renamed
  - target: $.servers
    update:
      - url: https://example.com
  - target: $.servers[1]
    remove: true
  - target: $.tags[0].description
    remove: true
  - target: $.info['x-note']
    remove: true
  - target: $.info
    update:
      x-note: again
  - target: $.nowhere.at.all
    update:
      a: 1
  - target: $.nowhere
    remove: true
  - target: $.paths.*.get.summary
    update: filtered
  - target: $.info['x-quote\'s']
    update:
      a: 1
`
	for _, version := range []string{"1.0.0", "1.1.0"} {
		src := "overlay: " + version + "\ninfo: {title: t, version: \"1\"}\nactions:" + actions
		mine, theirs := specNode(t, specs.Apollo), specNode(t, specs.Apollo)
		errMine := applyOverlay(parseOverlay(t, src), mine)
		_, errTheirs := parseOverlay(t, src).ApplyToStrict(theirs)
		if errMine == nil || !strings.Contains(errMine.Error(), `"$.nowhere" did not match`) {
			t.Errorf("%s: error %v, want the targets that matched nothing", version, errMine)
		}
		if fmt.Sprint(errMine) != fmt.Sprint(errTheirs) {
			t.Errorf("%s: error %v\nwant %v", version, errMine, errTheirs)
		}
		a, err := yaml.Marshal(mine)
		if err != nil {
			t.Fatal(err)
		}
		b, err := yaml.Marshal(theirs)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"x-note: again", "- url: https://example.com", "description: first", "summary: filtered", "tags: [Organizations, More]", "c: d", "title: Renamed"} {
			if !strings.Contains(string(a), want) {
				t.Errorf("%s: no %q in the result", version, want)
			}
		}
		for _, gone := range []string{"https://api.apollo.io/v1\n", "x-note: \"é ü\""} {
			if strings.Contains(string(a), gone) {
				t.Errorf("%s: %q is still in the result", version, gone)
			}
		}
		if string(a) != string(b) {
			t.Errorf("%s: documents differ:\n%s", version, firstDiff(string(a), string(b)))
		}
	}
	// A 1.1.0 update of the wrong kind stops both where it stands.
	bad := "overlay: 1.1.0\ninfo: {title: t, version: \"1\"}\nactions:\n  - target: $.info\n    update: [1]\n"
	mine, theirs := specNode(t, specs.Apollo), specNode(t, specs.Apollo)
	errMine := applyOverlay(parseOverlay(t, bad), mine)
	_, errTheirs := parseOverlay(t, bad).ApplyToStrict(theirs)
	if errMine == nil || fmt.Sprint(errMine) != fmt.Sprint(errTheirs) {
		t.Errorf("kind mismatch: %v, want %v", errMine, errTheirs)
	}
}

func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n got %q\nwant %q", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(la), len(lb))
}

func TestPlainPath(t *testing.T) {
	for target, want := range map[string]string{
		"$":                       "",
		"$.info.title":            "info/title",
		"$['a\\'b']['c\\\\d'][3]": `a'b/c\d/#3`,
		`$["x"].y_1`:              "x/y_1",
		"$.paths.*":               "fallback",
		"$..x":                    "fallback",
		"$[?(@.a)]":               "fallback",
		"$.a-b":                   "fallback",
		"$[01]":                   "fallback",
		"$['a\\n']":               "fallback",
		"$['open":                 "fallback",
		"info":                    "fallback",
	} {
		segs, ok := plainPath(target)
		got := "fallback"
		if ok {
			var parts []string
			for _, s := range segs {
				if s.isIndex {
					parts = append(parts, fmt.Sprintf("#%d", s.index))
				} else {
					parts = append(parts, s.name)
				}
			}
			got = strings.Join(parts, "/")
		}
		if got != want {
			t.Errorf("%s: %q, want %q", target, got, want)
		}
	}
}
