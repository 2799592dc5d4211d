package contract

import (
	"net/http"
	"net/url"
	"os"
	"reflect"
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

// A body is followed over its bytes: a member whose name is escaped counts under its
// name; a body that breaks off shows nothing, not even the members before the break;
// one whose members are all seen already changes nothing; a member at the wrong place
// (tags of the page, not of a thing) counts for nothing.
func TestCoverageReadsBodiesByTheirBytes(t *testing.T) {
	c := coverageOf(t)
	list := func(body string) { c.Add(covExchange("GET", "https://api.example.test/things", 200, body)) }
	list(`{"things":[{"id":1,"owner":{"id":2}}],"tags":["x"]`) // cut short
	if r := c.Report(); r.Members.Seen != 0 {
		t.Fatalf("a broken body counted: %v", r.Members)
	}
	list(` {"tags":["x"], "things" : [ {"\u0069d":1}, 7, {"owner":null}, {"owner":{"name":"n","id":[1]}} ] } `)
	want := []string{"listThings 200 /things/*/tags"}
	if r := c.Report(); r.Members.Seen != 5 || !slices.Equal(r.Members.Missing, want) {
		t.Fatalf("members = %+v, want only %v missing", r.Members, want)
	}
	list(`{"things":[{"tags":[]}]}`)
	list(`{"things":[{"tags":[]}]}`) // all seen: the body is not read
	if r := c.Report(); r.Members.Seen != 6 || len(r.Members.Missing) != 0 {
		t.Fatalf("members = %+v, want all", r.Members)
	}
}

// Add is safe for concurrent use: goroutines that each show one member leave every
// member seen once.
func TestCoverageAddConcurrently(t *testing.T) {
	c := coverageOf(t)
	bodies := []string{`{"things":[]}`, `{"things":[{"id":1}]}`, `{"things":[{"tags":["a"]}]}`,
		`{"things":[{"owner":{"id":1}}]}`, `{"things":[{"owner":{"name":"n"}}]}`}
	done := make(chan bool)
	for i := range 20 {
		go func() {
			for range 50 {
				c.Add(covExchange("GET", "https://api.example.test/things", 200, bodies[i%len(bodies)]))
			}
			done <- true
		}()
	}
	for range 20 {
		<-done
	}
	if r := c.Report(); r.Members.Seen != 6 || r.Members.Total != 6 {
		t.Fatalf("members = %+v", r.Members)
	}
}

// Check counts what Add counts, after every exchange, and finds what Validate finds:
// on bodies that conform (read once for both), that break the schema (read again for
// coverage), that are not JSON, and whose members sit where the schema constrains
// nothing (an anyOf branch without the member, an undocumented member).
func TestCoverageCheckCountsAsAdd(t *testing.T) {
	checked, added := coverageOf(t), coverageOf(t)
	v := checked.v
	bodies := []string{
		`{"things":[{"id":1}]}`,
		`{"things":[{"id":"not a number","tags":["a"]}]}`,
		`{"things":[{"owner":{"name":"n"}}],"extra":{"things":[{"owner":{"id":1}}]}}`,
		`{"things":[{"owner":{"id":1,"name":"both"}}]}`,
		`{"things":[{"tags":[1]}]}`,
		`not json`,
		`{"things":[{"tags":["b"]}]}`,
	}
	for i, body := range bodies {
		ex := covExchange("GET", "https://api.example.test/things", 200, body)
		ex.ResponseHeader = http.Header{"Content-Type": {"application/json"}}
		op, got := checked.Check(ex)
		wantOp, want := v.Check(ex)
		added.Add(ex)
		if op != wantOp || len(got) != len(want) {
			t.Fatalf("body %d: Check = %s %v, Validator.Check = %s %v", i, op, got, wantOp, want)
		}
		if g, w := checked.Report(), added.Report(); !reflect.DeepEqual(g, w) {
			t.Fatalf("after body %d:\nCheck: %+v\nAdd:   %+v", i, g.Members, w.Members)
		}
	}
	if r := checked.Report(); r.Members.Seen != r.Members.Total {
		t.Fatalf("members = %+v, want all seen", r.Members)
	}
}

// On the shipped recordings, Check and Add count the same, and Check finds what the
// validator finds.
func TestCoverageCheckOnTheRecordings(t *testing.T) {
	for _, api := range []specs.API{specs.Affinity, specs.Apollo} {
		v, err := NewEmbedded(t.Context(), api)
		if err != nil {
			t.Fatal(err)
		}
		checked, added := NewCoverage(v), NewCoverage(v)
		n := 0
		for _, path := range []string{"../testdata/recordings/affinity.har", "../testdata/recordings/apollo.yaml", "../testdata/recordings/affinity-extra.jsonl"} {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			for ex, err := range Read(path, f) {
				if err != nil {
					continue
				}
				_, got := checked.Check(ex)
				if want := v.Validate(ex); !reflect.DeepEqual(got, want) {
					t.Fatalf("%s entry %d: Check found %v, Validate %v", path, ex.Index, got, want)
				}
				added.Add(ex)
				n++
			}
			f.Close()
		}
		if g, w := checked.Report(), added.Report(); !reflect.DeepEqual(g, w) || g.Members.Seen == 0 && api == specs.Affinity {
			t.Fatalf("%s: Check %s, Add %s", api, g, w)
		}
		if n == 0 {
			t.Fatal("no exchanges read")
		}
	}
}

// CheckLater and AddLater count nothing until their count is called, and then what
// Check and Add count; an exchange whose count is never called (one a parallel
// reader read where no entry starts) leaves no trace; a count called after another
// exchange counted the same changes nothing; and once everything an exchange
// exercises is counted, there is nothing to count (nil).
func TestCoverageCountLater(t *testing.T) {
	later, now := coverageOf(t), coverageOf(t)
	empty := later.Report()
	list := covExchange("GET", "https://api.example.test/things?limit=2", 200, `{"things":[{"id":1,"owner":{"name":"Zoë"}}]}`)
	list.ResponseHeader = http.Header{"Content-Type": {"application/json"}}
	del := covExchange("DELETE", "https://api.example.test/things/7", 204, "")

	op, findings, countList := later.CheckLater(list)
	wantOp, want := now.v.Check(list)
	countDel := later.AddLater(del)
	_, _, dropped := later.CheckLater(covExchange("GET", "https://api.example.test/things", 404, `{}`))
	if op != wantOp || len(findings) != len(want) || countList == nil || countDel == nil || dropped == nil {
		t.Fatalf("CheckLater = %s %v %v, Check = %s %v; AddLater nil %v", op, findings, countList == nil, wantOp, want, countDel == nil)
	}
	if r := later.Report(); !reflect.DeepEqual(r, empty) {
		t.Fatalf("counted before count was called: %+v", r)
	}
	now.Check(list)
	now.Add(del)
	countList()
	countDel()
	if g, w := later.Report(), now.Report(); !reflect.DeepEqual(g, w) {
		t.Fatalf("after count:\nlater: %s %+v\nnow:   %s %+v", g, g.Members, w, w.Members)
	}
	if slices.Contains(later.Report().Statuses.Missing, "listThings 404") == false {
		t.Fatal("the 404 whose count was dropped was counted")
	}
	// Gathered before, counted after the same was counted: no change.
	_, _, again := later.CheckLater(list)
	if again != nil {
		t.Errorf("CheckLater of what is all counted: a count")
	}
	_, _, first := later.CheckLater(covExchange("GET", "https://api.example.test/things", 200, `{"things":[{"tags":["a"]}]}`))
	_, _, second := later.CheckLater(covExchange("GET", "https://api.example.test/things", 200, `{"things":[{"tags":["b"]}]}`))
	second()
	before := later.Report()
	first()
	if r := later.Report(); !reflect.DeepEqual(r, before) || r.Members.Seen != before.Members.Seen {
		t.Errorf("a count after the same was counted changed the report:\n%+v\n%+v", before.Members, r.Members)
	}
	if later.AddLater(covExchange("GET", "https://api.example.test/nowhere", 200, `{}`)) != nil {
		t.Errorf("AddLater of no operation: a count")
	}
}
