package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/docread"
	"github.com/orgapis/orgapis/specs"
)

const checkUsage = `usage: validate [check] [flags] PATH...

Checks recorded exchanges against the specs. PATH is a file (HAR, go-vcr cassette or
JSON lines, recognised by content), a directory (searched recursively; other files are
skipped and counted), or - for standard input. Flags may come before or after paths.

Flags:
`

// checkOptions is what the check command was asked to do.
type checkOptions struct {
	api, spec, format            string
	reports                      reportFiles
	operations, skipOperations   stringList
	config                       string
	severity                     severityFlag
	strict, requests, allowEmpty bool
	quiet                        bool
	workers                      int
	include, exclude             listFlag
	baseline, writeBaseline      string
	specFiles                    map[string]string // set by setup for --spec
	coverage                     bool
	minCoverage                  coverageFloor
	overlays                     listFlag
	maxDocBytes                  int64 // --max-document-bytes
	maxOtherBytes                int64 // for baselines and cassettes: --max-document-bytes when given, else their 16 MiB
	limits                       findingLimits
}

// checkMemoryLimit is the heap validate check keeps to when GOMEMLIMIT is not set.
const checkMemoryLimit = 160 << 20

func runCheck(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("validate", flag.ContinueOnError)
	o := checkOptions{limits: defaultLimits()}
	fl.StringVar(&o.api, "api", "", "check every exchange against this API (apollo or affinity) whatever its host")
	fl.StringVar(&o.spec, "spec", "", "use this OpenAPI file instead of the embedded spec (of --api, or of the API its server names)")
	fl.BoolVar(&o.strict, "strict", false, "also report response fields the spec does not describe")
	fl.BoolVar(&o.requests, "requests", false, "also check requests: query and header parameters and JSON bodies")
	fl.StringVar(&o.format, "format", "text", "report format: text, json, junit, sarif, markdown or github (GitHub Actions annotations)")
	fl.Var(&o.reports, "report", "also write a report to a file, as FORMAT=PATH, such as markdown=summary.md (repeatable)")
	fl.Var(&o.operations, "operation", "check only exchanges of this operation: an operationId, or a method and path template such as \"GET /organizations/{organization_id}\" (repeatable)")
	fl.Var(&o.skipOperations, "skip-operation", "do not check exchanges of this operation, named as for --operation (repeatable)")
	fl.Var(&o.severity, "severity", "KIND=LEVEL,...: a kind of finding fails the run (error, the default), is reported without failing it (warning), or is not reported (off)")
	fl.IntVar(&o.workers, "workers", 0, "exchanges checked at once, 1 to 256 (default: all cores)")
	fl.BoolVar(&o.allowEmpty, "allow-empty", false, "exit 0, not 2, when nothing was checked")
	fl.Var(&o.include, "include", "in directories, check only files whose path or name matches this glob (repeatable)")
	fl.Var(&o.exclude, "exclude", "in directories, skip files whose path or name matches this glob (repeatable)")
	fl.StringVar(&o.baseline, "baseline", "", "findings listed in this file (a JSON report or a baseline file) are known: reported, but they do not fail the run")
	fl.StringVar(&o.writeBaseline, "write-baseline", "", "write this run's findings to this file, as a baseline for --baseline")
	fl.BoolVar(&o.quiet, "quiet", false, "no progress line on a terminal")
	fl.BoolVar(&o.coverage, "coverage", false, "after a text report, what the traffic exercised of each spec and what it missed (a JSON report always has it)")
	fl.Var(&o.overlays, "overlay", "apply this OpenAPI Overlay (such as validate propose wrote) to the spec its extends names, or of --api, before checking (repeatable)")
	fl.Var(&o.minCoverage, "min-coverage", "fail (exit 1) when the traffic exercised less of a spec than this, in percent: operations=80,statuses=50 (also parameters, members)")
	fl.Int64Var(&o.maxDocBytes, "max-document-bytes", docread.DefaultBytes,
		"refuse a --spec or --overlay file larger than this many bytes (each is parsed whole); when given, also a --baseline file or a go-vcr cassette (16 MiB by default)")
	fl.Var(limitFlag{&o.limits.max}, "max-findings", "list at most this many findings in a report; the counts and the text report's groups still hold every one")
	fl.Var(limitFlag{&o.limits.perRule}, "max-findings-per-rule", "list at most this many findings of one operation and kind")
	fl.Var(limitFlag{&o.limits.perExchange}, "max-findings-per-exchange", "stop checking an exchange once it has this many findings, and say so with a too-many-findings finding that fails the run")
	fl.StringVar(&o.config, "config", "", "read settings from this YAML file (default: "+DefaultConfig+" in the working directory, when there is one); flags given here override it")
	paths, code, done := parseArgs(fl, args, checkUsage, stdout, stderr)
	if done {
		return code
	}
	setIn, ok := readConfig(fl, o.config, "validate", stderr)
	if !ok {
		return 2
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit the collector keeps the heap under: cassettes are parsed whole,
		// one per reader, and at the collector's default pace two of 16 MiB at their
		// node limit, read at once, peaked at 202 MB, 163 with it.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(checkMemoryLimit))
	}
	o.maxOtherBytes = maxBaselineBytes
	fl.Visit(func(f *flag.Flag) {
		if f.Name == "max-document-bytes" {
			o.maxOtherBytes = o.maxDocBytes
		}
	})
	runner, err := o.setup(ctx, paths)
	if err != nil {
		return usageFail(stderr, "validate", whereSet(err, setIn))
	}
	found, err := collect(paths, stdin, o.include, o.exclude)
	if err != nil {
		return usageFail(stderr, "validate", err)
	}
	var known *baseline
	if o.baseline != "" {
		if known, err = readBaselineWithin(o.baseline, documentLimits(o.maxOtherBytes)); err != nil {
			fmt.Fprintf(stderr, "validate: --baseline: %v\n", err)
			return 2
		}
		if known.legacy > 0 {
			fmt.Fprintf(stderr, "validate: --baseline: %s: %d entries name no API and match both; rewrite the file with --write-baseline\n", o.baseline, known.legacy)
		}
		if known.partial > 0 {
			fmt.Fprintf(stderr, "validate: --baseline: %s: the report left %d findings out, which it cannot make known; use a file --write-baseline wrote\n", o.baseline, known.partial)
		}
		runner.known = known.matcher()
	}
	runner.limits = o.limits
	runner.gatherEntries = o.writeBaseline != ""
	runner.keepExchanges = o.format == "junit" || o.reports.has("junit")
	progress := startProgress(stderr, found.inputs, o.quiet)
	runner.Progress = progress
	res := runner.Run(ctx, found.inputs)
	progress.stop()
	res.Summary.Files = len(found.inputs)
	res.SpecFiles = o.specFiles
	res.Summary.SkippedFiles = found.notRecordings
	res.Summary.NotRegular = found.notRegular
	if o.writeBaseline != "" {
		if err := writeBaseline(o.writeBaseline, res.entries); err != nil {
			fmt.Fprintf(stderr, "validate: --write-baseline: %v\n", err)
			return 2
		}
		// What the baseline now holds is known drift: the run that wrote it passes, so
		// that a script with set -e goes on to commit it.
		res.set.markKnown()
		res.Findings = res.set.sample.findings()
		res.Summary.Known, res.Summary.Warnings = res.set.known, res.set.warned
	}
	res.coverageBelow = o.minCoverage.below(res.Coverage)
	if err := WriteReport(stdout, o.format, res); err != nil {
		fmt.Fprintf(stderr, "validate: writing report: %v\n", err)
		return 2
	}
	if o.coverage && o.format == "text" {
		writeCoverage(stdout, res.Coverage)
	}
	if err := o.reports.write(res, nil); err != nil {
		fmt.Fprintf(stderr, "validate: %v\n", err)
		return 2
	}
	status := exitStatus(res, o.allowEmpty, paths, stderr)
	if below := res.coverageBelow; len(below) > 0 && status != 2 {
		fmt.Fprintf(stderr, "validate: coverage under --min-coverage: %s\n", strings.Join(below, "; "))
		return 1
	}
	return status
}

// exitStatus is 2 for unreadable input or for nothing checked (saying why, unless
// allowEmpty), 1 for findings a baseline does not know, 0 otherwise.
func exitStatus(res Result, allowEmpty bool, paths []string, stderr io.Writer) int {
	if res.Summary.Unreadable > 0 {
		return 2
	}
	if res.Summary.Checked == 0 && !allowEmpty {
		fmt.Fprintf(stderr, "validate: nothing was checked: %s (pass --allow-empty if that is expected)\n", whyEmpty(res.Summary, paths))
		return 2
	}
	if res.setOf().failing() > 0 {
		return 1
	}
	return 0
}

// whyEmpty explains a run that checked no exchange.
func whyEmpty(s Summary, paths []string) string {
	switch {
	case s.NotSelected > 0:
		return fmt.Sprintf("every exchange was left out by the selection (--operation, --skip-operation): %d not selected", s.NotSelected)
	case s.Skipped > 0:
		var hosts []string
		for _, h := range slices.Sorted(maps.Keys(s.SkippedBy)) {
			hosts = append(hosts, fmt.Sprintf("%s (%d)", h, s.SkippedBy[h]))
		}
		return fmt.Sprintf("every exchange was skipped, because its host is neither api.apollo.io nor api.affinity.co: %s; name the API with --api apollo or --api affinity",
			strings.Join(hosts, ", "))
	case s.Files == 0:
		msg := "no recordings found in " + strings.Join(paths, ", ")
		if s.SkippedFiles > 0 {
			msg += fmt.Sprintf(" (%d files skipped: not HAR, go-vcr cassette or JSON lines)", s.SkippedFiles)
		}
		return msg
	}
	return "the recordings hold no exchanges"
}

func (o *checkOptions) setup(ctx context.Context, paths []string) (*Runner, error) {
	if len(paths) == 0 {
		return nil, usageError{"no input: give files, directories or -"}
	}
	if err := checkFormat("--format", o.format); err != nil {
		return nil, err
	}
	if err := o.reports.clash(map[string]string{"--write-baseline": o.writeBaseline, "--baseline": o.baseline, "--spec": o.spec}); err != nil {
		return nil, err
	}
	if o.workers < 0 || o.workers > 256 {
		return nil, usageError{fmt.Sprintf("--workers %d: want 1 to 256, or 0 for all cores", o.workers)}
	}
	var force specs.API
	if o.api != "" {
		api, err := specs.ParseAPI(o.api)
		if err != nil {
			return nil, usageError{"--api: " + err.Error()}
		}
		force = api
	}
	opts := []contract.Option{contract.WithMaxFindings(o.limits.perExchange)}
	if o.strict {
		opts = append(opts, contract.Strict())
	}
	if o.requests {
		opts = append(opts, contract.CheckRequests())
	}
	runner := &Runner{Validators: map[specs.API]*contract.Validator{}, Force: force, Workers: o.workers, MaxCassetteBytes: o.maxOtherBytes}
	vals, err := embeddedValidators(ctx, opts)
	if err != nil {
		return nil, err
	}
	runner.Validators = vals
	if o.spec != "" {
		data, err := docread.ReadFile(o.spec, documentLimits(o.maxDocBytes))
		if err != nil {
			return nil, fmt.Errorf("--spec %w", err)
		}
		doc, err := loadSpec(ctx, o.spec, data, documentLimits(o.maxDocBytes))
		if err != nil {
			return nil, specError(o.spec, err)
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
			return nil, usageError{fmt.Sprintf("--spec %s: name its API with --api; its servers name neither service", o.spec)}
		}
		runner.Validators[api] = contract.New(api, doc, opts...)
		o.specFiles = map[string]string{string(api): o.spec}
	}
	if len(o.overlays) > 0 {
		patched, err := o.applyOverlays(ctx, force)
		if err != nil {
			return nil, err
		}
		for api, doc := range patched {
			runner.Validators[api] = contract.New(api, doc, opts...)
		}
	}
	sel, err := newSelection(runner.Validators, o.operations, o.skipOperations, o.severity)
	if err != nil {
		return nil, err
	}
	runner.selection = sel
	return runner, nil
}

// embeddedValidators builds a validator of each embedded spec, each on a goroutine of
// its own: loading and resolving a spec is most of what a run does before its first
// entry, and it is the part no worker can share, so on two cores two specs load in the
// time of one (the figures: BENCHMARKS.md, two cores against one).
func embeddedValidators(ctx context.Context, opts []contract.Option) (map[specs.API]*contract.Validator, error) {
	apis := specs.APIs()
	vals := make([]*contract.Validator, len(apis))
	errs := make([]error, len(apis))
	var wg sync.WaitGroup
	for i, api := range apis {
		wg.Go(func() { vals[i], errs[i] = contract.NewEmbedded(ctx, api, opts...) })
	}
	wg.Wait()
	out := make(map[specs.API]*contract.Validator, len(apis))
	for i, api := range apis {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out[api] = vals[i]
	}
	return out, nil
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

var (
	yamlLine   = regexp.MustCompile(`line ([0-9]+)`)
	quotedName = regexp.MustCompile(`"([^"]{2,})"`)
)

// specError says where a --spec file is broken, as FILE:LINE: reason. The line comes
// from the YAML parser's own message, or else is the first line of the file that holds
// the name the error quotes (a missing $ref target, a bad path); without either the
// error names the file alone.
func specError(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), path+": ")
	line := ""
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line = m[1]
	} else if data, rerr := docread.ReadFile(path, docread.Default()); rerr == nil {
		for _, m := range quotedName.FindAllStringSubmatch(msg, -1) {
			if i := bytes.Index(data, []byte(m[1])); i >= 0 {
				line = strconv.Itoa(bytes.Count(data[:i], []byte("\n")) + 1)
				break
			}
		}
	}
	if len(msg) > 300 {
		msg = msg[:297] + "..."
	}
	if line == "" {
		return fmt.Errorf("--spec %s: %s", path, msg)
	}
	return fmt.Errorf("--spec %s:%s: %s", path, line, msg)
}
