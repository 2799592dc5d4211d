package affinitytest

import (
	"net/http/httptest"
	"testing"

	"github.com/orgapis/orgapis/internal/spectest"
	"github.com/orgapis/orgapis/specs"
)

// Every operation of the spec has a route of its own in the fake, not the catch-all;
// and the catch-all is what a route the spec lacks reaches.
func TestTheFakeRoutesEveryOperationOfTheSpec(t *testing.T) {
	s := NewUnstartedServer("k")
	reqs := spectest.Requests(t, specs.Affinity, "", "1")
	for op, req := range reqs {
		t.Run(op, func(t *testing.T) {
			if _, pattern := s.mux.Handler(req); pattern == "" || pattern == "/" {
				t.Errorf("%s %s reaches no route of its own (pattern %q)", req.Method, req.URL.Path, pattern)
			}
		})
	}
	if len(reqs) != 61 {
		t.Errorf("%d operations in the spec, want 61", len(reqs))
	}
	for _, path := range []string{"/reminders", "/organizations/1/notes"} {
		if _, pattern := s.mux.Handler(httptest.NewRequest("GET", path, nil)); pattern != "/" {
			t.Errorf("GET %s reaches %q, not the catch-all", path, pattern)
		}
	}
}
