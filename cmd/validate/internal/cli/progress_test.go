package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/internal/terminal"
)

func TestInputSize(t *testing.T) {
	dir := t.TempDir()
	a := write(t, filepath.Join(dir, "a.har"), strings.Repeat("x", 100))
	b := write(t, filepath.Join(dir, "b.jsonl"), strings.Repeat("y", 23))
	for _, c := range []struct {
		inputs []Input
		want   int64
	}{
		{nil, 0},
		{[]Input{{Name: a}, {Name: b}}, 123},
		{[]Input{{Name: a}, {Name: filepath.Join(dir, "gone")}}, 100}, // vanished: counted as nothing
		{[]Input{{Name: a}, {Name: "(stdin)"}}, progressThreshold},    // unknown size counts as large
	} {
		if got := inputSize(c.inputs); got != c.want {
			t.Errorf("inputSize(%v) = %d, want %d", c.inputs, got, c.want)
		}
	}
	f, err := os.Open(a)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if terminal.Is(f) {
		t.Error("a regular file is a terminal")
	}
}
