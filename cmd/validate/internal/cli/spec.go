package cli

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/orgapis/orgapis/specs"
)

const specUsage = `usage: validate spec --api affinity|apollo [-o FILE] [--config FILE]

Writes the OpenAPI document of one API, as this version of the module embeds it, to
standard output or FILE: the input for a generator of your own in a go:generate line,
a linter or a diff tool, without a path into this module's source. With --config it
also writes the oapi-codegen configuration the module's own clients are generated
with: "oapi-codegen -config FILE -package NAME -o x.gen.go affinity.yaml" then gives
the same names, types and slices as the module's generated/ clients.

Flags:
`

func runSpec(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("validate spec", flag.ContinueOnError)
	apiName := fl.String("api", "", "the API whose document to write: affinity or apollo (required)")
	out := fl.String("o", "", "write to this file instead of standard output")
	config := fl.String("config", "", "also write the oapi-codegen configuration of the module's own clients to this file")
	api, code, done := parseAPIFlags(fl, args, specUsage, apiName, stdout, stderr)
	if done {
		return code
	}
	src, err := specs.Source(api)
	if err != nil {
		fmt.Fprintf(stderr, "validate spec: %v\n", err)
		return 2
	}
	if *config != "" {
		if err := os.WriteFile(*config, specs.GeneratorConfig(), 0o644); err != nil {
			fmt.Fprintf(stderr, "validate spec: --config: %v\n", err)
			return 2
		}
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
