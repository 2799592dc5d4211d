// Package docmap holds a package comment to the calls it maps: a wrapper's comment has
// a section, "A map of the calls", that names every method of its client by resource,
// so that go doc of the package reads as a map of the API. Check finds a method
// missing from the map and a name on it the package does not declare, so that the map
// cannot fall behind the code.
package docmap

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Section is the heading the map stands under in the package comment.
const Section = "A map of the calls"

// Check parses the non-test Go files of dir and returns what is wrong with the map in
// its package comment: each exported method of recv (String and GoString aside) it
// does not name, and each name it lists, a capitalised word followed by a comma, a
// semicolon or a period, that the package does not declare. minMethods guards the
// check itself: finding fewer methods than that is an error, not a pass.
func Check(dir, recv string, minMethods int) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	declared := map[string]bool{}
	var methods []string
	var doc string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		if f.Doc != nil {
			if doc != "" {
				return nil, fmt.Errorf("%s: a second package comment", name)
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
				if d.Recv != nil && receiver(d.Recv.List[0].Type) == recv && d.Name.Name != "String" && d.Name.Name != "GoString" {
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
	_, m, ok := strings.Cut(doc, Section)
	if !ok {
		return nil, fmt.Errorf("the package comment has no %q section", Section)
	}
	if len(methods) < minMethods {
		return nil, fmt.Errorf("found %d methods of %s, want at least %d: the parse missed some", len(methods), recv, minMethods)
	}
	words := map[string]bool{}
	for _, w := range regexp.MustCompile(`[A-Za-z0-9]+`).FindAllString(m, -1) {
		words[w] = true
	}
	var problems []string
	slices.Sort(methods)
	for _, name := range methods {
		if !words[name] {
			problems = append(problems, fmt.Sprintf("%s.%s is not on the package comment's map", recv, name))
		}
	}
	listed := regexp.MustCompile(`(?:^|[\s(])([A-Z][A-Za-z0-9]+)[,;.]`).FindAllStringSubmatch(m, -1)
	if len(listed) < minMethods {
		return nil, fmt.Errorf("found %d entries on the map, want at least %d: the pattern missed some", len(listed), minMethods)
	}
	for _, l := range listed {
		if !declared[l[1]] {
			problems = append(problems, fmt.Sprintf("the map names %s, which the package does not declare", l[1]))
		}
	}
	return problems, nil
}

func receiver(e ast.Expr) string {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}
