package affinity_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/internal/newuser"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
)

// funcText is the text of the function named name in file, from its parameters to
// the end of its body, as gofmt prints it.
func funcText(t *testing.T, file, name string) string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == name {
			var b bytes.Buffer
			for _, n := range []any{fn.Type, fn.Body} {
				if err := printer.Fprint(&b, fset, n); err != nil {
					t.Fatal(err)
				}
			}
			return b.String()
		}
	}
	t.Fatalf("%s has no func %s", file, name)
	return ""
}

// The program Example_newUser shows is, word for word, the one the command's tests run
// against validate mock (internal/newuser), so that both runs prove the same program.
func TestTheNewUserProgramIsOne(t *testing.T) {
	example := funcText(t, "example_newuser_test.go", "program")
	twin := funcText(t, "../../internal/newuser/newuser.go", "Program")
	if example != twin || !strings.Contains(example, "ListRows") {
		t.Errorf("Example_newUser's program and internal/newuser's differ:\n%s\n---\n%s", example, twin)
	}
}

// The new user's program against a fake that holds every request and answer to the
// spec: nothing it sends or is sent is off the spec, and what it prints is the
// Example's.
func TestTheNewUserProgramMeetsTheSpec(t *testing.T) {
	fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
	fake.GenerateList("Deal Flow", 3, 7)
	c, err := fake.Client()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := newuser.Program(t.Context(), c, &out); err != nil {
		t.Fatalf("%v, after printing %q", err, out.String())
	}
	want := "organization: Acme Robotics Inc. acme-robotics.example\nstatus: Won\nOrg 1000 [New]\nOrg 1001 [In Progress]\nOrg 1002 [Won]\nAcme Robotics Inc. [Won]\ndeleted: true\n"
	if out.String() != want {
		t.Errorf("printed %q, want %q", out.String(), want)
	}
	if _, ok := fake.Organization(1003); ok {
		t.Error("the organization is still in the fake")
	}
}
