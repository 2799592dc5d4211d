package cli

import (
	"cmp"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/terminal"
)

// KindCallFailed is a finding of live mode: a call failed (timeout, retries used up,
// a body that does not decode).
const KindCallFailed = "call-failed"

// WriteText writes the findings per operation, then a summary. Findings that differ
// only in array indices and source are one line with a count and the first sources, so
// that a large recording reads in one screen; the JSON report lists the findings
// themselves. Unreadable input and failed calls are a line each, up to the limits of
// the run, which the summary names when it left any out.
func WriteText(w io.Writer, res Result) error {
	set := res.setOf()
	var title string
	for _, c := range sortedClusters(set.groups) {
		if t := groupTitle(c.first); t != title {
			if title != "" {
				fmt.Fprintln(w)
			}
			title = t
			fmt.Fprintf(w, "%s\n", terminal.Safe(title))
		}
		fmt.Fprintf(w, "  %s\n", terminal.Safe(c.textLine()))
	}
	if title != "" {
		fmt.Fprintln(w)
	}
	if set.ungrouped > 0 {
		fmt.Fprintf(w, "%d more findings in further groups, not listed (at most %d groups are; raise --max-findings)\n\n", set.ungrouped, set.limits.max)
	}
	// Unreadable input and failed calls, one by one, as the sample keeps them.
	for _, kind := range []string{KindCallFailed, contract.KindUnreadable} {
		listed := 0
		for _, f := range res.Findings {
			if f.Kind != kind {
				continue
			}
			if listed == 0 {
				fmt.Fprintf(w, "%s\n", terminal.Safe(groupTitle(f)))
			}
			listed++
			fmt.Fprintf(w, "  %s\n", terminal.Safe(textLine(f)))
		}
		if more := set.byKind[kind] - listed; more > 0 {
			fmt.Fprintf(w, "  and %d more, not listed (raise --max-findings and --max-findings-per-rule)\n", more)
		}
		if listed > 0 {
			fmt.Fprintln(w)
		}
	}
	if len(res.Stale) > 0 {
		fmt.Fprintln(w, "baseline entries that matched no finding (the drift is gone; remove them):")
		for _, e := range res.Stale {
			fmt.Fprintf(w, "  %s\n", terminal.Safe(strings.ReplaceAll(e, "\t", " ")))
		}
		fmt.Fprintln(w)
	}
	writeVersions(w, res.Summary.APIVersions)
	_, err := fmt.Fprintln(w, terminal.Safe(summaryLine(res.Summary)))
	return err
}

// findingCluster is findings alike but for array indices and source: the first in
// report order, their count, and the first sources. It is the same whatever order the
// findings come in.
type findingCluster struct {
	first contract.Finding
	seq   int // first's place among its exchange's findings
	// pointer is the first finding's; mixed says another pointer was seen, so the line
	// shows it with indices generalized.
	pointer string
	mixed   bool
	count   int
	// sources are the first maxClusterSources exchanges, in report order; distinct
	// counts every exchange with a finding of the cluster.
	sources  []exchangeRef
	distinct int
}

// exchangeRef names one exchange of a recording.
type exchangeRef struct {
	source string
	entry  int
}

func (r exchangeRef) String() string {
	return sourceOf(contract.Finding{Source: r.source, Entry: r.entry})
}

func (r exchangeRef) compare(o exchangeRef) int {
	return cmp.Or(strings.Compare(r.source, o.source), cmp.Compare(r.entry, o.entry))
}

// maxClusterSources is how many sources a clustered line names.
const maxClusterSources = 3

// fold counts f, the seq-th finding of its exchange; newExchange is false when the
// cluster already counts a finding of that exchange.
func (c *findingCluster) fold(f contract.Finding, seq int, newExchange bool) {
	c.count++
	if f.Pointer != c.pointer {
		c.mixed = true
	}
	ref := exchangeRef{f.Source, f.Entry}
	if o := ref.compare(exchangeRef{c.first.Source, c.first.Entry}); c.count == 1 || o < 0 || o == 0 && seq < c.seq {
		c.first, c.seq = f, seq
	}
	if newExchange {
		c.distinct++
		c.addSource(ref)
	}
}

// addSource keeps ref if it is among the first maxClusterSources exchanges.
func (c *findingCluster) addSource(ref exchangeRef) {
	i, found := slices.BinarySearchFunc(c.sources, ref, exchangeRef.compare)
	if found || i >= maxClusterSources {
		return
	}
	c.sources = slices.Insert(c.sources, i, ref)
	if len(c.sources) > maxClusterSources {
		c.sources = c.sources[:maxClusterSources]
	}
}

// merge folds o, a cluster of the same key, into c.
func (c *findingCluster) merge(o *findingCluster) {
	c.count += o.count
	c.distinct += o.distinct
	c.mixed = c.mixed || o.mixed || c.pointer != o.pointer
	if o.first.Source < c.first.Source || o.first.Source == c.first.Source && (o.first.Entry < c.first.Entry || o.first.Entry == c.first.Entry && o.seq < c.seq) {
		c.first, c.seq, c.pointer = o.first, o.seq, o.pointer
	}
	for _, r := range o.sources {
		c.addSource(r)
	}
}

// linePointer is the pointer a cluster's line shows.
func (c *findingCluster) linePointer() string {
	if c.mixed {
		return generalize(c.pointer)
	}
	return c.pointer
}

// cluster groups fs into clusters, in report order; unreadable input and failed calls
// are one each.
func cluster(fs []contract.Finding) []*findingCluster {
	res := Result{Findings: fs}
	out := sortedClusters(res.setOf().groups)
	for _, f := range fs {
		if !clustered(f) {
			out = append(out, &findingCluster{first: f, pointer: f.Pointer, count: 1, distinct: 1, sources: []exchangeRef{{f.Source, f.Entry}}})
		}
	}
	return out
}

func (c *findingCluster) textLine() string {
	if c.count == 1 {
		return textLine(c.first)
	}
	f := c.first
	f.Pointer = c.linePointer()
	line := fmt.Sprintf("%d× %s%s: expected %s, found %s, ...", c.count, f.Kind, where(f), f.Expected, f.Found)
	shown := make([]string, len(c.sources))
	for i, r := range c.sources {
		shown[i] = r.String()
	}
	line += " in " + strings.Join(shown, ", ")
	if c.distinct > len(shown) {
		line += fmt.Sprintf(" and %d more", c.distinct-len(shown))
	}
	return line + marks(f)
}

func sourceOf(f contract.Finding) string {
	if f.Entry >= 0 {
		return fmt.Sprintf("%s#%d", f.Source, f.Entry)
	}
	return f.Source
}

// where renders a finding's place: a JSON pointer into a body, or header:NAME and
// query:NAME for headers and parameters.
func where(f contract.Finding) string {
	switch {
	case f.Location == "header" || f.Location == "query" || f.Location == "path":
		return " " + f.Location + ":" + strings.TrimPrefix(f.Pointer, "/")
	case f.Pointer != "":
		return " " + f.Pointer
	case f.Kind == contract.KindBody:
		return " (body)"
	case f.Kind == contract.KindRequest && f.Location == "body":
		return " (request body)"
	}
	return ""
}

func groupTitle(f contract.Finding) string {
	switch {
	case f.Kind == contract.KindUnreadable:
		return "unreadable input"
	case f.Kind == KindCallFailed:
		return "failed calls"
	case f.OperationID == "":
		return "undocumented endpoints (" + f.API + ")"
	default:
		return fmt.Sprintf("%s (%s %s %s)", f.OperationID, f.API, f.Method, f.Path)
	}
}

func textLine(f contract.Finding) string {
	src := sourceOf(f)
	if f.Kind == contract.KindUnreadable {
		return fmt.Sprintf("%s: %s", src, f.Found)
	}
	if f.Kind == KindCallFailed {
		return fmt.Sprintf("%s: %s", f.API, f.Found)
	}
	line := fmt.Sprintf("%s %d %s%s: expected %s, found %s", src, f.Status, f.Kind, where(f), f.Expected, f.Found)
	return line + marks(f)
}

// marks is what a report line adds to a finding a baseline knows or a --severity made
// a warning.
func marks(f contract.Finding) string {
	switch {
	case f.Known:
		return " (known)"
	case f.Severity == "warning":
		return " (warning)"
	}
	return ""
}

func summaryLine(s Summary) string {
	line := fmt.Sprintf("%d exchanges checked: %d passed, %d failed; %d skipped", s.Checked, s.Passed, s.Failed, s.Skipped)
	if len(s.SkippedBy) > 0 {
		var hosts []string
		for _, h := range slices.Sorted(maps.Keys(s.SkippedBy)) {
			hosts = append(hosts, fmt.Sprintf("%s: %d", h, s.SkippedBy[h]))
		}
		line += " (other hosts: " + strings.Join(hosts, ", ") + ")"
	}
	if s.Unreadable > 0 {
		line += fmt.Sprintf("; %d unreadable", s.Unreadable)
	}
	if s.Known > 0 {
		line += fmt.Sprintf("; %d findings known from the baseline", s.Known)
	}
	if s.Warnings > 0 {
		line += fmt.Sprintf("; %d findings are warnings", s.Warnings)
	}
	if s.NotSelected > 0 {
		line += fmt.Sprintf("; %d exchanges of operations not selected", s.NotSelected)
	}
	if s.SkippedFiles > 0 {
		line += fmt.Sprintf("; %d files skipped (not HAR, go-vcr cassette or JSON lines)", s.SkippedFiles)
	}
	if s.NotRegular > 0 {
		line += fmt.Sprintf("; %d files skipped as not regular", s.NotRegular)
	}
	if s.CallsFailed > 0 {
		line += fmt.Sprintf("; %d calls failed", s.CallsFailed)
	}
	if o := omittedLine(s); o != "" {
		line += "; " + o
	}
	return line
}

// JSONReport is the stable shape of --format json: a summary, the findings in source
// and entry order (every one, unless the summary's omitted_findings says how many the
// limits left out), the findings grouped as the text report groups them (with exact
// counts), and the baseline entries that matched nothing. Every field is always
// present but a finding's line and severity and a group's severity, which are left
// out when there is none; fields are only ever added.
type JSONReport struct {
	Version  int                `json:"version"`
	Summary  Summary            `json:"summary"`
	Findings []contract.Finding `json:"findings"`
	Groups   []JSONGroup        `json:"groups"`
	Stale    []string           `json:"stale_baseline"`
	// Coverage is what the traffic exercised of each API's spec it reached.
	Coverage []contract.CoverageReport `json:"coverage"`
}

// JSONGroup is findings alike but for array indices and source.
type JSONGroup struct {
	OperationID string `json:"operation_id"`
	Kind        string `json:"kind"`
	Location    string `json:"location"`
	Pointer     string `json:"pointer"`
	Expected    string `json:"expected"`
	Known       bool   `json:"known"`
	// Severity is "warning" for a group --severity made warnings, "" otherwise.
	Severity string   `json:"severity,omitempty"`
	Count    int      `json:"count"`
	Sources  []string `json:"first_sources"`
}

// WriteJSON writes the report as one JSON document.
func WriteJSON(w io.Writer, res Result) error {
	rep := JSONReport{Version: 1, Summary: res.Summary, Findings: res.Findings, Groups: []JSONGroup{}, Stale: res.Stale, Coverage: res.Coverage}
	if rep.Summary.APIVersions == nil {
		rep.Summary.APIVersions = []VersionNote{}
	}
	if rep.Coverage == nil {
		rep.Coverage = []contract.CoverageReport{}
	}
	if rep.Findings == nil {
		rep.Findings = []contract.Finding{}
	}
	if rep.Stale == nil {
		rep.Stale = []string{}
	}
	if rep.Summary.SkippedBy == nil {
		rep.Summary.SkippedBy = map[string]int{}
	}
	jsonGroup := func(c *findingCluster) JSONGroup {
		sources := make([]string, len(c.sources))
		for i, r := range c.sources {
			sources[i] = r.String()
		}
		return JSONGroup{OperationID: c.first.OperationID, Kind: c.first.Kind, Location: c.first.Location,
			Pointer: c.linePointer(), Expected: c.first.Expected, Known: c.first.Known, Severity: c.first.Severity, Count: c.count, Sources: sources}
	}
	for _, c := range sortedClusters(res.setOf().groups) {
		rep.Groups = append(rep.Groups, jsonGroup(c))
	}
	// Unreadable input and failed calls are a group each, as the text report lists them.
	for _, f := range res.Findings {
		if !clustered(f) {
			rep.Groups = append(rep.Groups, jsonGroup(&findingCluster{first: f, pointer: f.Pointer, count: 1, distinct: 1, sources: []exchangeRef{{f.Source, f.Entry}}}))
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr,omitempty"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	// SystemOut holds the findings that do not fail the run (known, or warnings) of a
	// case that passes.
	SystemOut string `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes a JUnit XML report: a suite per API and operation ("affinity
// getOrganization": both APIs have one of that name), a test case per exchange,
// failing with its findings; unreadable entries are errors.
func WriteJUnit(w io.Writer, res Result) error {
	byEntry := map[string][]contract.Finding{}
	for _, f := range res.Findings {
		k := fmt.Sprintf("%s#%d", f.Source, f.Entry)
		byEntry[k] = append(byEntry[k], f)
	}
	suites := map[string]*junitSuite{}
	var names []string
	suite := func(name string) *junitSuite {
		if s, ok := suites[name]; ok {
			return s
		}
		suites[name] = &junitSuite{Name: name}
		names = append(names, name)
		return suites[name]
	}
	for _, c := range res.Exchanges {
		name := c.OperationID
		if name == "" {
			name = "undocumented"
		}
		if c.API != "" {
			name = c.API + " " + name
		}
		s := suite(name)
		k := fmt.Sprintf("%s#%d", c.Source, c.Entry)
		tc := junitCase{Name: k, ClassName: name}
		if fs := byEntry[k]; len(fs) > 0 || c.Findings > 0 {
			var lines []string
			failing := false
			for _, f := range fs {
				lines = append(lines, textLine(f))
				failing = failing || (!f.Known && f.Severity != "warning")
			}
			if more := c.Findings - len(fs); more > 0 {
				lines = append(lines, fmt.Sprintf("and %d more, not listed (raise --max-findings and --max-findings-per-rule)", more))
				failing = true // not listed, so not known not to fail
			}
			if failing {
				tc.Failure = &junitMessage{Message: fmt.Sprintf("%d finding(s)", max(len(fs), c.Findings)), Text: strings.Join(lines, "\n")}
				s.Failures++
			} else {
				tc.SystemOut = strings.Join(lines, "\n")
			}
		}
		s.Tests++
		s.Cases = append(s.Cases, tc)
	}
	for _, f := range res.Findings {
		if f.Kind != contract.KindUnreadable && f.Kind != KindCallFailed {
			continue
		}
		s := suite(f.Kind)
		where := fmt.Sprintf("%s#%d", f.Source, f.Entry)
		s.Cases = append(s.Cases, junitCase{Name: where, ClassName: f.Kind, Error: &junitMessage{Message: f.Kind, Text: textLine(f)}})
		s.Tests++
		s.Errors++
	}
	if res.omittedExchanges > 0 || res.Summary.OmittedFindings > 0 {
		// A case that says what the limits left out, so that a CI page does not read a
		// partial list as the whole run.
		s := suite("not listed")
		msg := fmt.Sprintf("%d more exchanges checked", res.omittedExchanges)
		if o := omittedLine(res.Summary); o != "" {
			msg += "; " + o
		}
		s.Cases = append(s.Cases, junitCase{Name: "not listed", ClassName: "not listed", Skipped: &junitMessage{Message: msg}})
		s.Tests++
		s.Skipped++
	}
	sort.Strings(names)
	out := junitSuites{}
	for _, n := range names {
		s := suites[n]
		out.Suites = append(out.Suites, *s)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// reportFormats are the formats of --format, as its usage names them.
var reportFormats = []string{"text", "json", "junit", "sarif", "markdown", "github"}

// checkFormat refuses a format WriteReport does not write, naming the flag.
func checkFormat(flag, format string) error {
	if !slices.Contains(reportFormats, format) {
		return usageError{fmt.Sprintf("%s %q: want %s", flag, format, strings.Join(reportFormats, ", "))}
	}
	return nil
}

// WriteReport writes res in format: "text", "json", "junit", "sarif", "markdown" or
// "github" (GitHub Actions annotations).
func WriteReport(w io.Writer, format string, res Result) error {
	if res.set == nil {
		res.Summary.Findings = len(res.Findings) // a result built from a list lists every finding
	}
	switch format {
	case "json":
		return WriteJSON(w, res)
	case "junit":
		return WriteJUnit(w, res)
	case "sarif":
		return WriteSARIF(w, res)
	case "markdown":
		return WriteMarkdown(w, res)
	case "github":
		return WriteGitHub(w, res)
	case "text":
		return WriteText(w, res)
	}
	return checkFormat("format", format)
}
