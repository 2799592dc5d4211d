package affinity_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// texts are the texts of values, in order.
func texts(values []affinity.Value) []string {
	var out []string
	for _, v := range values {
		if v.Type != affinity.ValueFilterableText {
			continue
		}
		out = append(out, v.Text)
	}
	slices.Sort(out)
	return out
}

// Filterable-text values (value type 10), several on one field, non-ASCII, written
// through v1 read back the same through v1's ListFieldValues, ListRows through v1 and
// v2, and GetCompany through v2 and v1.
func TestFilterableTextRoundTrips(t *testing.T) {
	fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
	defer fake.Close()
	list := fake.GenerateList("Deal Flow", 1, 1)
	field, err := fake.AddField(0, "Industries", affinity.ValueFilterableText, true)
	if err != nil {
		t.Fatal(err)
	}
	c, err := affinity.NewClient(key, option.WithBaseURL(fake.URL))
	if err != nil {
		t.Fatal(err)
	}
	v1, err := affinity.NewClient(key, option.WithBaseURL(fake.URL), affinity.WithV1Only())
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.ListEntryPage(t.Context(), affinity.ListEntryQuery{ListID: list}, "")
	if err != nil || len(page.ListEntries) != 1 {
		t.Fatalf("%+v, %v", page, err)
	}
	org := page.ListEntries[0].EntityID
	want := []string{"Fintech", "Ünïcode ☃"}
	for _, text := range want {
		if _, err := c.CreateFieldValue(t.Context(), affinity.NewFieldValue{FieldID: field.ID, EntityID: org, Value: affinity.TextValue(text)}); err != nil {
			t.Fatal(err)
		}
	}
	values, err := c.ListFieldValues(t.Context(), affinity.FieldValueQuery{OrganizationID: org})
	if err != nil {
		t.Fatal(err)
	}
	var fromV1 []affinity.Value
	for _, v := range values {
		if v.FieldID == field.ID {
			fromV1 = append(fromV1, v.Value)
		}
	}
	if got := texts(fromV1); !slices.Equal(got, want) {
		t.Errorf("ListFieldValues: %q, want %q", got, want)
	}
	for name, client := range map[string]*affinity.Client{"v2": c, "v1": v1} {
		for row, err := range client.ListRows(t.Context(), list, affinity.RowOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
			if got := texts(row.Values["Industries"]); !slices.Equal(got, want) {
				t.Errorf("ListRows through %s: %q, want %q", name, got, want)
			}
		}
		co, err := client.GetCompany(t.Context(), org, affinity.FieldSelection{Kinds: []affinity.FieldKind{affinity.FieldGlobal}})
		if err != nil {
			t.Fatal(err)
		}
		var got []affinity.Value
		for _, f := range co.Fields {
			if f.Name == "Industries" {
				got = append(got, f.Values...)
			}
		}
		if !slices.Equal(texts(got), want) {
			t.Errorf("GetCompany through %s: %q, want %q", name, texts(got), want)
		}
	}
}

// A filter's ids are not interchangeable: the values of a list entry are asked for by
// the entry's id, and the same number given as the organization's id (or the
// organization's as the entry's) gives another result, never the entry's values; a
// field's id given as a list's finds no list.
func TestFilterIDsAreNotInterchangeable(t *testing.T) {
	fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
	defer fake.Close()
	list := fake.GenerateList("Deal Flow", 3, 2)
	c, err := affinity.NewClient(key, option.WithBaseURL(fake.URL))
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.ListEntryPage(t.Context(), affinity.ListEntryQuery{ListID: list}, "")
	if err != nil {
		t.Fatal(err)
	}
	e := page.ListEntries[0]
	if e.ID == e.EntityID {
		t.Fatalf("entry %d has the id of its entity: the test cannot tell them apart", e.ID)
	}
	ids := func(q affinity.FieldValueQuery) []int64 {
		values, err := c.ListFieldValues(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, v := range values {
			out = append(out, v.ID)
		}
		return out
	}
	byEntry := ids(affinity.FieldValueQuery{ListEntryID: e.ID})
	byOrg := ids(affinity.FieldValueQuery{OrganizationID: e.EntityID})
	if len(byEntry) == 0 || len(byOrg) == 0 {
		t.Fatalf("entry %d: %d values by entry, %d by organization", e.ID, len(byEntry), len(byOrg))
	}
	for _, swapped := range []affinity.FieldValueQuery{{OrganizationID: e.ID}, {ListEntryID: e.EntityID}} {
		for _, id := range ids(swapped) {
			if slices.Contains(byEntry, id) {
				t.Errorf("%+v gave value %d of entry %d (organization %d)", swapped, id, e.ID, e.EntityID)
			}
		}
	}
	fields, err := c.ListFields(t.Context(), affinity.FieldQuery{ListID: list})
	if err != nil || len(fields) == 0 {
		t.Fatalf("%d fields, %v", len(fields), err)
	}
	if _, err := c.ListEntryPage(t.Context(), affinity.ListEntryQuery{ListID: fields[0].ID}, ""); !errors.Is(err, affinity.ErrNotFound) {
		t.Errorf("entries of list %d, a field's id: err = %v, want ErrNotFound", fields[0].ID, err)
	}
	// The two ids of an entry's lookup: the list's and the entry's, swapped.
	if _, err := c.GetListEntry(t.Context(), e.ID, list); err == nil {
		t.Errorf("GetListEntry with the list and entry ids swapped found an entry")
	}
}

// The wrapper's own check of minLength (a name must not be empty) counts characters,
// not bytes: a one-character non-ASCII name (two bytes) is sent, an empty one refused
// before anything is sent.
func TestMinLengthCountsCharacters(t *testing.T) {
	fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
	defer fake.Close()
	c, err := affinity.NewClient(key, option.WithBaseURL(fake.URL))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"é", "☃", "日本"} {
		o, err := c.CreateOrganization(t.Context(), affinity.NewOrganization{Name: name})
		if err != nil || o.Name != name {
			t.Errorf("CreateOrganization(%q): %+v, %v", name, o, err)
		}
	}
	hits := fake.Hits()
	_, err = c.CreateOrganization(t.Context(), affinity.NewOrganization{Name: ""})
	var param *apicall.ParamError
	if !errors.As(err, &param) || param.Param != "name" || fake.Hits() != hits {
		t.Errorf("an empty name: err = %v, %d requests sent", err, fake.Hits()-hits)
	}
}
