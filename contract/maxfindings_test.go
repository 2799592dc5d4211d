package contract

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/orgapis/orgapis/specs"
)

const searchURL = "https://api.affinity.co/organizations?term=x"

// orgsOf is an Affinity organization page whose organizations are items, joined.
func orgsOf(items []string, tail string) string {
	return `{"organizations":[` + strings.Join(items, ",") + `]` + tail + `}`
}

func repeated(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// checkBound checks the findings of one exchange against a bound of max: the first
// max of unbounded (the same check without a bound worth the name), then, when
// unbounded has more, one too-many-findings finding.
func checkBound(t *testing.T, got, unbounded []Finding, max int) {
	t.Helper()
	if len(unbounded) <= max {
		if !sameFindings(got, unbounded) {
			t.Fatalf("under or at the bound:\n%s\nwant:\n%s", listFindings(got), listFindings(unbounded))
		}
		return
	}
	if len(got) != max+1 {
		t.Fatalf("past the bound of %d: %d findings:\n%s", max, len(got), listFindings(got))
	}
	last := got[max]
	if last.Kind != KindTooManyFindings || last.Expected != fmt.Sprintf("at most %d findings in one exchange", max) ||
		!strings.Contains(last.Found, "not checked") || last.Pointer != "" {
		t.Errorf("last finding %+v: want one of kind %s", last, KindTooManyFindings)
	}
	if last.Source != "t" || last.Entry != 3 || last.OperationID != "searchOrganizations" || last.Status != 200 {
		t.Errorf("last finding %+v: want the exchange's source, entry, operation and status", last)
	}
	for _, f := range got[:max] {
		if f.Kind == KindTooManyFindings {
			t.Errorf("a too-many-findings finding before the end: %+v", f)
		}
	}
}

// The bound on one byte-walked body: under it, at it, one past it, and well past it;
// strings and numbers where objects are wanted (the walk's own findings and the
// values it hands to kin-openapi), and non-ASCII values.
func TestMaxFindingsOnTheByteWalk(t *testing.T) {
	const max = 3
	v := validator(t, specs.Affinity, WithMaxFindings(max))
	all := validator(t, specs.Affinity, WithMaxFindings(1<<20))
	for _, item := range []string{`1`, `"é"`, `true`, `{"id":"x","name":"ü","domain":null,"domains":[],"crunchbase_uuid":null,"global":false}`} {
		for _, n := range []int{0, max - 1, max, max + 1, 50} {
			body := orgsOf(append(repeated(validOrg, 2), repeated(item, n)...), `,"next_page_token":null`)
			ex := exchange("GET", searchURL, 200, "application/json", body)
			want := all.Validate(ex)
			if len(want) != n {
				t.Fatalf("%s ×%d: %d findings without a bound: %s", item, n, len(want), listFindings(want))
			}
			got := v.Validate(ex)
			checkBound(t, got, want, max)
			if !sameFindings(got[:min(len(got), max)], want[:min(n, max)]) {
				t.Errorf("%s ×%d: the first findings differ:\n%s\nwant:\n%s", item, n, listFindings(got), listFindings(want))
			}
		}
	}
}

// Past the bound, the walk does not look at the rest of the body: what follows the
// cut (here not even JSON) is not checked, and says nothing.
func TestMaxFindingsStopsTheWalk(t *testing.T) {
	v := validator(t, specs.Affinity, WithMaxFindings(2))
	body := orgsOf(repeated(`1`, 3), `,"next_page_token":null`)
	body = strings.Replace(body, `1]`, `1,{"id":`+strings.Repeat("[", 100)+`]`, 1)
	got := v.Validate(exchange("GET", searchURL, 200, "application/json", body))
	if len(got) != 3 || got[2].Kind != KindTooManyFindings {
		t.Fatalf("findings %s: want 2 and the cut", listFindings(got))
	}
}

// An object without a required member, and an array of a length its schema refuses,
// are walked as a whole body is, their own findings from kin-openapi: the bound holds
// there too, with the required member's finding last as kin-openapi gives it.
func TestMaxFindingsOnContainersKinOpenAPIRefusesWhole(t *testing.T) {
	const max = 4
	for _, strict := range []bool{false, true} { // the byte walk, the decoded path
		var opts []Option
		if strict {
			opts = append(opts, Strict())
		}
		v := validator(t, specs.Affinity, append(opts, WithMaxFindings(max))...)
		all := validator(t, specs.Affinity, append(opts, WithMaxFindings(1<<20))...)
		for _, n := range []int{max - 2, max - 1, max, 40} {
			body := orgsOf(repeated(`1`, n), "") // no next_page_token
			ex := exchange("GET", searchURL, 200, "application/json", body)
			want := all.Validate(ex)
			if len(want) != n+1 || want[n].Pointer != "/next_page_token" || want[n].Found != "none" {
				t.Fatalf("×%d without a bound: %s", n, listFindings(want))
			}
			checkBound(t, v.Validate(ex), want, max)
		}
	}
}

// Strict mode takes the decoded path: the bound holds on its schema findings and on
// its undocumented fields, and a body with both is cut where the two together pass it.
func TestMaxFindingsInStrictMode(t *testing.T) {
	const max = 5
	v := validator(t, specs.Affinity, Strict(), WithMaxFindings(max))
	all := validator(t, specs.Affinity, Strict(), WithMaxFindings(1<<20))
	extra := strings.Replace(validOrg, `{"id":1`, `{"id":1,"ßurprise":1`, 1)
	for _, items := range [][]string{
		repeated(extra, max-1), repeated(extra, max), repeated(extra, max+1), repeated(extra, 30),
		repeated(`1`, max+1),
		append(repeated(`"x"`, 3), repeated(extra, 3)...),
	} {
		ex := exchange("GET", searchURL, 200, "application/json", orgsOf(items, `,"next_page_token":null`))
		want := all.Validate(ex)
		if len(want) != len(items) {
			t.Fatalf("%d items: %d findings without a bound", len(items), len(want))
		}
		got := v.Validate(ex)
		checkBound(t, got, want, max)
		if !sameFindings(got[:min(len(got), max)], want[:min(len(want), max)]) {
			t.Errorf("%d items: the first findings differ:\n%s\nwant:\n%s", len(items), listFindings(got), listFindings(want))
		}
	}
}

// Request checks count against the same bound, before the response: a request with
// as many findings as the bound is whole when the response conforms, and cut when it
// does not (the response's finding is the one past the bound); one with more is cut
// before the response is read.
func TestMaxFindingsCountsRequestFindings(t *testing.T) {
	v := validator(t, specs.Affinity, CheckRequests(), WithMaxFindings(2))
	const valid, broken = `{"organizations":[],"next_page_token":null}`, `{"organizations":[1]`
	for _, tc := range []struct {
		query, body string
		want        []string // the findings' pointers, "cut" for the last one's kind
	}{
		{"page_size=900", valid, []string{"/page_size"}},
		{"page_size=900", broken, []string{"/page_size", ""}},
		{"page_size=900&colour=red", valid, []string{"/page_size", "/colour"}},
		{"page_size=900&colour=red", broken, []string{"/page_size", "/colour", "cut"}},
		{"page_size=900&colour=red&with_interaction_dates=%C3%A9", broken, []string{"/with_interaction_dates", "/page_size", "cut"}},
	} {
		got := v.Validate(exchange("GET", searchURL+"&"+tc.query, 200, "application/json", tc.body))
		var ptrs []string
		for _, f := range got {
			if f.Kind == KindTooManyFindings {
				ptrs = append(ptrs, "cut")
			} else {
				ptrs = append(ptrs, f.Pointer)
			}
		}
		if strings.Join(ptrs, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s: findings %s, want %q", tc.query, listFindings(got), tc.want)
		}
	}
}

// WithMaxFindings below 1 leaves the default, which a page of 500 organizations with
// two findings each stays within.
func TestMaxFindingsDefault(t *testing.T) {
	for _, opts := range [][]Option{nil, {WithMaxFindings(0)}, {WithMaxFindings(-5)}} {
		v := validator(t, specs.Affinity, opts...)
		bad := strings.Replace(validOrg, `"global":false`, `"global":"no"`, 1)
		bad = strings.Replace(bad, `"name":"A"`, `"name":7`, 1)
		page := orgsOf(repeated(bad, 500), `,"next_page_token":null`)
		if got := v.Validate(exchange("GET", searchURL, 200, "application/json", page)); len(got) != 1000 || got[999].Kind == KindTooManyFindings {
			t.Fatalf("%d findings on a page of 1000", len(got))
		}
		page = orgsOf(append(repeated(bad, 500), `1`), `,"next_page_token":null`)
		if got := v.Validate(exchange("GET", searchURL, 200, "application/json", page)); len(got) != DefaultMaxFindings+1 || got[DefaultMaxFindings].Kind != KindTooManyFindings {
			t.Fatalf("%d findings on a page of 1001", len(got))
		}
	}
}

// hugeFailingBody is the body of the defect: 1 MB, an Affinity organization page
// whose 500,000 organizations are each the number 1.
func hugeFailingBody(tail string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"organizations":[`)
	for i := range 500_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('1')
	}
	b.WriteString(`]` + tail + `}`)
	return b.Bytes()
}

// allocated is the bytes f allocates, by runtime.MemStats: a bound in bytes, not in
// time, so the machine's speed does not matter.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// The defect: a 1 MB body of 500,000 numbers where objects are wanted gave 500,000
// findings and allocated about 950 MiB. With the default bound it gives 1,000 and the
// cut, and allocates under 4 MiB on the byte walk; the decoded path (strict mode, and
// a page without its required token, whose array is decoded whole) under 64 MiB, the
// decoded body itself taking most of it.
func TestHugeFailingBodyAllocatesWithinABound(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tail  string
		opts  []Option
		bound uint64
	}{
		{"byte walk", `,"next_page_token":null`, nil, 4 << 20},
		{"no token", ``, nil, 4 << 20},
		{"strict", `,"next_page_token":null`, []Option{Strict()}, 64 << 20},
		{"strict, no token", ``, []Option{Strict()}, 64 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := validator(t, specs.Affinity, tc.opts...)
			ex := exchange("GET", searchURL, 200, "application/json", string(hugeFailingBody(tc.tail)))
			var got []Finding
			v.Validate(ex) // the first check compiles the schemas
			n := allocated(func() { got = v.Validate(ex) })
			if len(got) != DefaultMaxFindings+1 || got[DefaultMaxFindings].Kind != KindTooManyFindings {
				t.Fatalf("%d findings, the last %+v", len(got), got[len(got)-1])
			}
			t.Logf("%s: %.1f MiB allocated", tc.name, float64(n)/(1<<20))
			if n > tc.bound {
				t.Errorf("allocated %.1f MiB, want under %.0f MiB", float64(n)/(1<<20), float64(tc.bound)/(1<<20))
			}
		})
	}
}

// A value under a composed schema goes whole to kin-openapi (an anyOf with a
// discriminator: an Affinity v2 field value): a person-multi value whose data is
// 500,000 numbers where persons belong. Each of the anyOf's 20 branches was visited
// again for its findings, all kept: 7.4 GiB allocated and 37 s. Past maxBranchValues
// the branches are not visited again, kin-openapi's finding at the value stands, and
// it is found without an error for each failing item (refusedByComposition): about
// 50 MiB, the decoded body most of it; the bound is 64 MiB.
func TestHugeComposedValueAllocates(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`{"id":1,"name":"A","domain":null,"domains":[],"isGlobal":false,"fields":[{"id":"field-1","name":"Team","type":"list","enrichmentSource":null,"value":{"type":"person-multi","data":[`)
	for i := range 500_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('1')
	}
	b.WriteString(`]}}]}`)
	v := validator(t, specs.Affinity)
	ex := exchange("GET", "https://api.affinity.co/v2/companies/1", 200, "application/json", b.String())
	ex.ResponseHeader.Set("Content-Type", "application/json")
	var got []Finding
	v.Validate(ex)
	n := allocated(func() { got = v.Validate(ex) })
	t.Logf("%d findings, %.1f MiB allocated; the last %+v", len(got), float64(n)/(1<<20), got[len(got)-1])
	if len(got) != 1 || got[0].Pointer != "/fields/0/value" || !strings.Contains(got[0].Expected, "anyOf") {
		t.Errorf("findings %s", listFindings(got))
	}
	if n > 64<<20 {
		t.Errorf("allocated %.1f MiB, want under 64 MiB", float64(n)/(1<<20))
	}
}

// Past maxBranchValues, the finding of a value an anyOf refuses is kin-openapi's own,
// as its full visit gives it (refusedByComposition): on each side of maxBranchValues
// (numbers where persons belong), and with persons that fit but are too many.
func TestLargeComposedValueAgreesWithKinOpenAPI(t *testing.T) {
	doc, err := specs.Load(t.Context(), specs.Affinity)
	if err != nil {
		t.Fatal(err)
	}
	v := New(specs.Affinity, doc)
	s := doc.Components.Schemas["V2FieldValue"].Value
	for _, n := range []int{maxBranchValues - 10, maxBranchValues + 10} {
		for _, item := range []string{`1`, `{"id":1,"firstName":"Ann","lastName":"Lee","primaryEmailAddress":null,"type":"internal"}`} {
			raw := `{"type":"person-multi","data":[` + strings.Join(repeated(item, n), ",") + `]}`
			value, _, err := decodeJSON([]byte(raw))
			if err != nil {
				t.Fatal(err)
			}
			var want []Finding
			if err := s.VisitJSON(value, openapi3.MultiErrors()); err != nil {
				want = schemaFindings(Finding{}, KindBody, "/v", err, unbounded)
			}
			got := v.findingsOf(Finding{}, KindBody, "/v", v.fast.compiled(s), value, 0, unbounded)
			if !sameFindings(got, want) {
				t.Errorf("%d× %.20s:\nfindingsOf %s\nkin %s", n, item, listFindings(got), listFindings(want))
			}
		}
	}
}
