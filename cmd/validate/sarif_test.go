package main

import (
	"os"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/contract"
	"gopkg.in/yaml.v3"
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
	// $refs that chase each other end, at the last line reached.
	_, ping := get2(l.root, "components", "schemas", "Ping")
	if n, line := l.resolveLine(ping, 7); n == nil || line == 0 {
		t.Errorf("resolveLine of a $ref cycle = %v, %d", n, line)
	}
	// An unreadable spec points nowhere rather than failing the report.
	if n := newSpecLocator("", "testdata/no-such.yaml").locate(get); n != 0 {
		t.Errorf("missing spec: line %d", n)
	}
	if newSpecLocator("graphql", "") != nil {
		t.Error("an unknown API has a locator")
	}
}

// get2 follows keys through nested mappings.
func get2(n *yaml.Node, keys ...string) (k, v *yaml.Node) {
	v = n
	for _, key := range keys {
		k, v = get(v, key)
	}
	return k, v
}
