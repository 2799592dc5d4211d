package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/contract"
)

func TestBaselineEntryMatches(t *testing.T) {
	f := contract.Finding{OperationID: "searchOrganizations", Kind: contract.KindBody, Location: "body", Pointer: "/organizations/12/domain"}
	e := entryOf(f)
	if e.pointer != "/organizations/*/domain" {
		t.Fatalf("entry pointer = %q", e.pointer)
	}
	for _, c := range []struct {
		change func(*contract.Finding)
		want   bool
	}{
		{func(*contract.Finding) {}, true},
		{func(f *contract.Finding) { f.Pointer = "/organizations/0/domain" }, true},
		{func(f *contract.Finding) { f.Pointer = "/organizations/0/name" }, false},
		{func(f *contract.Finding) { f.Pointer = "/organizations/0/domain/x" }, false},
		{func(f *contract.Finding) { f.Pointer = "/organizations/0" }, false},
		{func(f *contract.Finding) { f.OperationID = "getOrganization" }, false},
		{func(f *contract.Finding) { f.Kind = contract.KindUndocumentedField }, false},
		{func(f *contract.Finding) { f.Location = "header" }, false},
	} {
		g := f
		c.change(&g)
		if got := e.matches(g); got != c.want {
			t.Errorf("%+v matches %v = %v, want %v", e, g, got, c.want)
		}
	}
	if got := generalize("/a/1/b/22/c/3"); got != "/a/*/b/*/c/*" {
		t.Errorf("generalize = %q", got)
	}
	undocumented := contract.Finding{API: "apollo", Method: "POST", Path: "/api/v1/people/match", Kind: contract.KindUndocumentedEndpoint}
	if got := operationKey(undocumented); got != "(undocumented) apollo POST /api/v1/people/match" {
		t.Errorf("operationKey = %q", got)
	}
}

// specError names the line: the YAML parser's, else the first line holding a name the
// error quotes, else none; a long message is cut.
func TestSpecErrorNamesTheLine(t *testing.T) {
	path := write(t, filepath.Join(t.TempDir(), "s.yaml"), "openapi: 3.0.3\npaths:\n  /things:\n    $ref: \"#/nowhere\"\n")
	for _, c := range []struct {
		err  error
		want string
	}{
		{errors.New(path + ": yaml: line 7: did not find expected key"), "--spec " + path + ":7: yaml: line 7: did not find expected key"},
		{errors.New(`bad ref "#/nowhere" in path`), "--spec " + path + `:4: bad ref "#/nowhere" in path`},
		{errors.New(`bad ref "#/elsewhere"`), "--spec " + path + `: bad ref "#/elsewhere"`},
		{errors.New(strings.Repeat("x", 301)), "--spec " + path + ": " + strings.Repeat("x", 297) + "..."},
		{errors.New(strings.Repeat("y", 300)), "--spec " + path + ": " + strings.Repeat("y", 300)},
	} {
		if got := specError(path, c.err).Error(); got != c.want {
			t.Errorf("specError(%.40q) = %.80q, want %.80q", c.err, got, c.want)
		}
	}
	if got := specError("gone.yaml", errors.New(`no "thing" here`)).Error(); got != `--spec gone.yaml: no "thing" here` {
		t.Errorf("unreadable spec: %q", got)
	}
	if hostOf("https://API.affinity.co:443/x") != "API.affinity.co" || hostOf("://bad") != "" {
		t.Errorf("hostOf: %q %q", hostOf("https://API.affinity.co:443/x"), hostOf("://bad"))
	}
}
