package apollo_test

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/internal/newuser"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
)

// funcDecl is the function named name in file, with its file set.
func funcDecl(t *testing.T, file, name string) (*token.FileSet, *ast.FuncDecl) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == name {
			return fset, fn
		}
	}
	t.Fatalf("%s has no func %s", file, name)
	return nil, nil
}

// funcText is the signature and body of the function named name in file, as gofmt
// prints them: the same program under two names prints the same.
func funcText(t *testing.T, file, name string) (text string, lines int) {
	t.Helper()
	fset, fn := funcDecl(t, file, name)
	var b bytes.Buffer
	for _, n := range []any{fn.Type, fn.Body} {
		if err := printer.Fprint(&b, fset, n); err != nil {
			t.Fatal(err)
		}
	}
	return b.String(), fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1
}

// The program Example_vpsOfEngineering shows is, word for word, internal/newuser's,
// which the command's tests run against validate mock, and it fits in 25 lines, as
// issue 32 asks.
func TestTheVPsProgramIsOne(t *testing.T) {
	example, lines := funcText(t, "example_vps_test.go", "vpsOfEngineering")
	twin, _ := funcText(t, "../../internal/newuser/vps.go", "VPsOfEngineering")
	if example != twin || !strings.Contains(example, "BulkMatchPeople") {
		t.Errorf("Example_vpsOfEngineering's program and internal/newuser's differ:\n%s\n---\n%s", example, twin)
	}
	if lines > 25 || lines < 10 {
		t.Errorf("the program is %d lines, want at most 25 (and a program)", lines)
	}
}

// The program against a fake held to the spec, with 150 people at 30 companies (two
// pages of search, three bulk requests): it reveals each VP once, spends a credit on
// each and no more, and holds to a budget that is just enough.
func TestTheVPsProgramMeetsTheSpec(t *testing.T) {
	client, fake := setup(t, apollo.WithCreditBudget(30))
	var domains []string
	for i := range 30 {
		d := fmt.Sprintf("c%d.example", i)
		domains = append(domains, d)
		for j := range 5 {
			title, seniority := "Software Engineer", apollo.SenioritySenior
			if j == 0 {
				title, seniority = "VP of Engineering", apollo.SeniorityVP
			}
			fake.AddPeople(apollotest.Person{FirstName: "P", LastName: fmt.Sprintf("%d-%d", i, j), Title: title, Seniority: seniority, Email: fmt.Sprintf("p%d@%s", j, d), Domain: d})
		}
	}
	var out bytes.Buffer
	if err := newuser.VPsOfEngineering(t.Context(), client, domains, &out); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "<p0@"); n != 30 || !strings.HasSuffix(out.String(), "30 VPs of engineering, 30 credits (30 spent by this client in all)\n") {
		t.Errorf("%d VPs printed:\n%s", n, out.String())
	}
	if fake.Credits() != 30 || fake.Hits() != 1+3 {
		t.Errorf("%d credits in %d requests, want 30 in 4 (a page of search, three of enrichment)", fake.Credits(), fake.Hits())
	}
}
