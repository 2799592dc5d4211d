package affinityapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/spectest"
)

// One round trip per list, field and account operation: the request the generated
// client sends (method, path, query, body) and the typed decoding of the spec's example.
func TestListAndFieldOperationsRoundTrip(t *testing.T) {
	ctx := context.Background()
	jsonHeader := map[string]string{"Authorization": wantAuth["Authorization"], "Content-Type": "application/json"}
	cases := []struct {
		name    string
		want    spectest.Request
		example []byte
		call    func(c *affinityapi.ClientWithResponses) (int, error)
	}{
		{"listLists", spectest.Request{Method: "GET", Path: "/lists", Header: wantAuth, Query: url.Values{}}, example(t, "listLists", "200", ""),
			func(c *affinityapi.ClientWithResponses) (int, error) {
				r, err := c.ListListsWithResponse(ctx)
				if err != nil || r.JSON200 == nil || (*r.JSON200)[1].Name != "My List of Organizations" || (*r.JSON200)[1].Type != 1 {
					return 0, err
				}
				return len(*r.JSON200), nil
			}},
		{"getList", spectest.Request{Method: "GET", Path: "/lists/450", Header: wantAuth, Query: url.Values{}}, example(t, "getList", "200", ""),
			func(c *affinityapi.ClientWithResponses) (int, error) {
				r, err := c.GetListWithResponse(ctx, 450)
				if err != nil || r.JSON200 == nil || r.JSON200.Fields == nil || (r.JSON200.Fields)[0].DropdownOptions[0].Text != "Interested" {
					return 0, err
				}
				return len(r.JSON200.Fields), nil
			}},
		{"listListEntries", spectest.Request{Method: "GET", Path: "/lists/450/list-entries", Header: wantAuth,
			Query: url.Values{"page_size": {"2"}, "page_token": {"t"}}}, example(t, "listListEntries", "200", "paginated"),
			func(c *affinityapi.ClientWithResponses) (int, error) {
				size, token := 2, "t"
				r, err := c.ListListEntriesWithResponse(ctx, 450, &affinityapi.ListListEntriesParams{PageSize: &size, PageToken: &token})
				if err != nil || r.JSON200 == nil {
					return 0, err
				}
				page, err := r.JSON200.AsListEntryPage()
				if err != nil || page.NextPageToken == nil {
					return 0, err
				}
				person, err := page.ListEntries[0].Entity.AsPerson()
				if err != nil || *person.PrimaryEmail != "team@affinity.co" {
					return 0, err
				}
				return len(page.ListEntries), nil
			}},
		{"listListEntries bare", spectest.Request{Method: "GET", Path: "/lists/450/list-entries", Header: wantAuth, Query: url.Values{}},
			example(t, "listListEntries", "200", "bare"),
			func(c *affinityapi.ClientWithResponses) (int, error) {
				r, err := c.ListListEntriesWithResponse(ctx, 450, nil)
				if err != nil || r.JSON200 == nil {
					return 0, err
				}
				all, err := r.JSON200.AsListListEntries200JSONResponseBody1()
				return len(all), err
			}},
		{"getListEntry", spectest.Request{Method: "GET", Path: "/lists/450/list-entries/16367", Header: wantAuth, Query: url.Values{}},
			example(t, "getListEntry", "200", ""),
			func(c *affinityapi.ClientWithResponses) (int, error) {
				r, err := c.GetListEntryWithResponse(ctx, 450, 16367)
				if err != nil || r.JSON200 == nil || r.JSON200.ID != 16367 {
					return 0, err
				}
				return 1, nil
			}},
		{"createListEntry", spectest.Request{Method: "POST", Path: "/lists/450/list-entries", Header: jsonHeader, Query: url.Values{},
			JSON: `{"entity_id":38706}`}, example(t, "createListEntry", "200", ""),
			func(c *affinityapi.ClientWithResponses) (int, error) {
				r, err := c.CreateListEntryWithResponse(ctx, 450, affinityapi.ListEntryCreate{EntityID: 38706})
				if err != nil || r.JSON200 == nil || r.JSON200.EntityID != 38706 {
					return 0, err
				}
				return 1, nil
			}},
		{"deleteListEntry", spectest.Request{Method: "DELETE", Path: "/lists/450/list-entries/56517", Header: wantAuth, Query: url.Values{}},
			example(t, "deleteListEntry", "200", ""),
			func(c *affinityapi.ClientWithResponses) (int, error) {
				r, err := c.DeleteListEntryWithResponse(ctx, 450, 56517)
				if err != nil || r.JSON200 == nil || !r.JSON200.Success {
					return 0, err
				}
				return 1, nil
			}},
		{"listFields", spectest.Request{Method: "GET", Path: "/fields", Header: wantAuth,
			Query: url.Values{"list_id": {"11"}, "value_type": {"3"}, "entity_type": {"1"}, "with_modified_names": {"true"}, "exclude_dropdown_options": {"true"}}},
			example(t, "listFields", "200", ""),
			func(c *affinityapi.ClientWithResponses) (int, error) {
				list, vt, et, yes := int64(11), 3, 1, true
				r, err := c.ListFieldsWithResponse(ctx, &affinityapi.ListFieldsParams{ListID: &list, ValueType: &vt, EntityType: &et,
					WithModifiedNames: &yes, ExcludeDropdownOptions: &yes})
				if err != nil || r.JSON200 == nil || *(*r.JSON200)[2].EnrichmentSource != "dealroom" {
					return 0, err
				}
				return len(*r.JSON200), nil
			}},
		{"listFieldValues", spectest.Request{Method: "GET", Path: "/field-values", Header: wantAuth, Query: url.Values{"person_id": {"38706"}}},
			example(t, "listFieldValues", "200", ""),
			func(c *affinityapi.ClientWithResponses) (int, error) {
				person := int64(38706)
				r, err := c.ListFieldValuesWithResponse(ctx, &affinityapi.ListFieldValuesParams{PersonID: &person})
				if err != nil || r.JSON200 == nil {
					return 0, err
				}
				values := *r.JSON200
				loc, err := values[0].Value.AsLocation()
				if err != nil || *loc.City != "San Francisco" || values[1].ID != 2634897436 {
					return 0, err
				}
				opt, err := values[3].Value.AsDropdownOption()
				if err != nil || opt.Text != "Low" {
					return 0, err
				}
				return len(values), nil
			}},
		{"createFieldValue", spectest.Request{Method: "POST", Path: "/field-values", Header: jsonHeader, Query: url.Values{},
			JSON: `{"field_id":1284,"value":"Architecture","entity_id":38706}`}, example(t, "createFieldValue", "200", ""),
			func(c *affinityapi.ClientWithResponses) (int, error) {
				var v affinityapi.Value
				if err := v.UnmarshalJSON([]byte(`"Architecture"`)); err != nil {
					return 0, err
				}
				r, err := c.CreateFieldValueWithResponse(ctx, affinityapi.FieldValueCreate{FieldID: 1284, EntityID: 38706, Value: v})
				if err != nil || r.JSON200 == nil || r.JSON200.ID != 20406836 {
					return 0, err
				}
				return 1, nil
			}},
		{"updateFieldValue", spectest.Request{Method: "PUT", Path: "/field-values/20406836", Header: jsonHeader, Query: url.Values{},
			JSON: `{"value":"Healthcare"}`}, example(t, "updateFieldValue", "200", ""),
			func(c *affinityapi.ClientWithResponses) (int, error) {
				var v affinityapi.Value
				_ = json.Unmarshal([]byte(`"Healthcare"`), &v)
				r, err := c.UpdateFieldValueWithResponse(ctx, 20406836, affinityapi.FieldValueUpdate{Value: v})
				if err != nil || r.JSON200 == nil || r.JSON200.UpdatedAt == nil {
					return 0, err
				}
				return 1, nil
			}},
		{"deleteFieldValue", spectest.Request{Method: "DELETE", Path: "/field-values/20406836", Header: wantAuth, Query: url.Values{}},
			example(t, "deleteFieldValue", "200", ""),
			func(c *affinityapi.ClientWithResponses) (int, error) {
				r, err := c.DeleteFieldValueWithResponse(ctx, 20406836)
				if err != nil || r.JSON200 == nil || !r.JSON200.Success {
					return 0, err
				}
				return 1, nil
			}},
		{"listFieldValueChanges", spectest.Request{Method: "GET", Path: "/field-value-changes", Header: wantAuth,
			Query: url.Values{"field_id": {"236333"}, "action_type": {"0"}, "list_entry_id": {"15709964"}}}, example(t, "listFieldValueChanges", "200", ""),
			func(c *affinityapi.ClientWithResponses) (int, error) {
				action, entry := 0, int64(15709964)
				r, err := c.ListFieldValueChangesWithResponse(ctx, &affinityapi.ListFieldValueChangesParams{FieldID: 236333, ActionType: &action, ListEntryID: &entry})
				if err != nil || r.JSON200 == nil || (*r.JSON200)[0].Changer == nil || *(*r.JSON200)[0].Changer.FirstName != "Jane" {
					return 0, err
				}
				return len(*r.JSON200), nil
			}},
		{"getRateLimit", spectest.Request{Method: "GET", Path: "/rate-limit", Header: wantAuth, Query: url.Values{}}, example(t, "getRateLimit", "200", ""),
			func(c *affinityapi.ClientWithResponses) (int, error) {
				r, err := c.GetRateLimitWithResponse(ctx)
				if err != nil || r.JSON200 == nil {
					return 0, err
				}
				limit, err := r.JSON200.Rate.APIKeyPerMinute.Limit.AsQuotaCount0()
				if err != nil || limit != 900 {
					return 0, err
				}
				return 1, nil
			}},
		{"whoAmI", spectest.Request{Method: "GET", Path: "/auth/whoami", Header: wantAuth, Query: url.Values{}}, example(t, "whoAmI", "200", ""),
			func(c *affinityapi.ClientWithResponses) (int, error) {
				r, err := c.WhoAmIWithResponse(ctx)
				if err != nil || r.JSON200 == nil || *r.JSON200.Tenant.Subdomain != "affinity" || *r.JSON200.User.FirstName != "John" {
					return 0, err
				}
				return 1, nil
			}},
	}
	wantCounts := map[string]int{"listLists": 2, "getList": 2, "listListEntries": 2, "listListEntries bare": 1, "listFields": 3, "listFieldValues": 4}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := spectest.Server(t, tc.want, http.StatusOK, tc.example)
			n, err := tc.call(newClient(t, srv.URL))
			want := wantCounts[tc.name]
			if want == 0 {
				want = 1
			}
			if err != nil || n != want {
				t.Errorf("decoded %d items, %v; want %d", n, err, want)
			}
		})
	}
}
