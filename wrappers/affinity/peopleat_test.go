package affinity_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/internal/newuser"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
)

// funcLines is the number of lines of the function named name in file, from func to
// its closing brace.
func funcLines(t *testing.T, file, name string) int {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == name {
			return fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1
		}
	}
	t.Fatalf("%s has no func %s", file, name)
	return 0
}

// The program Example_peopleAt shows is, word for word, the one the command's tests run
// against validate mock, and it fits in twenty lines, as issue 31 asks.
func TestThePeopleAtProgramIsOne(t *testing.T) {
	example := funcText(t, "example_peopleat_test.go", "peopleAt")
	twin := funcText(t, "../../internal/newuser/peopleat.go", "PeopleAt")
	if example != twin || !strings.Contains(example, "OrganizationPersons") {
		t.Errorf("Example_peopleAt's program and internal/newuser's differ:\n%s\n---\n%s", example, twin)
	}
	if n := funcLines(t, "example_peopleat_test.go", "peopleAt"); n > 20 || n < 10 {
		t.Errorf("the program is %d lines, want at most 20 (and a program)", n)
	}
}

// The program against a fake that holds every request and answer to the spec, with 150
// people at acme.com (two batches of v2) and a note on each: it prints each once, with
// the newest note, in person_ids' order.
func TestThePeopleAtProgramMeetsTheSpec(t *testing.T) {
	fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
	fake.Add(affinity.Organization{ID: 10, Name: "Acme", Domain: "acme.com", Domains: []string{"acme.com", "acme.co.uk"}})
	fake.Generate(20)
	day := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for i := range 150 {
		id := fake.AddPersons(affinity.Person{FirstName: "P", LastName: strings.Repeat("é", i%3+1), Emails: []string{"p@acme.com"[:1] + string(rune('a'+i%26)) + "@acme.com"}, OrganizationIDs: []int64{10}})[0]
		fake.AddNotes(affinity.Note{Content: "old", PersonIDs: []int64{id}, CreatedAt: day}, affinity.Note{Content: "new", PersonIDs: []int64{id}, CreatedAt: day.Add(time.Hour)})
	}
	c, err := fake.Client()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := newuser.PeopleAt(t.Context(), c, "acme.com", &out); err != nil {
		t.Fatalf("%v, after printing %q", err, out.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 150 || strings.Count(out.String(), `: "new"`) != 150 {
		t.Errorf("printed %d lines:\n%s", len(lines), out.String())
	}
	if n := requestsTo(fake, "GET", "/v2/persons"); n != 2 {
		t.Errorf("%d v2 requests for 150 persons, want 2", n)
	}
}
