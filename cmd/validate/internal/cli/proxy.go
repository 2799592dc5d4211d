package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/internal/terminal"
	"github.com/orgapis/orgapis/specs"
)

const proxyUsage = `usage: validate proxy --api affinity|apollo --upstream URL [flags]

Serves a reverse proxy at --addr that a client in any language points its base URL
at (no HTTP_PROXY setting: the proxy is the API to the client). It passes each
request on to --upstream, the real API or validate mock, and each answer back, and
checks both against the spec as they pass. Each finding is logged to standard error
as it happens, naming the operation and the JSON pointer; when the proxy stops
(Ctrl-C, SIGTERM, or after --max-requests exchanges) it writes a report in --format,
as validate check does, and exits with check's statuses.

What it forwards is never changed: the status, the headers (but for the hop-by-hop
ones, which belong to one connection) and the body bytes, compressed or not, unless
--rewrite-links is given: then the pagination links of a JSON answer
(pagination.nextUrl and prevUrl, which Affinity v2 makes absolute, on its own
origin) are made to point at the proxy, so that a client that follows them stays
behind it; such an answer goes to the client decoded, its length corrected, and is
checked and recorded as the upstream sent it. Without the flag, the first answer
with such links is said on standard error, since the pages after it are not seen. With
--errors, an answer that breaks the spec is refused instead: the client gets a 502
whose JSON body lists the findings. The key a client sends goes to --upstream's
origin only, never to a log, a report or a recording; redirects are passed back to
the client, never followed. A body is held only to check or record it, at most
--max-body-bytes; a longer one is passed on as it streams and reported as not
checked.

Exit status: 0 every exchange checked conforms, 1 findings, 2 a usage error, an
exchange that could not be checked (a body too large, an upstream that failed) or
nothing checked (unless --allow-empty). go run turns every non-zero status into 1;
a built binary keeps them.

Flags:
`

// proxyConfig is what validate proxy was asked to do.
type proxyConfig struct {
	api          specs.API
	upstream     string
	addr         string
	errorsMode   bool
	record       string
	format       string
	reports      reportFiles
	strict       bool
	requests     bool
	operations   stringList
	skip         stringList
	severity     severityFlag
	config       string
	allowEmpty   bool
	maxBodyBytes int64
	timeout      time.Duration
	maxRequests  int
	rewriteLinks bool
	limits       findingLimits
}

// proxyMemoryLimit is the heap validate proxy keeps to when GOMEMLIMIT is not set.
const proxyMemoryLimit = 256 << 20

func runProxy(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("validate proxy", flag.ContinueOnError)
	cfg := proxyConfig{limits: defaultLimits()}
	apiName := fl.String("api", "", "the API behind the proxy: affinity or apollo (required)")
	fl.StringVar(&cfg.upstream, "upstream", "", "where requests go: the API's base URL, such as https://api.affinity.co, or validate mock's (required)")
	fl.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one); the client's base URL is http://ADDR")
	fl.BoolVar(&cfg.errorsMode, "errors", false, "answer 502 with the findings, as JSON, instead of an answer that breaks the spec")
	fl.StringVar(&cfg.record, "record", "", "write every exchange, secrets removed, to this HAR file, which validate check --requests replays to the same findings")
	fl.StringVar(&cfg.format, "format", "text", "report format at exit: text, json, junit, sarif, markdown or github (GitHub Actions annotations)")
	fl.Var(&cfg.reports, "report", "also write a report to a file at exit, as FORMAT=PATH, such as markdown=summary.md (repeatable)")
	fl.BoolVar(&cfg.strict, "strict", false, "also report response fields the spec does not describe")
	fl.BoolVar(&cfg.requests, "requests", true, "also check requests: query and header parameters and JSON bodies")
	fl.Var(&cfg.operations, "operation", "check only exchanges of this operation: an operationId, or a method and path template such as \"GET /organizations/{organization_id}\" (repeatable)")
	fl.Var(&cfg.skip, "skip-operation", "do not check exchanges of this operation, named as for --operation (repeatable)")
	fl.Var(&cfg.severity, "severity", "KIND=LEVEL,...: a kind of finding fails the run (error, the default), is reported without failing it (warning), or is not reported (off)")
	fl.StringVar(&cfg.config, "config", "", "read settings from this YAML file (default: "+DefaultConfig+" in the working directory, when there is one); flags given here override it, and settings of validate check alone are left to it")
	fl.BoolVar(&cfg.allowEmpty, "allow-empty", false, "exit 0, not 2, when nothing was checked")
	fl.Int64Var(&cfg.maxBodyBytes, "max-body-bytes", 8<<20, "the largest body held to check or record, 1024 to 33554432; a longer one is passed on unchecked")
	fl.DurationVar(&cfg.timeout, "timeout", 60*time.Second, "time allowed for each exchange with the upstream, its body included")
	fl.BoolVar(&cfg.rewriteLinks, "rewrite-links", false, "point the pagination links of JSON answers (Affinity v2's nextUrl and prevUrl) at the proxy instead of --upstream, so a client that follows them stays behind the proxy")
	fl.IntVar(&cfg.maxRequests, "max-requests", 0, "stop after this many exchanges, as on Ctrl-C (0: no limit)")
	fl.Var(limitFlag{&cfg.limits.max}, "max-findings", "list at most this many findings in a report; the counts still hold every one")
	fl.Var(limitFlag{&cfg.limits.perRule}, "max-findings-per-rule", "list at most this many findings of one operation and kind")
	fl.Var(limitFlag{&cfg.limits.perExchange}, "max-findings-per-exchange", "stop checking an exchange once it has this many findings, and say so with a too-many-findings finding that fails the run")
	rest, code, done := parseArgs(fl, args, proxyUsage, stdout, stderr)
	if done {
		return code
	}
	if len(rest) > 0 {
		return usageFail(stderr, "validate proxy", fmt.Errorf("unexpected arguments %q: proxy takes flags only", rest))
	}
	setIn, ok := readConfig(fl, cfg.config, "validate proxy", stderr)
	if !ok {
		return 2
	}
	api, err := requiredAPI(*apiName)
	if err != nil {
		return usageFail(stderr, "validate proxy", whereSet(usageError{err.Error()}, setIn))
	}
	cfg.api = api
	if err := cfg.check(); err != nil {
		return usageFail(stderr, "validate proxy", whereSet(err, setIn))
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(proxyMemoryLimit))
	}
	p, err := newProxy(ctx, cfg, stderr)
	if err != nil {
		return usageFail(stderr, "validate proxy", whereSet(err, setIn))
	}
	var recording *os.File
	var recordOut *bufio.Writer
	if cfg.record != "" {
		// Opened before anything is served, written as exchanges pass: the proxy holds
		// one exchange at a time of what it records.
		if recording, err = os.Create(cfg.record); err != nil {
			fmt.Fprintf(stderr, "validate proxy: --record: %v\n", err)
			return 2
		}
		defer recording.Close()
		recordOut = bufio.NewWriter(recording)
		p.recorder = &contract.Recorder{API: string(api), Out: recordOut}
		p.source = cfg.record
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		fmt.Fprintf(stderr, "validate proxy: --addr: %s\n", terminal.Safe(err.Error()))
		return 2
	}
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 1 << 20,
		ErrorLog: discardLog()}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stderr, "validate proxy: listening on http://%s, forwarding to %s (%s spec); point the client's base URL here\n",
		ln.Addr(), terminal.Safe(p.fwd.Upstream().String()), api)

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)
	code = 0
	select {
	case <-ctx.Done():
	case <-signals:
	case <-p.enough:
	case err := <-served:
		fmt.Fprintf(stderr, "validate proxy: %v\n", err)
		code = 2
	}
	// Exchanges under way finish (each within --timeout); new ones are refused.
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.timeout+5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		_ = srv.Close()
	}
	p.fwd.CloseIdle()

	if recording != nil {
		if err := errors.Join(p.recorder.Close(), recordOut.Flush(), recording.Close()); err != nil {
			fmt.Fprintf(stderr, "validate proxy: --record: %v\n", err)
			code = 2
		}
	}
	scrub := p.keys.every()
	res := scrubResult(p.tally.result(), scrub)
	var report bytes.Buffer // written whole, so the scrub sees every finding at once
	werr := WriteReport(&report, cfg.format, res)
	if werr == nil {
		_, werr = scrub.Writer(stdout).Write(report.Bytes())
	}
	if err := cfg.reports.write(res, scrub.Writer); err != nil {
		fmt.Fprintf(stderr, "validate proxy: %v\n", err)
		werr = err
	}
	switch {
	case werr != nil || code == 2:
		return 2
	case res.Summary.Unreadable > 0 || res.Summary.CallsFailed > 0:
		return 2
	case res.Summary.Checked == 0 && !cfg.allowEmpty:
		fmt.Fprintf(stderr, "validate proxy: nothing was checked: no exchange passed through (pass --allow-empty if that is expected)\n")
		return 2
	case res.setOf().failing() > 0:
		return 1
	}
	return 0
}

// check refuses flags out of their range.
func (c *proxyConfig) check() error {
	switch {
	case c.upstream == "":
		return usageError{"--upstream is required: the API's base URL, or validate mock's"}
	case !httpURL(c.upstream):
		return usageError{fmt.Sprintf("--upstream %q: want an absolute http or https URL", terminal.Safe(c.upstream))}
	case checkFormat("--format", c.format) != nil:
		return usageError{checkFormat("--format", c.format).Error()}
	case c.reports.clash(map[string]string{"--record": c.record}) != nil:
		return c.reports.clash(map[string]string{"--record": c.record})
	case c.maxBodyBytes < 1<<10 || c.maxBodyBytes > contract.MaxBodyBytes:
		return usageError{fmt.Sprintf("--max-body-bytes %d: want 1024 to %d", c.maxBodyBytes, contract.MaxBodyBytes)}
	case c.timeout <= 0:
		return usageError{fmt.Sprintf("--timeout %s: want a positive duration", c.timeout)}
	case c.maxRequests < 0:
		return usageError{fmt.Sprintf("--max-requests %d: want 0 (no limit) or more", c.maxRequests)}
	}
	return nil
}

// newProxy sets up the proxy of cfg: its validator, selection, tally and forwarder.
func newProxy(ctx context.Context, cfg proxyConfig, stderr io.Writer) (*proxy, error) {
	opts := []contract.Option{contract.WithMaxFindings(cfg.limits.perExchange)}
	if cfg.strict {
		opts = append(opts, contract.Strict())
	}
	if cfg.requests {
		opts = append(opts, contract.CheckRequests())
	}
	v, err := contract.NewEmbedded(ctx, cfg.api, opts...)
	if err != nil {
		return nil, err
	}
	validators := map[specs.API]*contract.Validator{cfg.api: v}
	sel, err := newSelection(validators, cfg.operations, cfg.skip, cfg.severity)
	if err != nil {
		return nil, err
	}
	fwd, err := httpcore.NewForwarder(httpcore.ForwardConfig{Upstream: cfg.upstream, ResponseTimeout: cfg.timeout})
	if err != nil {
		return nil, usageError{"--upstream: " + err.Error()}
	}
	t := newTally(validators, cfg.limits, sel, false)
	t.keepExchanges = cfg.format == "junit" || cfg.reports.has("junit")
	p := &proxy{api: cfg.api, v: v, fwd: fwd, tally: t, source: "proxy", errorsMode: cfg.errorsMode,
		maxBody: cfg.maxBodyBytes, timeout: cfg.timeout, maxRequests: int64(cfg.maxRequests),
		room: &room{free: proxyBytesInFlight}, log: &lineLog{w: stderr}, enough: make(chan struct{}),
		rewriteLinks: cfg.rewriteLinks, upstreamBase: strings.TrimSuffix(fwd.Upstream().String(), "/")}
	return p, nil
}

// lineLog writes whole lines to standard error, one writer at a time.
type lineLog struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineLog) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format, args...)
}
