package cli

import (
	"sync"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/specs"
)

// A tally is what a run keeps of the exchanges it checks, wherever they come from
// (recordings read by Runner.Run, traffic passing validate proxy): the selection
// applied, the findings folded into the bounded finding set, the counts, the
// coverage of each spec, the first exchanges for reports that list passes, and the
// API versions seen. One tally serves any number of goroutines; what it keeps is
// bounded by the run's limits, not by the number of exchanges.
type tally struct {
	selection     *selection
	keepExchanges bool

	mu       sync.Mutex
	set      *findingSet
	limits   findingLimits
	summary  Summary
	checked  *firstExchanges
	coverage map[specs.API]*contract.Coverage
	reached  map[specs.API]bool
	versions versionNotes
}

// newTally returns a tally of a run that checks with validators. Without noCoverage it
// counts what the traffic exercised of each spec.
func newTally(validators map[specs.API]*contract.Validator, limits findingLimits, sel *selection, noCoverage bool) *tally {
	if limits.max == 0 {
		limits = defaultLimits()
	}
	t := &tally{selection: sel, set: newFindingSet(limits), limits: limits, checked: &firstExchanges{limit: limits.max},
		coverage: map[specs.API]*contract.Coverage{}, reached: map[specs.API]bool{}, versions: versionNotes{}}
	t.summary.SkippedBy = map[string]int{}
	if !noCoverage {
		for api, v := range validators {
			t.coverage[api] = contract.NewCoverage(v)
		}
	}
	return t
}

// wants reports whether the selection keeps ex, without counting anything: for a
// caller that decides before the exchange is whole (validate proxy, before the
// answer), and counts it with notSelected once it is.
func (t *tally) wants(v *contract.Validator, ex contract.Exchange) bool {
	sel := t.selection
	if sel == nil || (sel.only == nil && sel.skip == nil) {
		return true
	}
	_, template := v.Operation(ex)
	return sel.checks(v.API(), ex.Method, template)
}

// notSelected counts ex, an exchange the selection leaves out, as not selected, and
// as exercised by the coverage, without its body read for members.
func (t *tally) notSelected(v *contract.Validator, ex contract.Exchange) {
	o := checkOutcome{v: v}
	if cov := t.coverage[v.API()]; cov != nil {
		o.count = cov.AddLater(ex)
	}
	t.commit(ex, &o)
}

// check checks ex, an exchange the selection keeps (see wants), against v and
// folds in what it found, each finding passed through edit first unless it is nil; it
// returns the operation and the findings the severities keep, for a caller that
// reports them as they come.
func (t *tally) check(v *contract.Validator, ex contract.Exchange, edit func(contract.Finding) contract.Finding) (string, []contract.Finding) {
	o := t.prepare(v, ex)
	if edit != nil {
		for i, f := range o.findings {
			o.findings[i] = edit(f)
		}
	}
	t.commit(ex, o)
	return o.op, o.findings
}

// A checkOutcome is what checking one exchange found, held until commit folds it in: the
// parallel reader checks exchanges ahead of knowing that they are entries of their
// recording (contract.ReadPrepared), and a wrong guess must count for nothing.
type checkOutcome struct {
	v        *contract.Validator // nil: no spec is for the exchange's host (skipped)
	selected bool                // checked; else left out by the selection
	op       string
	findings []contract.Finding    // their Entry and Line set by commit
	count    func()                // counts the exchange in the coverage; nil: nothing new
	sent     *contract.VersionSent // the version sent, when it differs from the spec's
}

// findingBytes is about what a finding holds besides its pointer, expected and found
// texts (its struct; the other strings are the exchange's or the route's).
const findingBytes = 256

// Size is about the bytes o holds, which the parallel reader counts against what its
// parsers hold ahead of the reader (contract.ReadPrepared).
func (o *checkOutcome) Size() int {
	n := 0
	for _, f := range o.findings {
		n += findingBytes + len(f.Pointer) + len(f.Expected) + len(f.Found)
	}
	return n
}

// prepare checks ex, an exchange of v's API, unless the selection leaves it out, and
// returns what it found without folding anything in: safe on any goroutine, for an
// exchange that may turn out to be none.
func (t *tally) prepare(v *contract.Validator, ex contract.Exchange) *checkOutcome {
	o := &checkOutcome{v: v}
	cov := t.coverage[v.API()]
	if !t.wants(v, ex) {
		if cov != nil {
			o.count = cov.AddLater(ex)
		}
		return o
	}
	o.selected = true
	if cov != nil {
		o.op, o.findings, o.count = cov.CheckLater(ex) // one read of a conforming body for both
	} else {
		o.op, o.findings = v.Check(ex)
	}
	o.findings = t.selection.filter(o.findings)
	if sent, ok := v.Version(o.op, ex); ok && sent.Differs() {
		differs := sent // a variable of its own: only a version that differs costs an allocation
		o.sent = &differs
	}
	return o
}

// commit folds in o, what prepare found of ex, now that ex is known to be an entry
// with its index and line.
func (t *tally) commit(ex contract.Exchange, o *checkOutcome) {
	if o.v == nil {
		t.skipped(ex.URL.Host)
		return
	}
	if o.count != nil {
		o.count()
	}
	api := o.v.API()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.coverage[api] != nil {
		t.reached[api] = true
	}
	if !o.selected {
		t.summary.NotSelected++
		return
	}
	for i := range o.findings {
		o.findings[i].Entry, o.findings[i].Line = ex.Index, ex.Line
	}
	t.set.add(o.findings)
	t.summary.Checked++
	if len(o.findings) == 0 {
		t.summary.Passed++
	} else {
		t.summary.Failed++
	}
	if t.keepExchanges {
		t.checked.add(Checked{Source: ex.Source, Entry: ex.Index, API: string(api), OperationID: o.op, Findings: len(o.findings)})
	}
	t.reached[api] = true
	if o.sent != nil {
		t.versions.add(string(api), *o.sent, ex)
	}
}

// unreadable folds in an input or entry that could not be checked.
func (t *tally) unreadable(f contract.Finding) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.set.add([]contract.Finding{f})
	t.summary.Unreadable++
}

// failedCall folds in an exchange that got no answer to check (validate proxy: the
// upstream did not answer), as live mode's failed calls are.
func (t *tally) failedCall(f contract.Finding) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.set.add([]contract.Finding{f})
	t.summary.CallsFailed++
}

// skipped counts an exchange of a host no spec is for.
func (t *tally) skipped(host string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.summary.Skipped++
	t.summary.SkippedBy[host]++
}

// result is what the run found so far. The tally may go on after it.
func (t *tally) result() Result {
	t.mu.Lock()
	defer t.mu.Unlock()
	var res Result
	res.Summary = t.summary
	res.Summary.SkippedBy = make(map[string]int, len(t.summary.SkippedBy))
	for h, n := range t.summary.SkippedBy {
		res.Summary.SkippedBy[h] = n
	}
	res.set, res.entries = t.set, t.set.entries
	res.Findings = t.set.sample.findings()
	res.Exchanges, res.omittedExchanges = t.checked.sorted(), t.checked.omitted
	for _, api := range specs.APIs() {
		if cov := t.coverage[api]; cov != nil && t.reached[api] {
			res.Coverage = append(res.Coverage, cov.Report())
		}
	}
	res.Summary.Findings, res.Summary.Known, res.Summary.OmittedFindings = t.set.total, t.set.known, t.set.omitted()
	res.Summary.Warnings = t.set.warned
	res.Summary.MaxFindings, res.Summary.MaxFindingsPerRule = t.limits.max, t.limits.perRule
	res.Summary.APIVersions = t.versions.list()
	return res
}
