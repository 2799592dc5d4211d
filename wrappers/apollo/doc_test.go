package apollo_test

import (
	"testing"

	"github.com/orgapis/orgapis/internal/docmap"
)

// The package comment's map names every call of Client, and every name it lists is
// one the package declares.
func TestThePackageDocIsAMapOfEveryCall(t *testing.T) {
	problems, err := docmap.Check(".", "Client", 25)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
