package cli

import (
	_ "embed"
	"flag"
	"fmt"
)

// exampleMapping is the mapping enrichsync example prints and the demo runs with; the
// repository ships the same text as enrichsync.example.yaml.
//
//go:embed example.yaml
var exampleMapping string

const exampleUsage = `usage: enrichsync example > enrichsync.yaml

Prints a commented example mapping file, the one the demo runs with: edit its field
names to your list's, then check it with enrichsync plan.

`

// runExample prints the example mapping.
func runExample(args []string, env Env) int {
	fl := flag.NewFlagSet("enrichsync example", flag.ContinueOnError)
	if code, done := parseFlags(fl, args, exampleUsage, env.Stdout, env.Stderr); done {
		return code
	}
	if _, err := fmt.Fprint(env.Stdout, exampleMapping); err != nil {
		fmt.Fprintf(env.Stderr, "enrichsync example: %v\n", err)
		return exitFailed
	}
	return exitOK
}
