// Command validate checks recorded HTTP traffic against the Apollo and Affinity specs
// and reports where reality and spec disagree.
//
//	validate [flags] PATH...
//	validate live --api affinity|apollo [flags]
//
// PATH is a HAR 1.2 file, a go-vcr v4 cassette, a JSON-lines file of the project's own
// format, a directory (searched recursively), or - for standard input. Exit status: 0
// when every exchange conforms, 1 when there are findings, 2 for a usage error or input
// that could not be read (the rest is still checked and reported).
//
// The live form calls the read-only operations of one API with the key from
// AFFINITY_API_KEY or APOLLO_API_KEY, validates every response with the same checks,
// and can record what it did as HAR with secrets removed (--record). Failed calls are
// reported and exit with 2; the other calls still run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/specs"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "live" {
		return runLive(ctx, args[1:], os.Getenv, stdout, stderr)
	}
	fl := flag.NewFlagSet("validate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	apiName := fl.String("api", "", "check every exchange against this API (apollo or affinity) whatever its host")
	specFile := fl.String("spec", "", "use this OpenAPI file instead of the embedded spec (of --api, or of the API its server names)")
	strict := fl.Bool("strict", false, "also report response fields the spec does not describe")
	requests := fl.Bool("requests", false, "also check requests: query parameters and JSON bodies")
	format := fl.String("format", "text", "report format: text, json or junit")
	workers := fl.Int("workers", 0, "exchanges checked at once (default: all cores)")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: validate [flags] PATH...   (files, directories, or - for stdin)")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	runner, inputs, skippedFiles, err := setup(ctx, fl.Args(), *apiName, *specFile, *format, *strict, *requests, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "validate: %v\n", err)
		var ue usageError
		if errors.As(err, &ue) {
			fl.Usage()
		}
		return 2
	}
	runner.Workers = *workers
	res := runner.Run(ctx, inputs)
	res.Summary.SkippedFiles = skippedFiles

	if werr := WriteReport(stdout, *format, res); werr != nil {
		fmt.Fprintf(stderr, "validate: writing report: %v\n", werr)
		return 2
	}
	switch {
	case res.Summary.Unreadable > 0:
		return 2
	case len(res.Findings) > 0:
		return 1
	}
	return 0
}

func setup(ctx context.Context, paths []string, apiName, specFile, format string, strict, requests bool, stdin io.Reader) (*Runner, []Input, int, error) {
	if len(paths) == 0 {
		return nil, nil, 0, usageError{"no input: give files, directories or -"}
	}
	switch format {
	case "text", "json", "junit":
	default:
		return nil, nil, 0, usageError{fmt.Sprintf("--format %q: want text, json or junit", format)}
	}
	var force specs.API
	if apiName != "" {
		api, err := specs.ParseAPI(apiName)
		if err != nil {
			return nil, nil, 0, usageError{"--api: " + err.Error()}
		}
		force = api
	}
	var opts []contract.Option
	if strict {
		opts = append(opts, contract.Strict())
	}
	if requests {
		opts = append(opts, contract.CheckRequests())
	}
	runner := &Runner{Validators: map[specs.API]*contract.Validator{}, Force: force}
	for _, api := range specs.APIs() {
		v, err := contract.NewEmbedded(ctx, api, opts...)
		if err != nil {
			return nil, nil, 0, err
		}
		runner.Validators[api] = v
	}
	if specFile != "" {
		doc, err := specs.LoadFile(ctx, specFile)
		if err != nil {
			return nil, nil, 0, err
		}
		api := force
		if api == "" {
			for _, s := range doc.Servers {
				if a, ok := APIForHost(hostOf(s.URL)); ok {
					api = a
					break
				}
			}
		}
		if api == "" {
			return nil, nil, 0, usageError{fmt.Sprintf("--spec %s: name its API with --api; its servers name neither service", specFile)}
		}
		runner.Validators[api] = contract.New(api, doc, opts...)
	}
	inputs, skippedFiles, err := collect(paths, stdin)
	return runner, inputs, skippedFiles, err
}

// collect expands directories (recursively, recording files only) into inputs, and
// counts the files it skipped because they are not regular files (a FIFO or a device
// would block or never end). Everything is looked at with Stat before anything is
// opened. A path that does not exist, or names something other than a regular file or
// a directory, becomes an input whose Open fails, so it is reported with the rest
// rather than stopping the run.
func collect(paths []string, stdin io.Reader) (inputs []Input, skippedFiles int, err error) {
	for _, p := range paths {
		if p == "-" {
			inputs = append(inputs, Input{Name: "(stdin)", Open: func() (io.ReadCloser, error) { return io.NopCloser(stdin), nil }})
			continue
		}
		info, err := os.Stat(p)
		switch {
		case err != nil:
			inputs = append(inputs, fileInput(p))
			continue
		case !info.IsDir() && !info.Mode().IsRegular():
			inputs = append(inputs, notRegular(p, info.Mode()))
			continue
		case !info.IsDir():
			inputs = append(inputs, fileInput(p))
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				inputs = append(inputs, fileInput(path))
				return nil
			}
			if d.IsDir() || !isRecording(path) {
				return nil
			}
			info, err := os.Stat(path) // follows a symlink to what it names
			switch {
			case err != nil:
				inputs = append(inputs, fileInput(path))
			case !info.Mode().IsRegular():
				skippedFiles++
			default:
				inputs = append(inputs, fileInput(path))
			}
			return nil
		})
		if err != nil {
			return nil, 0, err
		}
	}
	return inputs, skippedFiles, nil
}

// notRegular is an input that cannot be read: opening a FIFO blocks, and a device
// such as /dev/zero never ends.
func notRegular(path string, mode fs.FileMode) Input {
	kind := "not a regular file"
	switch {
	case mode&fs.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case mode&fs.ModeDevice != 0:
		kind = "a device"
	case mode&fs.ModeSocket != 0:
		kind = "a socket"
	}
	return Input{Name: path, Open: func() (io.ReadCloser, error) {
		return nil, fmt.Errorf("%s, not read: give a regular file, a directory, or - for standard input", kind)
	}}
}

func fileInput(path string) Input {
	return Input{Name: path, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

func isRecording(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".har", ".json", ".jsonl", ".ndjson", ".yaml", ".yml":
		return true
	}
	return false
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}
