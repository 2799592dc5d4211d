package cli

import (
	"context"
	"errors"
	"io"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/specs"
)

// APIForHost returns the API served at host, if it is one of the two.
func APIForHost(host string) (specs.API, bool) {
	switch strings.ToLower(host) {
	case "api.apollo.io":
		return specs.Apollo, true
	case "api.affinity.co":
		return specs.Affinity, true
	}
	return "", false
}

// Input is one recording to check.
type Input struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// Runner checks recordings with one validator per API.
type Runner struct {
	Validators map[specs.API]*contract.Validator
	// Force sends every exchange to this API whatever its host (for traffic recorded
	// through a proxy); empty assigns by host and skips other hosts.
	Force specs.API
	// Workers is the number of exchanges checked at once; 0 means GOMAXPROCS.
	Workers int
	// Progress, when set, counts the bytes read and the exchanges checked.
	Progress *progressCounter
	// NoCoverage leaves the coverage of the specs uncounted (live mode, which calls
	// what it chooses).
	NoCoverage bool
	// MaxCassetteBytes is the largest go-vcr cassette read; 0, contract's default.
	MaxCassetteBytes int64
	// bodies lends the readers their body buffers; nil, a pool of the run's own.
	bodies *bodyPool
	// limits bound what the run keeps of its findings; zero, the defaults.
	limits findingLimits
	// known marks the findings a baseline knows as they arrive; nil, none.
	known *baselineMatcher
	// selection chooses the operations checked and the severity of each kind of
	// finding; nil checks everything, every finding an error.
	selection *selection
	// gatherEntries keeps the baseline entries of the findings, for --write-baseline.
	gatherEntries bool
	// keepExchanges keeps the first exchanges checked (as many as limits.max), for
	// reports that list passes too (JUnit).
	keepExchanges bool
}

// Summary counts what a run saw.
type Summary struct {
	// Files is the number of inputs read (files, and standard input).
	Files      int `json:"files"`
	Checked    int `json:"checked"`
	Passed     int `json:"passed"`
	Failed     int `json:"failed"`
	Skipped    int `json:"skipped"`
	Unreadable int `json:"unreadable"`
	// Known counts the findings a baseline knows; they do not fail the run.
	Known int `json:"known"`
	// SkippedFiles counts files of a directory walk that are no recording.
	SkippedFiles int `json:"skipped_files"`
	// NotRegular counts files of a directory walk that are not regular files (FIFOs,
	// devices, sockets), which are never opened.
	NotRegular int `json:"not_regular"`
	// NotSelected counts the exchanges of operations --operation or --skip-operation
	// left out: routed, not checked.
	NotSelected int `json:"not_selected"`
	// Warnings counts the findings --severity made warnings (a baseline's known ones
	// aside): reported, not failing the run.
	Warnings int `json:"warnings"`
	// CallsFailed counts the calls of live mode that failed.
	CallsFailed int            `json:"calls_failed"`
	SkippedBy   map[string]int `json:"skipped_hosts"`
	// Findings counts every finding, listed or not.
	Findings int `json:"findings"`
	// OmittedFindings counts the findings a report does not list, past
	// MaxFindingsPerRule of one operation and kind or MaxFindings in all; the counts
	// and groups still hold them.
	OmittedFindings int `json:"omitted_findings"`
	// MaxFindings and MaxFindingsPerRule are the run's limits (--max-findings,
	// --max-findings-per-rule); 0 when it kept every finding (validate live).
	MaxFindings        int `json:"max_findings"`
	MaxFindingsPerRule int `json:"max_findings_per_rule"`
	// APIVersions are the versions of an API that checked exchanges named other than
	// its spec's, none included, each once with its count (versions.go).
	APIVersions []VersionNote `json:"api_versions"`
}

// Result is what a run found: counts of everything, and the findings in source and
// entry order up to the run's limits.
type Result struct {
	// SpecFiles names the spec file given with --spec, per API, for reports that
	// point at spec lines; APIs without one use the embedded spec.
	SpecFiles map[string]string `json:"-"`
	// Stale lists the baseline entries that matched no finding.
	Stale   []string `json:"stale_baseline"`
	Summary Summary  `json:"summary"`
	// Findings are the findings the limits keep (every one when
	// Summary.OmittedFindings is 0).
	Findings []contract.Finding `json:"findings"`
	// Exchanges lists the checked exchanges, for reports that list passes too: every
	// one in live mode, the first limits.max of a check run that asked for them.
	Exchanges []Checked `json:"-"`
	// omittedExchanges counts the checked exchanges Exchanges leaves out.
	omittedExchanges int
	// Coverage is what the checked traffic exercised of each API's spec, for the APIs
	// it reached.
	Coverage []contract.CoverageReport `json:"-"`
	// coverageBelow says, per API and kind under --min-coverage, by how much: the run
	// fails on it, and the Markdown and GitHub reports say so.
	coverageBelow []string
	// set is what the run kept of its findings: counts, groups, sample; nil for a
	// result built from a list (see setOf).
	set *findingSet
	// entries are the baseline entries of the findings, when gathered.
	entries *entrySet
}

// Checked is one validated exchange.
type Checked struct {
	Source      string
	Entry       int
	API         string // the spec the exchange was checked against
	OperationID string
	Findings    int
}

// maxBytesInFlight bounds the bodies read but not yet checked, across all readers and
// workers, so that memory follows this figure and not the number of large entries.
const maxBytesInFlight = 96 << 20

// byteBudget is a counting semaphore over bytes.
type byteBudget struct {
	mu   sync.Mutex
	cond sync.Cond
	free int64
}

func newByteBudget(n int64) *byteBudget {
	b := &byteBudget{free: n}
	b.cond.L = &b.mu
	return b
}

// acquire waits until n bytes are free and takes them. n is at most the whole budget,
// which a single job can always get once the others are done.
func (b *byteBudget) acquire(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.free < n {
		b.cond.Wait()
	}
	b.free -= n
}

func (b *byteBudget) release(n int64) {
	b.mu.Lock()
	b.free += n
	b.mu.Unlock()
	b.cond.Broadcast()
}

type job struct {
	bytes int64
	ex    contract.Exchange
	v     *contract.Validator
	err   *contract.EntryError
}

// Run reads every input, spreading the checks over Workers goroutines, and returns the
// findings sorted by source and entry. A file or entry that cannot be read becomes an
// "unreadable" finding; everything else is still checked.
func (r *Runner) Run(ctx context.Context, inputs []Input) Result {
	workers := r.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	jobs := make(chan job, workers*2)
	budget := newByteBudget(maxBytesInFlight)
	bodies := r.bodies
	if bodies == nil {
		bodies = &bodyPool{}
	}
	t := newTally(r.Validators, r.limits, r.selection, r.NoCoverage)
	t.set.matcher = r.known
	if r.gatherEntries {
		t.set.entries = &entrySet{}
	}
	t.keepExchanges = r.keepExchanges

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if j.err != nil {
					t.unreadable(contract.Finding{Source: j.err.Source, Entry: j.err.Index, Kind: contract.KindUnreadable, Found: j.err.Err.Error()})
					continue
				}
				t.commit(j.ex, t.prepare(j.v, j.ex)) // the selection applied once, in prepare
				budget.release(j.bytes)
				bodies.done(j.ex) // nothing holds its bodies and headers after the check
				if r.Progress != nil {
					r.Progress.checked()
				}
			}
		}()
	}

	// Files are read concurrently too, each by its own goroutine, at most `workers` at once;
	// fewer files than workers share the rest, each parsed by several goroutines.
	parsers := max(1, min(workers, runtime.GOMAXPROCS(0))/max(1, min(len(inputs), workers)))
	sem := make(chan struct{}, workers)
	var readers sync.WaitGroup
	for _, in := range inputs {
		readers.Add(1)
		sem <- struct{}{}
		go func(in Input) {
			defer readers.Done()
			defer func() { <-sem }()
			r.read(ctx, in, parsers, jobs, budget, bodies, t)
		}(in)
	}
	readers.Wait()
	close(jobs)
	wg.Wait()

	res := t.result()
	if r.known != nil {
		res.Stale = r.known.stale(r.selection)
	}
	return res
}

// firstExchanges keeps the first limit exchanges in source and entry order, whatever
// order they come in, and counts the rest.
type firstExchanges struct {
	limit   int
	heap    []Checked // a max-heap: the last kept on top
	omitted int
}

func (e *firstExchanges) after(i, j int) bool {
	return less(e.heap[j].Source, e.heap[j].Entry, e.heap[i].Source, e.heap[i].Entry)
}

func (e *firstExchanges) add(c Checked) {
	if len(e.heap) < e.limit {
		e.heap = append(e.heap, c)
		for i := len(e.heap) - 1; i > 0 && e.after(i, (i-1)/2); i = (i - 1) / 2 {
			e.heap[i], e.heap[(i-1)/2] = e.heap[(i-1)/2], e.heap[i]
		}
		return
	}
	e.omitted++
	if len(e.heap) == 0 || !less(c.Source, c.Entry, e.heap[0].Source, e.heap[0].Entry) {
		return
	}
	e.heap[0] = c
	for i := 0; ; {
		top, l, r := i, 2*i+1, 2*i+2
		if l < len(e.heap) && e.after(l, top) {
			top = l
		}
		if r < len(e.heap) && e.after(r, top) {
			top = r
		}
		if top == i {
			return
		}
		e.heap[i], e.heap[top] = e.heap[top], e.heap[i]
		i = top
	}
}

func (e *firstExchanges) sorted() []Checked {
	out := slices.Clone(e.heap)
	sort.Slice(out, func(i, j int) bool { return less(out[i].Source, out[i].Entry, out[j].Source, out[j].Entry) })
	return out
}

// read reads one input, its HAR entries parsed by parsers goroutines when it is a
// file (contract.WithParallel), and hands its exchanges to the workers. An exchange
// the parsers checked as they read it (contract.ReadPrepared) is folded in here,
// which costs far less than handing it over: on a HAR of 1 KB answers, handing each
// exchange from the goroutine that parsed it to a worker cost about as much CPU as
// checking it, so that two cores did little more than one.
func (r *Runner) read(ctx context.Context, in Input, parsers int, jobs chan<- job, budget *byteBudget, bodies *bodyPool, t *tally) {
	rc, err := in.Open()
	if err != nil {
		jobs <- job{err: &contract.EntryError{Source: in.Name, Index: -1, Err: err}}
		return
	}
	defer rc.Close()
	var src io.Reader = rc
	if r.Progress != nil {
		src = r.Progress.reader(rc)
	}
	opts := []contract.ReadOption{contract.WithBodyAlloc(bodies.readerAlloc()), contract.WithHeaderAlloc(bodies.takeHeader),
		contract.WithMaxCassetteBytes(r.MaxCassetteBytes), contract.WithParallel(parsers)}
	// Run by the parsers on exchanges that may be none (see contract.ReadPrepared):
	// nothing is counted until commit. The outcome's findings count against what a
	// parser holds ahead (checkOutcome.Size): a body's findings can take a hundred
	// times its bytes.
	prepare := func(ex contract.Exchange) *checkOutcome {
		v := r.validatorFor(ex)
		if v == nil {
			return &checkOutcome{}
		}
		o := t.prepare(v, ex)
		bodies.done(ex) // what commit needs of ex is neither its bodies nor its headers
		return o
	}
	for p, err := range contract.ReadPrepared(in.Name, src, prepare, opts...) {
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			var ee *contract.EntryError
			if !errors.As(err, &ee) {
				ee = &contract.EntryError{Source: in.Name, Index: -1, Err: err}
			}
			jobs <- job{err: ee}
			continue
		}
		ex := p.Exchange
		if p.Ready {
			t.commit(ex, p.Value)
			if r.Progress != nil && p.Value.v != nil {
				r.Progress.checked()
			}
			continue
		}
		v := r.validatorFor(ex)
		if v == nil {
			t.skipped(ex.URL.Host)
			continue
		}
		n := min(int64(len(ex.RequestBody)+len(ex.ResponseBody)), maxBytesInFlight)
		budget.acquire(n)
		jobs <- job{ex: ex, v: v, bytes: n}
	}
}

func (r *Runner) validatorFor(ex contract.Exchange) *contract.Validator {
	if r.Force != "" {
		return r.Validators[r.Force]
	}
	if api, ok := apiOf(ex); ok {
		return r.Validators[api]
	}
	return nil
}

// apiOf is the API of an exchange: the one its recording names, whatever the host,
// else the one served at its host.
func apiOf(ex contract.Exchange) (specs.API, bool) {
	if ex.API == "" {
		// Most recordings name none: no error is built to say so for every entry.
		return APIForHost(ex.URL.Hostname())
	}
	if api, err := specs.ParseAPI(ex.API); err == nil {
		return api, true
	}
	return APIForHost(ex.URL.Hostname())
}

func less(s1 string, e1 int, s2 string, e2 int) bool {
	if s1 != s2 {
		return s1 < s2
	}
	return e1 < e2
}
