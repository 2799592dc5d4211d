package apollo_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/option"
)

// These tests play a hostile or broken server against the client.

func TestRedirectToAnotherOriginKeepsTheKey(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		for _, status := range []int{301, 302, 307, 308} {
			t.Run(fmt.Sprintf("%d legacy=%v", status, legacy), func(t *testing.T) {
				var leaked atomic.Int32
				other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					leaked.Add(1)
				}))
				defer other.Close()
				origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					// Echo the query, key included, into the target, as a careless proxy would,
					// and the key into its path, where no query rule looks.
					http.Redirect(w, r, other.URL+"/api/v1/"+key+"/mixed_companies/search?"+r.URL.RawQuery, status)
				}))
				defer origin.Close()
				opts := []option.ClientOption{option.WithBaseURL(origin.URL + "/api/v1")}
				if legacy {
					opts = append(opts, apollo.WithLegacyQueryKey())
				}
				c, err := apollo.NewClient(key, opts...)
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.CompanyPage(t.Context(), apollo.CompanyQuery{}, 1)
				var redirect *apicall.RedirectError
				if !errors.As(err, &redirect) || !strings.HasPrefix(redirect.Location, other.URL) {
					t.Fatalf("err = %v, want a RedirectError naming the target", err)
				}
				if strings.Contains(err.Error(), key) || strings.Contains(redirect.Location, key) {
					t.Errorf("the error shows the key: %v", err)
				}
				// errors.As reaches net/http's *url.Error too: its URL is scrubbed as well.
				var ue *url.Error
				if !errors.As(err, &ue) || strings.Contains(ue.URL, key) {
					t.Errorf("the *url.Error in the chain: %+v", ue)
				}
				if leaked.Load() != 0 {
					t.Errorf("%d requests reached the other origin", leaked.Load())
				}
			})
		}
	}
}

// pages answers search page p with bodies[p-1] (an empty page past the end), and
// counts requests.
func pages(t *testing.T, bodies ...string) (*apollo.Client, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(hits.Add(1))
		w.Header().Set("Content-Type", "application/json")
		if n <= len(bodies) {
			fmt.Fprint(w, bodies[n-1])
			return
		}
		fmt.Fprintf(w, `{"accounts":[],"organizations":[],"pagination":{"page":%d,"per_page":2}}`, n)
	}))
	t.Cleanup(srv.Close)
	c, err := apollo.NewClient(key, option.WithBaseURL(srv.URL+"/api/v1"), option.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return c, &hits
}

func TestSearchWithoutTotalPagesReadsOnToAnEmptyPage(t *testing.T) {
	org := func(id string) string { return `{"id":"` + id + `","name":"Co ` + id + `"}` }
	for name, total := range map[string]string{"absent": ``, "null": `,"total_pages":null`} {
		t.Run(name, func(t *testing.T) {
			c, hits := pages(t,
				`{"organizations":[`+org("a")+`,`+org("b")+`],"pagination":{"page":1,"per_page":2`+total+`}}`,
				`{"organizations":[`+org("c")+`,`+org("d")+`],"pagination":{"page":2,"per_page":2`+total+`}}`)
			var names []string
			for co, err := range c.Companies(t.Context(), apollo.CompanyQuery{PerPage: 2}) {
				if err != nil {
					t.Fatal(err)
				}
				names = append(names, co.Name())
			}
			if len(names) != 4 || hits.Load() != 3 {
				t.Errorf("got %v in %d requests; want 4 companies, then the empty third page", names, hits.Load())
			}
		})
	}
}

func TestWrongShapeIsMalformedNeverEmpty(t *testing.T) {
	for _, body := range []string{`{}`, `null`, `{"organizations":[],"pagination":"x"}`} {
		c, _ := pages(t, body)
		n := 0
		var last error
		for _, err := range c.Companies(t.Context(), apollo.CompanyQuery{}) {
			if err == nil {
				n++
			}
			last = err
		}
		if n != 0 || !errors.Is(last, apollo.ErrMalformedBody) || !strings.Contains(last.Error(), "pagination") {
			t.Errorf("search answering %s: %d results, last error %v; want ErrMalformedBody naming pagination", body, n, last)
		}
	}
	for _, body := range []string{`{}`, `null`, `{"organization_job_postings":null}`} {
		c, _ := pages(t, body)
		_, err := c.JobPostingPage(t.Context(), apollo.JobPostingQuery{OrganizationID: "54fca1087369647fc0000000"}, 1)
		if !errors.Is(err, apollo.ErrMalformedBody) || !strings.Contains(err.Error(), "organization_job_postings") {
			t.Errorf("job postings answering %s: %v", body, err)
		}
	}
}

func TestEchoedKeyIsRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-"+key)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"error":"key %s may not search","error_code":"NO_%s"}`, key, key)
	}))
	defer srv.Close()
	c, err := apollo.NewClient(key, option.WithBaseURL(srv.URL+"/api/v1"), option.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CompanyPage(t.Context(), apollo.CompanyQuery{}, 1)
	var apiErr *apollo.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 403 {
		t.Fatalf("err = %v", err)
	}
	for what, text := range map[string]string{"Error()": err.Error(), "Message": apiErr.Message, "Code": apiErr.Code,
		"RequestID": apiErr.RequestID, "Body": string(apiErr.Body), "%+v": fmt.Sprintf("%+v", *apiErr)} {
		if strings.Contains(text, key) {
			t.Errorf("%s shows the key: %s", what, text)
		}
	}
}

// total_pages of exactly 500 is not a capped search: page 500 is its last page.
func TestFiveHundredPagesAreNotCapped(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Page int `json:"page"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"organizations":[{"id":"o%d","name":"Co"}],"pagination":{"page":%d,"per_page":1,"total_entries":500,"total_pages":500}}`, body.Page, body.Page)
	}))
	defer srv.Close()
	c, err := apollo.NewClient(key, option.WithBaseURL(srv.URL+"/api/v1"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.CompanyPage(t.Context(), apollo.CompanyQuery{PerPage: 1}, 500)
	if err != nil || p.Capped {
		t.Errorf("page 500 of 500: capped %v, %v", p.Capped, err)
	}
	p, _ = c.CompanyPage(t.Context(), apollo.CompanyQuery{PerPage: 1}, 499)
	if p.Capped {
		t.Error("page 499 reported as capped")
	}
}

func TestMalformedEmployeeRangesAreRefused(t *testing.T) {
	c, fake := setup(t)
	for _, r := range []string{"1,", ",10", "1-10", "a,b", "1,10,100", " 1,10"} {
		var pe *apicall.ParamError
		if _, err := c.CompanyPage(t.Context(), apollo.CompanyQuery{EmployeeRanges: []string{r}}, 1); !errors.As(err, &pe) {
			t.Errorf("range %q: %v, want a ParamError", r, err)
		}
	}
	if fake.Hits() != 0 {
		t.Errorf("malformed ranges were sent (%d requests)", fake.Hits())
	}
}
