package apollo_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
	"github.com/orgapis/orgapis/wrappers/option"
)

// queries serves empty job-posting pages and records the query of each request.
func queries(t *testing.T) (*apollo.Client, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.RawQuery)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"organization_job_postings":[]}`))
	}))
	t.Cleanup(srv.Close)
	c, err := apollo.NewClient(key, option.WithBaseURL(srv.URL+"/api/v1"), option.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return c, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}

// The exact query a job-posting page sends: per_page only when asked for.
func TestJobPostingPageQuery(t *testing.T) {
	c, seen := queries(t)
	ctx := t.Context()
	org := "54fca1087369647fc0000000"
	for _, q := range []apollo.JobPostingQuery{{OrganizationID: org}, {OrganizationID: org, PerPage: 25}} {
		if _, err := c.JobPostingPage(ctx, q, 3); err != nil {
			t.Fatal(err)
		}
	}
	if got := seen(); len(got) != 2 || got[0] != "page=3" || got[1] != "page=3&per_page=25" {
		t.Errorf("queries = %q, want [page=3 page=3&per_page=25]", got)
	}
}

// Iteration from a start page counts the postings before it against Apollo's cap:
// from the page just past the cap nothing is asked for, from the last page one is.
func TestJobPostingPagesStartCountsAgainstTheCap(t *testing.T) {
	org := "54fca1087369647fc0000000"
	for start, want := range map[int][]string{
		apollo.MaxJobPostings/100 + 1: nil,
		apollo.MaxJobPostings / 100:   {"page=100&per_page=100"},
	} {
		c, seen := queries(t)
		for _, err := range c.JobPostingPages(t.Context(), apollo.JobPostingQuery{OrganizationID: org, PerPage: 100}, start) {
			if err != nil {
				t.Fatal(err)
			}
		}
		if got := seen(); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("from page %d: queries %q, want %q", start, got, want)
		}
	}
}

// The prospected filter is sent when given, and absent from the body when not.
func TestProspectedFilterAsSent(t *testing.T) {
	c, fake := setup(t)
	fake.SetResults(0, 1)
	ctx := t.Context()
	if _, err := c.CompanyPage(ctx, apollo.CompanyQuery{}, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CompanyPage(ctx, apollo.CompanyQuery{ProspectedByCurrentTeam: []apollo.Prospected{apollo.NetNewOnly}}, 1); err != nil {
		t.Fatal(err)
	}
	b := searchBodies(t, fake)
	if len(b) != 2 || b[0].ProspectedByCurrentTeam != nil {
		t.Fatalf("without the filter the body carries %v", b[0].ProspectedByCurrentTeam)
	}
	if p := b[1].ProspectedByCurrentTeam; p == nil || len(p) != 1 || string((p)[0]) != string(apollo.NetNewOnly) {
		t.Errorf("prospected_by_current_team = %v, want [%s]", p, apollo.NetNewOnly)
	}
}

func TestErrorTextNamesTheRequestOnlyWhenKnown(t *testing.T) {
	with := (&apollo.Error{Service: "apollo", Operation: "searchMixedCompanies", StatusCode: 500, RequestID: "req-7"}).Error()
	without := (&apollo.Error{Service: "apollo", Operation: "searchMixedCompanies", StatusCode: 500}).Error()
	if with != "apollo: searchMixedCompanies: HTTP 500 (request req-7)" || without != "apollo: searchMixedCompanies: HTTP 500" {
		t.Errorf("Error() = %q and %q", with, without)
	}
}

// A whole number of batches makes exactly that many calls, and no input makes none.
func TestEnrichOrganizationsBatchBoundaries(t *testing.T) {
	for _, n := range []int{0, apollo.MaxBulkEnrich, 2 * apollo.MaxBulkEnrich} {
		c, fake := setup(t)
		var queries []apollo.EnrichQuery
		for i := range n {
			queries = append(queries, apollo.EnrichQuery{Domain: fmt.Sprintf("co%d.com", i)})
		}
		got := 0
		for _, err := range c.EnrichOrganizations(t.Context(), queries) {
			if err != nil {
				t.Fatalf("%d companies: %v", n, err)
			}
			got++
		}
		if got != n || fake.Hits() != n/apollo.MaxBulkEnrich {
			t.Errorf("%d companies: %d answers in %d calls", n, got, fake.Hits())
		}
	}
}

// Reads are repeated after a server error: a job-postings page, enrichment and complete
// information each succeed on their second attempt.
func TestReadsAreRetried(t *testing.T) {
	c, fake := setup(t)
	ctx := t.Context()
	calls := map[string]func() error{
		"job postings": func() error {
			_, err := c.JobPostingPage(ctx, apollo.JobPostingQuery{OrganizationID: "54fca1087369647fc0000000"}, 1)
			return err
		},
		"enrichment": func() error { _, err := c.EnrichOrganization(ctx, apollo.EnrichQuery{Domain: "apollo.io"}); return err },
	}
	for name, call := range calls {
		before := fake.Hits()
		fake.Fail(apollotest.ServerError(503))
		if err := call(); err != nil || fake.Hits()-before != 2 {
			t.Errorf("%s: %v after %d requests, want success after 2", name, err, fake.Hits()-before)
		}
	}
}
