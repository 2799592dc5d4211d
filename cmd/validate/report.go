package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"github.com/orgapis/orgapis/contract"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// KindCallFailed is a finding of live mode: a call failed (timeout, retries used up,
// a body that does not decode).
const KindCallFailed = "call-failed"

// WriteText writes one line per finding, grouped per operation, then a summary.
func WriteText(w io.Writer, res Result) error {
	groups, order := group(res.Findings)
	for _, key := range order {
		fs := groups[key]
		fmt.Fprintf(w, "%s\n", terminalSafe(groupTitle(fs[0])))
		for _, f := range fs {
			fmt.Fprintf(w, "  %s\n", terminalSafe(textLine(f)))
		}
		fmt.Fprintln(w)
	}
	_, err := fmt.Fprintln(w, terminalSafe(summaryLine(res.Summary)))
	return err
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
	where := f.Source
	if f.Entry >= 0 {
		where = fmt.Sprintf("%s#%d", f.Source, f.Entry)
	}
	if f.Kind == contract.KindUnreadable {
		return fmt.Sprintf("%s: %s", where, f.Found)
	}
	if f.Kind == KindCallFailed {
		return fmt.Sprintf("%s: %s", f.API, f.Found)
	}
	ptr := f.Pointer
	switch {
	case ptr != "":
		ptr = " " + ptr
	case f.Kind == contract.KindBody:
		ptr = " (body)"
	}
	return fmt.Sprintf("%s %d %s%s: expected %s, found %s", where, f.Status, f.Kind, ptr, f.Expected, f.Found)
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
	if s.SkippedFiles > 0 {
		line += fmt.Sprintf("; %d files skipped as not regular", s.SkippedFiles)
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

// JSONReport is the stable shape of --format json: a summary and the findings in
// source and entry order. Fields are only ever added.
type JSONReport struct {
	Version  int                `json:"version"`
	Summary  Summary            `json:"summary"`
	Findings []contract.Finding `json:"findings"`
}

// WriteJSON writes the report as one JSON document.
func WriteJSON(w io.Writer, res Result) error {
	rep := JSONReport{Version: 1, Summary: res.Summary, Findings: res.Findings}
	if rep.Findings == nil {
		rep.Findings = []contract.Finding{}
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

// WriteJUnit writes a JUnit XML report: a suite per operation, a test case per
// exchange, failing with its findings; unreadable entries are errors.
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

// WriteReport writes res in format: "text", "json" or "junit".
func WriteReport(w io.Writer, format string, res Result) error {
	switch format {
	case "json":
		return WriteJSON(w, res)
	case "junit":
		return WriteJUnit(w, res)
	case "text":
		return WriteText(w, res)
	}
	return fmt.Errorf("unknown report format %q (want text, json or junit)", format)
}
