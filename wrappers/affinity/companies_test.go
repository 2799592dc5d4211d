package affinity_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// Companies with their global field data, through v2's cursor pages and through v1
// (WithV1Only): the same companies, in the same order, with the same values.
func TestCompaniesThroughV2AndV1(t *testing.T) {
	fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
	t.Cleanup(fake.Close)
	fake.Generate(250)
	v1, err := fake.Client(affinity.WithV1Only())
	if err != nil {
		t.Fatal(err)
	}
	v2, err := fake.Client()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{1000, 1100, 1249} {
		if _, err := v1.CreateFieldValue(t.Context(), affinity.NewFieldValue{FieldID: 662, EntityID: id, Value: affinity.NumberValue(float64(id))}); err != nil {
			t.Fatal(err)
		}
	}
	q := affinity.CompanyQuery{Fields: affinity.FieldSelection{Kinds: []affinity.FieldKind{affinity.FieldGlobal}}}
	list := func(c *affinity.Client) []string {
		var out []string
		for co, err := range c.Companies(t.Context(), q) {
			if err != nil {
				t.Fatal(err)
			}
			var values []string
			for _, f := range co.Fields {
				for _, v := range f.Values {
					values = append(values, fmt.Sprintf("%s=%s", f.Name, v))
				}
			}
			out = append(out, fmt.Sprint(co.ID, co.Name, co.Domain, co.Domains, co.Global, len(co.Fields), values))
		}
		return out
	}
	before := fake.Hits()
	got := list(v2)
	if calls := fake.Hits() - before; calls != 3 {
		t.Errorf("%d requests through v2 for 250 companies, want 3 pages", calls)
	}
	want := list(v1)
	if len(got) != 250 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("v2 gave %d companies, v1 %d; first differing:\n%v\n%v", len(got), len(want), first(got, want), first(want, got))
	}
	co, err := v2.GetCompany(t.Context(), 1100, q.Fields)
	if err != nil || len(co.Fields) != 3 || co.Fields[0].ID != "field-662" || len(co.Fields[0].Values) != 1 || co.Fields[0].Values[0].Number != 1100 {
		t.Errorf("GetCompany = %+v, %v", co, err)
	}
	if _, err := v2.GetCompany(t.Context(), 99, q.Fields); !errors.Is(err, affinity.ErrNotFound) {
		t.Errorf("an unknown company: %v", err)
	}
	var pe *apicall.ParamError
	for _, bad := range []affinity.CompanyQuery{{PageSize: 101}, {IDs: []int64{3, -1}}, {Fields: affinity.FieldSelection{Kinds: []affinity.FieldKind{affinity.FieldList}}}, {Fields: affinity.FieldSelection{IDs: []string{""}}}} {
		if _, err := v2.CompanyPage(t.Context(), bad, ""); !errors.As(err, &pe) {
			t.Errorf("%+v: err = %v, want a ParamError", bad, err)
		}
	}
	// ids select companies, through either API.
	for _, c := range []*affinity.Client{v1, v2} {
		p, err := c.CompanyPage(t.Context(), affinity.CompanyQuery{IDs: []int64{1003, 1001}}, "")
		if err != nil || len(p.Companies) != 2 {
			t.Errorf("ids: %+v, %v", p, err)
		}
	}
}

func first(a, b []string) string {
	for i := range a {
		if i >= len(b) || a[i] != b[i] {
			return a[i]
		}
	}
	return ""
}
