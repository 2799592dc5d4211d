package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/internal/docread"
	"github.com/orgapis/orgapis/specs"
)

// paddedSpec is the Apollo spec with schemas added under components until it is
// exactly size bytes, a vendor's document at its heaviest for its size.
func paddedSpec(t *testing.T, size int) []byte {
	t.Helper()
	src, err := specs.Source(specs.Apollo)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(src, []byte("\n  schemas:\n"))
	if at < 0 {
		t.Fatal("no components.schemas in the spec")
	}
	at += len("\n  schemas:\n")
	var pad bytes.Buffer
	for i := 0; len(src)+pad.Len()+400 < size; i++ {
		fmt.Fprintf(&pad, "    Pad%d:\n      type: object\n      description: padding schema %d, with the members a vendor's has\n      properties:\n        id: {type: string}\n        name: {type: string, nullable: true}\n        count: {type: integer, format: int64}\n        tags: {type: array, items: {type: string}}\n", i, i)
	}
	out := append(append(append([]byte{}, src[:at]...), pad.Bytes()...), src[at:]...)
	if n := size - len(out) - 1; n >= 0 {
		out = append(append(out, bytes.Repeat([]byte("#"), n)...), '\n')
	}
	if len(out) != size {
		t.Fatalf("padded to %d bytes, want %d", len(out), size)
	}
	return out
}

// Every hostile document is refused, or read, within 200 MB of peak memory, measured
// on the command itself in a child process: an alias bomb of under 1 KB, a 200 MB
// document, a deeply nested one, and a real document on both sides of the size limit.
func TestDocumentsPeakRSS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and writes 200 MB")
	}
	binary := buildCommand(t)
	dir := t.TempDir()

	var bomb strings.Builder
	bomb.WriteString(overlayHead + "  - target: $.info\n    update:\n      x-0: &a0 [l, l, l, l, l, l, l, l, l, l]\n")
	for i := 1; i < 9; i++ {
		p := fmt.Sprintf("*a%d", i-1)
		fmt.Fprintf(&bomb, "      x-%d: &a%d [%s]\n", i, i, strings.Repeat(p+", ", 9)+p)
	}
	bombFile := writeFile(t, dir, "bomb.yaml", bomb.String())

	big := filepath.Join(dir, "big.yaml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("openapi: 3.0.3\ninfo: {title: big, version: \"1\"}\npaths: {}\nx-pad:\n")
	line := "  - " + strings.Repeat("p", 92) + "\n"
	for range 200_000_000 / len(line) {
		w.WriteString(line)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	info, err := os.Stat(big)
	if err != nil {
		t.Fatal(err)
	}
	bigSize := info.Size()

	deep := writeFile(t, dir, "deep.json", strings.Repeat(`{"a":[`, 50_000)+strings.Repeat(`]}`, 50_000))
	spec := paddedSpec(t, docread.DefaultBytes)
	under := writeFile(t, dir, "at-limit.yaml", string(spec))
	over := writeFile(t, dir, "over-limit.yaml", string(spec)+"\n")

	for _, c := range []struct {
		name string
		args []string
		code int    // the exit status
		want string // in standard error
	}{
		{"alias bomb", []string{"--overlay", bombFile, filepath.Join(root, "testdata/recordings/affinity.har")}, 2, "its YAML aliases expand to more than 100000 nodes"},
		{"200 MB", []string{"diff", "--api", "apollo", "--against", big}, 2, fmt.Sprintf("%s: %d bytes is over the limit for a document, 2097152 bytes (2 MiB); raise it with --max-document-bytes", big, bigSize)},
		{"nested", []string{"diff", "--api", "apollo", "--against", deep}, 2, deep + ": nests deeper than 256 levels"},
		{"at the limit", []string{"diff", "--api", "apollo", "--against", under}, 0, ""},
		{"over the limit", []string{"diff", "--api", "apollo", "--against", over}, 2, "is over the limit for a document, 2097152 bytes (2 MiB); raise it with --max-document-bytes"},
	} {
		code, _, stderr, peak := childRun(t, binary, c.args...)
		t.Logf("%s: exit %d, peak %.0f MiB", c.name, code, peak)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, want %d; stderr %s", c.name, code, c.code, stderr)
		}
		if peak >= maxPeakMB {
			t.Errorf("%s: peak %.0f MiB, over %d MiB", c.name, peak, maxPeakMB)
		}
	}
}
