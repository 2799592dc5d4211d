package apollo_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Do reaches the fake under the client's base path with the client's key: a request
// the fake would refuse without it comes back with an organization.
func TestDoUsesTheKeyAndTheBasePath(t *testing.T) {
	c, fake := setup(t)
	var out struct {
		Organization struct {
			ID, Name string
		}
	}
	id := "54fca1087369647fc0000000"
	if err := c.Do(t.Context(), http.MethodGet, "organizations/"+id, nil, nil, &out); err != nil {
		t.Fatal(err)
	}
	if out.Organization.ID != id || out.Organization.Name == "" {
		t.Errorf("out = %+v", out)
	}
	// The same request with another key is the fake's 401, scrubbed of that key.
	other, err := apollo.NewClient("not-the-key-0000", option.WithBaseURL(fake.URL))
	if err != nil {
		t.Fatal(err)
	}
	err = other.Do(t.Context(), http.MethodGet, "organizations/"+id, nil, nil, &out)
	if !errors.Is(err, apollo.ErrUnauthorized) {
		t.Errorf("another key: %v, want ErrUnauthorized", err)
	}
	// Paths that leave /api/v1 are refused before anything is sent.
	hits := fake.Hits()
	for _, path := range []string{"../v2/organizations", "%2e%2e/x", fake.URL + "/organizations/" + id, "//127.0.0.1/x"} {
		var pe *apicall.ParamError
		if err := c.Do(t.Context(), http.MethodGet, path, nil, nil, nil); !errors.As(err, &pe) || pe.Param != "path" || pe.Service != "apollo" {
			t.Errorf("%q: %v, want a ParamError for path", path, err)
		}
	}
	if fake.Hits() != hits {
		t.Errorf("%d requests sent for refused paths", fake.Hits()-hits)
	}
}

// A POST to the search repeats on 503, as CompanyPage does, since it only reads; a
// POST elsewhere that reached Apollo is not repeated.
func TestDoRetriesByApollosRule(t *testing.T) {
	c, fake := setup(t, apollo.WithSleep(func(context.Context, time.Duration) error { return nil }))
	fake.SetResults(0, 3)
	fake.Fail(apollotest.ServerError(http.StatusServiceUnavailable))
	var page struct {
		Organizations []json.RawMessage `json:"organizations"`
	}
	hits := fake.Hits()
	if err := c.Do(t.Context(), http.MethodPost, "mixed_companies/search", nil, map[string]int{"page": 1}, &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Organizations) != 3 || fake.Hits()-hits != 2 {
		t.Errorf("%d organizations after %d requests, want 3 after 2", len(page.Organizations), fake.Hits()-hits)
	}

	// A write is an endpoint the spec, and so the fake, does not have: a server of the
	// test's own answers it, 503 every time.
	var writes atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writes.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	c, err := apollo.NewClient(key, option.WithBaseURL(srv.URL+"/api/v1"), apollo.WithSleep(func(context.Context, time.Duration) error { return nil }))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Do(t.Context(), http.MethodPost, "contacts", nil, map[string]string{"first_name": "Ada"}, nil)
	var apiErr *apollo.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable || writes.Load() != 1 {
		t.Errorf("a write: %v after %d requests, want the 503 after 1", err, writes.Load())
	}
	// The same server's 503 to a GET is repeated, so the one above was the rule's doing.
	writes.Store(0)
	if err := c.Do(t.Context(), http.MethodGet, "contacts/1", nil, nil, nil); !errors.As(err, &apiErr) || writes.Load() != 4 {
		t.Errorf("a read: %v after %d requests, want the 503 after 4", err, writes.Load())
	}
}

// WithJSONSet reaches the body of a search and WithQuery the query of a job-posting
// page; neither stays for the next call.
func TestJSONSetAndQueryOnApollosMethods(t *testing.T) {
	var mu sync.Mutex
	var bodies, queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		queries = append(queries, r.URL.RawQuery)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/search") {
			io.WriteString(w, `{"organizations":[],"accounts":[],"pagination":{"page":1,"per_page":10,"total_entries":0,"total_pages":0}}`)
			return
		}
		io.WriteString(w, `{"organization_job_postings":[]}`)
	}))
	t.Cleanup(srv.Close)
	c, err := apollo.NewClient(key, option.WithBaseURL(srv.URL+"/api/v1"))
	if err != nil {
		t.Fatal(err)
	}
	q := apollo.CompanyQuery{Name: "Zürich"}
	if _, err := c.CompanyPage(t.Context(), q, 1, option.WithJSONSet("organization_industry_tag_ids", []string{"5567cd4773696439b10b0000"}),
		option.WithJSONSet("extra.label", "東京")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CompanyPage(t.Context(), q, 1); err != nil {
		t.Fatal(err)
	}
	org := "54fca1087369647fc0000000"
	if _, err := c.JobPostingPage(t.Context(), apollo.JobPostingQuery{OrganizationID: org}, 2, option.WithQuery("q_title", "Ingénieur")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.JobPostingPage(t.Context(), apollo.JobPostingQuery{OrganizationID: org}, 2); err != nil {
		t.Fatal(err)
	}
	var first, second map[string]any
	if err := json.Unmarshal([]byte(bodies[0]), &first); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(bodies[1]), &second); err != nil {
		t.Fatal(err)
	}
	if first["q_organization_name"] != "Zürich" || first["extra"].(map[string]any)["label"] != "東京" ||
		first["organization_industry_tag_ids"].([]any)[0] != "5567cd4773696439b10b0000" {
		t.Errorf("first search body %s", bodies[0])
	}
	if _, ok := second["extra"]; ok || second["organization_industry_tag_ids"] != nil || second["q_organization_name"] != "Zürich" {
		t.Errorf("second search body %s", bodies[1])
	}
	if v, _ := url.ParseQuery(queries[2]); v.Get("q_title") != "Ingénieur" || v.Get("page") != "2" || strings.Contains(queries[3], "q_title") {
		t.Errorf("job-posting queries %q, %q", queries[2], queries[3])
	}
}
