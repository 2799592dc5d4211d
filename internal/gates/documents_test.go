package gates

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The documents gate: every YAML or JSON document the module reads from a file goes
// through internal/docread, the bounded reader (limits on bytes, depth, aliases and
// their expansion; a cycle-safe walk of $ref graphs). The rule, on the module's
// non-test Go files:
//
//  1. YAML decoding and OpenAPI loading happen only in internal/docread: a call of
//     yaml.Unmarshal or yaml.NewDecoder (of any YAML package), of openapi3.NewLoader,
//     of a method LoadFromFile, LoadFromData, LoadFromURI, LoadFromIoReader or
//     LoadFromStdin, or of the overlay package's own file readers (overlay.Parse,
//     overlay.ParseReader, loader.LoadOverlay, loader.LoadOverlayFromReader) anywhere
//     else is a violation. (*yaml.Node).Decode of a tree docread returned is not a
//     read, and is allowed.
//  2. JSON from files: in a package that opens or reads files (os.Open, os.OpenFile,
//     os.ReadFile), every json.Unmarshal and json.NewDecoder is a violation unless its
//     function is one of documentExceptions, each with its reason. Packages that read
//     no files decode HTTP bodies, which internal/bodyread and the core bound.
//
// Not held: generated/ (oapi-codegen's output, never edited; it decodes bodies the
// core has bounded) and tools/ (developers' programs run on this repository's own
// files, not shipped).

// documentExceptions are the functions of file-reading packages allowed to decode
// JSON themselves, by package directory and function (Recv.Method for a method).
var documentExceptions = map[string]string{
	"cmd/validate/internal/cli proposal.add":           "decodes an exchange's response body, which contract's readers bounded to contract.MaxBodyBytes",
	"cmd/validate/internal/cli liveSession.affinityV2": "decodes a live HTTP answer that the client read through the core within its body limit, not a file",
	"internal/apisurface Load":                         "decodes the output of `go list -json`, a program of the toolchain, not a document",
}

// skippedDirs are not held to the rule, for the reasons above.
var skippedDirs = []string{"generated", "tools", "internal/docread"}

// moduleRoot is the directory of go.mod above this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the gates package")
		}
		dir = parent
	}
}

// goFiles are the module's non-test Go files by package directory (relative, slashes).
func goFiles(t *testing.T, root string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			dir := filepath.ToSlash(filepath.Dir(rel))
			out[dir] = append(out[dir], path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// violation is one call that goes around the bounded reader.
type violation struct{ where, what string }

// documentViolations applies the rule to one package: dir (relative, slashes) and its
// parsed files.
func documentViolations(fset *token.FileSet, dir string, files []*ast.File) []violation {
	for _, s := range skippedDirs {
		if dir == s || strings.HasPrefix(dir, s+"/") {
			return nil
		}
	}
	type call struct {
		pos      token.Pos
		pkg, fn  string // import path of the package named, and the selector
		function string // enclosing function, Recv.Method for a method
	}
	var calls []call
	for _, f := range files {
		imports := map[string]string{} // local name → import path
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			name := path[strings.LastIndex(path, "/")+1:]
			if strings.HasPrefix(name, "yaml.v") || (name == "v3" || name == "v4") && strings.Contains(path, "yaml") {
				name = "yaml"
			}
			if imp.Name != nil {
				name = imp.Name.Name
			}
			imports[name] = path
		}
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			function := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				typ := fd.Recv.List[0].Type
				if star, ok := typ.(*ast.StarExpr); ok {
					typ = star.X
				}
				if id, ok := typ.(*ast.Ident); ok {
					function = id.Name + "." + function
				}
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				ce, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := ce.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				pkg := ""
				if id, ok := sel.X.(*ast.Ident); ok {
					pkg = imports[id.Name]
				}
				calls = append(calls, call{ce.Pos(), pkg, sel.Sel.Name, function})
				return true
			})
		}
	}
	isYAML := func(path string) bool { return strings.Contains(path, "yaml") }
	readsFiles := slices.ContainsFunc(calls, func(c call) bool {
		return c.pkg == "os" && (c.fn == "Open" || c.fn == "OpenFile" || c.fn == "ReadFile")
	})
	var out []violation
	for _, c := range calls {
		where := fset.Position(c.pos).String()
		switch {
		case isYAML(c.pkg) && (c.fn == "Unmarshal" || c.fn == "NewDecoder"):
			out = append(out, violation{where, "YAML decoded outside internal/docread: " + c.fn})
		case strings.HasSuffix(c.pkg, "kin-openapi/openapi3") && c.fn == "NewLoader":
			out = append(out, violation{where, "OpenAPI loader outside internal/docread"})
		case slices.Contains([]string{"LoadFromFile", "LoadFromData", "LoadFromURI", "LoadFromIoReader", "LoadFromStdin"}, c.fn):
			out = append(out, violation{where, "OpenAPI loaded outside internal/docread: " + c.fn})
		case strings.Contains(c.pkg, "speakeasy-api/openapi/overlay") && slices.Contains([]string{"Parse", "ParseReader", "LoadOverlay", "LoadOverlayFromReader"}, c.fn):
			out = append(out, violation{where, "overlay read outside internal/docread: " + c.fn})
		case readsFiles && c.pkg == "encoding/json" && (c.fn == "Unmarshal" || c.fn == "NewDecoder"):
			if _, ok := documentExceptions[dir+" "+c.function]; !ok {
				out = append(out, violation{where, "JSON decoded in a package that reads files, in " + c.function + ", outside internal/docread and the named exceptions"})
			}
		}
	}
	return out
}

func parseDir(t *testing.T, fset *token.FileSet, paths []string) []*ast.File {
	t.Helper()
	var files []*ast.File
	for _, p := range paths {
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

// TestDocumentsGoThroughTheBoundedReader holds the module to the rule.
func TestDocumentsGoThroughTheBoundedReader(t *testing.T) {
	root := moduleRoot(t)
	fset := token.NewFileSet()
	dirs := goFiles(t, root)
	checked := 0
	for dir, paths := range dirs {
		for _, v := range documentViolations(fset, dir, parseDir(t, fset, paths)) {
			t.Errorf("%s: %s", v.where, v.what)
		}
		checked++
	}
	// A walk that found nothing to check checked nothing.
	for _, must := range []string{"contract", "cmd/validate/internal/cli", "specs", "internal/docread"} {
		if _, ok := dirs[must]; !ok {
			t.Errorf("the walk did not reach %s", must)
		}
	}
	if checked < 10 {
		t.Errorf("only %d packages checked", checked)
	}
	// Every exception still names a function that exists: a stale one would let a new
	// function of the same name through unseen.
	for key := range documentExceptions {
		dir, fn, _ := strings.Cut(key, " ")
		found := false
		for _, f := range parseDir(t, fset, dirs[dir]) {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && (fd.Name.Name == fn || strings.HasSuffix(fn, "."+fd.Name.Name) && fd.Recv != nil) {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("exception %q names no function", key)
		}
	}
}

// Each part of the rule catches a violation planted in a package of the module.
func TestDocumentsGateCatchesPlantedViolations(t *testing.T) {
	planted := map[string]string{
		"yaml": `package p
import "gopkg.in/yaml.v3"
func f(b []byte) { var v any; _ = yaml.Unmarshal(b, &v) }`,
		"yaml decoder": `package p
import (yaml "go.yaml.in/yaml/v4"; "os")
func f() { r, _ := os.Open("x"); _ = yaml.NewDecoder(r) }`,
		"loader": `package p
import "github.com/getkin/kin-openapi/openapi3"
func f() { _, _ = openapi3.NewLoader().LoadFromFile("vendor.yaml") }`,
		"loader held": `package p
func f(l interface{ LoadFromData([]byte) (any, error) }) { _, _ = l.LoadFromData(nil) }`,
		"overlay": `package p
import "github.com/speakeasy-api/openapi/overlay/loader"
func f() { _, _ = loader.LoadOverlay("o.yaml") }`,
		"json from a file": `package p
import ("encoding/json"; "os")
func f() { b, _ := os.ReadFile("report.json"); var v any; _ = json.Unmarshal(b, &v) }`,
		"json elsewhere in a file-reading package": `package p
import ("encoding/json"; "os")
func open() { _, _ = os.Open("x") }
func decode(b []byte) { var v any; _ = json.Unmarshal(b, &v) }`,
	}
	for name, src := range planted {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name+".go", src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		if v := documentViolations(fset, "cmd/validate/internal/cli", []*ast.File{f}); len(v) == 0 {
			t.Errorf("%s: not caught", name)
		}
	}
	// And what is allowed passes: JSON in a package that reads no files, a named
	// exception, a tree's Decode, and the reader's own package.
	allowed := map[string]string{
		"cmd/validate/internal/cli": `package p
import ("encoding/json"; "os"; "gopkg.in/yaml.v3")
func open() { _, _ = os.Open("x") }
func (p *proposal) add(b []byte) { var v any; _ = json.Unmarshal(b, &v) }
func g(n *yaml.Node) { var v any; _ = n.Decode(&v) }`,
		"wrappers/affinity": `package p
import "encoding/json"
func decode(b []byte) { var v any; _ = json.Unmarshal(b, &v) }`,
		"internal/docread": `package p
import "gopkg.in/yaml.v3"
func f(b []byte) { var v any; _ = yaml.Unmarshal(b, &v) }`,
	}
	for dir, src := range allowed {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "ok.go", src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		if v := documentViolations(fset, dir, []*ast.File{f}); len(v) != 0 {
			t.Errorf("%s: %v, want none", dir, v)
		}
	}
}
