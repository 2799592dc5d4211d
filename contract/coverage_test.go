package contract

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/orgapis/orgapis/specs"
)

func coverageOf(t *testing.T) *Coverage {
	t.Helper()
	doc, err := specs.LoadFile(t.Context(), "testdata/coverage.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return NewCoverage(New(specs.Apollo, doc))
}

func covExchange(method, raw string, status int, body string) Exchange {
	u, _ := url.Parse(raw)
	return Exchange{Method: method, URL: u, Status: status, RequestHeader: http.Header{}, ResponseBody: []byte(body)}
}

// Coverage counts what the spec documents and the traffic exercised, kind by kind:
// nothing before any traffic; an endpoint the spec lacks and members it does not
// document count for nothing; a member seen in one item of an array, or in one anyOf
// branch, is exercised; path parameters are exercised with their operation.
func TestCoverageCountsWhatTrafficExercised(t *testing.T) {
	c := coverageOf(t)
	r := c.Report()
	if r.Operations.Total != 2 || r.Operations.Seen != 0 || r.Statuses.Total != 3 || r.Parameters.Total != 3 ||
		!slices.Equal(r.Members.Missing, []string{"listThings 200 /things", "listThings 200 /things/*/id", "listThings 200 /things/*/owner",
			"listThings 200 /things/*/owner/id", "listThings 200 /things/*/owner/name", "listThings 200 /things/*/tags"}) {
		t.Fatalf("before any traffic: %+v", r)
	}
	c.Add(covExchange("GET", "https://api.example.test/nowhere", 200, `{"things":[]}`))
	c.Add(covExchange("GET", "https://api.example.test/things?limit=2", 200,
		`{"things":[{"id":1},{"id":2,"owner":{"name":"Jo"},"extra":true}],"undocumented":1}`))
	r = c.Report()
	if r.Operations.Seen != 1 || !slices.Equal(r.Operations.Missing, []string{"deleteThing"}) {
		t.Errorf("operations = %+v", r.Operations)
	}
	if r.Statuses.Seen != 1 || !slices.Equal(r.Statuses.Missing, []string{"deleteThing 204", "listThings 404"}) {
		t.Errorf("statuses = %+v", r.Statuses)
	}
	if !slices.Equal(r.Parameters.Missing, []string{"deleteThing path id", "listThings query cursor"}) {
		t.Errorf("parameters = %+v", r.Parameters)
	}
	if r.Members.Seen != 4 || !slices.Equal(r.Members.Missing, []string{"listThings 200 /things/*/owner/id", "listThings 200 /things/*/tags"}) {
		t.Errorf("members = %+v", r.Members)
	}
	// A 404, a delete (its path parameter with it), and the same list again: all
	// counted once.
	c.Add(covExchange("GET", "https://api.example.test/things", 404, `{"error":"none"}`))
	c.Add(covExchange("DELETE", "https://api.example.test/things/7", 204, ""))
	c.Add(covExchange("GET", "https://api.example.test/things?limit=2", 200, `{"things":[{"id":1}]}`))
	r = c.Report()
	if r.Operations.Percent() != 100 || r.Statuses.Percent() != 100 || r.Parameters.Seen != 2 || !slices.Equal(r.Parameters.Missing, []string{"listThings query cursor"}) {
		t.Errorf("after more traffic: %s %+v", r, r.Parameters)
	}
}
