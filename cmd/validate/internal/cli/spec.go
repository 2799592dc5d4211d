package cli

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/orgapis/orgapis/specs"
)

const specUsage = `usage: validate spec --api affinity|apollo [-o FILE]

Writes the OpenAPI document of one API, as this version of the module embeds it, to
standard output or FILE: the input for a generator of your own in a go:generate line,
a linter or a diff tool, without a path into this module's source.

Flags:
`

func runSpec(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("validate spec", flag.ContinueOnError)
	apiName := fl.String("api", "", "the API whose document to write: affinity or apollo (required)")
	out := fl.String("o", "", "write to this file instead of standard output")
	api, code, done := parseAPIFlags(fl, args, specUsage, apiName, stdout, stderr)
	if done {
		return code
	}
	src, err := specs.Source(api)
	if err != nil {
		fmt.Fprintf(stderr, "validate spec: %v\n", err)
		return 2
	}
	if *out == "" {
		if _, err := stdout.Write(src); err != nil {
			fmt.Fprintf(stderr, "validate spec: %v\n", err)
			return 2
		}
		return 0
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintf(stderr, "validate spec: -o: %v\n", err)
		return 2
	}
	return 0
}
