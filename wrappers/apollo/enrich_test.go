package apollo_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
	"github.com/orgapis/orgapis/wrappers/option"
)

func TestEnrichOrganization(t *testing.T) {
	c, fake := setup(t)
	ctx := t.Context()
	org, err := c.EnrichOrganization(ctx, apollo.EnrichQuery{Domain: "apollo.io"})
	if err != nil || org.ID == "" || org.PrimaryDomain != "apollo.io" || org.EstimatedNumEmployees == nil {
		t.Fatalf("enrich = %+v, %v", org, err)
	}
	if _, err := c.EnrichOrganization(ctx, apollo.EnrichQuery{Domain: "nobody.invalid"}); !errors.Is(err, apollo.ErrNotFound) ||
		!strings.Contains(err.Error(), "nobody.invalid") {
		t.Errorf("unknown company: %v", err)
	}
	var pe *apicall.ParamError
	if _, err := c.EnrichOrganization(ctx, apollo.EnrichQuery{}); !errors.As(err, &pe) {
		t.Errorf("empty query: %v", err)
	}
	if fake.Credits() != 1 || fake.Hits() != 2 {
		t.Errorf("credits %d, requests %d; want 1 credit (only the company found) and 2 requests", fake.Credits(), fake.Hits())
	}
	full, err := c.GetOrganization(ctx, org.ID)
	if err != nil || full.ID != org.ID || full.DetailViewLoaded == nil || !*full.DetailViewLoaded {
		t.Errorf("complete information = %+v, %v", full, err)
	}
	var apiErr *apollo.Error
	if _, err := c.GetOrganization(ctx, "not-an-id"); !errors.As(err, &apiErr) || apiErr.StatusCode != 422 {
		t.Errorf("bad id: %v", err)
	}
}

func TestEnrichOrganizationsBatchesInOrder(t *testing.T) {
	c, fake := setup(t)
	var queries []apollo.EnrichQuery
	for i := range 25 {
		q := apollo.EnrichQuery{Domain: fmt.Sprintf("co%d.com", i)}
		switch i % 7 {
		case 3:
			q = apollo.EnrichQuery{Domain: fmt.Sprintf("gone%d.invalid", i)}
		case 5:
			q = apollo.EnrichQuery{Name: fmt.Sprintf("Named %d", i)}
		case 6:
			q = apollo.EnrichQuery{Website: fmt.Sprintf("https://www.site%d.com/about", i)}
		}
		queries = append(queries, q)
	}
	var got []apollo.Enrichment
	for e, err := range c.EnrichOrganizations(t.Context(), queries) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	if len(got) != 25 {
		t.Fatalf("got %d enrichments, want 25", len(got))
	}
	found := 0
	for i, e := range got {
		if e.Query != queries[i] {
			t.Errorf("enrichment %d is for %v, want %v (input order)", i, e.Query, queries[i])
		}
		missing := strings.HasSuffix(queries[i].Domain, ".invalid")
		if missing != (e.Organization == nil) {
			t.Errorf("enrichment %d (%v): organization %v", i, queries[i], e.Organization)
		}
		if e.Organization != nil {
			found++
			if d := queries[i].Domain; d != "" && e.Organization.PrimaryDomain != d {
				t.Errorf("enrichment %d matched %s to %s", i, d, e.Organization.PrimaryDomain)
			}
		}
	}
	if fake.Hits() != 3 || fake.Credits() != found {
		t.Errorf("requests %d, credits %d; want 3 batches and one credit per company found (%d)", fake.Hits(), fake.Credits(), found)
	}
}

func TestEnrichOrganizationsStopsAtTheFirstError(t *testing.T) {
	c, fake := setup(t, option.WithRetries(0))
	queries := make([]apollo.EnrichQuery, 25)
	for i := range queries {
		queries[i] = apollo.EnrichQuery{Domain: fmt.Sprintf("co%d.com", i)}
	}
	fake.Fail(apollotest.Fault{}, apollotest.ServerError(503)) // the second batch fails
	n := 0
	var last error
	for e, err := range c.EnrichOrganizations(t.Context(), queries) {
		if err != nil {
			last = err
			continue
		}
		if e.Organization == nil {
			t.Errorf("%v not found", e.Query)
		}
		n++
	}
	var apiErr *apollo.Error
	if n != 10 || !errors.As(last, &apiErr) || apiErr.StatusCode != 503 || fake.Hits() != 2 {
		t.Errorf("%d enrichments, last error %v, %d requests; want the first batch, then the error, and no third call", n, last, fake.Hits())
	}
	// Breaking out spends no more.
	fake2 := apollotest.NewServer(key, apollotest.WithTest(t))
	defer fake2.Close()
	c2, _ := apollo.NewClient(key, option.WithBaseURL(fake2.URL))
	for range c2.EnrichOrganizations(t.Context(), queries) {
		break
	}
	if fake2.Hits() != 1 || fake2.Credits() != 10 {
		t.Errorf("after break: %d requests, %d credits", fake2.Hits(), fake2.Credits())
	}
	var pe *apicall.ParamError
	for _, err := range c2.EnrichOrganizations(t.Context(), []apollo.EnrichQuery{{Domain: "a.com"}, {}}) {
		if !errors.As(err, &pe) || pe.Param != "details[1]" {
			t.Errorf("empty query: %v", err)
		}
	}
}

func TestSearchFiltersAsSent(t *testing.T) {
	c, fake := setup(t)
	fake.SetResults(0, 1)
	q := apollo.CompanyQuery{
		Domains: []string{"apollo.io"}, TechnologyUIDs: []string{"salesforce"},
		Revenue: apollo.IntRange{Min: 1_000_000, Max: 5_000_000}, TotalFunding: apollo.IntRange{Min: 10},
		LatestFundingAmount: apollo.IntRange{Max: 99}, NumJobs: apollo.IntRange{Min: 2, Max: 3},
		LatestFundingDate: apollo.DateRange{From: time.Date(2023, 1, 2, 23, 0, 0, 0, time.UTC)},
		JobPostedAt:       apollo.DateRange{From: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC)},
		JobTitles:         []string{"sales manager"}, JobLocations: []string{"atlanta"},
	}
	if _, err := c.CompanyPage(t.Context(), q, 1); err != nil {
		t.Fatal(err)
	}
	b := searchBodies(t, fake)[0]
	if *b.RevenueRange.Min != "1000000" || *b.RevenueRange.Max != "5000000" || *b.TotalFundingRange.Min != "10" || b.TotalFundingRange.Max != nil ||
		b.LatestFundingAmountRange.Min != nil || *b.LatestFundingAmountRange.Max != "99" || *b.OrganizationNumJobsRange.Min != "2" {
		t.Errorf("amount ranges = %+v %+v %+v", *b.RevenueRange, *b.TotalFundingRange, *b.LatestFundingAmountRange)
	}
	// Bounds in the right places: min is the earlier date, max the later.
	if *b.LatestFundingDateRange.Min != "2023-01-02" || b.LatestFundingDateRange.Max != nil ||
		*b.OrganizationJobPostedAtRange.Min != "2024-05-01" || *b.OrganizationJobPostedAtRange.Max != "2024-05-31" {
		t.Errorf("date ranges = %+v %+v", *b.LatestFundingDateRange, *b.OrganizationJobPostedAtRange)
	}
	if (b.QOrganizationDomainsList)[0] != "apollo.io" || (b.CurrentlyUsingAnyOfTechnologyUids)[0] != "salesforce" ||
		(b.QOrganizationJobTitles)[0] != "sales manager" || (b.OrganizationJobLocations)[0] != "atlanta" {
		t.Errorf("lists = %+v", b)
	}
	cases := map[string]apollo.CompanyQuery{
		"revenue_range":                    {Revenue: apollo.IntRange{Min: 5, Max: 4}},
		"total_funding_range":              {TotalFunding: apollo.IntRange{Min: -1}},
		"organization_job_posted_at_range": {JobPostedAt: apollo.DateRange{From: time.Now(), To: time.Now().AddDate(0, 0, -1)}},
	}
	before := fake.Hits()
	for param, q := range cases {
		var pe *apicall.ParamError
		if _, err := c.CompanyPage(t.Context(), q, 1); !errors.As(err, &pe) || pe.Param != param {
			t.Errorf("%s: %v", param, err)
		}
	}
	if fake.Hits() != before {
		t.Error("invalid ranges were sent")
	}
}

func TestOAuthToken(t *testing.T) {
	fake := apollotest.NewServer(key, apollotest.WithTest(t))
	defer fake.Close()
	c, err := apollo.NewClient(key, option.WithBaseURL(fake.URL), apollo.WithOAuthToken())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.EnrichOrganization(t.Context(), apollo.EnrichQuery{Domain: "apollo.io"}); err != nil {
		t.Errorf("bearer token refused: %v", err)
	}
}

// bulkAnswer is a server whose bulk enrichment answers with orgs, whatever was asked.
func bulkAnswer(t *testing.T, orgs string) *apollo.Client {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/organizations/bulk_enrich" {
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"status":"success","organizations":%s}`, orgs)
	}))
	t.Cleanup(srv.Close)
	c, err := apollo.NewClient("bulk-test-key-1", option.WithBaseURL(srv.URL+"/api/v1"), option.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEnrichOrganizationsNeverGuesses(t *testing.T) {
	ctx := t.Context()
	t.Run("a regional domain is reported, not dropped", func(t *testing.T) {
		c := bulkAnswer(t, `[{"id":"a","name":"Acme","primary_domain":"acme.com"},{"id":"b","name":"Beta","primary_domain":"beta.com"}]`)
		var got []string
		for e, err := range c.EnrichOrganizations(ctx, []apollo.EnrichQuery{{Domain: "acme.fr"}, {Domain: "beta.com"}}) {
			if err != nil {
				t.Fatal(err)
			}
			line := e.Query.Domain + ":"
			if e.Organization != nil {
				line += e.Organization.ID
			}
			for _, u := range e.Unplaced {
				line += " unplaced " + u.ID
			}
			got = append(got, line)
		}
		if want := []string{"acme.fr: unplaced a", "beta.com:b"}; !slices.Equal(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("an answer of more organizations than queries fails the batch", func(t *testing.T) {
		c := bulkAnswer(t, `[{"id":"a","name":"Acme","primary_domain":"acme.com"},{"id":"z","name":"Zeta","primary_domain":"zeta.com"}]`)
		var err error
		n := 0
		for _, err = range c.EnrichOrganizations(ctx, []apollo.EnrichQuery{{Domain: "acme.com"}}) {
			if err != nil {
				break
			}
			n++
		}
		var apiErr *apollo.Error
		if n != 0 || !errors.As(err, &apiErr) || !errors.Is(err, apollo.ErrMalformedBody) || !strings.Contains(err.Error(), "/organizations: 2 organizations answer a batch of 1 companies") {
			t.Errorf("%d yielded, err = %v", n, err)
		}
	})
	for _, id := range []string{`"id":""`, `"id":null`, `"name":"no id"`} {
		t.Run("an organization with "+id, func(t *testing.T) {
			c := bulkAnswer(t, `[{"id":"a","name":"Acme","primary_domain":"acme.com"},{`+id+`,"primary_domain":"beta.com"}]`)
			for _, err := range c.EnrichOrganizations(ctx, []apollo.EnrichQuery{{Domain: "acme.com"}, {Domain: "beta.com"}}) {
				if !errors.Is(err, apollo.ErrMalformedBody) || !strings.Contains(err.Error(), "/organizations/1/id") {
					t.Errorf("err = %v, want ErrMalformedBody naming /organizations/1/id", err)
				}
				break
			}
		})
	}
}
