package gates

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// source is one parsed file as a rule sees it.
type source struct {
	path string // relative to the module root, with slashes, such as "cmd/validate/main.go"
	fset *token.FileSet
	file *ast.File
	test bool     // a _test.go file
	pkg  *pkgInfo // what the file's package (its directory) does as a whole
}

// pkgInfo is what a rule may need to know of a file's whole package.
type pkgInfo struct {
	readsFiles bool // a non-test file calls os.Open, os.OpenFile or os.ReadFile
}

// finding is one crossing a rule refuses.
type finding struct {
	pos  token.Position // Filename is the module-relative path
	fn   string         // the function it is in, Recv.Method for a method; none at package level
	rule string
	msg  string
}

func (f finding) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", f.pos.Filename, f.pos.Line, f.rule, f.msg)
}

// rule is one gate's check: its name, and what it reports in one file.
type rule struct {
	name  string
	check func(*source) []finding
}

// rules are the gates the module is held to.
func rules() []rule {
	return []rule{outboundHTTP(), serverErrors(), documents()}
}

// exception lets one file, or one function of it, do what a rule refuses, for a reason.
type exception struct {
	path, rule, reason string
	fn                 string // only in this function (Recv.Method for a method); any, when empty
}

// exceptions are every place a rule does not hold, each with why. Keep it short: an
// exception is a door in the gate.
func exceptions() []exception {
	return []exception{
		{"contract/capture.go", "outbound-http",
			"contract's Recorder and Middleware are RoundTrippers users plug into a client of their own; " +
				"a nil base is net/http's standard transport, as documented. The module's own requests " +
				"hand them the core's transport (validate live: option.WithMiddleware).", ""},
		{"cmd/validate/internal/cli/propose.go", "documents",
			"it decodes an exchange's response body, which contract's readers bounded to contract.MaxBodyBytes, not a file", "proposal.add"},
		{"cmd/validate/internal/cli/live_v2.go", "documents",
			"it decodes a live answer the client read through the core within its body limit, not a file", "liveSession.affinityV2"},
		{"cmd/validate/internal/cli/proxy_keys.go", "documents",
			"it decodes a request body validate proxy held within --max-body-bytes, for the key in it, not a file", "bodySecrets"},
		{"cmd/validate/internal/cli/proxy_links.go", "documents",
			"it decodes one JSON string (a link's value) of an answer validate proxy held within --max-body-bytes, not a file", "pageLinks"},
		{"cmd/validate/internal/cli/proxy_links.go", "documents",
			"it decodes one member name of at most 64 bytes of an answer validate proxy held, not a file", "isLinkMember"},
		{"internal/apisurface/apisurface.go", "documents",
			"it decodes the output of `go list -json`, a program of the toolchain, not a document", "Load"},
	}
}

// at is a finding of r at node n in s.
func (s *source) at(n ast.Node, r, format string, args ...any) finding {
	pos := s.fset.Position(n.Pos())
	pos.Filename = s.path
	return finding{pos: pos, fn: s.funcAt(n.Pos()), rule: r, msg: fmt.Sprintf(format, args...)}
}

// funcAt is the name of the function declared in s around p, Recv.Method for a method;
// none at package level.
func (s *source) funcAt(p token.Pos) string {
	for _, d := range s.file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || p < fd.Pos() || p >= fd.End() {
			continue
		}
		if fd.Recv == nil || len(fd.Recv.List) != 1 {
			return fd.Name.Name
		}
		typ := fd.Recv.List[0].Type
		if star, ok := typ.(*ast.StarExpr); ok {
			typ = star.X
		}
		if ix, ok := typ.(*ast.IndexExpr); ok {
			typ = ix.X
		}
		if id, ok := typ.(*ast.Ident); ok {
			return id.Name + "." + fd.Name.Name
		}
		return fd.Name.Name
	}
	return ""
}

// under reports whether s is in the directory dir (module-relative, with slashes).
func (s *source) under(dir string) bool {
	return strings.HasPrefix(s.path, strings.TrimSuffix(dir, "/")+"/")
}

// importName is the names file s refers to the package path by (an import's own name,
// or the path's last element); none when s does not import it, or imports it blank or
// with a dot.
func (s *source) importName(path string) []string {
	return s.importNameFunc(func(p string) bool { return p == path })
}

// importNameFunc is importName of every import whose path match accepts. A path whose
// last element is a major version (gopkg.in/yaml.v3, go.yaml.in/yaml/v4) is named by
// the element before it, as the Go tool names it.
func (s *source) importNameFunc(match func(path string) bool) []string {
	var names []string
	for _, imp := range s.file.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil || !match(path) {
			continue
		}
		switch {
		case imp.Name == nil:
			names = append(names, defaultImportName(path))
		case imp.Name.Name != "_" && imp.Name.Name != ".":
			names = append(names, imp.Name.Name)
		}
	}
	return names
}

// defaultImportName is the name a package is known by when imported without one: its
// path's last element, without a version suffix (yaml.v3 is yaml, yaml/v4 is yaml).
func defaultImportName(path string) string {
	elems := strings.Split(path, "/")
	last := elems[len(elems)-1]
	if isMajor(last) && len(elems) > 1 {
		last = elems[len(elems)-2]
	}
	if i := strings.Index(last, ".v"); i > 0 && isMajor(last[i+1:]) {
		last = last[:i]
	}
	return last
}

// isMajor reports whether e is a major version element: v and digits.
func isMajor(e string) bool {
	if len(e) < 2 || e[0] != 'v' {
		return false
	}
	for _, c := range e[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isSel reports whether e is pkg.name for pkg one of the local names of an import
// (importName), and which name.
func isSel(e ast.Expr, pkg []string, names ...string) (string, bool) {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok || !slices.Contains(pkg, id.Name) {
		return "", false
	}
	if slices.Contains(names, sel.Sel.Name) {
		return sel.Sel.Name, true
	}
	return "", false
}

// scanTree runs rs over every hand-written .go file under root (a module's root): not
// generated/, not testdata, vendor or hidden directories, not a file marked as
// generated. Exceptions are not applied here: see filter.
func scanTree(root string, rs []rule) ([]finding, error) {
	dirs := map[string][]string{} // directory → its .go files, module-relative
	var order []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			name := d.Name()
			if rel != "." && (rel == "generated" || name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".go") {
			dir := path.Dir(rel)
			if _, ok := dirs[dir]; !ok {
				order = append(order, dir)
			}
			dirs[dir] = append(dirs[dir], rel)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []finding
	for _, dir := range order {
		var srcs []*source
		pkg := &pkgInfo{}
		for _, rel := range dirs[dir] {
			s, err := parseSource(root, rel)
			if err != nil {
				return nil, err
			}
			if s == nil {
				continue
			}
			s.pkg = pkg
			if !s.test && len(s.calls(s.importName("os"), "Open", "OpenFile", "ReadFile")) > 0 {
				pkg.readsFiles = true
			}
			srcs = append(srcs, s)
		}
		for _, s := range srcs {
			for _, r := range rs {
				out = append(out, r.check(s)...)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, nil
}

// parseSource reads and parses the file rel (module-relative) under root; none for a
// generated file.
func parseSource(root, rel string) (*source, error) {
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, rel, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	if ast.IsGenerated(f) {
		return nil, nil
	}
	return &source{path: rel, fset: fset, file: f, test: strings.HasSuffix(rel, "_test.go"), pkg: &pkgInfo{}}, nil
}

// calls are the calls in s of pkg.name, for pkg one of the local names of an import
// (importName) and name one of names.
func (s *source) calls(pkg []string, names ...string) []*ast.CallExpr {
	var out []*ast.CallExpr
	if len(pkg) == 0 {
		return nil
	}
	ast.Inspect(s.file, func(n ast.Node) bool {
		if ce, ok := n.(*ast.CallExpr); ok {
			if _, ok := isSel(ce.Fun, pkg, names...); ok {
				out = append(out, ce)
			}
		}
		return true
	})
	return out
}

// filter drops the findings an exception allows, and reports the exceptions no
// finding used (stale ones, which must go).
func filter(fs []finding, ex []exception) (kept []finding, unused []exception) {
	used := make([]bool, len(ex))
	for _, f := range fs {
		allowed := false
		for i, e := range ex {
			if e.path == f.pos.Filename && e.rule == f.rule && (e.fn == "" || e.fn == f.fn) {
				allowed, used[i] = true, true
			}
		}
		if !allowed {
			kept = append(kept, f)
		}
	}
	for i, e := range ex {
		if !used[i] {
			unused = append(unused, e)
		}
	}
	return kept, unused
}
