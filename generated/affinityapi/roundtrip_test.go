package affinityapi_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/spectest"
	"github.com/orgapis/orgapis/specs"
)

const testKey = "test-key"

// wantAuth is Affinity's documented auth: empty username, key as password.
var wantAuth = map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(":"+testKey))}

func newClient(t *testing.T, srvURL string) *affinityapi.ClientWithResponses {
	t.Helper()
	c, err := affinityapi.NewClientWithResponses(srvURL, affinityapi.WithRequestEditorFn(
		func(_ context.Context, r *http.Request) error { r.SetBasicAuth("", testKey); return nil }))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func example(t *testing.T, op, status, name string) []byte {
	t.Helper()
	b, err := spectest.Example(specs.Affinity, op, status, name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSearchOrganizationsRoundTrip(t *testing.T) {
	since := time.Date(2021, 1, 1, 0, 0, 0, 0, time.FixedZone("", -8*3600))
	until := time.Date(2021, 1, 12, 23, 59, 59, 0, time.UTC)
	srv := spectest.Server(t, spectest.Request{
		Method: http.MethodGet, Path: "/organizations", Header: wantAuth,
		Query: url.Values{
			"term": {"affinity"}, "with_interaction_dates": {"true"}, "page_size": {"5"},
			"page_token": {"abc"}, "min_last_email_date": {"2021-01-01T00:00:00-08:00"},
			"max_next_event_date": {"2021-01-12T23:59:59Z"},
		},
	}, http.StatusOK, example(t, "searchOrganizations", "200", ""))

	term, yes, size, token := "affinity", true, 5, "abc"
	resp, err := newClient(t, srv.URL).SearchOrganizationsWithResponse(context.Background(), &affinityapi.SearchOrganizationsParams{
		Term: &term, WithInteractionDates: &yes, PageSize: &size, PageToken: &token,
		MinLastEmailDate: &since, MaxNextEventDate: &until,
	})
	if err != nil {
		t.Fatal(err)
	}
	page := resp.JSON200
	if page == nil {
		t.Fatalf("no typed 200 body; status %d", resp.StatusCode())
	}
	if len(page.Organizations) != 2 || page.Organizations[0].ID != 64779194 || page.Organizations[1].Name != "Brand Affinity Technologies" {
		t.Errorf("organizations = %+v", page.Organizations)
	}
	if page.Organizations[0].CrunchbaseUUID != nil || !page.Organizations[1].Global {
		t.Errorf("nullable and boolean fields decoded wrong: %+v", page.Organizations)
	}
	if page.NextPageToken == nil || !strings.HasPrefix(*page.NextPageToken, "eyJwYXJhbXMi") {
		t.Errorf("next_page_token = %v", page.NextPageToken)
	}
}

func TestGetOrganizationRoundTrip(t *testing.T) {
	srv := spectest.Server(t, spectest.Request{
		Method: http.MethodGet, Path: "/organizations/64779194", Header: wantAuth,
		Query: url.Values{"with_interaction_dates": {"true"}, "with_interaction_persons": {"true"}},
	}, http.StatusOK, example(t, "getOrganization", "200", "withInteractionDates"))

	yes := true
	resp, err := newClient(t, srv.URL).GetOrganizationWithResponse(context.Background(), 64779194,
		&affinityapi.GetOrganizationParams{WithInteractionDates: &yes, WithInteractionPersons: &yes})
	if err != nil {
		t.Fatal(err)
	}
	org := resp.JSON200
	if org == nil {
		t.Fatalf("no typed 200 body; status %d", resp.StatusCode())
	}
	if org.PersonIDs == nil || len(org.PersonIDs) != 5 || (org.PersonIDs)[4] != 304848 {
		t.Errorf("person_ids = %v", org.PersonIDs)
	}
	if org.ListEntries == nil || (org.ListEntries)[0].CreatorID == nil || *(org.ListEntries)[0].CreatorID != 38603 {
		t.Errorf("list_entries = %+v", org.ListEntries)
	}
	next := org.Interactions.NextEvent
	if next == nil || next.PersonIDs == nil || len(next.PersonIDs) != 3 {
		t.Errorf("interactions.next_event = %+v", next)
	}
	want := time.Date(2019, 3, 4, 13, 6, 7, 890e6, time.UTC)
	if d := org.InteractionDates.NextEventDate; d == nil || !d.Equal(want) {
		t.Errorf("interaction_dates.next_event_date = %v, want %v", d, want)
	}
}

func TestCreateOrganizationRoundTripJSON(t *testing.T) {
	srv := spectest.Server(t, spectest.Request{
		Method: http.MethodPost, Path: "/organizations", Header: wantAuth, Query: url.Values{},
		JSON: `{"name":"Acme Corporation","domain":"acme.co","person_ids":[38706]}`,
	}, http.StatusOK, example(t, "createOrganization", "200", ""))

	domain := "acme.co"
	ids := []int64{38706}
	resp, err := newClient(t, srv.URL).CreateOrganizationWithResponse(context.Background(),
		affinityapi.CreateOrganizationJSONRequestBody{Name: "Acme Corporation", Domain: &domain, PersonIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	if org := resp.JSON200; org == nil || org.ID != 120611418 || org.Domain == nil || *org.Domain != "acme.co" {
		t.Errorf("created organization = %+v", resp.JSON200)
	}
}

// The documentation's curl examples send form fields with literal brackets; the
// generated client sends whatever body it is given under the form content type.
func TestCreateOrganizationRoundTripForm(t *testing.T) {
	body := "name=Acme+Corporation&domain=acme.co&person_ids[]=1&person_ids[]=2"
	srv := spectest.Server(t, spectest.Request{
		Method: http.MethodPost, Path: "/organizations", Header: map[string]string{
			"Authorization": wantAuth["Authorization"], "Content-Type": "application/x-www-form-urlencoded",
		},
		RawBody: body,
		Form:    url.Values{"name": {"Acme Corporation"}, "domain": {"acme.co"}, "person_ids[]": {"1", "2"}},
	}, http.StatusOK, example(t, "createOrganization", "200", ""))

	resp, err := newClient(t, srv.URL).CreateOrganizationWithBodyWithResponse(context.Background(),
		"application/x-www-form-urlencoded", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200 == nil || resp.JSON200.Name != "Acme Corporation" {
		t.Errorf("created organization = %+v", resp.JSON200)
	}
}

func TestUpdateOrganizationRoundTrip(t *testing.T) {
	srv := spectest.Server(t, spectest.Request{
		Method: http.MethodPut, Path: "/organizations/120611418", Header: wantAuth,
		JSON: `{"name":"Acme Corp.","person_ids":[38706,89734]}`,
	}, http.StatusOK, example(t, "updateOrganization", "200", ""))

	name := "Acme Corp."
	ids := []int64{38706, 89734}
	resp, err := newClient(t, srv.URL).UpdateOrganizationWithResponse(context.Background(), 120611418,
		affinityapi.UpdateOrganizationJSONRequestBody{Name: &name, PersonIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	if org := resp.JSON200; org == nil || org.Name != "Acme Corp." || org.PersonIDs == nil || len(org.PersonIDs) != 2 {
		t.Errorf("updated organization = %+v", resp.JSON200)
	}
}

func TestDeleteOrganizationRoundTrip(t *testing.T) {
	srv := spectest.Server(t, spectest.Request{
		Method: http.MethodDelete, Path: "/organizations/120611418", Header: wantAuth, Query: url.Values{},
	}, http.StatusOK, example(t, "deleteOrganization", "200", ""))

	resp, err := newClient(t, srv.URL).DeleteOrganizationWithResponse(context.Background(), 120611418)
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200 == nil || !resp.JSON200.Success {
		t.Errorf("delete answer = %+v", resp.JSON200)
	}
}

func TestListOrganizationFieldsRoundTrip(t *testing.T) {
	srv := spectest.Server(t, spectest.Request{
		Method: http.MethodGet, Path: "/organizations/fields", Header: wantAuth, Query: url.Values{},
	}, http.StatusOK, example(t, "listOrganizationFields", "200", ""))

	resp, err := newClient(t, srv.URL).ListOrganizationFieldsWithResponse(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fields := resp.JSON200
	if fields == nil || len(*fields) != 3 {
		t.Fatalf("fields = %+v", fields)
	}
	if f := (*fields)[1]; f.ID != 700 || f.Name != "Leads" || f.ValueType != 0 || !f.AllowsMultiple {
		t.Errorf("second field = %+v", f)
	}
}
