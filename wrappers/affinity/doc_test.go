package affinity_test

import (
	"testing"

	"github.com/orgapis/orgapis/internal/docmap"
)

// The package comment's map names every call of Client, and every name it lists is
// one the package declares: a call added without its place on the map, or a map entry
// left behind by a rename, fails here.
func TestThePackageDocIsAMapOfEveryCall(t *testing.T) {
	problems, err := docmap.Check(".", "Client", 60)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
