package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func inferFrom(t *testing.T, values ...string) string {
	t.Helper()
	s := newInferred()
	for _, v := range values {
		var x any
		if err := json.Unmarshal([]byte(v), &x); err != nil {
			t.Fatal(err)
		}
		s.add(x, 0)
	}
	b, _ := json.Marshal(s.schema())
	return string(b)
}

// A schema inferred from every value seen: a format only when every string fits it,
// nullable when null was seen, a number when integers and fractions were, anyOf for
// values of several types, objects' members and arrays' items.
func TestInferredSchemas(t *testing.T) {
	for _, c := range []struct {
		values []string
		want   string
	}{
		{[]string{`"2025-01-01T00:00:00Z"`, `"2025-02-01T10:00:00+01:00"`}, `{"format":"date-time","type":"string"}`},
		{[]string{`"2025-01-01T00:00:00Z"`, `"yesterday"`}, `{"type":"string"}`},
		{[]string{`"https://acme.co/x"`}, `{"format":"uri","type":"string"}`},
		{[]string{`"a"`, `null`}, `{"nullable":true,"type":"string"}`},
		{[]string{`1`, `2.5`}, `{"type":"number"}`},
		{[]string{`1`, `2`}, `{"type":"integer"}`},
		{[]string{`1`, `"1"`}, `{"anyOf":[{"type":"integer"},{"type":"string"}]}`},
		{[]string{`1`, `"1"`, `null`}, `{"anyOf":[{"nullable":true,"type":"integer"},{"nullable":true,"type":"string"}]}`},
		{[]string{`null`}, `{"nullable":true}`},
		{[]string{`{"a":1}`, `{"b":"x"}`}, `{"properties":{"a":{"type":"integer"},"b":{"type":"string"}},"type":"object"}`},
		{[]string{`[]`}, `{"items":{},"type":"array"}`},
		{[]string{`[{"id":1},{"id":2,"tags":["x"]}]`}, `{"items":{"properties":{"id":{"type":"integer"},"tags":{"items":{"type":"string"},"type":"array"}},"type":"object"},"type":"array"}`},
		{[]string{`true`}, `{"type":"boolean"}`},
	} {
		if got := inferFrom(t, c.values...); got != c.want {
			t.Errorf("%v: %s, want %s", c.values, got, c.want)
		}
	}
}

// Whatever the traffic, an inferred schema stays within its bounds: at most
// maxInferProps members an object, and values below maxInferDepth taken as they come.
func TestInferredSchemasAreBounded(t *testing.T) {
	var members []string
	for i := range maxInferProps + 50 {
		members = append(members, fmt.Sprintf(`"m%04d":1`, i))
	}
	s := newInferred()
	var wide any
	_ = json.Unmarshal([]byte("{"+strings.Join(members, ",")+"}"), &wide)
	s.add(wide, 0)
	s.add(wide, 0)
	if len(s.props) != maxInferProps {
		t.Errorf("%d members kept, want %d", len(s.props), maxInferProps)
	}
	deep := strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40)
	if got := inferFrom(t, deep); strings.Count(got, `"properties"`) > maxInferDepth+1 {
		t.Errorf("a 40-deep value gave %d levels", strings.Count(got, `"properties"`))
	}
}

func TestProposedPathTemplates(t *testing.T) {
	p := &proposal{bases: []string{"/api/v1", "/v1"}}
	for path, want := range map[string]string{
		"/api/v1/people/match":                            "/people/match",
		"/v1/organizations/5f2a0b8c9d1e2f3a4b5c6d7e/x":    "/organizations/{id1}/x",
		"/lists/12/list-entries/90001":                    "/lists/{id1}/list-entries/{id2}",
		"/api/v1x/unrelated":                              "/api/v1x/unrelated",
		"/notes/3f2b6c1e-8a9d-4b7e-9f00-0123456789ab/raw": "/notes/{id1}/raw",
	} {
		if got := p.template(path); got != want {
			t.Errorf("template(%s) = %s, want %s", path, got, want)
		}
	}
}

// A proposal keeps at most maxDrifts places of drift, counting the rest.
func TestProposalPlacesAreBounded(t *testing.T) {
	p := &proposal{drifts: map[string]*drift{}}
	for i := range maxDrifts + 5 {
		if d := p.at("undocumented-endpoint", "GET", fmt.Sprintf("/thing%d", i), "200", ""); (d == nil) != (i >= maxDrifts) {
			t.Fatalf("place %d: %v", i, d)
		}
	}
	if len(p.drifts) != maxDrifts || p.dropped != 5 {
		t.Errorf("%d places kept, %d dropped", len(p.drifts), p.dropped)
	}
	if d := p.at("undocumented-endpoint", "GET", "/thing3", "200", ""); d == nil {
		t.Error("a place already kept is refused")
	}
}
