package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/orgapis/orgapis/contract"
)

// A baseline is read only from a regular file of bounded size: a FIFO would block, a
// device never end.
func TestBaselineReadIsBounded(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, "/dev/zero", dir} {
		if _, err := readBaseline(path); err == nil || !strings.Contains(err.Error(), "not a regular file") || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: err = %v", path, err)
		}
	}
	// Both sides of the size limit.
	at := write(t, filepath.Join(dir, "at"), strings.Repeat("#", 1024))
	over := write(t, filepath.Join(dir, "over"), strings.Repeat("#", 1025))
	if _, err := readBounded(at, 1024); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	if _, err := readBounded(over, 1024); err == nil || !strings.Contains(err.Error(), over) {
		t.Errorf("over the limit: %v", err)
	}
	// A line too long for the scanner names the file.
	long := write(t, filepath.Join(dir, "long"), strings.Repeat("x", 70<<10))
	if _, err := readBaseline(long); err == nil || !strings.Contains(err.Error(), long) {
		t.Errorf("long line: %v", err)
	}
	if _, err := readBaseline(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
}

// bigBaseline writes a baseline of n distinct entries and returns findings that match
// every other one of them.
func bigBaseline(tb testing.TB, n int) (string, []contract.Finding) {
	var b strings.Builder
	b.WriteString(baselineHeader)
	var findings []contract.Finding
	for i := range n {
		op := fmt.Sprintf("op%d", i%50)
		fmt.Fprintf(&b, "affinity\t%s\tbody\tbody\t/items/*/m%d\n", op, i)
		if i%2 == 0 {
			findings = append(findings, contract.Finding{API: "affinity", OperationID: op, Kind: "body", Location: "body", Pointer: fmt.Sprintf("/items/3/m%d", i)})
		}
	}
	path := filepath.Join(tb.TempDir(), "baseline.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path, findings
}

func TestBigBaselineAppliesExactly(t *testing.T) {
	path, findings := bigBaseline(t, 2000)
	b, err := readBaseline(path)
	if err != nil || len(b.entries) != 2000 {
		t.Fatalf("%d entries, %v", len(b.entries), err)
	}
	// One finding that differs from an entry only in its kind stays unknown.
	findings = append(findings, contract.Finding{API: "affinity", OperationID: "op0", Kind: "undocumented-field", Location: "body", Pointer: "/items/3/m0"})
	res := Result{Findings: findings}
	b.apply(&res)
	if res.Summary.Known != 1000 || len(res.Stale) != 1000 || res.Findings[len(findings)-1].Known {
		t.Errorf("known %d, stale %d, last known %v", res.Summary.Known, len(res.Stale), res.Findings[len(findings)-1].Known)
	}
}

// Reading and applying a baseline is linear in its entries: compare the ns/op of the
// sizes (BENCHMARKS.md).
func BenchmarkBaseline(b *testing.B) {
	for _, n := range []int{10000, 20000, 40000} {
		path, findings := bigBaseline(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				base, err := readBaseline(path)
				if err != nil {
					b.Fatal(err)
				}
				res := Result{Findings: append([]contract.Finding(nil), findings...)}
				base.apply(&res)
			}
		})
	}
}

// The index finds exactly the entry a scan of every entry in file order finds, for
// entries whose wildcards sit at different places and findings that differ from them
// in one field at a time.
func TestBaselineIndexAgreesWithAScan(t *testing.T) {
	var b baseline
	for i, p := range []string{"/a/*/c", "/a/b/c", "/*/b/c", "/a/b/*", "/*/*/*", "/a/b", "/a/*", "", "/x/1/y"} {
		for _, kind := range []string{"body", "undocumented-field"} {
			// Entries of one API, of the other, and of none, in turn.
			b.add(baselineEntry{[]string{"affinity", "apollo", ""}[i%3], "getOrganization", kind, "body", p})
			b.add(baselineEntry{"affinity", "getList", kind, "body", p})
		}
	}
	idx := b.index()
	for _, api := range []string{"affinity", "apollo", ""} {
		for _, op := range []string{"getList", "getOrganization"} {
			for _, kind := range []string{"body", "undocumented-field", "header"} {
				for _, loc := range []string{"body", "header"} {
					for _, ptr := range []string{"/a/b/c", "/a/z/c", "/z/b/c", "/a/b/z", "/z/z/z", "/a/b", "/a/z", "/z", "", "/x/1/y", "/x/2/y", "/a/b/c/d"} {
						f := contract.Finding{API: api, OperationID: op, Kind: kind, Location: loc, Pointer: ptr}
						want := -1
						for j, e := range b.entries {
							if e.matches(f) {
								want = j
								break
							}
						}
						if got := idx.match(f); got != want {
							t.Errorf("%s %s %s %s %q: index %d, scan %d", api, op, kind, loc, ptr, got, want)
						}
					}
				}
			}
		}
	}
}

// A baseline entry of one API never makes a finding of the other known, and a line
// of the first format (no API) matches both, with a warning to rewrite it.
func TestBaselineEntriesNameTheirAPI(t *testing.T) {
	dir := t.TempDir()
	path := write(t, filepath.Join(dir, "b.txt"), baselineHeader+
		"affinity\tgetOrganization\tundocumented-status\tstatus\t\n"+
		"listLists\tbody\tbody\t/*/id\n")
	b, err := readBaseline(path)
	if err != nil || b.legacy != 1 {
		t.Fatalf("legacy %d, %v", b.legacy, err)
	}
	res := Result{Findings: []contract.Finding{
		{API: "affinity", OperationID: "getOrganization", Kind: "undocumented-status", Location: "status"},
		{API: "apollo", OperationID: "getOrganization", Kind: "undocumented-status", Location: "status"},
		{API: "affinity", OperationID: "listLists", Kind: "body", Location: "body", Pointer: "/3/id"},
		{API: "apollo", OperationID: "listLists", Kind: "body", Location: "body", Pointer: "/3/id"},
	}}
	b.apply(&res)
	var known []bool
	for _, f := range res.Findings {
		known = append(known, f.Known)
	}
	if want := []bool{true, false, true, true}; !slices.Equal(known, want) {
		t.Errorf("known %v, want %v", known, want)
	}
	if _, err := readBaseline(write(t, filepath.Join(dir, "bad.txt"), "hubspot\tgetOrganization\tbody\tbody\t/x\n")); err == nil || !strings.Contains(err.Error(), "bad.txt:1: first field") {
		t.Errorf("unknown API: %v", err)
	}
	// The warning reaches the user.
	code := cli(t, nil, "--baseline", path, "testdata/recordings")
	if !strings.Contains(code.stderr, "1 entries name no API and match both") {
		t.Errorf("stderr %q", code.stderr)
	}
}

// matches is what a baseline entry means, one entry at a time: the reference the
// index is held to.
func (e baselineEntry) matches(f contract.Finding) bool {
	if (e.api != "" && e.api != f.API) || e.operation != operationKey(f) || e.kind != f.Kind || e.location != f.Location {
		return false
	}
	want, got := strings.Split(e.pointer, "/"), strings.Split(f.Pointer, "/")
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if want[i] != "*" && want[i] != got[i] {
			return false
		}
	}
	return true
}
