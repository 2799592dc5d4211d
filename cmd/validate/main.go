// Command validate checks HTTP traffic against the Apollo and Affinity specs and
// reports exactly where reality and spec disagree.
//
//	validate [check] [flags] PATH...   recorded traffic: HAR, go-vcr cassettes, JSON lines
//	validate live --api API [flags]    the live API, read-only, with the key from the environment
//	validate mock --api API [flags]    a fake of the API over HTTP, to try clients against
//	validate help | version
//
// Run "validate help" for the whole story and "validate COMMAND --help" for flags.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/orgapis/orgapis/cmd/validate/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
