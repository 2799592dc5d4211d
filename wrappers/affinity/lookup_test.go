package affinity_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
)

// asLookup is err's *LookupError, failing the test when it has none.
func asLookup(t *testing.T, err error) *affinity.LookupError {
	t.Helper()
	var le *affinity.LookupError
	if !errors.As(err, &le) {
		t.Fatalf("error %v is not a *LookupError", err)
	}
	return le
}

// Option Won of field Status of list Deal Flow: three lookups, two requests.
func TestLookupDealFlowStatusWon(t *testing.T) {
	c, fake := setup(t)
	fake.GenerateList("Portfolio", 1, 2)
	id := fake.GenerateList("Deal Flow", 3, 7)
	before := fake.Hits()
	list, err := c.ListByName(t.Context(), "Deal Flow")
	if err != nil {
		t.Fatal(err)
	}
	status, err := list.Field("Status")
	if err != nil {
		t.Fatal(err)
	}
	won, err := status.Option("Won")
	if err != nil {
		t.Fatal(err)
	}
	if list.ID != id || status.ListID != id || status.ValueType != affinity.ValueRankedDropdown || won.Text != "Won" || won.ID != id*100+2 {
		t.Errorf("list %d, field %+v, option %+v", list.ID, status, won)
	}
	if n := fake.Hits() - before; n != 2 {
		t.Errorf("ListByName made %d requests, want 2 (the lists, then the one found)", n)
	}
}

// Case and the space around a name do not matter, unless a name matches exactly;
// non-ASCII names fold as they do in strings.EqualFold.
func TestLookupFoldsCaseAndSpace(t *testing.T) {
	c, fake := setup(t)
	id := fake.GenerateList("Über Pipeline", 1, 7)
	for _, name := range []string{"Über Pipeline", "über pipeline", "  ÜBER PIPELINE\t", "\u00dcber Pipeline"} {
		l, err := c.ListByName(t.Context(), name)
		if err != nil || l.ID != id {
			t.Errorf("ListByName(%q) = %d, %v", name, l.ID, err)
		}
		if _, err := l.Field(" close date "); err != nil {
			t.Errorf("Field(\" close date \") of %q: %v", name, err)
		}
	}
	list := affinity.List{ID: 1, Name: "Pipeline", Fields: []affinity.Field{
		{ID: 10, Name: "Über Status"}, {ID: 11, Name: "Статус"}, {ID: 12, Name: "status"}, {ID: 13, Name: "Status"}, {ID: 14, Name: "ΣΤΆΣΗ"},
	}}
	for name, want := range map[string]int64{
		"über status": 10, "ÜBER STATUS": 10, " Über Status ": 10,
		"статус": 11, "СТАТУС": 11, "Статус\n": 11,
		"status": 12, "Status": 13, // exact matches win over the folded one
		"στάση": 14, "ΣΤΆΣΗ": 14,
	} {
		f, err := list.Field(name)
		if err != nil || f.ID != want {
			t.Errorf("Field(%q) = %d, %v; want %d", name, f.ID, err, want)
		}
	}
	// Folded, "STATUS" matches two fields and neither exactly: several, both named.
	_, err := list.Field("STATUS")
	le := asLookup(t, err)
	if !slices.Equal(le.IDs, []int64{12, 13}) || !slices.Equal(le.Candidates, []string{"status", "Status"}) || le.Kind != "field" ||
		!strings.Contains(err.Error(), `2 fields match "STATUS" in list "Pipeline" (id 1): "status", "Status" (ids 12, 13)`) {
		t.Errorf("several: %+v\n%v", le, err)
	}
	// A name folding would match but for letters EqualFold does not fold is no match.
	if _, err := (affinity.List{Fields: []affinity.Field{{ID: 1, Name: "Straße"}}}).Field("STRASSE"); err == nil {
		t.Error("Straße matched STRASSE: EqualFold does not fold ß, and no fold beyond it is promised")
	}
}

// No match names the names there are, closest first; several lists of one name give
// their ids.
func TestLookupNoneAndSeveral(t *testing.T) {
	c, fake := setup(t)
	fake.GenerateList("Portfolio", 1, 1)
	first := fake.GenerateList("Deal Flow", 1, 1)
	fake.GenerateList("Events", 1, 1)
	_, err := c.ListByName(t.Context(), "Deal Flw")
	le := asLookup(t, err)
	if le.Kind != "list" || le.Name != "Deal Flw" || le.IDs != nil || len(le.Candidates) != 3 || le.Candidates[0] != "Deal Flow" || le.More != 0 {
		t.Errorf("none: %+v", le)
	}
	if want := `affinity: no list named "Deal Flw"; there are "Deal Flow", `; !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "more") {
		t.Errorf("none: %q, want it to start %q", err, want)
	}
	second := fake.GenerateList("Deal Flow", 1, 1)
	_, err = c.ListByName(t.Context(), "Deal Flow")
	le = asLookup(t, err)
	if !slices.Equal(le.IDs, []int64{first, second}) || !strings.Contains(err.Error(), fmt.Sprintf("(ids %d, %d)", first, second)) {
		t.Errorf("several: %+v, %v", le, err)
	}
	// No lists at all.
	empty, _ := setup(t)
	_, err = empty.ListByName(t.Context(), "Deal Flow")
	if le := asLookup(t, err); len(le.Candidates) != 0 || !strings.HasSuffix(err.Error(), "which has none") {
		t.Errorf("no lists: %v", err)
	}
}

// A list with many fields lists the ten closest names and counts the rest, and both
// sides of the bound hold: ten names are all listed, eleven leave one out.
func TestLookupBoundsTheNamesItLists(t *testing.T) {
	many := func(n int) affinity.List {
		l := affinity.List{ID: 9, Name: "Wide"}
		for i := range n {
			l.Fields = append(l.Fields, affinity.Field{ID: int64(100 + i), Name: fmt.Sprintf("Column %03d", i)})
		}
		return l
	}
	wide := many(400)
	if f, err := wide.Field("column 321"); err != nil || f.ID != 421 {
		t.Errorf("Field(column 321) = %d, %v", f.ID, err)
	}
	_, err := wide.Field("Colum 321")
	le := asLookup(t, err)
	if len(le.Candidates) != affinity.MaxLookupCandidates || le.More != 390 || le.Candidates[0] != "Column 321" || !strings.HasSuffix(err.Error(), " and 390 more") {
		t.Errorf("400 fields: %d candidates (first %q), %d more: %v", len(le.Candidates), le.Candidates[0], le.More, err)
	}
	for n, more := range map[int]int{10: 0, 11: 1} {
		_, err := many(n).Field("nothing")
		le := asLookup(t, err)
		if len(le.Candidates) != 10 || le.More != more || strings.Contains(err.Error(), "more") != (more > 0) {
			t.Errorf("%d fields: %d candidates, %d more: %v", n, len(le.Candidates), le.More, err)
		}
	}
	// A name of any length costs bounded work, and still sorts after closer ones.
	long := affinity.List{Fields: []affinity.Field{{ID: 1, Name: strings.Repeat("x", 1<<20)}, {ID: 2, Name: "Stage"}}}
	_, err = long.Field("Stag")
	if le := asLookup(t, err); le.Candidates[0] != "Stage" {
		t.Errorf("candidates %q...", le.Candidates[0][:min(10, len(le.Candidates[0]))])
	}
}

// A list from ListLists has no fields: the error says where to get them. Option of a
// field without options says it has none.
func TestLookupSaysWhyThereIsNothing(t *testing.T) {
	c, fake := setup(t)
	fake.GenerateList("Deal Flow", 1, 7)
	lists, err := c.ListLists(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	_, err = lists[0].Field("Status")
	asLookup(t, err)
	if !strings.Contains(err.Error(), "GetList or ListByName") {
		t.Errorf("field of a list without its fields: %v", err)
	}
	list, err := c.ListByName(t.Context(), "Deal Flow")
	if err != nil {
		t.Fatal(err)
	}
	amount, err := list.Field("Amount")
	if err != nil {
		t.Fatal(err)
	}
	_, err = amount.Option("Won")
	if le := asLookup(t, err); le.Kind != "dropdown option" || !strings.Contains(err.Error(), `no dropdown option named "Won" in field "Amount"`) || !strings.HasSuffix(err.Error(), "which has none") {
		t.Errorf("option of a number field: %v", err)
	}
	status, _ := list.Field("Status")
	_, err = status.Option("Lost")
	le := asLookup(t, err)
	sorted := slices.Sorted(slices.Values(le.Candidates))
	if !slices.Equal(sorted, []string{"In Progress", "New", "Won"}) || le.More != 0 {
		t.Errorf("options there are: %q and %d more", le.Candidates, le.More)
	}
}

// FieldByName looks among ListFields' answer for a query, OrganizationFieldByName
// among the organizations' global fields.
func TestFieldByName(t *testing.T) {
	c, fake := setup(t)
	a := fake.GenerateList("Deal Flow", 1, 3)
	b := fake.GenerateList("Portfolio", 1, 3)
	ctx := t.Context()
	f, err := c.FieldByName(ctx, affinity.FieldQuery{ListID: b}, "amount")
	if err != nil || f.ListID != b {
		t.Errorf("Amount of list %d: %+v, %v", b, f, err)
	}
	_, err = c.FieldByName(ctx, affinity.FieldQuery{}, "Amount")
	if le := asLookup(t, err); !slices.Equal(le.IDs, []int64{a*10 + 2, b*10 + 2}) {
		t.Errorf("Amount of every list: %+v", le)
	}
	// Non-ASCII names through the fake, in a list's fields and the global ones.
	uber, err := fake.AddField(a, "Über Status", affinity.ValueRankedDropdown, false, "Gewonnen", "Verloren")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fake.AddField(0, "Статус", affinity.ValueDropdown, false, "Выиграно"); err != nil {
		t.Fatal(err)
	}
	if f, err := c.FieldByName(ctx, affinity.FieldQuery{ListID: a}, "über status"); err != nil || f.ID != uber.ID {
		t.Errorf("über status: %+v, %v", f, err)
	} else if o, err := f.Option("GEWONNEN"); err != nil || o.Text != "Gewonnen" {
		t.Errorf("option GEWONNEN: %+v, %v", o, err)
	}
	if f, err := c.OrganizationFieldByName(ctx, " СТАТУС "); err != nil || f.Name != "Статус" {
		t.Errorf("СТАТУС: %+v, %v", f, err)
	} else if o, err := f.Option("выиграно"); err != nil || o.Text != "Выиграно" {
		t.Errorf("option выиграно: %+v, %v", o, err)
	}
	g, err := c.OrganizationFieldByName(ctx, "potential users")
	if err != nil || g.Name != "Potential Users" || g.ListID != 0 {
		t.Errorf("global field: %+v, %v", g, err)
	}
	_, err = c.OrganizationFieldByName(ctx, "Status")
	if le := asLookup(t, err); le.Within != "the organization fields" || len(le.Candidates) == 0 {
		t.Errorf("global field none: %v", err)
	}
}
