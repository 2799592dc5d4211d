// Command speclint loads OpenAPI documents, validates them with kin-openapi and applies
// the project's own rules (speclint.go). It prints one line per problem
// and exits 1 when there is any, 2 when a document cannot be loaded.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/orgapis/orgapis/specs"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: speclint FILE.yaml...")
		os.Exit(2)
	}
	code := 0
	for _, path := range os.Args[1:] {
		doc, err := specs.LoadFile(context.Background(), path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 2
			continue
		}
		problems := Check(doc)
		for _, p := range problems {
			fmt.Printf("%s: %s\n", path, p)
		}
		if len(problems) > 0 && code == 0 {
			code = 1
		}
		if len(problems) == 0 {
			fmt.Printf("%s: ok (%d operations)\n", path, countOperations(doc))
		}
	}
	os.Exit(code)
}

func countOperations(doc *openapi3.T) int {
	n := 0
	for _, item := range doc.Paths.Map() {
		n += len(item.Operations())
	}
	return n
}
