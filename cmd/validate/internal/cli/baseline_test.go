package cli

import (
	"errors"
	"os"
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
	if got := generalize("/a/1/b/22/c/3/0/11"); got != "/a/*/b/*/c/*/*/*" {
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

// Applying a baseline marks what it knows (never unreadable input or failed calls),
// counts it, and lists the entries that matched nothing; a baseline file skips blank
// and comment lines and keeps one copy of a repeated entry.
func TestBaselineApply(t *testing.T) {
	path := write(t, filepath.Join(t.TempDir(), "b.txt"), baselineHeader+"\n"+
		"getOrganization\tbody\tbody\t/domain\r\n"+
		"getOrganization\tbody\tbody\t/domain\n"+
		"listLists\tbody\tbody\t/0/name\n"+
		"(undocumented) affinity GET /x\tunreadable\t\t\n")
	b, err := readBaseline(path)
	if err != nil || len(b.entries) != 3 {
		t.Fatalf("entries %v, %v", b, err)
	}
	res := Result{Findings: []contract.Finding{
		{OperationID: "getOrganization", Kind: contract.KindBody, Location: "body", Pointer: "/domain"},
		{OperationID: "getOrganization", Kind: contract.KindBody, Location: "body", Pointer: "/name"},
		{API: "affinity", Method: "GET", Path: "/x", Kind: contract.KindUnreadable},
	}}
	b.apply(&res)
	if !res.Findings[0].Known || res.Findings[1].Known || res.Findings[2].Known || res.Summary.Known != 1 {
		t.Errorf("known: %v %v %v, count %d", res.Findings[0].Known, res.Findings[1].Known, res.Findings[2].Known, res.Summary.Known)
	}
	if len(res.Stale) != 2 || res.Stale[0] != "listLists\tbody\tbody\t/0/name" {
		t.Errorf("stale = %q", res.Stale)
	}
	// Written back, a baseline holds each entry once, sorted, and no unreadable input.
	out := filepath.Join(t.TempDir(), "w.txt")
	res.Findings = append(res.Findings, res.Findings[0])
	if err := writeBaseline(out, entriesOf(res.Findings)); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(out)
	if string(data) != baselineHeader+"getOrganization\tbody\tbody\t/domain\ngetOrganization\tbody\tbody\t/name\n" {
		t.Errorf("written baseline:\n%s", data)
	}
}
