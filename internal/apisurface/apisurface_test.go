package apisurface

import (
	"go/types"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/orgapis/orgapis/"

func generated(p *types.Package) bool { return strings.HasPrefix(p.Path(), module+"generated/") }

// No exported identifier of a wrapper, its options, its errors or its fakes reaches a
// type of the generated clients, at any depth.
func TestWrappersShowNoGeneratedType(t *testing.T) {
	pkgs, err := Load(".", module+"wrappers/...")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, pkg := range pkgs {
		names = append(names, pkg.Path())
		findings, exported := Check(pkg, generated, module)
		if exported == 0 {
			t.Errorf("%s: no exported identifier was checked", pkg.Path())
		}
		for _, f := range findings {
			t.Errorf("%s shows a generated type: %s", pkg.Path(), f)
		}
	}
	// The packages the rule is about must be among those checked: a pattern that
	// matched fewer would pass having checked nothing.
	for _, want := range []string{"affinity", "affinity/affinitytest", "apollo", "apollo/apollotest", "option", "apicall"} {
		if !slices.Contains(names, module+"wrappers/"+want) {
			t.Errorf("wrappers/%s was not checked (checked %v)", want, names)
		}
	}
}

// The checker finds a generated type planted in each way an exported API can show one,
// and nothing where it is hidden.
func TestCheckFindsEveryPlantedType(t *testing.T) {
	pkgs, err := Load(".", "./testdata/planted")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 1 {
		t.Fatalf("loaded %d packages", len(pkgs))
	}
	findings, _ := Check(pkgs[0], generated, module)
	var got []string
	for _, f := range findings {
		got = append(got, f.String())
	}
	want := []string{
		"planted.Alias: affinityapi.Location",
		"planted.Clean.People: result 0: affinityapi.Person",
		"planted.Constrained: type parameter T: affinityapi.Organization",
		"planted.Embeds.Opportunity: affinityapi.Opportunity",
		"planted.Give: result 0: affinityapi.Field",
		"planted.Hidden: result 0.Option: affinityapi.DropdownOption",
		"planted.Iface.Get: result 0: affinityapi.ListPermission",
		"planted.Outer.inner.Dates: affinityapi.InteractionDates",
		"planted.Record.Field: affinityapi.Field",
		"planted.Seq: result 0: type argument 0: affinityapi.ListEntry",
		"planted.Take: parameter 0: affinityapi.List",
		"planted.V: affinityapi.Interaction",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
