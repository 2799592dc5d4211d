package apollo_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/specs"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
	"github.com/orgapis/orgapis/wrappers/option"
)

const key = "apollo-secret-key-456"

func setup(t *testing.T, opts ...option.ClientOption) (*apollo.Client, *apollotest.Server) {
	t.Helper()
	fake := apollotest.NewServer(key, apollotest.WithTest(t))
	t.Cleanup(fake.Close)
	c, err := fake.Client(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c, fake
}

// searchBodies are the search bodies the fake received, decoded as the spec types them.
func searchBodies(t *testing.T, fake *apollotest.Server) []apolloapi.MixedCompaniesSearchRequest {
	t.Helper()
	var out []apolloapi.MixedCompaniesSearchRequest
	for _, raw := range fake.SearchBodies() {
		var b apolloapi.MixedCompaniesSearchRequest
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatalf("search body %s: %v", raw, err)
		}
		out = append(out, b)
	}
	return out
}

func TestCompaniesStopsAtTotalPages(t *testing.T) {
	c, fake := setup(t)
	fake.SetResults(3, 245)
	var accounts, orgs int
	for co, err := range c.Companies(t.Context(), apollo.CompanyQuery{PerPage: 100, Name: "co"}) {
		if err != nil {
			t.Fatal(err)
		}
		if co.Account != nil {
			accounts++
		} else {
			orgs++
		}
		if co.Name() == "" {
			t.Fatal("result without a name")
		}
	}
	if accounts != 3 || orgs != 245 {
		t.Errorf("accounts %d, organizations %d; want 3 and 245", accounts, orgs)
	}
	bodies := searchBodies(t, fake)
	if len(bodies) != 3 {
		t.Fatalf("pages requested = %d, want 3", len(bodies))
	}
	for i, b := range bodies {
		if *b.Page != i+1 || *b.PerPage != 100 || *b.QOrganizationName != "co" {
			t.Errorf("request %d body = page %v per_page %v name %v", i, *b.Page, *b.PerPage, *b.QOrganizationName)
		}
	}
}

func TestSearchPagesStopsAtDisplayCap(t *testing.T) {
	c, fake := setup(t)
	fake.SetResults(0, 120000) // 1,200 pages of 100 reported; 500 displayed
	pages, results := 0, 0
	var last error
	var lastPage apollo.CompanyPage
	for page, err := range c.CompanyPages(t.Context(), apollo.CompanyQuery{PerPage: 100}, 1) {
		if err != nil {
			last = err
			continue
		}
		pages++
		results += len(page.Organizations)
		lastPage = page
	}
	if pages != 500 || results != 50000 {
		t.Errorf("pages %d, results %d; want 500 and 50,000", pages, results)
	}
	if !lastPage.Capped || !errors.Is(last, apollo.ErrResultsCapped) {
		t.Errorf("cap not reported: capped %v, last error %v", lastPage.Capped, last)
	}
	if fake.Hits() != 500 {
		t.Errorf("hits = %d, want 500 (no request past the cap)", fake.Hits())
	}
}

func TestSearchWithoutTotalPagesDoesNotLoop(t *testing.T) {
	c, fake := setup(t)
	fake.SetResults(0, 5)
	n := 0
	for _, err := range c.CompanyPages(t.Context(), apollo.CompanyQuery{}, 1) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 {
		t.Errorf("pages = %d, want 1", n)
	}
}

func TestBreakingOutFetchesNoMore(t *testing.T) {
	c, fake := setup(t)
	fake.SetResults(0, 1000)
	for range c.Companies(t.Context(), apollo.CompanyQuery{PerPage: 10}) {
		break
	}
	if fake.Hits() != 1 {
		t.Errorf("hits = %d, want 1", fake.Hits())
	}
}

func TestJobPostings(t *testing.T) {
	c, fake := setup(t)
	const org = "54fca1087369647fc0000000"
	fake.SetJobPostings(org, 23)
	var titles []string
	for p, err := range c.JobPostings(t.Context(), apollo.JobPostingQuery{OrganizationID: org, PerPage: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		titles = append(titles, p.Title)
	}
	if len(titles) != 23 || titles[22] != "Job 22" {
		t.Errorf("got %d postings, last %q", len(titles), titles[len(titles)-1])
	}
	_, err := c.JobPostingPage(t.Context(), apollo.JobPostingQuery{OrganizationID: "not-an-id", PerPage: 10}, 1)
	var apiErr *apollo.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 422 || !strings.Contains(apiErr.Message, "not a valid ID") {
		t.Errorf("bad id: %v", err)
	}
}

func TestOldPrefixAndLegacyKey(t *testing.T) {
	fake := apollotest.NewServer(key, apollotest.WithTest(t))
	t.Cleanup(fake.Close)
	base := strings.TrimSuffix(fake.URL, "/api/v1") + "/v1"
	c, err := apollo.NewClient(key, option.WithBaseURL(base), apollo.WithLegacyQueryKey())
	if err != nil {
		t.Fatal(err)
	}
	fake.SetResults(0, 2)
	page, err := c.CompanyPage(t.Context(), apollo.CompanyQuery{}, 1)
	if err != nil || len(page.Organizations) != 2 {
		t.Fatalf("legacy search: %+v, %v", page, err)
	}
}

func TestBadParametersSendNothing(t *testing.T) {
	c, fake := setup(t)
	ctx := t.Context()
	cases := map[string]error{}
	_, cases["per_page"] = c.CompanyPage(ctx, apollo.CompanyQuery{PerPage: 101}, 1)
	_, cases["page"] = c.CompanyPage(ctx, apollo.CompanyQuery{}, 501)
	_, cases["organization_num_employees_ranges[1]"] = c.CompanyPage(ctx, apollo.CompanyQuery{EmployeeRanges: []string{"1,10", "10-20"}}, 1)
	_, cases["prospected_by_current_team[0]"] = c.CompanyPage(ctx, apollo.CompanyQuery{ProspectedByCurrentTeam: []apollo.Prospected{"maybe"}}, 1)
	_, cases["organization_id"] = c.JobPostingPage(ctx, apollo.JobPostingQuery{OrganizationID: "", PerPage: 10}, 1)
	for _, err := range c.JobPostings(ctx, apollo.JobPostingQuery{OrganizationID: "54fca1087369647fc0000000", PerPage: 101}) {
		cases["per_page (job postings)"] = err
	}
	for param, err := range cases {
		var pe *apicall.ParamError
		if !errors.As(err, &pe) || pe.Param != strings.TrimSuffix(param, " (job postings)") {
			t.Errorf("%s: error = %v, want a ParamError naming it", param, err)
		}
	}
	if fake.Hits() != 0 {
		t.Errorf("invalid calls sent %d requests", fake.Hits())
	}
	t.Setenv(apollo.EnvAPIKey, "")
	if _, err := apollo.NewClientFromEnv(); err == nil || !strings.Contains(err.Error(), "APOLLO_API_KEY") {
		t.Errorf("missing env key: %v", err)
	}
	if _, err := apollo.NewClient(key, option.WithRetries(-1)); err == nil {
		t.Error("negative retries accepted")
	}
}

func TestSearchIsRetriedThoughPOST(t *testing.T) {
	c, fake := setup(t)
	fake.SetResults(0, 1)
	fake.Fail(apollotest.ServerError(502), apollotest.RateLimited("0"))
	page, err := c.CompanyPage(t.Context(), apollo.CompanyQuery{}, 1)
	if err != nil || len(page.Organizations) != 1 {
		t.Fatalf("page = %+v, %v", page, err)
	}
	if fake.Hits() != 3 {
		t.Errorf("hits = %d, want 3", fake.Hits())
	}
}

func TestErrorShapes(t *testing.T) {
	c, fake := setup(t, option.WithRetries(0))
	fake.Fail(apollotest.Forbidden())
	_, err := c.CompanyPage(t.Context(), apollo.CompanyQuery{}, 1)
	var apiErr *apollo.Error
	if !errors.As(err, &apiErr) || !errors.Is(err, apollo.ErrForbidden) || apiErr.Code != "API_INACCESSIBLE" || !strings.Contains(apiErr.Message, "free plan") {
		t.Errorf("403: %#v", err)
	}
	fake.Fail(apollotest.RateLimited("17"))
	_, err = c.CompanyPage(t.Context(), apollo.CompanyQuery{}, 1)
	if !errors.As(err, &apiErr) || !errors.Is(err, apollo.ErrRateLimited) || apiErr.RetryAfter != 17*time.Second ||
		!strings.Contains(apiErr.Message, "600 times per hour") || apiErr.RequestID == "" {
		t.Errorf("429: %#v", err)
	}
	bad, _ := apollo.NewClient("wrong", option.WithBaseURL(fake.URL))
	_, err = bad.CompanyPage(t.Context(), apollo.CompanyQuery{}, 1)
	if !errors.As(err, &apiErr) || !errors.Is(err, apollo.ErrUnauthorized) || !strings.HasPrefix(apiErr.Message, "Invalid API key") {
		t.Errorf("401: %#v", err)
	}
}

func TestRateLimitVisibleAfterCall(t *testing.T) {
	c, fake := setup(t)
	fake.SetResults(0, 1)
	if _, err := c.CompanyPage(t.Context(), apollo.CompanyQuery{}, 1); err != nil {
		t.Fatal(err)
	}
	rl := c.RateLimit()
	if rl.Minute.Limit != 200 || rl.Minute.Used != 1 || rl.Minute.Remaining != 199 || rl.Hour.Limit != 400 || !rl.Day.Unlimited {
		t.Errorf("rate limit = %+v", rl)
	}
}

func TestKeyNeverShows(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	fake := apollotest.NewServer(key, apollotest.WithTest(t))
	t.Cleanup(fake.Close)
	c, err := apollo.NewClient(key, option.WithBaseURL("http://127.0.0.1:1/api/v1"), apollo.WithLegacyQueryKey(),
		option.WithLogger(logger), option.WithRetries(1), option.WithBackoff(time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CompanyPage(t.Context(), apollo.CompanyQuery{}, 1) // nothing listens on port 1
	if err == nil {
		t.Fatal("want a transport error")
	}
	for what, text := range map[string]string{
		"error": err.Error(), "client %+v": fmt.Sprintf("%+v", c), "client value %+v": fmt.Sprintf("%+v", *c), "client %#v": fmt.Sprintf("%#v", c), "logs": logs.String(),
	} {
		if strings.Contains(text, key) {
			t.Errorf("%s shows the key: %s", what, text)
		}
	}
}

func TestFakeConformsUnderResponseValidation(t *testing.T) {
	var findings []contract.Finding
	var mu sync.Mutex
	v, err := contract.NewEmbedded(t.Context(), specs.Apollo)
	if err != nil {
		t.Fatal(err)
	}
	mw := contract.NewMiddleware(v, func(fs []contract.Finding) {
		mu.Lock()
		defer mu.Unlock()
		findings = append(findings, fs...)
	})
	c, fake := setup(t, option.WithMiddleware(mw.Wrap), option.WithRetries(0))
	fake.SetResults(2, 15)
	fake.SetJobPostings("54fca1087369647fc0000000", 3)
	for _, err := range c.Companies(t.Context(), apollo.CompanyQuery{PerPage: 5}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, err := range c.JobPostings(t.Context(), apollo.JobPostingQuery{OrganizationID: "54fca1087369647fc0000000", PerPage: 2}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	org, err := c.EnrichOrganization(t.Context(), apollo.EnrichQuery{Domain: "apollo.io"})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.EnrichOrganization(t.Context(), apollo.EnrichQuery{Domain: "nobody.invalid"})
	if _, err := c.GetOrganization(t.Context(), org.ID); err != nil {
		t.Fatal(err)
	}
	for _, err := range c.EnrichOrganizations(t.Context(), []apollo.EnrichQuery{{Domain: "a.com"}, {Name: "Unknown"}, {Website: "https://b.com"}}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	fake.Fail(apollotest.RateLimited("1"), apollotest.Forbidden())
	_, _ = c.CompanyPage(t.Context(), apollo.CompanyQuery{}, 1)
	_, _ = c.CompanyPage(t.Context(), apollo.CompanyQuery{}, 1)
	mw.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(findings) != 0 {
		t.Errorf("the fake's answers break the spec: %+v", findings)
	}
}
