package fakeserver

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeMakers are the functions that make a fake, by package.
var fakeMakers = map[string]bool{"NewServer": true, "NewUnstartedServer": true}

// uncheckedFakes lists the fakes the tests under root make without reporting to their
// test: a call of affinitytest's or apollotest's NewServer or NewUnstartedServer in a
// test function that passes neither WithTest nor WithoutSpecCheck. Example functions
// have no test to report to: an off-spec answer still fails them, as the 500 it
// becomes changes their output.
func uncheckedFakes(t *testing.T, root string) (found []string, files int) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		files++
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil || strings.HasPrefix(fn.Name.Name, "Example") {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || !isFakeMaker(call.Fun) {
					return true
				}
				for _, arg := range call.Args {
					if c, ok := arg.(*ast.CallExpr); ok {
						if sel, ok := c.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "WithTest" || sel.Sel.Name == "WithoutSpecCheck") {
							return true
						}
					}
				}
				found = append(found, fset.Position(call.Pos()).String())
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found, files
}

func isFakeMaker(fun ast.Expr) bool {
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok || !fakeMakers[sel.Sel.Name] {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && (pkg.Name == "affinitytest" || pkg.Name == "apollotest")
}

// Every fake this module's tests make reports to its test: the fakes answer only what
// the spec allows, and a test that uses one is also a contract test of it. No opt-out
// in the project's own tests but a deliberate WithoutSpecCheck.
func TestEveryFakeOfTheModulesTestsReportsToItsTest(t *testing.T) {
	found, files := uncheckedFakes(t, filepath.Join("..", ".."))
	if files < 50 {
		t.Fatalf("read %d test files; the walk did not reach the module's tests", files)
	}
	for _, at := range found {
		t.Errorf("%s: a fake made without WithTest(t): its findings would fail no test", at)
	}
}

// The check above fails on a planted fake without WithTest, and passes the same fake
// with it, or in an Example.
func TestTheFakeGateCatchesAPlantedFake(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a_test.go", `package a
func TestA(t *testing.T) { f := affinitytest.NewServer("k"); _ = f }
func TestB(t *testing.T) { run(func() { _ = apollotest.NewUnstartedServer("k", apollotest.WithTest(t)) }) }
func TestC(t *testing.T) { _ = apollotest.NewServer("k", apollotest.WithoutSpecCheck()) }
func ExampleD() { _ = affinitytest.NewServer("k") }
func helper(tb testing.TB) { _ = apollotest.NewUnstartedServer("k", nil) }
`)
	write("b.go", `package a
func notATest() { _ = affinitytest.NewServer("k") }
`)
	found, files := uncheckedFakes(t, dir)
	if files != 1 || len(found) != 2 || !strings.Contains(found[0], "a_test.go:2:") || !strings.Contains(found[1], "a_test.go:6:") {
		t.Errorf("read %d files, found %q; want the fakes of TestA and helper", files, found)
	}
}
