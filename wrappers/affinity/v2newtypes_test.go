package affinity_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/specs"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// companyURL is where a v2 company read goes, for the validator.
var companyURL = &url.URL{Scheme: "https", Host: "api.affinity.co", Path: "/v2/companies/7"}

// companyWith is a v2 company whose fields hold values, each JSON.
func companyWith(values ...string) string {
	var fields []string
	for i, v := range values {
		fields = append(fields, `{"id":"field-`+string(rune('1'+i))+`","name":"F","type":"global","enrichmentSource":null,"value":`+v+`}`)
	}
	return `{"id":7,"name":"Acme","domain":null,"domains":[],"isGlobal":false,"fields":[` + strings.Join(fields, ",") + `]}`
}

// The value types of versions 2026-07-15 and 2026-09-17 decode, end to end through
// GetCompany, into the package's types: a hidden value into one ValueHidden (apart
// from a field without a value, which gives none), note and reminder into one Value
// each, and list-multi into one ValueList an element; each keeps the JSON sent. The
// same answer is one the spec allows.
func TestTheCurrentVersionsValueTypesDecode(t *testing.T) {
	body := companyWith(`{"type":"hidden","data":null}`, `{"type":"hidden"}`, `{"type":"note","data":{"id":5,"content":"Ünïcode"}}`,
		`{"type":"reminder","data":{"id":6}}`, `{"type":"list-multi","data":[{"id":1,"name":"Deal Flow"},{"id":2}]}`,
		`{"type":"note","data":null}`, `{"type":"list-multi","data":null}`, `{"type":"list-multi","data":[]}`)
	srv := newRecorder(t, jsonAnswer(http.StatusOK, body))
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	co, err := c.GetCompany(t.Context(), 7, affinity.FieldSelection{})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]affinity.ValueType{{affinity.ValueHidden}, {affinity.ValueHidden}, {affinity.ValueNote}, {affinity.ValueReminder},
		{affinity.ValueList, affinity.ValueList}, nil, nil, nil}
	wantRaw := [][]string{{"null"}, {"null"}, {`{"id":5,"content":"Ünïcode"}`}, {`{"id":6}`}, {`{"id":1,"name":"Deal Flow"}`, `{"id":2}`}, nil, nil, nil}
	if len(co.Fields) != len(want) {
		t.Fatalf("%d fields, want %d", len(co.Fields), len(want))
	}
	for i, f := range co.Fields {
		if len(f.Values) != len(want[i]) {
			t.Errorf("field %d: %d values, want %d", i, len(f.Values), len(want[i]))
			continue
		}
		for j, v := range f.Values {
			if v.Type != want[i][j] || string(v.Raw) != wantRaw[i][j] {
				t.Errorf("field %d value %d: type %d raw %s, want %d %s", i, j, v.Type, v.Raw, want[i][j], wantRaw[i][j])
			}
		}
	}
	if s := co.Fields[0].Values[0].String(); s != "(hidden)" {
		t.Errorf("a hidden value reads %q", s)
	}
	if got := srv.requests()[0].Header.Get(affinity.APIVersionHeader); got != affinity.APIVersion {
		t.Errorf("sent version %q, want %s", got, affinity.APIVersion)
	}
	v, err := contract.NewEmbedded(t.Context(), specs.Affinity)
	if err != nil {
		t.Fatal(err)
	}
	if fs := v.Validate(contract.Exchange{Method: "GET", URL: companyURL, Status: 200,
		ResponseHeader: http.Header{"Content-Type": {"application/json"}}, ResponseBody: []byte(body)}); len(fs) != 0 {
		t.Errorf("the spec refuses the answer: %v", fs)
	}
}

// A value of those types that is not what Affinity documents is refused naming its JSON
// pointer in the body, and so is the same answer by the spec.
func TestTheCurrentVersionsValueTypesRefuseMalformedValues(t *testing.T) {
	v, err := contract.NewEmbedded(t.Context(), specs.Affinity)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ value, pointer string }{
		{`{"type":"hidden","data":{}}`, "/fields/1/value/data"},
		{`{"type":"hidden","data":"secret"}`, "/fields/1/value/data"},
		{`{"type":"note","data":"a note"}`, "/fields/1/value/data"},
		{`{"type":"note","data":[{"id":1}]}`, "/fields/1/value/data"},
		{`{"type":"reminder","data":7}`, "/fields/1/value/data"},
		{`{"type":"list-multi","data":{"id":1}}`, "/fields/1/value/data"},
		{`{"type":"list-multi","data":[{"id":1},null]}`, "/fields/1/value/data/1"},
		{`{"type":"list-multi","data":[{"id":1},"Deal Flow"]}`, "/fields/1/value/data/1"},
		{`{"type":"list","data":{"id":1}}`, "/fields/1/value/type"},
		{`{"type":"note-multi","data":[]}`, "/fields/1/value/type"},
		{`{"type":"hidden-multi","data":null}`, "/fields/1/value/type"},
		{`{"type":"reminder-multi","data":null}`, "/fields/1/value/type"},
	} {
		body := companyWith(`{"type":"text","data":"ok"}`, c.value)
		srv := newRecorder(t, jsonAnswer(http.StatusOK, body))
		cl, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		_, err = cl.GetCompany(t.Context(), 7, affinity.FieldSelection{})
		var mm *apicall.MissingMemberError
		if !errors.Is(err, affinity.ErrMalformedBody) || !errors.As(err, &mm) || mm.Pointer() != c.pointer {
			p := ""
			if mm != nil {
				p = mm.Pointer()
			}
			t.Errorf("%s: err = %v (pointer %q), want a malformed body at %s", c.value, err, p, c.pointer)
		}
		if fs := v.Validate(contract.Exchange{Method: "GET", URL: companyURL, Status: 200,
			ResponseHeader: http.Header{"Content-Type": {"application/json"}}, ResponseBody: []byte(body)}); len(fs) == 0 {
			t.Errorf("%s: the spec allows it", c.value)
		}
	}
}
