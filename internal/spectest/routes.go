package spectest

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/orgapis/orgapis/specs"
)

// pathTemplate matches one parameter of a path template, such as {list_id}.
var pathTemplate = regexp.MustCompile(`\{[^}]*\}`)

// Requests are one request for each operation of api's spec, keyed by operation id,
// under prefix (the base path a server adds, such as /api/v1), with every path
// parameter given id: for a fake's routes to be held to the spec's.
func Requests(t testing.TB, api specs.API, prefix, id string) map[string]*http.Request {
	t.Helper()
	doc, err := specs.Load(t.Context(), api)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*http.Request{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			out[op.OperationID] = httptest.NewRequest(method, prefix+pathTemplate.ReplaceAllString(path, id), nil)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no operations in the spec", api)
	}
	return out
}
