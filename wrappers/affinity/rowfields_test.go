package affinity_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// RowOptions.Fields: the rows carry the chosen fields' values and no others, through
// v2 (which asks for them by id, and for nothing else) and through v1 alike; the
// choice of one call leaves the next call's rows whole.
func TestListRowsCarryOnlyTheChosenFields(t *testing.T) {
	fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
	t.Cleanup(fake.Close)
	list := fake.GenerateList("Deal Flow", 30, 7)
	for _, v1 := range []bool{false, true} {
		var client *affinity.Client
		var err error
		if v1 {
			client, err = fake.Client(affinity.WithV1Only())
		} else {
			client, err = fake.Client()
		}
		if err != nil {
			t.Fatal(err)
		}
		fields, err := client.ListFields(t.Context(), affinity.FieldQuery{ListID: list})
		if err != nil {
			t.Fatal(err)
		}
		var status, amount affinity.Field
		for _, f := range fields {
			switch f.Name {
			case "Status":
				status = f
			case "Amount":
				amount = f
			}
		}
		if status.ID == 0 || amount.ID == 0 {
			t.Fatalf("no Status or Amount among %+v", fields)
		}
		before := len(fake.Requests())
		seen := map[string]int{}
		for row, err := range client.ListRows(t.Context(), list, affinity.RowOptions{Fields: []affinity.Field{status, amount}}) {
			if err != nil {
				t.Fatal(err)
			}
			for name := range row.Values {
				seen[name]++
			}
		}
		if len(seen) != 2 || seen["Status"] == 0 || seen["Amount"] == 0 {
			t.Errorf("v1 %v: values of %v, want Status and Amount only", v1, seen)
		}
		if !v1 {
			reqs := fake.Requests()[before:]
			q := reqs[0].Query
			if got := q["fieldIds"]; len(got) != 2 || got[0] != fmt.Sprintf("field-%d", status.ID) || q.Has("fieldTypes") {
				t.Errorf("v2 asked %s, want fieldIds of Status and Amount and no fieldTypes", reqs[0].Query.Encode())
			}
		}
		// The next call without a choice has every field again.
		all := map[string]bool{}
		for row, err := range client.ListRows(t.Context(), list, affinity.RowOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
			for name := range row.Values {
				all[name] = true
			}
		}
		if len(all) < 5 {
			t.Errorf("v1 %v: a call without Fields has values of %d fields, want the list's", v1, len(all))
		}
	}
}

func TestListRowsRefusesABadChoiceOfFields(t *testing.T) {
	client, n := v2Pages(t, 0, func(int, string) string { return "" })
	many := make([]affinity.Field, affinity.MaxRowFields+1)
	for i := range many {
		many[i] = affinity.Field{ID: int64(i + 1), Name: "F"}
	}
	for _, c := range []struct {
		fields []affinity.Field
		param  string
	}{
		{many, "fields"},
		{[]affinity.Field{{ID: 5, Name: "A"}, {ID: 0, Name: "Größe"}}, "fields[1].id"},
	} {
		for _, err := range client.ListRows(t.Context(), 5, affinity.RowOptions{Fields: c.fields}) {
			var pe *apicall.ParamError
			if !errors.As(err, &pe) || pe.Param != c.param {
				t.Errorf("%d fields: err = %v, want a ParamError for %s", len(c.fields), err, c.param)
			}
			if c.param != "fields" && !strings.Contains(err.Error(), "Größe") {
				t.Errorf("err %q does not name the field", err)
			}
			break
		}
	}
	if n.Load() != 0 {
		t.Errorf("%d requests sent", n.Load())
	}
	// MaxRowFields itself passes the check, and each is asked for.
	client, n = v2Pages(t, 1, func(int, string) string { return `{"data": [], "pagination": {"nextUrl": null}}` })
	for _, err := range client.ListRows(t.Context(), 5, affinity.RowOptions{Fields: many[:affinity.MaxRowFields]}) {
		var pe *apicall.ParamError
		if errors.As(err, &pe) {
			t.Errorf("%d fields refused: %v", affinity.MaxRowFields, err)
		}
		break
	}
	if n.Load() != 1 {
		t.Errorf("%d requests sent for %d fields, want 1", n.Load(), affinity.MaxRowFields)
	}
}

// RowOptions.SavedViewID reads the view's entries (the fake's one view of a list keeps
// every entry) from the view's own path; a view with fields chosen, a negative view
// and a v1-only client are refused before anything is sent.
func TestListRowsOfASavedView(t *testing.T) {
	fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
	t.Cleanup(fake.Close)
	list := fake.GenerateList("Deal Flow", 130, 3)
	client, err := fake.Client()
	if err != nil {
		t.Fatal(err)
	}
	before := len(fake.Requests())
	var ids []int64
	for row, err := range client.ListRows(t.Context(), list, affinity.RowOptions{SavedViewID: list*10 + 1}) {
		if err != nil {
			t.Fatal(err)
		}
		if row.Organization == nil || len(row.Values) == 0 {
			t.Fatalf("row %+v without its organization or the view's columns", row.Entry)
		}
		ids = append(ids, row.Entry.ID)
	}
	reqs := fake.Requests()[before:]
	if len(ids) != 130 || len(reqs) != 2 || reqs[0].Path != fmt.Sprintf("/v2/lists/%d/saved-views/%d/list-entries", list, list*10+1) {
		t.Errorf("%d rows in %d requests (%+v)", len(ids), len(reqs), reqs)
	}
	v1, err := fake.Client(affinity.WithV1Only())
	if err != nil {
		t.Fatal(err)
	}
	before = len(fake.Requests())
	for _, c := range []struct {
		client *affinity.Client
		opts   affinity.RowOptions
		param  string
	}{
		{client, affinity.RowOptions{SavedViewID: -3}, "saved_view_id"},
		{client, affinity.RowOptions{SavedViewID: 5011, Fields: []affinity.Field{{ID: 5011, Name: "Status"}}}, "fields"},
		{v1, affinity.RowOptions{SavedViewID: 5011}, "saved_view_id"},
	} {
		for _, err := range c.client.ListRows(t.Context(), list, c.opts) {
			var pe *apicall.ParamError
			if !errors.As(err, &pe) || pe.Param != c.param {
				t.Errorf("%+v: err = %v, want a ParamError for %s", c.opts, err, c.param)
			}
			break
		}
	}
	if n := len(fake.Requests()) - before; n != 0 {
		t.Errorf("%d requests sent for refused options", n)
	}
}

// With RowOptions.Fields, a chosen field without a value is present with none (v2
// carries it, v1 sends every value), and one a v2 answer leaves out is absent: a
// writer tells "empty" from "unknown", and does not fill over a value it never saw.
func TestListRowsTellALeftOutFieldFromAnEmptyOne(t *testing.T) {
	fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
	t.Cleanup(fake.Close)
	list := fake.GenerateList("Deal Flow", 12, 7)
	for _, v1 := range []bool{false, true} {
		var opts []option.ClientOption
		if v1 {
			opts = append(opts, affinity.WithV1Only())
		}
		client, err := fake.Client(opts...)
		if err != nil {
			t.Fatal(err)
		}
		fields, err := client.ListFields(t.Context(), affinity.FieldQuery{ListID: list})
		if err != nil {
			t.Fatal(err)
		}
		global, err := client.ListOrganizationFields(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var chosen []affinity.Field
		for _, f := range append(fields, global...) {
			if (f.Name == "Status" && f.ListID == list) || f.Name == "Last Funding Date" {
				chosen = append(chosen, f)
			}
		}
		if len(chosen) != 2 {
			t.Fatalf("chosen %+v", chosen)
		}
		rows, empty := 0, 0
		for row, err := range client.ListRows(t.Context(), list, affinity.RowOptions{Fields: chosen}) {
			if err != nil {
				t.Fatal(err)
			}
			rows++
			for _, f := range chosen {
				vs, ok := row.Values[f.Name]
				if !ok {
					t.Errorf("v1 %v: entry %d: chosen field %q absent, want present (empty or not)", v1, row.Entry.ID, f.Name)
				}
				if ok && len(vs) == 0 {
					empty++
				}
			}
		}
		if rows != 12 || empty == 0 {
			t.Errorf("v1 %v: %d rows, %d empty chosen values; want 12 rows and some empty", v1, rows, empty)
		}
		if v1 {
			continue
		}
		// A v2 page that leaves the chosen fields out: absent, not empty.
		page := fmt.Sprintf(`{"data": [{"createdAt": "2026-01-01T00:00:00Z", "creatorId": 1, "id": 77, "listId": %d, "type": "company",
			"entity": {"id": 1000, "name": "Café Ünïcode", "domain": "cafe.example", "domains": ["cafe.example"], "isGlobal": false, "fields": []}}],
			"pagination": {"prevUrl": null, "nextUrl": null}}`, list)
		fake.Fail(affinitytest.Fault{Status: 200, Body: page, ContentType: "application/json"})
		n := 0
		for row, err := range client.ListRows(t.Context(), list, affinity.RowOptions{Fields: chosen}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
			if len(row.Values) != 0 {
				t.Errorf("a page without the fields gave values %v, want none present", row.Values)
			}
		}
		if n != 1 {
			t.Errorf("%d rows from the planted page, want 1", n)
		}
	}
}
