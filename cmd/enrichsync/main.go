// Command enrichsync keeps the organizations of an Affinity list enriched with Apollo's
// firmographics, through package enrichsync: a plan that spends nothing, an apply that
// pays for each company once and never overwrites what a person typed, and the audit
// log of every write.
//
//	enrichsync plan  --list ID | --list-name NAME | --all-organizations [flags]
//	enrichsync apply --list ID | --list-name NAME | --all-organizations --budget N [flags]
//	enrichsync log [flags]       the writes the sync made, with old and new values
//	enrichsync demo              plan, apply and a rerun against in-process fakes, no keys
//	enrichsync example           a commented example mapping file
//	enrichsync help | version
//
// Run "enrichsync help" for the whole story and "enrichsync COMMAND --help" for flags.
package main

import (
	"context"
	"os"
	"os/signal"
	"time"

	"github.com/orgapis/orgapis/cmd/enrichsync/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(cli.Run(ctx, os.Args[1:], cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now}))
}
