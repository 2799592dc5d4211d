// Package cli is the validate command: checking recorded traffic, the live
// APIs and a mock of them against the specs. cmd/validate is its main; the command
// lives here so that its tests (and mutation testing, which cannot place a package
// main outside a directory named main) see an ordinary package.
package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/orgapis/orgapis/internal/version"
	"github.com/orgapis/orgapis/specs"
)

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Run runs the command with args (without the program name) and returns its exit
// status: 0 when every exchange checked conforms, 1 for findings, 2 for anything that
// kept the check from being whole.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "live":
			return runLive(ctx, args[1:], os.Getenv, stdout, stderr)
		case "mock":
			return runMock(ctx, args[1:], stdout, stderr)
		case "proxy":
			return runProxy(ctx, args[1:], stdout, stderr)
		case "spec":
			return runSpec(args[1:], stdout, stderr)
		case "propose":
			return runPropose(ctx, args[1:], stdin, stdout, stderr)
		case "diff":
			return runDiff(ctx, args[1:], stdout, stderr)
		case "help", "-h", "-help", "--help":
			if len(args) > 2 {
				fmt.Fprintf(stderr, "validate help: unexpected arguments %q: help takes one command\n", args[2:])
				return 2
			}
			if len(args) > 1 {
				return commandHelp(ctx, args[1], stdin, stdout, stderr)
			}
			fmt.Fprint(stdout, helpText)
			return 0
		case "version", "-version", "--version":
			if len(args) > 1 {
				fmt.Fprintf(stderr, "validate version: unexpected arguments %q: version takes none\n", args[1:])
				return 2
			}
			writeVersion(stdout)
			return 0
		case "check":
			args = args[1:]
		default:
			if unknownWord(args[0]) {
				fmt.Fprintf(stderr, "validate: unknown command or file %q (commands: %s)\n", args[0], strings.Join(commands, ", "))
				return 2
			}
		}
	}
	return runCheck(ctx, args, stdin, stdout, stderr)
}

// commands are the words Run takes as a command.
var commands = []string{"check", "live", "mock", "proxy", "propose", "diff", "spec", "help", "version"}

// unknownWord reports whether a first argument reads as a mistyped command: a bare
// word (no flag, no "/" or ".", as a path to a recording has) that names nothing on
// disk. A missing path stays a missing file, reported beside the other inputs'
// results.
func unknownWord(arg string) bool {
	if strings.HasPrefix(arg, "-") || strings.ContainsAny(arg, `/.\`) {
		return false
	}
	_, err := os.Lstat(arg)
	return errors.Is(err, fs.ErrNotExist)
}

// commandHelp prints one command's help, as COMMAND --help does.
func commandHelp(ctx context.Context, name string, stdin io.Reader, stdout, stderr io.Writer) int {
	switch name {
	case "check":
		return runCheck(ctx, []string{"--help"}, stdin, stdout, stderr)
	case "live":
		return runLive(ctx, []string{"--help"}, os.Getenv, stdout, stderr)
	case "mock":
		return runMock(ctx, []string{"--help"}, stdout, stderr)
	case "proxy":
		return runProxy(ctx, []string{"--help"}, stdout, stderr)
	case "spec":
		return runSpec([]string{"--help"}, stdout, stderr)
	case "propose":
		return runPropose(ctx, []string{"--help"}, stdin, stdout, stderr)
	case "diff":
		return runDiff(ctx, []string{"--help"}, stdout, stderr)
	case "help", "version":
		fmt.Fprint(stdout, helpText)
		return 0
	}
	fmt.Fprintf(stderr, "validate help: unknown command %q (commands: %s)\n", name, strings.Join(commands, ", "))
	return 2
}

const helpText = `validate checks HTTP traffic against the Apollo and Affinity OpenAPI specs and
reports exactly where reality and spec disagree.

Usage:
  validate [check] [flags] PATH...   check recordings: HAR, go-vcr cassettes and JSON
                                     lines, recognised by content; directories are
                                     searched; - reads standard input
  validate live --api API [flags]    call the read-only operations of the live API and
                                     check its answers (API is affinity or apollo)
  validate mock --api API [flags]    serve a fake of the API over HTTP, to try validate
                                     live, curl or other clients against
  validate proxy --api API --upstream URL [--addr HOST:PORT]
                                     serve a reverse proxy that a client in any
                                     language points its base URL at, checking its
                                     traffic with the upstream as it passes
  validate spec --api API [-o FILE]  write the embedded OpenAPI document, to generate
                                     code from it (go generate) or lint it
  validate propose --api API PATH... write an OpenAPI Overlay that makes the
                                     recordings' drift pass; check with --overlay
  validate diff --api API --against FILE
                                     compare the spec with the vendor's own document
  validate help [COMMAND]            this text, or a command's
  validate version                   the module version and a digest of each spec

Run "validate COMMAND --help" for the flags of a command. Flags may stand before or
after paths.

Environment:
  AFFINITY_API_KEY   the key validate live uses with --api affinity
  APOLLO_API_KEY     the key validate live uses with --api apollo
  Keys never appear in reports, recordings or errors.

Exit status:
  0  every exchange checked conforms
  1  there are findings (not counting those a --baseline knows)
  2  a usage error, an input that could not be read, a failed live call, an
     exchange the proxy could not check, or nothing checked at all (unless
     --allow-empty)
`

// writeVersion prints the version (version.String: the module version, or the VCS
// revision of a checkout) and a digest of each embedded spec, so that a report can be
// traced to the spec it was checked against.
func writeVersion(w io.Writer) {
	fmt.Fprintf(w, "validate %s\n", version.String())
	for _, api := range specs.APIs() {
		src, err := specs.Source(api)
		if err != nil {
			fmt.Fprintf(w, "spec %s: %v\n", api.File(), err)
			continue
		}
		sum := sha256.Sum256(src)
		fmt.Fprintf(w, "spec %s sha256:%s\n", api.File(), hex.EncodeToString(sum[:]))
	}
}
