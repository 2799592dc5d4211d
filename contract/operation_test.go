package contract

import (
	"net/url"
	"slices"
	"testing"

	"github.com/orgapis/orgapis/specs"
)

// Operation names an exchange's operation and path template without checking it, as
// Check would route it (a literal path before a parameter, under any server base
// path); an endpoint the spec lacks is "", "". Operations lists every operation once,
// by id and by method and template.
func TestOperationRoutesWithoutChecking(t *testing.T) {
	v, err := NewEmbedded(t.Context(), specs.Affinity)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ method, path, id, template string }{
		{"GET", "/organizations/fields", "listOrganizationFields", "/organizations/fields"},
		{"GET", "/organizations/12", "getOrganization", "/organizations/{organization_id}"},
		{"PUT", "/organizations/12", "updateOrganization", "/organizations/{organization_id}"},
		{"PATCH", "/organizations/12", "", ""},
		{"GET", "/nowhere/ü", "", ""},
	} {
		u, _ := url.Parse("https://api.affinity.co" + c.path)
		id, tmpl := v.Operation(Exchange{Method: c.method, URL: u, Status: 200, ResponseBody: []byte("not json")})
		if id != c.id || tmpl != c.template {
			t.Errorf("%s %s: %q %q, want %q %q", c.method, c.path, id, tmpl, c.id, c.template)
		}
	}
	ids, routes := v.Operations()
	if len(ids) != len(routes) || len(ids) < 40 || !slices.Contains(ids, "getOrganization") ||
		!slices.Contains(routes, "GET /organizations/{organization_id}") {
		t.Fatalf("%d ids, %d routes", len(ids), len(routes))
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("%s listed twice", id)
		}
		seen[id] = true
	}
}
