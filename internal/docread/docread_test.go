package docread_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/orgapis/orgapis/internal/docread"
	"github.com/orgapis/orgapis/specs"
)

func write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func limitErr(t *testing.T, err error, what string) *docread.LimitError {
	t.Helper()
	var le *docread.LimitError
	if !errors.As(err, &le) || le.What != what {
		t.Fatalf("err = %v, want a %s docread.LimitError", err, what)
	}
	return le
}

func TestReadFileSizeBothSides(t *testing.T) {
	lim := docread.Limits{Bytes: 1024, Raise: "--max-document-bytes"}
	at := write(t, "at.yaml", strings.Repeat("#", 1024))
	if data, err := docread.ReadFile(at, lim); err != nil || len(data) != 1024 {
		t.Errorf("at the limit: %d bytes, %v", len(data), err)
	}
	over := write(t, "over.yaml", strings.Repeat("#", 1025))
	le := limitErr(t, func() error { _, err := docread.ReadFile(over, lim); return err }(), "size")
	if le.Name != over || le.Got != 1025 || le.Limit != 1024 {
		t.Errorf("%+v", le)
	}
}

// A document far over the limit is refused from its size alone: the message names
// the file, both sizes and the flag.
func TestReadFileRefusesUnread(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vendor.yaml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(210_000_000); err != nil { // sparse: nothing to read anyway
		t.Fatal(err)
	}
	f.Close()
	_, err = docread.ReadFile(path, docread.Limits{Raise: "--max-document-bytes"})
	want := path + ": 210000000 bytes is over the limit for a document, 2097152 bytes (2 MiB); raise it with --max-document-bytes"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}

func TestReadFileRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, "/dev/zero", dir} {
		if _, err := docread.ReadFile(path, docread.Default()); !errors.Is(err, docread.ErrNotRegular) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: err = %v", path, err)
		}
	}
}

// bomb is the billion laughs: ten levels, each alias repeated ten times, under 1 KB.
func bomb() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 10; i++ {
		p := "*a" + string(rune('0'+i-1))
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [" + strings.Repeat(p+", ", 9) + p + "]\n")
	}
	return b.String()
}

func TestAliasBombRefusedEarly(t *testing.T) {
	doc := bomb()
	if len(doc) >= 1024 {
		t.Fatalf("the bomb is %d bytes", len(doc))
	}
	_, err := docread.YAML("bomb.yaml", []byte(doc), docread.Default())
	le := limitErr(t, err, "alias expansion")
	if !strings.HasPrefix(err.Error(), "bomb.yaml: ") || le.Limit != docread.DefaultAliasNodes {
		t.Errorf("err = %v", err)
	}
	// Flow style (starts like docread.JSON but is not) is docread.YAML, and refused the same way.
	flow := "{a: &a [x, x, x, x, x, x, x, x, x, x], b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a], c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b], d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c], e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d]}"
	limitErr(t, func() error { _, err := docread.YAML("flow.yaml", []byte(flow), docread.Default()); return err }(), "alias expansion")
}

// Both sides of the alias limits: what aliases may add, and how many there may be.
func TestAliasLimitsBothSides(t *testing.T) {
	// Each alias stands for the 5 nodes of a in place of itself: 8 nodes added.
	doc := []byte("a: &a [1, 2, 3, 4]\nb: [*a, *a]\n")
	if _, err := docread.YAML("ok.yaml", doc, docread.Limits{AliasNodes: 8}); err != nil {
		t.Errorf("8 nodes added, at the limit: %v", err)
	}
	limitErr(t, func() error { _, err := docread.YAML("over.yaml", doc, docread.Limits{AliasNodes: 7}); return err }(), "alias expansion")
	if _, err := docread.YAML("ok.yaml", doc, docread.Limits{Aliases: 2}); err != nil {
		t.Errorf("2 aliases, at the limit: %v", err)
	}
	limitErr(t, func() error { _, err := docread.YAML("over.yaml", doc, docread.Limits{Aliases: 1}); return err }(), "aliases")
}

func TestDepthBothSides(t *testing.T) {
	lim := docread.Limits{Depth: 5}
	for name, nest := range map[string]func(n int) string{
		"json": func(n int) string {
			return strings.Repeat(`{"a":[`, n/2) + strings.Repeat(`"]"`, 1) + strings.Repeat(`]}`, n/2)
		},
		"flow":  func(n int) string { return strings.Repeat("[", n) + "x" + strings.Repeat("]", n) },
		"block": func(n int) string { return blockNest(n) },
	} {
		ok, over := nest(4), nest(6) // json: pairs of {"a":[
		switch name {
		case "flow":
			ok, over = nest(5), nest(6)
		case "block": // n keys over a last mapping
			ok, over = nest(4), nest(5)
		}
		if _, err := docread.YAML(name, []byte(ok), lim); err != nil {
			t.Errorf("%s at the limit: %v", name, err)
		}
		limitErr(t, func() error { _, err := docread.YAML(name, []byte(over), lim); return err }(), "depth")
	}
	// Depth counts aliases expanded: two shallow halves make one deep whole, the top
	// mapping, two sequences and a's three.
	doc := "a: &a [[[x]]]\nb: [[*a]]\n"
	if _, err := docread.YAML("ok", []byte(doc), docread.Limits{Depth: 6}); err != nil {
		t.Errorf("6 deep with the alias expanded: %v", err)
	}
	limitErr(t, func() error { _, err := docread.YAML("over", []byte(doc), docread.Limits{Depth: 5}); return err }(), "depth")
	// A deep document of the parser's own maximum is refused by the limit, not the stack.
	deep := strings.Repeat("[", 9000) + strings.Repeat("]", 9000)
	limitErr(t, func() error { _, err := docread.YAML("deep.json", []byte(deep), docread.Default()); return err }(), "depth")
}

func blockNest(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat("  ", i) + "k:\n")
	}
	b.WriteString(strings.Repeat("  ", n) + "v: 1\n")
	return b.String()
}

func TestJSONDepthIgnoresStrings(t *testing.T) {
	var v any
	if err := docread.JSON("s.json", []byte(`{"a":"[[[[[[[[[[\"[[[["}`), &v, docread.Limits{Depth: 1}); err != nil {
		t.Errorf("brackets in strings counted: %v", err)
	}
	limitErr(t, docread.JSON("d.json", []byte(`{"a":[1]}`), &v, docread.Limits{Depth: 1}), "depth")
	limitErr(t, docread.JSON("b.json", []byte(`{"a":1}`), &v, docread.Limits{Bytes: 6}), "size")
}

// The module's own specs use aliases, and go through the same reader.
func TestOwnSpecsPass(t *testing.T) {
	for _, api := range specs.APIs() {
		src, err := specs.Source(api)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := docread.OpenAPI(api.File(), src, docread.Default(), true); err != nil {
			t.Errorf("%s: %v", api, err)
		}
	}
}

const recursive = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/A"}
components:
  schemas:
    A: {type: array, items: {$ref: "#/components/schemas/A"}}
    B:
      type: object
      properties:
        next: {$ref: "#/components/schemas/C"}
    C:
      type: object
      properties:
        back: {$ref: "#/components/schemas/B"}
`

func TestCutCycles(t *testing.T) {
	doc, err := docread.OpenAPI("rec.yaml", []byte(recursive), docread.Default(), false)
	if err != nil {
		t.Fatal(err)
	}
	notes, err := docread.CutCycles("rec.yaml", doc, docread.Default())
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 2 || !strings.Contains(notes[0], "#/components/schemas/A refers to itself") || !strings.Contains(notes[1], "#/components/schemas/B") {
		t.Errorf("notes = %q", notes)
	}
	// What is left is a tree: a walk that never remembers ends.
	var depth func(s *openapi3.SchemaRef, n int) int
	depth = func(s *openapi3.SchemaRef, n int) int {
		if s == nil || s.Value == nil || n > 100 {
			return n
		}
		d := depth(s.Value.Items, n+1)
		for _, p := range s.Value.Properties {
			d = max(d, depth(p, n+1))
		}
		return d
	}
	for name, s := range doc.Components.Schemas {
		if d := depth(s, 0); d > 3 {
			t.Errorf("%s still loops (%d deep)", name, d)
		}
	}
	a := doc.Components.Schemas["A"].Value
	if a.Items.Value == a || !a.Items.Value.Type.Is("array") {
		t.Errorf("A's items: %+v", a.Items.Value)
	}
}

// Both sides of the depth limit through $ref: a chain of n schemas is n deep.
func TestCutCyclesDepthBothSides(t *testing.T) {
	chain := func(n int) string {
		var b strings.Builder
		b.WriteString("openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths: {}\ncomponents:\n  schemas:\n")
		for i := range n {
			if i == n-1 {
				b.WriteString("    S" + string(rune('a'+i)) + ": {type: string}\n")
				continue
			}
			b.WriteString("    S" + string(rune('a'+i)) + ": {type: object, properties: {x: {$ref: \"#/components/schemas/S" + string(rune('a'+i+1)) + "\"}}}\n")
		}
		return b.String()
	}
	lim := docread.Limits{Depth: 5}
	for n, refused := range map[int]bool{5: false, 6: true} {
		doc, err := docread.OpenAPI("chain.yaml", []byte(chain(n)), docread.Default(), false)
		if err != nil {
			t.Fatal(err)
		}
		_, err = docread.CutCycles("chain.yaml", doc, lim)
		if refused {
			limitErr(t, err, "schema depth")
		} else if err != nil {
			t.Errorf("%d schemas: %v", n, err)
		}
	}
}

// A stream is read to one byte past the limit and no further, on both sides of it; the
// error says "more than", since the rest was never read.
func TestReadStopsPastTheLimit(t *testing.T) {
	lim := docread.Limits{Bytes: 1 << 10, Raise: "--max-document-bytes"}
	at := strings.Repeat("é", 512) // 1,024 bytes of 512 characters
	if got, err := docread.Read("stdin", strings.NewReader(at), lim); err != nil || string(got) != at {
		t.Errorf("at the limit: %d bytes, %v", len(got), err)
	}
	r := &countingReader{r: strings.NewReader(at + strings.Repeat("x", 1<<20))}
	_, err := docread.Read("stdin", r, lim)
	want := "stdin: more than 1024 bytes (1 KiB), the limit for a document; raise it with --max-document-bytes"
	if err == nil || err.Error() != want {
		t.Errorf("over the limit: %v\nwant %s", err, want)
	}
	if r.n > 1<<10+512 { // io.ReadAll may ask for more than it keeps, never the megabyte
		t.Errorf("read %d bytes of a stream over a 1 KiB limit", r.n)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// A document's values are counted on its bytes before it is parsed: both sides of
// Nodes for block YAML (a key and its value are two), flow YAML and JSON (a value
// counts 4); quoted and block scalars, and comments, hold none however they read.
func TestNodesBothSides(t *testing.T) {
	for _, c := range []struct {
		name  string
		doc   string
		nodes int64 // as counted
	}{
		{"block", "a: 1\nb:\n  - x\n  - y\n", 7},                                     // the document, a, 1, b, its sequence, x, y
		{"flow", "a: [x, y]\nb: {c: d}\n", 12},                                       // the document, "a:" (2), "[" (2), "," (2), "b:" (2), "{", "c:" (2)
		{"json", `{"a":[1,2],"b":{"c":3}}`, 4 * (1 + 2 + 1 + 2 + 1 + 1 + 1 + 2 + 1)}, // the document, "{" (2), ":", "[" (2), ",", ",", ":", "{" (2), ":"
		{"quoted and block scalars", "a: 'x: y, - z, [w]'\nb: \"- q: [r, s]\"\nc: |\n  d: e\n  - f\ng: 1 # h: i, - j\n", 9},
	} {
		if _, err := docread.YAML(c.name, []byte(c.doc), docread.Limits{Nodes: c.nodes}); err != nil {
			t.Errorf("%s at %d nodes: %v", c.name, c.nodes, err)
		}
		err := func() error {
			_, err := docread.YAML(c.name, []byte(c.doc), docread.Limits{Nodes: c.nodes - 1})
			return err
		}()
		limitErr(t, err, "nodes")
	}
	// The default grows with the size allowed: one node per DefaultBytesPerNode bytes.
	doc := "a:\n" + strings.Repeat("  - v\n", 1000)
	lim := docread.Limits{Bytes: int64(len(doc)), Raise: "--max-document-bytes"}
	if _, err := docread.YAML("ok.yaml", []byte(doc), lim); err != nil {
		t.Errorf("1002 nodes in %d bytes: %v", len(doc), err)
	}
	dense := "a: [" + strings.Repeat("v,", 3000) + "v]\n"
	_, err := docread.YAML("dense.yaml", []byte(dense), docread.Limits{Bytes: int64(len(dense)), Raise: "--max-document-bytes"})
	limitErr(t, err, "nodes")
	if err == nil || !strings.Contains(err.Error(), "dense.yaml: holds too many values for its size") || !strings.Contains(err.Error(), "raise it with --max-document-bytes") {
		t.Errorf("the refusal: %v", err)
	}
}
