// Package cli is the enrichsync command: plan and apply an Apollo -> Affinity
// enrichment (package enrichsync), query its audit log, and show the whole job on
// in-process fakes. cmd/enrichsync is its main; the command lives here so that its
// tests call Run with their own output, environment and clock.
package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/orgapis/orgapis/internal/terminal"
	"github.com/orgapis/orgapis/internal/version"
)

// Exit statuses. go run turns every non-zero status into 1; a built binary and go tool
// keep them.
const (
	// exitOK: the run did all it was asked.
	exitOK = 0
	// exitFailed: the run failed or found failures: a write Affinity refused, an error
	// after the run started (a lost connection, a rate limit past the retries), a
	// finding of the demo's fakes.
	exitFailed = 1
	// exitUsage: a usage error or bad input: a flag, a missing key, a mapping that
	// does not parse or does not fit the live fields, a list that is not there.
	exitUsage = 2
	// exitBudget: apply stopped at the credit budget; run again (with a larger
	// --budget) to go on.
	exitBudget = 3
	// exitDeadline: apply stopped at --deadline; run again to go on.
	exitDeadline = 4
)

// Env is what the command is given by its main: where it writes, its environment and
// its clock. Tests give their own.
type Env struct {
	Stdout, Stderr io.Writer
	// Getenv reads the environment (the keys); nil reads none.
	Getenv func(string) string
	// Now is the clock runs are dated and their deadline measured by; nil is
	// time.Now.
	Now func() time.Time
	// Terminal reports whether w is a terminal, where a progress line is shown; nil
	// asks whether it is a character device.
	Terminal func(w io.Writer) bool
}

func (e Env) withDefaults() Env {
	if e.Stdout == nil {
		e.Stdout = io.Discard
	}
	if e.Stderr == nil {
		e.Stderr = io.Discard
	}
	if e.Getenv == nil {
		e.Getenv = func(string) string { return "" }
	}
	if e.Now == nil {
		e.Now = time.Now
	}
	if e.Terminal == nil {
		e.Terminal = terminal.Is
	}
	return e
}

// commands are the words Run takes as a command.
var commands = []string{"plan", "apply", "log", "demo", "example", "help", "version"}

// Run runs the command with args (without the program name) and returns its exit
// status (see the exit constants).
func Run(ctx context.Context, args []string, env Env) int {
	env = env.withDefaults()
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, helpText)
		return exitUsage
	}
	switch args[0] {
	case "plan":
		return runSync(ctx, "plan", args[1:], env)
	case "apply":
		return runSync(ctx, "apply", args[1:], env)
	case "log":
		return runLog(ctx, args[1:], env)
	case "demo":
		return runDemo(ctx, args[1:], env)
	case "example":
		return runExample(args[1:], env)
	case "help", "-h", "-help", "--help":
		switch len(args) {
		case 1:
			fmt.Fprint(env.Stdout, helpText)
			return exitOK
		case 2:
			if args[1] == "help" || args[1] == "version" {
				fmt.Fprint(env.Stdout, helpText)
				return exitOK
			}
			for _, c := range commands {
				if c == args[1] {
					return Run(ctx, []string{c, "--help"}, env)
				}
			}
			fmt.Fprintf(env.Stderr, "enrichsync help: unknown command %q (commands: %s)\n", args[1], strings.Join(commands, ", "))
			return exitUsage
		}
		fmt.Fprintf(env.Stderr, "enrichsync help: unexpected arguments %q: help takes one command\n", args[2:])
		return exitUsage
	case "version", "-version", "--version":
		if len(args) > 1 {
			fmt.Fprintf(env.Stderr, "enrichsync version: unexpected arguments %q: version takes none\n", args[1:])
			return exitUsage
		}
		fmt.Fprintf(env.Stdout, "enrichsync %s\n", version.String())
		return exitOK
	}
	fmt.Fprintf(env.Stderr, "enrichsync: unknown command %q (commands: %s)\n", args[0], strings.Join(commands, ", "))
	return exitUsage
}

const helpText = `enrichsync keeps the organizations of an Affinity list enriched with Apollo's
firmographics (employees, industry, funding, headquarters, LinkedIn, founding year).
It pays for a company once, never writes an unchanged value, leaves what a person typed
alone, and keeps every write in an audit log. Resuming is running again.

Usage:
  enrichsync plan  TARGET [flags]   what apply would do, per organization, and what it
                                    would spend; spends no credit and writes nothing
  enrichsync apply TARGET [flags]   enrich (within --budget credits) and write
  enrichsync log [flags]            the writes the sync made: old value, new value,
                                    rule and time
  enrichsync demo [--db PATH]       plan, apply and a second apply against in-process
                                    fakes of both services; no keys needed
  enrichsync example                a commented example mapping file
  enrichsync help [COMMAND]         this text, or a command's flags
  enrichsync version                the module version

TARGET is one of --list ID, --list-name NAME (with --saved-view ID to narrow a list to
a saved view) or --all-organizations. The mapping file (--mapping, default
enrichsync.yaml) says which Apollo member fills which Affinity field and by which rule;
"enrichsync example" prints one. State is one SQLite file (--db, default enrichsync.db).

Environment:
  APOLLO_API_KEY     the Apollo key (plan reads the credit balance, free; apply enriches)
  AFFINITY_API_KEY   the Affinity key
  Keys never appear in output, errors or the store.

Exit status (a built binary or go tool keeps it; go run turns every non-zero one into 1):
  0  done
  1  a failure while running: a write Affinity refused, an error after the run began
  2  a usage error or bad input: a flag, a missing key, a bad mapping (each bad line
     is printed as FILE:LINE), a list that is not there
  3  apply stopped at the credit budget; run again, with a larger --budget, to go on
  4  apply stopped at --deadline; run again to go on
`
