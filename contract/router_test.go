package contract

import (
	"testing"

	"github.com/orgapis/orgapis/specs"
)

// Literal paths win over templates, templates with as many parameters go in template
// order, and the longest server base path is tried first, only on a segment boundary.
func TestRouterOrder(t *testing.T) {
	doc, err := specs.LoadFile(t.Context(), "testdata/routes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := newRouter(doc)
	for path, want := range map[string]string{
		"/v2/things/latest":   "getLatestThing",
		"/v2/things/special":  "getThing", // "/things/{name}" sorts before "/{kind}/special"
		"/v2/widgets/special": "getSpecialOfKind",
		"/v2/things/a/":       "getThing",
		"/v2/beta/x":          "getX", // under /v2/beta, not /beta/x under /v2
		"/v2/x":               "getX",
		"/beta/x":             "getBetaX", // no base path at all
		"/v2betax":            "",
		"/v2/beta":            "",
	} {
		got := ""
		if rt := r.find("GET", path); rt != nil {
			got = rt.operation.OperationID
		}
		if got != want {
			t.Errorf("GET %s = %q, want %q", path, got, want)
		}
	}
	if rt := r.find("POST", "/v2/x"); rt != nil {
		t.Errorf("POST /v2/x = %s", rt.operation.OperationID)
	}
}
