package cli

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A walk reads recordings by content, leaves out hidden directories (but not a hidden
// root named outright), applies --include and --exclude to the path and the base name,
// and refuses a broken glob before reading anything.
func TestCollect(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".root")
	har := `{"log":{"version":"1.2","creator":{"name":"t"},"entries":[]}}`
	line := `{"method":"GET","url":"https://api.affinity.co/x","status":200}`
	write(t, filepath.Join(root, "a.har"), har)
	write(t, filepath.Join(root, "sub", "b.jsonl"), line)
	write(t, filepath.Join(root, ".git", "c.har"), har)
	write(t, filepath.Join(root, "notes.md"), "# notes")
	names := func(include, exclude []string) ([]string, int) {
		c, err := collect([]string{root}, nil, include, exclude)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, in := range c.inputs {
			rel, _ := filepath.Rel(root, in.Name)
			out = append(out, rel)
		}
		slices.Sort(out)
		return out, c.notRecordings
	}
	for _, c := range []struct {
		include, exclude []string
		want             string
		skipped          int
	}{
		{nil, nil, "a.har sub/b.jsonl", 1},
		{[]string{"*.har"}, nil, "a.har", 0},
		{[]string{filepath.Join(root, "sub", "*")}, nil, "sub/b.jsonl", 0},
		{nil, []string{"*.har"}, "sub/b.jsonl", 1},
		{[]string{"*.har", "*.jsonl"}, []string{"b.*"}, "a.har", 0},
	} {
		got, skipped := names(c.include, c.exclude)
		if strings.Join(got, " ") != c.want || skipped != c.skipped {
			t.Errorf("include %v exclude %v: %v and %d not recordings, want %s and %d", c.include, c.exclude, got, skipped, c.want, c.skipped)
		}
	}
	if _, err := collect([]string{root}, nil, []string{"["}, nil); err == nil || !strings.Contains(err.Error(), `glob "["`) {
		t.Errorf("broken glob: %v", err)
	}
}
