package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/internal/newuser"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/option"
)

// The program "everyone we know at a domain, with their last note" (Example_peopleAt in
// package affinity, against its fake) runs unchanged against validate mock: the mock's
// persons sit round robin on its organizations with a note each, so org1000.example has
// the first and the sixth of ten; the mock logs no finding against any of it.
func TestThePeopleAtProgramRunsAgainstValidateMock(t *testing.T) {
	baseURL, stderr := startMock(t, "--api", "affinity", "--orgs", "5", "--lists", "0", "--person-lists", "0", "--persons", "10")
	client, err := affinity.NewClient("mock-key", option.WithBaseURL(baseURL))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := newuser.PeopleAt(t.Context(), client, "org1000.example", &out); err != nil {
		t.Fatalf("%v, after printing %q", err, out.String())
	}
	want := "Person 3000001 <person3000001@org1000.example>: \"Met Person 3000001.\"\n" +
		"Person 3000006 <person3000006@org1000.example>: \"Met Person 3000006.\"\n"
	if out.String() != want {
		t.Errorf("printed %q, want %q", out.String(), want)
	}
	if strings.Contains(stderr.String(), "finding") {
		t.Errorf("the mock logged findings:\n%s", stderr.String())
	}
}
