package contract

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/orgapis/orgapis/specs"
)

func validator(t *testing.T, api specs.API, opts ...Option) *Validator {
	t.Helper()
	v, err := NewEmbedded(t.Context(), api, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func exchange(method, rawURL string, status int, contentType, body string) Exchange {
	u, _ := url.Parse(rawURL)
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return Exchange{Source: "t", Index: 3, Method: method, URL: u, Status: status, ResponseHeader: h,
		RequestHeader: http.Header{}, ResponseBody: []byte(body)}
}

const validOrg = `{"id":1,"name":"A","domain":null,"domains":[],"crunchbase_uuid":null,"global":false}`

func TestFindingKinds(t *testing.T) {
	affinity := validator(t, specs.Affinity)
	apollo := validator(t, specs.Apollo)
	base := Finding{Source: "t", Entry: 3, API: "affinity", Method: "GET", OperationID: "getOrganization", Path: "/organizations/{organization_id}", Status: 200}
	with := func(f Finding, kind, ptr, exp, found string) Finding {
		f.Kind, f.Pointer, f.Expected, f.Found = kind, ptr, exp, found
		switch kind {
		case KindBody:
			f.Location = "body"
		case KindContentType:
			f.Location = "header"
		}
		return f
	}
	cases := []struct {
		name string
		v    *Validator
		ex   Exchange
		want []Finding
	}{
		{"conforms", affinity, exchange("GET", "https://api.affinity.co/organizations/1", 200, "application/json; charset=utf-8", validOrg), nil},
		// Affinity's current documentation dropped crunchbase_uuid; answers without it exist.
		{"no crunchbase_uuid", affinity, exchange("GET", "https://api.affinity.co/organizations/1", 200, "application/json",
			`{"id":1,"name":"A","domain":null,"domains":[],"global":false}`), nil},
		{"undocumented endpoint", affinity, exchange("GET", "https://api.affinity.co/reminders", 200, "application/json", "{}"),
			[]Finding{{Source: "t", Entry: 3, API: "affinity", Method: "GET", Path: "/reminders", Status: 200, Kind: KindUndocumentedEndpoint,
				Expected: "an operation of the affinity spec", Found: "GET /reminders"}}},
		{"undocumented status", affinity, exchange("GET", "https://api.affinity.co/organizations/1", 418, "application/json", "{}"),
			[]Finding{with(func() Finding { f := base; f.Status = 418; return f }(), KindUndocumentedStatus, "", "one of 200, 401, 403, 404, 422, 429, 500, 503", "418")}},
		{"content type", affinity, exchange("GET", "https://api.affinity.co/organizations/1", 200, "text/html", "<html>"),
			[]Finding{with(base, KindContentType, "/Content-Type", "application/json", "text/html")}},
		{"no content type", affinity, exchange("GET", "https://api.affinity.co/organizations/1", 200, "", validOrg),
			[]Finding{with(base, KindContentType, "/Content-Type", "application/json", "(none)")}},
		{"every body violation", affinity, exchange("GET", "https://api.affinity.co/organizations/1", 200, "application/json",
			`{"id":"1","name":2,"domain":null,"domains":[3],"global":false,"list_entries":[{"id":1,"list_id":2,"creator_id":null,"entity_id":4,"created_at":"yesterday"}]}`),
			[]Finding{
				with(base, KindBody, "/domains/0", "type string", "3"),
				with(base, KindBody, "/id", "type integer", `"1"`),
				with(base, KindBody, "/list_entries/0/created_at", "format date-time", `"yesterday"`),
				with(base, KindBody, "/name", "type string", "2"),
			}},
		{"body not JSON", affinity, exchange("GET", "https://api.affinity.co/organizations/1", 200, "application/json", `{"id":`),
			[]Finding{with(base, KindBody, "", "a JSON body", "not JSON: unexpected end of JSON input")}},
		{"body not UTF-8", affinity, exchange("GET", "https://api.affinity.co/organizations/1", 200, "application/json", "{\"name\":\"\xff\"}"),
			[]Finding{with(base, KindBody, "", "a UTF-8 JSON body", "invalid UTF-8")}},
		{"header value", apollo, func() Exchange {
			ex := exchange("GET", "https://api.apollo.io/api/v1/organizations/x/job_postings", 200, "application/json", `{"organization_job_postings":[]}`)
			ex.ResponseHeader.Set("x-minute-requests-left", "lots")
			return ex
		}(), []Finding{{Source: "t", Entry: 3, API: "apollo", Method: "GET", OperationID: "listOrganizationJobPostings",
			Path: "/organizations/{organization_id}/job_postings", Status: 200, Kind: KindHeader, Location: "header", Pointer: "/x-minute-requests-left",
			Expected: "pattern ^([0-9]+|unlimited)$", Found: `"lots"`}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.v.Validate(c.ex)
			sortFindings(got)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("findings:\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func sortFindings(fs []Finding) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].Pointer < fs[j-1].Pointer; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

func TestRoutingUnderBothApolloPrefixesAndAnyHost(t *testing.T) {
	v := validator(t, specs.Apollo)
	for _, u := range []string{
		"https://api.apollo.io/api/v1/mixed_companies/search",
		"https://api.apollo.io/v1/mixed_companies/search",
		"http://127.0.0.1:9999/v1/mixed_companies/search",
		"http://proxy.internal/mixed_companies/search",
	} {
		ex := exchange("POST", u, 200, "application/json", `{"pagination":{"page":1,"per_page":1,"total_entries":0,"total_pages":0}}`)
		if got := v.Validate(ex); len(got) != 0 {
			t.Errorf("%s: %+v", u, got)
		}
	}
	a := validator(t, specs.Affinity)
	if rt := a.router.find("GET", "/organizations/fields"); rt == nil || rt.operation.OperationID != "listOrganizationFields" {
		t.Errorf("/organizations/fields routed to %+v", rt)
	}
	if rt := a.router.find("GET", "/organizations/123/"); rt == nil || rt.operation.OperationID != "getOrganization" {
		t.Errorf("/organizations/123/ routed to %+v", rt)
	}
	if rt := a.router.find("GET", "/organizations/abc"); rt != nil {
		t.Errorf("/organizations/abc matched %s despite the integer id", rt.operation.OperationID)
	}
}

func TestStrictWalksCompositionAndMaps(t *testing.T) {
	v := validator(t, specs.Apollo, Strict())
	body := `{"pagination":{"page":1,"per_page":1,"total_entries":1,"total_pages":1,"cursor":"x"},
		"accounts":[{"id":"a","name":"A","domain":"a.co","typed_custom_fields":{"f1":7,"f2":{"deep":true}},
			"contact_campaign_status_tally":{"paused":4},"primary_phone":{"number":"1","extension":"2"},"brand_new":1}],
		"organizations":[{"id":"o","name":"O","website_url":null,"surprise":[]}]}`
	got := v.Validate(exchange("POST", "https://api.apollo.io/api/v1/mixed_companies/search", 200, "application/json", body))
	var ptrs []string
	for _, f := range got {
		if f.Kind != KindUndocumentedField {
			t.Errorf("unexpected finding %+v", f)
		}
		ptrs = append(ptrs, f.Pointer)
	}
	want := []string{"/accounts/0/brand_new", "/accounts/0/primary_phone/extension", "/organizations/0/surprise", "/pagination/cursor"}
	sortStrings(ptrs)
	if !reflect.DeepEqual(ptrs, want) {
		t.Errorf("undocumented fields = %v, want %v (allOf fields and free-form maps are documented)", ptrs, want)
	}
	// Off by default.
	if got := validator(t, specs.Apollo).Validate(exchange("POST", "https://api.apollo.io/api/v1/mixed_companies/search", 200, "application/json", body)); len(got) != 0 {
		t.Errorf("strict findings without Strict: %+v", got)
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestRequestChecks(t *testing.T) {
	v := validator(t, specs.Affinity, CheckRequests())
	ex := exchange("GET", "https://api.affinity.co/organizations?page_size=900&with_interaction_dates=maybe&min_last_email_date=2021-01-01&colour=red&term=x",
		200, "application/json", `{"organizations":[],"next_page_token":null}`)
	got := v.Validate(ex)
	want := map[string]string{
		"/page_size":              "maximum: at most 500",
		"/with_interaction_dates": "type boolean",
		"/min_last_email_date":    "format date-time",
		"/colour":                 "no such parameter",
	}
	if len(got) != len(want) {
		t.Fatalf("findings = %+v", got)
	}
	for _, f := range got {
		if f.Kind != KindRequest || f.Location != "query" || want[f.Pointer] != f.Expected {
			t.Errorf("finding %+v; want expected %q", f, want[f.Pointer])
		}
	}
	if got := validator(t, specs.Affinity).Validate(ex); len(got) != 0 {
		t.Errorf("request findings without CheckRequests: %+v", got)
	}
}

func TestNumbersOutsideTheirRangeAreFindingsAtTheirPointer(t *testing.T) {
	v := validator(t, specs.Affinity)
	org := func(id string) string {
		return `{"id":` + id + `,"name":"A","domain":null,"domains":[],"crunchbase_uuid":null,"global":false,"person_ids":[1, 12345678901234567]}`
	}
	cases := map[string]struct{ id, pointer, expected string }{
		"int64 + 1":     {"9223372036854775808", "/id", "format int64"},
		"far past":      {"123456789012345678901234567890", "/id", "format int64"},
		"float64 range": {"1e999", "/id", "a number within the range of a 64-bit float"},
	}
	for name, c := range cases {
		fs := v.Validate(exchange("GET", "https://api.affinity.co/organizations/1", 200, "application/json", org(c.id)))
		if len(fs) != 1 || fs[0].Pointer != c.pointer || !strings.HasPrefix(fs[0].Expected, c.expected) || fs[0].Found != c.id {
			t.Errorf("%s: findings %+v, want one at %s", name, fs, c.pointer)
		}
	}
	// The largest int64 and a long digit run inside a string are fine.
	for _, id := range []string{"9223372036854775807", "1"} {
		if fs := v.Validate(exchange("GET", "https://api.affinity.co/organizations/1", 200, "application/json", org(id))); len(fs) != 0 {
			t.Errorf("id %s: findings %+v", id, fs)
		}
	}
	if fs := v.Validate(exchange("GET", "https://api.affinity.co/organizations/1", 200, "application/json", org("1")+"x")); len(fs) != 1 || !strings.Contains(fs[0].Found, "not JSON") {
		t.Errorf("trailing garbage: %+v", fs)
	}
}

func TestMayHoldBigNumbers(t *testing.T) {
	cases := map[string]bool{
		`{"id":12}`: false, `{"id":"54fca1087369647fc0000000"}`: false, `{"t":"1234567890123456789"}`: false,
		`{"id":1234567890123456}`: true, `{"n":1e5}`: true, `{"n":-2.5E-3}`: true, `{"s":"a\"1e5"}`: false,
	}
	for in, want := range cases {
		if got := mayHoldBigNumbers([]byte(in)); got != want {
			t.Errorf("mayHoldBigNumbers(%s) = %v, want %v", in, got, want)
		}
	}
}

// Errors inside allOf are reported at each failing member's pointer, one finding each.
func TestFindingsInsideAllOfPointAtTheMember(t *testing.T) {
	v := validator(t, specs.Apollo)
	body := `{"pagination":{"page":1,"per_page":1,"total_entries":1,"total_pages":1},
		"accounts":[{"id":"a","domain":"a.co","num_contacts":"many"}]}`
	got := v.Validate(exchange("POST", "https://api.apollo.io/api/v1/mixed_companies/search", 200, "application/json", body))
	sortFindings(got)
	want := map[string]string{"/accounts/0/name": `property "name"`, "/accounts/0/num_contacts": "type integer"}
	if len(got) != len(want) {
		t.Fatalf("findings = %+v, want one per member", got)
	}
	for _, f := range got {
		if want[f.Pointer] == "" || !strings.HasPrefix(f.Expected, want[f.Pointer]) {
			t.Errorf("finding %s: expected %q, found %q", f.Pointer, f.Expected, f.Found)
		}
	}
}

// Apollo's search takes its filters in the query too, as name[] arrays and
// name[min] bounds; a request in that form checks as well as one with a JSON body.
func TestSearchFiltersInTheQuery(t *testing.T) {
	v := validator(t, specs.Apollo, CheckRequests())
	ok := exchange("POST", "https://api.apollo.io/api/v1/mixed_companies/search?organization_locations[]=Germany&organization_locations[]=France"+
		"&revenue_range[min]=1000000&latest_funding_date_range[max]=2024-01-31&per_page=10", 200, "application/json",
		`{"pagination":{"page":1,"per_page":1,"total_entries":0,"total_pages":0}}`)
	if fs := v.Validate(ok); len(fs) != 0 {
		t.Errorf("query form: %+v", fs)
	}
	bad := exchange("POST", "https://api.apollo.io/api/v1/mixed_companies/search?organization_num_employees_ranges[]=1,10&organization_num_employees_ranges[]=lots"+
		"&revenue_range[min]=much", 200, "application/json", `{"pagination":{"page":1,"per_page":1,"total_entries":0,"total_pages":0}}`)
	got := map[string]string{}
	for _, f := range v.Validate(bad) {
		got[f.Pointer] = f.Found
	}
	if got["/organization_num_employees_ranges[]"] != `"lots"` || got["/revenue_range[min]"] != `"much"` || len(got) != 2 {
		t.Errorf("findings = %v", got)
	}
	body := exchange("POST", "https://api.apollo.io/api/v1/mixed_companies/search", 200, "application/json",
		`{"pagination":{"page":1,"per_page":1,"total_entries":0,"total_pages":0}}`)
	body.RequestHeader.Set("Content-Type", "application/json")
	body.RequestBody = []byte(`{"revenue_range":{"min":"1000000","max":""},"latest_funding_date_range":{"min":"2023-01-01"},"q_organization_domains_list":["apollo.io"]}`)
	if fs := v.Validate(body); len(fs) != 0 {
		t.Errorf("body form: %+v", fs)
	}
}

// Every example of the specs passes the strictest check: no finding, and no member its
// schema does not describe (Apollo's reference answers of enrichment and complete
// information, and search organizations with the members real answers carry).
func TestEveryExampleConformsStrictly(t *testing.T) {
	schemas, examples := responseSchemas(t)
	checked := 0
	for i, s := range schemas {
		for _, e := range examples[i] {
			checked++
			var extra []string
			undocumented(s, e, "", &extra, unbounded)
			if len(extra) > 0 {
				t.Errorf("schema %q: example members the schema does not describe: %v", s.Description, extra)
			}
			if err := s.VisitJSON(e); err != nil {
				t.Errorf("schema %q: example does not validate", s.Description)
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d examples checked", checked)
	}
}

// A field value's value takes the shapes its field types allow; anything else is a
// finding at the value.
func TestFieldValueOfTheWrongShapeIsAFinding(t *testing.T) {
	v := validator(t, specs.Affinity)
	for body, wantFinding := range map[string]bool{
		`[{"id":1,"field_id":2,"entity_id":3,"value":"text"}]`:                                           false,
		`[{"id":1,"field_id":2,"entity_id":3,"value":5000.5}]`:                                           false,
		`[{"id":1,"field_id":2,"entity_id":3,"value":{"id":7,"text":"Won","rank":2,"color":1}}]`:         false,
		`[{"id":1,"field_id":2,"entity_id":3,"value":{"city":"Paris","state":null,"country":"France"}}]`: false,
		`[{"id":1,"field_id":2,"entity_id":3,"value":null}]`:                                             false,
		`[{"id":1,"field_id":2,"entity_id":3,"value":true}]`:                                             true,
		`[{"id":1,"field_id":2,"entity_id":3,"value":[1,2]}]`:                                            true,
		`[{"id":1,"field_id":2,"entity_id":3,"value":{"colour":"red"}}]`:                                 true,
	} {
		fs := v.Validate(exchange("GET", "https://api.affinity.co/field-values?organization_id=3", 200, "application/json", body))
		if got := len(fs) > 0; got != wantFinding || (got && !strings.HasPrefix(fs[0].Pointer, "/0/value")) {
			t.Errorf("%s: findings %+v", body, fs)
		}
	}
}

func pathsValidator(t *testing.T, opts ...Option) *Validator {
	t.Helper()
	doc, err := specs.LoadFile(t.Context(), "testdata/paths.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return New("paths", doc, opts...)
}

func TestValidatorPathsTheShippedSpecsDoNotReach(t *testing.T) {
	ok := exchange("GET", "https://api.example.test/v2/things?api_key=k-1", 200, "application/json", `{"byName":{"a":{"size":1}}}`)
	ok.ResponseHeader.Set("X-Trace", "t1")
	if fs := pathsValidator(t, Strict(), CheckRequests()).Validate(ok); len(fs) != 0 {
		t.Fatalf("conforming exchange: %+v", fs)
	}
	// A required response header that is missing.
	noTrace := exchange("GET", "https://api.example.test/v2/things", 200, "application/json", `{}`)
	fs := pathsValidator(t).Validate(noTrace)
	if len(fs) != 1 || fs[0].Kind != KindHeader || fs[0].Pointer != "/X-Trace" || fs[0].Found != "(none)" {
		t.Errorf("missing required header: %+v", fs)
	}
	// An undocumented member inside a map value whose schema has properties.
	extra := exchange("GET", "https://api.example.test/v2/things", 200, "application/json", `{"byName":{"a":{"size":1,"colour":"red"}}}`)
	extra.ResponseHeader.Set("X-Trace", "t1")
	fs = pathsValidator(t, Strict()).Validate(extra)
	if len(fs) != 1 || fs[0].Kind != KindUndocumentedField || fs[0].Pointer != "/byName/a/colour" {
		t.Errorf("undocumented member in a map value: %+v", fs)
	}
	// A key that breaks its pattern is a finding, and the report still hides it.
	badKey := exchange("GET", "https://api.example.test/v2/things?api_key=secret-value-1", 200, "application/json", `{}`)
	badKey.ResponseHeader.Set("X-Trace", "t1")
	fs = pathsValidator(t, CheckRequests()).Validate(badKey)
	if len(fs) != 1 || fs[0].Pointer != "/api_key" || fs[0].Found != "REDACTED" {
		t.Errorf("bad key: %+v", fs)
	}
	for _, f := range fs {
		if strings.Contains(fmt.Sprintf("%+v", f), "secret-value-1") {
			t.Errorf("finding shows the key: %+v", f)
		}
	}
}

// The request patterns of the search filters hold: a loosened pattern in the spec lets
// one of these through and fails this test.
func TestSearchFilterPatterns(t *testing.T) {
	v := validator(t, specs.Apollo, CheckRequests())
	ex := exchange("POST", "https://api.apollo.io/api/v1/mixed_companies/search", 200, "application/json", `{"pagination":{"page":1,"per_page":10,"total_entries":0,"total_pages":0}}`)
	ex.RequestHeader.Set("Content-Type", "application/json")
	ex.RequestBody = []byte(`{"organization_num_employees_ranges":["1,100","1,"],"revenue_range":{"min":"1e6","max":""},` +
		`"latest_funding_date_range":{"min":"2024/01/01","max":"2024-12-31"},"prospected_by_current_team":["maybe"]}`)
	want := map[string]bool{
		"/organization_num_employees_ranges/1": true,
		"/revenue_range/min":                   true,
		"/latest_funding_date_range/min":       true,
		"/prospected_by_current_team/0":        true,
	}
	got := v.Validate(ex)
	for _, f := range got {
		if f.Kind != KindRequest || !want[f.Pointer] {
			t.Errorf("unexpected finding %+v", f)
		}
		delete(want, f.Pointer)
	}
	for p := range want {
		t.Errorf("no finding at %s; findings %+v", p, got)
	}
}

// Numbers at any depth encoding/json accepts come back as float64, so that no deep
// json.Number reaches the schema checks.
func TestExactNumbersAtDepth(t *testing.T) {
	const depth = 5000
	body := strings.Repeat("[", depth) + "1e3" + strings.Repeat("]", depth)
	v, findings, err := exactNumbers(&openapi3.Schema{}, []byte(body), "")
	if err != nil || len(findings) != 0 {
		t.Fatalf("%v, %v", findings, err)
	}
	for range depth {
		a, ok := v.([]any)
		if !ok || len(a) != 1 {
			t.Fatalf("not a one-element array: %T", v)
		}
		v = a[0]
	}
	if f, ok := v.(float64); !ok || f != 1000 {
		t.Errorf("innermost value = %T %v, want float64 1000", v, v)
	}
}

// A key in a request body is hidden before the body is checked, so a finding about it
// shows the marker, never the key.
func TestRequestBodyKeyIsHiddenInFindings(t *testing.T) {
	ex := exchange("POST", "https://api.example.test/v2/things", 201, "", "")
	ex.RequestHeader.Set("Content-Type", "application/json")
	ex.RequestBody = []byte(`{"api_key":"secret-value-1"}`)
	fs := pathsValidator(t, CheckRequests()).Validate(ex)
	if len(fs) != 1 || fs[0].Kind != KindRequest || fs[0].Pointer != "/api_key" || !strings.Contains(fs[0].Found, "REDACTED") {
		t.Errorf("findings %+v, want one at /api_key showing the marker", fs)
	}
	if strings.Contains(fmt.Sprintf("%+v", fs), "secret-value-1") {
		t.Errorf("a finding shows the key: %+v", fs)
	}
}

// Composition that refers to itself ends: the walks that gather properties and items
// stop at their depth guard.
func TestCollectEndsOnSelfReference(t *testing.T) {
	s := &openapi3.Schema{Properties: openapi3.Schemas{"a": &openapi3.SchemaRef{Value: &openapi3.Schema{}}},
		Items: &openapi3.SchemaRef{Value: &openapi3.Schema{}}}
	s.AllOf = openapi3.SchemaRefs{{Value: s}}
	props := map[string][]*openapi3.Schema{}
	var extra, items []*openapi3.Schema
	open := false
	collect(s, props, &extra, &open, 0)
	collectItems(s, &items, 0)
	if len(props["a"]) != maxDepth+1 || len(items) != maxDepth+1 || open {
		t.Errorf("props %d, items %d, open %v; want %d of each", len(props["a"]), len(items), open, maxDepth+1)
	}
}

// A value no branch of an anyOf takes is reported against the closest branch: the
// one with the fewest findings, the first of those that tie.
func TestAnyOfIsReportedAgainstTheClosestBranch(t *testing.T) {
	ex := exchange("GET", "https://api.example.test/v2/choices", 200, "application/json", `{"d":"x"}`)
	fs := pathsValidator(t).Validate(ex)
	if len(fs) != 1 || fs[0].Pointer != "/d" || !strings.Contains(fs[0].Expected, "integer") {
		t.Errorf("findings %+v, want one at /d", fs)
	}
}

func TestBrief(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{"x", `"x"`},
		{map[string]any{"a": 1.0}, `{"a":1}`},
		{[]any{true, nil}, `[true,null]`},
		{strings.Repeat("a", 78), `"` + strings.Repeat("a", 78) + `"`}, // 80 with its quotes
		{strings.Repeat("a", 79), `"` + strings.Repeat("a", 76) + "..."},
		{math.NaN(), "NaN"},
	} {
		if got := brief(c.v); got != c.want {
			t.Errorf("brief(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

// Real enrichment answers carry null for the two org-chart flags; the spec allows it,
// and a value of another type is still a finding.
func TestEnrichmentOrgChartFlagsMayBeNull(t *testing.T) {
	v := validator(t, specs.Apollo)
	for _, c := range []struct {
		flags    string
		findings int
	}{
		{`"org_chart_removed":null,"org_chart_show_department_filter":null`, 0},
		{`"org_chart_removed":false,"org_chart_show_department_filter":true`, 0},
		{`"org_chart_removed":"no","org_chart_show_department_filter":null`, 1},
	} {
		body := `{"organization":{"id":"5e66b6381e05b4008c8331b8","name":"Apollo",` + c.flags + `}}`
		fs := v.Validate(exchange("GET", "https://api.apollo.io/api/v1/organizations/enrich?domain=apollo.io", 200, "application/json", body))
		if len(fs) != c.findings {
			t.Errorf("%s: %d findings %v, want %d", c.flags, len(fs), fs, c.findings)
		}
	}
}

// A value that fits no branch of an anyOf is one finding naming what every branch
// accepts; a value that fits a branch but for one member is that member's finding.
func TestAnyOfFindingNamesEveryBranch(t *testing.T) {
	v := validator(t, specs.Affinity, CheckRequests())
	check := func(value string) []Finding {
		ex := exchange("POST", "https://api.affinity.co/field-values", 200, "application/json",
			`{"id":1,"field_id":2,"entity_id":3,"list_entry_id":null,"value":"x","created_at":"2026-01-01T00:00:00Z","updated_at":null}`)
		ex.RequestHeader.Set("Content-Type", "application/json")
		ex.RequestBody = []byte(`{"field_id":2,"entity_id":3,"value":` + value + `}`)
		var out []Finding
		for _, f := range v.Validate(ex) {
			if f.Kind == KindRequest {
				out = append(out, f)
			}
		}
		return out
	}
	fs := check("true")
	if len(fs) != 1 || fs[0].Pointer != "/value" || fs[0].Expected != "type number or type string or type object or null" {
		t.Errorf("a boolean value: %+v", fs)
	}
	for _, ok := range []string{"1", `"text"`, "null", `{"id":1,"text":"Won","rank":0,"color":0}`} {
		if fs := check(ok); len(fs) != 0 {
			t.Errorf("%s: %+v", ok, fs)
		}
	}
	// An object that is almost a location is the closest branch's finding, at its member.
	if fs := check(`{"city":"Paris","state":"IDF","country":7}`); len(fs) != 1 || fs[0].Pointer != "/value/country" {
		t.Errorf("a location with a bad country: %+v", fs)
	}
}
