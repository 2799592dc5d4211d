package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/contract"
)

// TestSpecLocator points a finding of every kind at its line in a purpose-built spec,
// including the fallbacks when the member, header or parameter is not in the spec.
func TestSpecLocator(t *testing.T) {
	const file = "testdata/locate.yaml"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	l := newSpecLocator("", file)
	get := contract.Finding{OperationID: "getThing", Status: 200}
	with := func(f contract.Finding, kind, location, pointer string) contract.Finding {
		f.Kind, f.Location, f.Pointer = kind, location, pointer
		return f
	}
	post := contract.Finding{OperationID: "createThing", Status: 201}
	for _, c := range []struct {
		name string
		f    contract.Finding
		want string // the trimmed line it must point at
	}{
		{"undocumented endpoint", contract.Finding{Kind: contract.KindUndocumentedEndpoint}, "paths:"},
		{"unknown operation", contract.Finding{OperationID: "nope", Kind: contract.KindBody}, "paths:"},
		{"undocumented status", with(get, contract.KindUndocumentedStatus, "", ""), "responses:"},
		{"content type", with(get, contract.KindContentType, "", ""), "content:"},
		{"content type of a response without content", with(post, contract.KindContentType, "", ""), `"201":`},
		{"header", with(get, contract.KindHeader, "header", "/X-Rate"), "X-Rate:"},
		{"undocumented header", with(get, contract.KindHeader, "header", "/X-Other"), `"200":`},
		{"member through allOf", with(get, contract.KindBody, "body", "/id"), "id: {type: integer}"},
		{"escaped member", with(get, contract.KindBody, "body", "/a~1b~0c"), "a/b~c: {type: string}"},
		{"array item member", with(get, contract.KindBody, "body", "/tags/0/label"), "label: {type: string}"},
		{"undocumented member lands on its parent", with(get, contract.KindUndocumentedField, "body", "/tags/0/extra"), "items:"},
		{"whole body lands on the schema", with(get, contract.KindBody, "body", ""), "Thing:"},
		{"status only in default", contract.Finding{OperationID: "getThing", Status: 500, Kind: contract.KindBody, Pointer: "/id"}, "default:"},
		{"request body member", with(post, contract.KindRequest, "body", "/tags"), "tags:"},
		{"query parameter", with(get, contract.KindRequest, "query", "/fields"), "- name: fields"},
		{"path parameter", with(get, contract.KindRequest, "path", "/id"), "- name: id"},
		{"unknown parameter", with(get, contract.KindRequest, "query", "/nope"), "get:"},
		{"request body of an operation without one", with(get, contract.KindRequest, "body", "/x"), "get:"},
		{"a schema that refers to itself", contract.Finding{OperationID: "loopThing", Status: 200, Kind: contract.KindBody, Pointer: "/a/b"}, "Loop:"},
	} {
		n := l.locate(c.f)
		if n < 1 || n > len(lines) {
			t.Errorf("%s: line %d", c.name, n)
			continue
		}
		if got := strings.TrimSpace(lines[n-1]); got != c.want {
			t.Errorf("%s: line %d is %q, want %q", c.name, n, got, c.want)
		}
	}
	// An unreadable spec points nowhere rather than failing the report.
	if n := newSpecLocator("", "testdata/no-such.yaml").locate(get); n != 0 {
		t.Errorf("missing spec: line %d", n)
	}
	if newSpecLocator("graphql", "") != nil {
		t.Error("an unknown API has a locator")
	}
}

// Each result: its level by whether a baseline knows it, the recording (with its entry
// and line) as its location, and the spec line beside it when the finding names an API;
// without a recording, the spec is the location.
func TestWriteSARIFResults(t *testing.T) {
	res := Result{Findings: []contract.Finding{
		{Source: "a.har", Entry: 0, Line: 7, API: "affinity", OperationID: "getOrganization", Status: 200, Kind: contract.KindUndocumentedStatus},
		{Source: "a.har", Entry: 1, API: "affinity", OperationID: "getOrganization", Status: 200, Kind: contract.KindUndocumentedStatus, Known: true},
		{Source: "b.har", Entry: -1, Kind: contract.KindUnreadable, Found: "broken"},
		{Source: "c.har", Entry: 2, API: "graphql", Kind: contract.KindBody},
		{Source: "live", Entry: 3, API: "affinity", OperationID: "getOrganization", Status: 409, Kind: contract.KindUndocumentedStatus},
	}}
	var out strings.Builder
	if err := WriteSARIF(&out, res); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Level, BaselineState string
				Locations            []sarifLocation
				RelatedLocations     []sarifLocation
			}
		}
	}
	if err := json.Unmarshal([]byte(out.String()), &log); err != nil || len(log.Runs) != 1 || len(log.Runs[0].Results) != 5 {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	r := log.Runs[0].Results
	if r[0].Level != "error" || r[0].BaselineState != "" || r[1].Level != "note" || r[1].BaselineState != "unchanged" {
		t.Errorf("levels: %+v %+v", r[0], r[1])
	}
	if loc := r[0].Locations[0]; loc.PhysicalLocation.ArtifactLocation != (sarifArtifact{URI: "a.har"}) || loc.PhysicalLocation.Region == nil ||
		loc.PhysicalLocation.Region.StartLine != 7 || loc.Message == nil || loc.Message.Text != "entry 0 of the recording" {
		t.Errorf("recording location = %+v", loc)
	}
	if rel := r[0].RelatedLocations; len(rel) != 1 || rel[0].ID != 1 || rel[0].PhysicalLocation.ArtifactLocation != (sarifArtifact{URI: "specs/affinity.yaml", URIBaseID: sarifModuleBase}) ||
		rel[0].PhysicalLocation.Region == nil || rel[0].PhysicalLocation.Region.StartLine < 1 {
		t.Errorf("spec location = %+v", rel)
	}
	if r[1].Locations[0].PhysicalLocation.Region != nil {
		t.Errorf("a recording without a line has a region: %+v", r[1].Locations[0])
	}
	if loc := r[4].Locations; len(loc) != 1 || loc[0].PhysicalLocation.ArtifactLocation.URIBaseID != sarifModuleBase || r[4].RelatedLocations != nil {
		t.Errorf("live traffic: locations %+v, related %+v", loc, r[4].RelatedLocations)
	}
	for i, want := range map[int]string{2: "b.har", 3: "c.har"} {
		if locs := r[i].Locations; len(locs) != 1 || locs[0].PhysicalLocation.ArtifactLocation.URI != want || r[i].RelatedLocations != nil {
			t.Errorf("result %d: locations %+v, related %+v", i, locs, r[i].RelatedLocations)
		}
	}
	if r[2].Locations[0].Message != nil {
		t.Errorf("a whole file's location names an entry: %+v", r[2].Locations[0].Message)
	}
}

func TestSARIFURIs(t *testing.T) {
	wd, _ := os.Getwd()
	for _, c := range []struct {
		source, uri string
		ok          bool
	}{
		{"testdata/a.har", "testdata/a.har", true},
		{filepath.Join(wd, "sub", "b.har"), "sub/b.har", true},
		{"/elsewhere/c.har", "file:///elsewhere/c.har", true},
		{"dir with space/d.jsonl", "dir%20with%20space/d.jsonl", true},
		{"-", "", false},
		{"live", "", false},
		{"", "", false},
	} {
		if uri, ok := recordingURI(c.source); uri != c.uri || ok != c.ok {
			t.Errorf("recordingURI(%q) = %q, %v; want %q, %v", c.source, uri, ok, c.uri, c.ok)
		}
	}
	for v, want := range map[string]string{"v0.1.0": "v0.1.0", "v1.2.3": "v1.2.3", "devel+abc-dirty": "main",
		"v0.0.0-20261201194205-17470adbc787+dirty": "main", "v0.1.1-0.20261201-abcdef": "main"} {
		if got := moduleSourceURI(v); got != "https://github.com/orgapis/orgapis/blob/"+want+"/" {
			t.Errorf("moduleSourceURI(%q) = %q", v, got)
		}
	}
}
