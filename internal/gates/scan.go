package gates

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
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
	test bool // a _test.go file
}

// finding is one crossing a rule refuses.
type finding struct {
	pos  token.Position // Filename is the module-relative path
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
	return []rule{outboundHTTP(), serverErrors()}
}

// exception lets one file do what a rule refuses, for a reason.
type exception struct {
	path, rule, reason string
}

// exceptions are every place a rule does not hold, each with why. Keep it short: an
// exception is a door in the gate.
func exceptions() []exception {
	return []exception{
		{"contract/capture.go", "outbound-http",
			"contract's Recorder and Middleware are RoundTrippers users plug into a client of their own; " +
				"a nil base is net/http's standard transport, as documented. The module's own requests " +
				"hand them the core's transport (validate live: option.WithMiddleware)."},
	}
}

// at is a finding of r at node n in s.
func (s *source) at(n ast.Node, r, format string, args ...any) finding {
	pos := s.fset.Position(n.Pos())
	pos.Filename = s.path
	return finding{pos: pos, rule: r, msg: fmt.Sprintf(format, args...)}
}

// under reports whether s is in the directory dir (module-relative, with slashes).
func (s *source) under(dir string) bool {
	return strings.HasPrefix(s.path, strings.TrimSuffix(dir, "/")+"/")
}

// importName is the names file s refers to the package path by (an import's own name,
// or the path's last element); none when s does not import it, or imports it blank or
// with a dot.
func (s *source) importName(path string) []string {
	var names []string
	for _, imp := range s.file.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil || p != path {
			continue
		}
		switch {
		case imp.Name == nil:
			names = append(names, path[strings.LastIndex(path, "/")+1:])
		case imp.Name.Name != "_" && imp.Name.Name != ".":
			names = append(names, imp.Name.Name)
		}
	}
	return names
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
	var out []finding
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
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fs, err := scanSource(rel, src, rs)
		out = append(out, fs...)
		return err
	})
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, err
}

// scanSource runs rs over one file, named path (module-relative); a generated file
// gets none.
func scanSource(path string, src []byte, rs []rule) ([]finding, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	if ast.IsGenerated(f) {
		return nil, nil
	}
	s := &source{path: path, fset: fset, file: f, test: strings.HasSuffix(path, "_test.go")}
	var out []finding
	for _, r := range rs {
		out = append(out, r.check(s)...)
	}
	return out, nil
}

// filter drops the findings an exception allows, and reports the exceptions no
// finding used (stale ones, which must go).
func filter(fs []finding, ex []exception) (kept []finding, unused []exception) {
	used := make([]bool, len(ex))
	for _, f := range fs {
		allowed := false
		for i, e := range ex {
			if e.path == f.pos.Filename && e.rule == f.rule {
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
