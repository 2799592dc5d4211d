package affinity_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The package comment's map names every call of Client, and every name it lists is
// one the package declares: a call added without its place on the map, or a map entry
// left behind by a rename, fails here.
func TestThePackageDocIsAMapOfEveryCall(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*ast.File{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = f
	}
	declared := map[string]bool{}
	var methods []string
	var doc string
	for name, f := range files {
		if f.Doc != nil {
			if doc != "" {
				t.Errorf("a second package comment in %s", name)
			}
			doc = f.Doc.Text()
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				declared[d.Name.Name] = true
				if d.Recv != nil && recvName(d.Recv.List[0].Type) == "Client" && d.Name.Name != "String" && d.Name.Name != "GoString" {
					methods = append(methods, d.Name.Name)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						declared[s.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range s.Names {
							declared[n.Name] = true
						}
					}
				}
			}
		}
	}
	_, m, ok := strings.Cut(doc, "A map of the calls")
	if !ok {
		t.Fatal(`the package comment has no "A map of the calls" section`)
	}
	if len(methods) < 60 {
		t.Fatalf("found %d methods of Client; the parse missed some", len(methods))
	}
	words := map[string]bool{}
	for _, w := range regexp.MustCompile(`[A-Za-z0-9]+`).FindAllString(m, -1) {
		words[w] = true
	}
	for _, name := range methods {
		if !words[name] {
			t.Errorf("Client.%s is not on the package comment's map", name)
		}
	}
	// An entry of a list: a capitalised name followed by a comma, semicolon or period.
	listed := regexp.MustCompile(`(?:^|[\s(])([A-Z][A-Za-z0-9]+)[,;.]`).FindAllStringSubmatch(m, -1)
	if len(listed) < 60 {
		t.Fatalf("found %d entries on the map; the pattern missed some", len(listed))
	}
	for _, l := range listed {
		if !declared[l[1]] {
			t.Errorf("the map names %s, which the package does not declare", l[1])
		}
	}
}

func recvName(e ast.Expr) string {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}
