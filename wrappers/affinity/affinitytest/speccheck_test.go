package affinitytest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/option"
)

// recTB is a test that records what the fake reports instead of failing.
type recTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recTB) Helper() {}
func (r *recTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// A wrapper test against a fake whose answer breaks the spec fails, naming the
// finding: here the fake's organization route is planted with an answer whose name is
// a number, as a fake with a bug would send.
func TestAWrapperTestAgainstAnOffSpecFakeFails(t *testing.T) {
	tb := &recTB{TB: t}
	s := NewUnstartedServer("k", WithTest(tb))
	good := s.mux
	planted := http.NewServeMux()
	planted.HandleFunc("GET /organizations/{organization_id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("organization_id") != "7" {
			good.ServeHTTP(w, r)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": 7, "name": 7, "domain": nil, "domains": []string{}, "global": false})
	})
	planted.Handle("/", good)
	s.mux = planted
	s.Start()
	s.Add(affinity.Organization{ID: 8, Name: "Ünïcode GmbH", Domains: []string{}})
	c, err := s.Client(option.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetOrganization(context.Background(), 7, affinity.GetOrganizationOptions{})
	var apiErr *affinity.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || !strings.Contains(apiErr.Message+string(apiErr.Body), "/name") {
		t.Errorf("the client got %v, want a 500 naming /name", err)
	}
	if len(tb.errs) != 1 || !strings.Contains(tb.errs[0], "getOrganization") || !strings.Contains(tb.errs[0], "/name") {
		t.Errorf("the test was told %q, want one finding at /name of getOrganization", tb.errs)
	}
	// The next call, to a route that keeps to the spec, is served as written.
	org, err := c.GetOrganization(context.Background(), 8, affinity.GetOrganizationOptions{})
	if err != nil || org.Name != "Ünïcode GmbH" || len(tb.errs) != 1 {
		t.Errorf("a good answer after a bad one: %+v, %v, reported %q", org, err, tb.errs)
	}
	if _, total := s.Findings(); total != 1 {
		t.Errorf("Findings counted %d, want 1", total)
	}
}

// A request the spec does not allow is reported and answered as usual.
func TestTheFakeReportsARequestOffTheSpec(t *testing.T) {
	tb := &recTB{TB: t}
	s := NewServer("k", WithTest(tb))
	s.Generate(1)
	c, err := s.Client()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetOrganization(context.Background(), 1000, affinity.GetOrganizationOptions{}, option.WithHeader("X-Extra", "1")); err != nil {
		t.Fatal(err)
	}
	if len(tb.errs) != 0 {
		t.Errorf("a header the spec does not name is no finding, got %q", tb.errs)
	}
	req := httptest.NewRequest("GET", "/organizations/1000?colour=blue", nil)
	req.SetBasicAuth("", "k")
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	if w.Code != 200 || len(tb.errs) != 1 || !strings.Contains(tb.errs[0], "/colour") {
		t.Errorf("HTTP %d, reported %q; want 200 and the parameter named", w.Code, tb.errs)
	}
}
