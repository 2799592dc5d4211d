package gates

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// generators are the files whose go:generate lines make the committed code, by path
// (module-relative, with slashes); go generate ./... runs every such line in the
// module, tests included, so one anywhere else runs too.
var generators = regexp.MustCompile(`^(generated/[a-z]+/generate\.go|wrappers/[a-z]+/records\.go)$`)

// `go generate ./...` (make generate) runs only the generators: a directive at the start
// of any other line of a .go file (such as a recipe a test writes for a user's module,
// held in a raw string) would run in this module and fail it.
func TestGoGenerateOnlyInTheGenerators(t *testing.T) {
	root := filepath.Join("..", "..")
	found := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		sc := bufio.NewScanner(bytes.NewReader(src))
		sc.Buffer(nil, 1<<20)
		for line := 1; sc.Scan(); line++ {
			if !strings.HasPrefix(sc.Text(), "//go:generate ") {
				continue
			}
			if !generators.MatchString(rel) {
				t.Errorf("%s:%d: a go:generate line outside the generators runs in make generate: %s", rel, line, sc.Text())
				continue
			}
			found++
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 4 { // two clients and two wrappers' records
		t.Errorf("%d go:generate lines in the generators, want at least 4: the walk read nothing", found)
	}
}
