package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/internal/docread"
	"github.com/orgapis/orgapis/specs"
)

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const overlayHead = "overlay: 1.0.0\ninfo: {title: t, version: \"1\"}\nextends: https://raw.githubusercontent.com/orgapis/orgapis/main/specs/apollo.yaml\nactions:\n"

// Repeated --overlay flags apply in the order given: the second sees what the first
// made, and the last word on a value is the last overlay's.
func TestOverlaysApplyInTheOrderGiven(t *testing.T) {
	dir := t.TempDir()
	first := writeFile(t, dir, "first.yaml", overlayHead+"  - target: $.info\n    update: {title: First, x-added: {by: first}}\n")
	second := writeFile(t, dir, "second.yaml", overlayHead+"  - target: $.info\n    update: {title: Second}\n  - target: $.info['x-added']\n    update: {by: second}\n")
	apply := func(files ...string) (string, string, error) {
		o := &checkOptions{overlays: files, maxDocBytes: docread.DefaultBytes}
		docs, err := o.applyOverlays(t.Context(), "")
		if err != nil {
			return "", "", err
		}
		doc := docs[specs.Apollo]
		by := fmt.Sprint(doc.Info.Extensions["x-added"])
		return doc.Info.Title, by, nil
	}
	title, by, err := apply(first, second)
	if err != nil || title != "Second" || by != "map[by:second]" {
		t.Errorf("first, second: title %q, x-added %s, err %v", title, by, err)
	}
	// The other way round, the second's target does not exist yet when it applies.
	if _, _, err := apply(second, first); err == nil || !strings.Contains(err.Error(), "--overlay "+second) || !strings.Contains(err.Error(), `$.info['x-added']`) {
		t.Errorf("second, first: err %v, want the second refused for the target it lacks", err)
	}
}

// An overlay of under 1 KB whose aliases expand to a billion nodes is refused, naming
// the file, before anything is applied; one with a few aliases is applied.
func TestOverlayAliasBomb(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString(overlayHead + "  - target: $.info\n    update:\n      x-0: &a0 [l, l, l, l, l, l, l, l, l, l]\n")
	for i := 1; i < 9; i++ {
		p := fmt.Sprintf("*a%d", i-1)
		fmt.Fprintf(&b, "      x-%d: &a%d [%s]\n", i, i, strings.Repeat(p+", ", 9)+p)
	}
	if b.Len() >= 1024 {
		t.Fatalf("bomb of %d bytes", b.Len())
	}
	bomb := writeFile(t, dir, "bomb.yaml", b.String())
	code, _, stderr := runIn(t, "", "--overlay", bomb, "testdata/recordings")
	if code != 2 || !strings.Contains(stderr, "--overlay "+bomb+": its YAML aliases expand to more than 100000 nodes") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
	few := writeFile(t, dir, "few.yaml", overlayHead+"  - target: $.info\n    update:\n      x-a: &a {one: 1}\n      x-b: *a\n")
	o := &checkOptions{overlays: []string{few}, maxDocBytes: docread.DefaultBytes}
	docs, err := o.applyOverlays(t.Context(), "")
	if err != nil || fmt.Sprint(docs[specs.Apollo].Info.Extensions["x-b"]) != "map[one:1]" {
		t.Errorf("a few aliases: %v", err)
	}
}

// Both sides of --max-document-bytes for an overlay, and the error says how to raise it.
func TestOverlaySizeLimit(t *testing.T) {
	dir := t.TempDir()
	src := overlayHead + "  - target: $.info\n    update: {title: Sized}\n"
	path := writeFile(t, dir, "o.yaml", src)
	n := fmt.Sprint(len(src))
	var out, errOut bytes.Buffer
	t.Chdir(root)
	if code := Run(t.Context(), []string{"--max-document-bytes", n, "--overlay", path, "testdata/recordings/affinity.har"}, nil, &out, &errOut); code == 2 {
		t.Errorf("at the limit: exit 2: %s", errOut.String())
	}
	errOut.Reset()
	less := fmt.Sprint(len(src) - 1)
	code := Run(t.Context(), []string{"--max-document-bytes", less, "--overlay", path, "testdata/recordings"}, nil, &out, &errOut)
	want := fmt.Sprintf("--overlay %s: %d bytes is over the limit for a document, %s bytes; raise it with --max-document-bytes", path, len(src), less)
	if code != 2 || !strings.Contains(errOut.String(), want) {
		t.Errorf("over the limit: exit %d, stderr %s\nwant %s", code, errOut.String(), want)
	}
}
