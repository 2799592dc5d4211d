package apollotest

import (
	"net/http/httptest"
	"testing"

	"github.com/orgapis/orgapis/internal/spectest"
	"github.com/orgapis/orgapis/specs"
)

// Every operation of the spec has a route of its own in the fake, under both prefixes,
// not the catch-all.
func TestTheFakeRoutesEveryOperationOfTheSpec(t *testing.T) {
	s := NewUnstartedServer("k")
	for _, prefix := range []string{"/api/v1", "/v1"} {
		reqs := spectest.Requests(t, specs.Apollo, prefix, "5f2a0b8c9d1e2f3a4b5c6d7e")
		for op, req := range reqs {
			t.Run(prefix+"/"+op, func(t *testing.T) {
				if _, pattern := s.mux.Handler(req); pattern == "" || pattern == "/" {
					t.Errorf("%s %s reaches no route of its own (pattern %q)", req.Method, req.URL.Path, pattern)
				}
			})
		}
		if len(reqs) != 19 {
			t.Errorf("%d operations in the spec, want 19", len(reqs))
		}
	}
	if _, pattern := s.mux.Handler(httptest.NewRequest("GET", "/api/v1/people/search", nil)); pattern != "/" {
		t.Errorf("a route the spec lacks reaches %q, not the catch-all", pattern)
	}
}
