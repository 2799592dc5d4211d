package cli

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/orgapis/orgapis/contract"
)

// KindCallFailed is a finding of live mode: a call failed (timeout, retries used up,
// a body that does not decode).
const KindCallFailed = "call-failed"

// WriteText writes the findings per operation, then a summary. Findings that differ
// only in array indices and source are one line with a count and the first sources, so
// that a large recording reads in one screen; the JSON report keeps every finding.
func WriteText(w io.Writer, res Result) error {
	groups, order := group(res.Findings)
	for _, key := range order {
		fs := groups[key]
		fmt.Fprintf(w, "%s\n", terminalSafe(groupTitle(fs[0])))
		for _, c := range cluster(fs) {
			fmt.Fprintf(w, "  %s\n", terminalSafe(c.textLine()))
		}
		fmt.Fprintln(w)
	}
	if len(res.Stale) > 0 {
		fmt.Fprintln(w, "baseline entries that matched no finding (the drift is gone; remove them):")
		for _, e := range res.Stale {
			fmt.Fprintf(w, "  %s\n", terminalSafe(strings.ReplaceAll(e, "\t", " ")))
		}
		fmt.Fprintln(w)
	}
	_, err := fmt.Fprintln(w, terminalSafe(summaryLine(res.Summary)))
	return err
}

// findingCluster is findings alike but for array indices and source.
type findingCluster struct {
	first   contract.Finding
	pointer string // with indices generalized when the findings differ in them
	count   int
	sources []string // the first maxClusterSources distinct ones

	seen     map[string]bool // every source met
	distinct int
}

// maxClusterSources is how many sources a clustered line names.
const maxClusterSources = 3

// cluster groups fs (one operation's findings, in order) into clusters of findings
// with the same kind, location, generalized pointer, expectation and known mark.
func cluster(fs []contract.Finding) []*findingCluster {
	var out []*findingCluster
	byKey := map[string]*findingCluster{}
	for _, f := range fs {
		if f.Kind == contract.KindUnreadable || f.Kind == KindCallFailed {
			out = append(out, &findingCluster{first: f, pointer: f.Pointer, count: 1})
			continue
		}
		key := strings.Join([]string{f.Kind, f.Location, generalize(f.Pointer), f.Expected, strconv.FormatBool(f.Known)}, "\x00")
		c, ok := byKey[key]
		if !ok {
			c = &findingCluster{first: f, pointer: f.Pointer}
			byKey[key] = c
			out = append(out, c)
		}
		c.count++
		if f.Pointer != c.pointer {
			c.pointer = generalize(f.Pointer)
		}
		// Each exchange is named once, however many of its findings the line holds.
		if src := sourceOf(f); !c.seen[src] {
			if c.seen == nil {
				c.seen = map[string]bool{}
			}
			c.seen[src] = true
			c.distinct++
			if len(c.sources) < maxClusterSources {
				c.sources = append(c.sources, src)
			}
		}
	}
	return out
}

func (c *findingCluster) textLine() string {
	if c.count == 1 {
		return textLine(c.first)
	}
	f := c.first
	f.Pointer = c.pointer
	line := fmt.Sprintf("%d× %s%s: expected %s, found %s, ...", c.count, f.Kind, where(f), f.Expected, f.Found)
	shown := c.sources[:min(len(c.sources), maxClusterSources)]
	line += " in " + strings.Join(shown, ", ")
	if c.distinct > len(shown) {
		line += fmt.Sprintf(" and %d more", c.distinct-len(shown))
	}
	if f.Known {
		line += " (known)"
	}
	return line
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

// terminalSafe escapes control characters and invalid UTF-8, which come from recorded
// URLs and values: a report printed to a terminal must not be able to drive it (ESC
// sequences, BEL, NUL). JSON and JUnit escape them by their own rules.
func terminalSafe(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unicode.IsControl(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.IsControl(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
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
	if f.Known {
		line += " (known)"
	}
	return line
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
	if s.SkippedFiles > 0 {
		line += fmt.Sprintf("; %d files skipped (not HAR, go-vcr cassette or JSON lines)", s.SkippedFiles)
	}
	if s.NotRegular > 0 {
		line += fmt.Sprintf("; %d files skipped as not regular", s.NotRegular)
	}
	if s.CallsFailed > 0 {
		line += fmt.Sprintf("; %d calls failed", s.CallsFailed)
	}
	return line
}

// group orders findings by operation (unreadable input last), keeping entry order.
func group(findings []contract.Finding) (map[string][]contract.Finding, []string) {
	groups := map[string][]contract.Finding{}
	var order []string
	for _, f := range findings {
		key := groupTitle(f)
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], f)
	}
	sort.SliceStable(order, func(i, j int) bool {
		ui, uj := order[i] == "unreadable input", order[j] == "unreadable input"
		if ui != uj {
			return uj
		}
		return order[i] < order[j]
	})
	return groups, order
}

// JSONReport is the stable shape of --format json: a summary, every finding in source
// and entry order, the findings grouped as the text report groups them, and the
// baseline entries that matched nothing. Every field is always present; fields are
// only ever added.
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
	OperationID string   `json:"operation_id"`
	Kind        string   `json:"kind"`
	Location    string   `json:"location"`
	Pointer     string   `json:"pointer"`
	Expected    string   `json:"expected"`
	Known       bool     `json:"known"`
	Count       int      `json:"count"`
	Sources     []string `json:"first_sources"`
}

// WriteJSON writes the report as one JSON document.
func WriteJSON(w io.Writer, res Result) error {
	rep := JSONReport{Version: 1, Summary: res.Summary, Findings: res.Findings, Groups: []JSONGroup{}, Stale: res.Stale, Coverage: res.Coverage}
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
	groups, order := group(res.Findings)
	for _, key := range order {
		for _, c := range cluster(groups[key]) {
			rep.Groups = append(rep.Groups, JSONGroup{OperationID: c.first.OperationID, Kind: c.first.Kind, Location: c.first.Location,
				Pointer: c.pointer, Expected: c.first.Expected, Known: c.first.Known, Count: c.count, Sources: append([]string{}, c.sources[:min(len(c.sources), maxClusterSources)]...)})
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
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
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
		if fs := byEntry[k]; len(fs) > 0 {
			var lines []string
			for _, f := range fs {
				lines = append(lines, textLine(f))
			}
			tc.Failure = &junitMessage{Message: fmt.Sprintf("%d finding(s)", len(fs)), Text: strings.Join(lines, "\n")}
			s.Failures++
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

// WriteReport writes res in format: "text", "json", "junit" or "sarif".
func WriteReport(w io.Writer, format string, res Result) error {
	switch format {
	case "json":
		return WriteJSON(w, res)
	case "junit":
		return WriteJUnit(w, res)
	case "sarif":
		return WriteSARIF(w, res)
	case "text":
		return WriteText(w, res)
	}
	return fmt.Errorf("unknown report format %q (want text, json, junit or sarif)", format)
}
