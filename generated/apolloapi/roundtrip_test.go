package apolloapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/internal/spectest"
	"github.com/orgapis/orgapis/specs"
)

const testKey = "test-key"

var wantAuth = map[string]string{"x-api-key": testKey}

func newClient(t *testing.T, base string) *apolloapi.ClientWithResponses {
	t.Helper()
	c, err := apolloapi.NewClientWithResponses(base, apolloapi.WithRequestEditorFn(
		func(_ context.Context, r *http.Request) error { r.Header.Set("x-api-key", testKey); return nil }))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func example(t *testing.T, op string) []byte {
	t.Helper()
	b, err := spectest.Example(specs.Apollo, op, "200", "")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Both prefixes reach the service; the spec lists each as a server, and the generated
// client resolves paths against whichever base it is given.
func TestListOrganizationJobPostingsRoundTrip(t *testing.T) {
	for _, prefix := range []string{"/api/v1", "/v1"} {
		t.Run(prefix, func(t *testing.T) {
			srv := spectest.Server(t, spectest.Request{
				Method: http.MethodGet, Path: prefix + "/organizations/54fca1087369647fc0000000/job_postings",
				Header: wantAuth, Query: url.Values{"page": {"2"}, "per_page": {"25"}},
			}, http.StatusOK, example(t, "listOrganizationJobPostings"))

			page, perPage := 2, 25
			resp, err := newClient(t, srv.URL+prefix).ListOrganizationJobPostingsWithResponse(context.Background(),
				"54fca1087369647fc0000000", &apolloapi.ListOrganizationJobPostingsParams{Page: &page, PerPage: &perPage})
			if err != nil {
				t.Fatal(err)
			}
			list := resp.JSON200
			if list == nil || len(list.OrganizationJobPostings) != 3 {
				t.Fatalf("postings = %+v (status %d)", list, resp.StatusCode())
			}
			p := list.OrganizationJobPostings[2]
			want := time.Date(2020, 7, 30, 7, 32, 24, 298e6, time.UTC)
			if p.Title != "Staff Software Engineer, Platforms, Google Cloud" || p.City == nil || *p.City != "Sunnyvale" ||
				p.PostedAt == nil || !p.PostedAt.Equal(want) {
				t.Errorf("third posting = %+v", p)
			}
		})
	}
}

func TestSearchMixedCompaniesRoundTrip(t *testing.T) {
	srv := spectest.Server(t, spectest.Request{
		Method: http.MethodPost, Path: "/api/v1/mixed_companies/search", Query: url.Values{},
		Header: map[string]string{"x-api-key": testKey, "Content-Type": "application/json"},
		JSON: `{"page":1,"per_page":10,"organization_num_employees_ranges":["1,100","1,1000"],
			"organization_locations":["United States"],"organization_not_locations":["Chicago, US"],
			"q_organization_keyword_tags":["sales strategy","lead"],"q_organization_name":"Apollo.io",
			"organization_ids":["63ff0bc1ff57ba0001e7e000"],"prospected_by_current_team":["no"]}`,
	}, http.StatusOK, example(t, "searchMixedCompanies"))

	page, perPage, name := 1, 10, "Apollo.io"
	body := apolloapi.SearchMixedCompaniesJSONRequestBody{
		Page: &page, PerPage: &perPage, QOrganizationName: &name,
		OrganizationNumEmployeesRanges: []string{"1,100", "1,1000"},
		OrganizationLocations:          []string{"United States"},
		OrganizationNotLocations:       []string{"Chicago, US"},
		QOrganizationKeywordTags:       []string{"sales strategy", "lead"},
		OrganizationIDs:                []apolloapi.ObjectID{"63ff0bc1ff57ba0001e7e000"},
		ProspectedByCurrentTeam: []apolloapi.MixedCompaniesSearchRequestProspectedByCurrentTeam{
			apolloapi.MixedCompaniesSearchRequestProspectedByCurrentTeamNo,
		},
	}
	resp, err := newClient(t, srv.URL+"/api/v1").SearchMixedCompaniesWithResponse(context.Background(), nil, body)
	if err != nil {
		t.Fatal(err)
	}
	r := resp.JSON200
	if r == nil {
		t.Fatalf("no typed 200 body; status %d", resp.StatusCode())
	}
	if r.Pagination.TotalPages != 1 || r.Pagination.PerPage != 10 {
		t.Errorf("pagination = %+v", r.Pagination)
	}
	if r.Breadcrumbs == nil || len(r.Breadcrumbs) != 6 || (r.Breadcrumbs)[1].DisplayName != "1-100" {
		t.Errorf("breadcrumbs = %+v", r.Breadcrumbs)
	}
	if r.Accounts == nil || len(r.Accounts) != 1 {
		t.Fatalf("accounts = %+v", r.Accounts)
	}
	a := (r.Accounts)[0]
	if a.Name != "Apollo.io" || a.LinkedinUID == nil || *a.LinkedinUID != "18511550" || a.FoundedYear == nil || *a.FoundedYear != 2015 {
		t.Errorf("account organization fields = %+v", a)
	}
	// The example's number carries an extension, which Apollo cannot put in E.164 form:
	// sanitized_number is null, and a null must decode as absent, not fail the page.
	if a.PrimaryPhone == nil || a.PrimaryPhone.Number == nil || *a.PrimaryPhone.Number != "+1 415-640-9303 ext. 0" ||
		a.PrimaryPhone.SanitizedNumber != nil {
		t.Errorf("primary_phone = %+v", a.PrimaryPhone)
	}
	if a.TypedCustomFields == nil || (a.TypedCustomFields)["5b7aff6c55884769e38XXXXX"] != 7.0 {
		t.Errorf("typed_custom_fields = %v", a.TypedCustomFields)
	}
	if a.ContactCampaignStatusTally == nil || (a.ContactCampaignStatusTally)["paused"] != 4 {
		t.Errorf("contact_campaign_status_tally = %v", a.ContactCampaignStatusTally)
	}
	if r.NumFetchResult != nil || r.Organizations == nil || len(r.Organizations) != 2 {
		t.Fatalf("num_fetch_result = %v, organizations = %v", r.NumFetchResult, r.Organizations)
	}
	// The members real answers carry beyond the documentation page.
	o := (r.Organizations)[1]
	if o.OrganizationRevenue == nil || *o.OrganizationRevenue != 350018000000 || o.MarketCap == nil || *o.MarketCap != "2841.4B" ||
		o.OrganizationHeadcountSixMonthGrowth == nil || *o.OrganizationHeadcountSixMonthGrowth != -0.0112 ||
		o.OwnedByOrganization == nil || o.OwnedByOrganization.Name == nil || *o.OwnedByOrganization.Name != "Alphabet Holdings" {
		t.Errorf("second organization = %+v", o)
	}
	if s := (r.Organizations)[0]; s.SicCodes == nil || (s.SicCodes)[0] != "7375" || s.ShowIntent == nil || !*s.ShowIntent {
		t.Errorf("first organization = %+v", s)
	}
}

func TestEnrichOrganizationRoundTrip(t *testing.T) {
	srv := spectest.Server(t, spectest.Request{
		Method: http.MethodGet, Path: "/api/v1/organizations/enrich", Header: wantAuth,
		Query: url.Values{"domain": {"apollo.io"}, "name": {"Apollo"}},
	}, http.StatusOK, example(t, "enrichOrganization"))
	domain, name := "apollo.io", "Apollo"
	resp, err := newClient(t, srv.URL+"/api/v1").EnrichOrganizationWithResponse(context.Background(),
		&apolloapi.EnrichOrganizationParams{Domain: &domain, Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200 == nil {
		t.Fatalf("no typed 200 body; status %d", resp.StatusCode())
	}
	o := resp.JSON200.Organization
	if o.Name != "Apollo.io" || o.EstimatedNumEmployees == nil || o.FundingEvents == nil || len(o.FundingEvents) == 0 ||
		(o.FundingEvents)[0].Type == nil || *(o.FundingEvents)[0].Type != "Series D" || o.DepartmentalHeadCount == nil ||
		(o.DepartmentalHeadCount)["engineering"] == 0 || o.TotalFunding == nil {
		t.Errorf("enriched organization = %+v", o)
	}
}

// domains[] goes as a literal "domains[]" (oapi-codegen would send domains%5B%5D, which
// Apollo's documentation does not use): a request editor puts the brackets back.
func TestBulkEnrichOrganizationsRoundTrip(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/organizations/bulk_enrich" ||
			r.URL.RawQuery != "domains[]=apollo.io&domains[]=microsoft.com" || r.Header.Get("x-api-key") != testKey {
			t.Errorf("request %s %s?%s", r.Method, r.URL.Path, r.URL.RawQuery)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(example(t, "bulkEnrichOrganizations"))
	}))
	defer srv.Close()
	c, err := apolloapi.NewClientWithResponses(srv.URL+"/api/v1", apolloapi.WithRequestEditorFn(
		func(_ context.Context, r *http.Request) error {
			r.Header.Set("x-api-key", testKey)
			r.URL.RawQuery = strings.ReplaceAll(r.URL.RawQuery, "%5B%5D", "[]")
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.BulkEnrichOrganizationsWithResponse(context.Background(),
		&apolloapi.BulkEnrichOrganizationsParams{Domains: []string{"apollo.io", "microsoft.com"}}, apolloapi.BulkEnrichRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200 == nil || resp.JSON200.Status != "success" || len(resp.JSON200.Organizations) != 2 || resp.JSON200.MissingRecords == nil {
		t.Errorf("bulk answer = %+v (status %d)", resp.JSON200, resp.StatusCode())
	}
	// The details body, which takes precedence.
	srv2 := spectest.Server(t, spectest.Request{
		Method: http.MethodPost, Path: "/api/v1/organizations/bulk_enrich", Query: url.Values{},
		Header: map[string]string{"x-api-key": testKey, "Content-Type": "application/json"},
		JSON:   `{"details":[{"domain":"apollo.io"},{"name":"Microsoft","linkedin_url":"http://www.linkedin.com/company/microsoft"}]}`,
	}, http.StatusOK, example(t, "bulkEnrichOrganizations"))
	d1, n2, l2 := "apollo.io", "Microsoft", "http://www.linkedin.com/company/microsoft"
	body := apolloapi.BulkEnrichRequest{Details: []apolloapi.CompanyIdentity{{Domain: &d1}, {Name: &n2, LinkedinURL: &l2}}}
	if _, err := newClient(t, srv2.URL+"/api/v1").BulkEnrichOrganizationsWithResponse(context.Background(), nil, body); err != nil {
		t.Fatal(err)
	}
}

func TestGetOrganizationRoundTrip(t *testing.T) {
	srv := spectest.Server(t, spectest.Request{
		Method: http.MethodGet, Path: "/api/v1/organizations/5e66b6381e05b4008c8331b8", Header: wantAuth, Query: url.Values{},
	}, http.StatusOK, example(t, "getOrganization"))
	resp, err := newClient(t, srv.URL+"/api/v1").GetOrganizationWithResponse(context.Background(), "5e66b6381e05b4008c8331b8", nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200 == nil || resp.JSON200.Organization.ID != "5e66b6381e05b4008c8331b8" || resp.JSON200.Organization.EmployeeMetrics == nil {
		t.Errorf("complete information = %+v (status %d)", resp.JSON200, resp.StatusCode())
	}
}
