package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/terminal"
)

// A Markdown report is for a pull request or a CI job's page (GitHub's step summary,
// GitLab's and others' comments): counts, the first findings of each operation and
// coverage, short enough to read there. It is bounded whatever the run found, since
// those pages cut long ones (GitHub keeps 1 MiB of a step's summary): the JSON or SARIF
// report of the same run lists everything.
const (
	// markdownOperations is how many operations with findings the report shows.
	markdownOperations = 30
	// markdownPerOperation is how many lines (clusters of alike findings) it shows of
	// each, and of unreadable input and failed calls.
	markdownPerOperation = 5
	// markdownMissing is how many unexercised items of a kind the coverage table names.
	markdownMissing = 5
	// markdownLine is the most bytes of one line of text the report shows of a
	// finding, an entry or a version: a value from a recording may be kilobytes long,
	// and 30 operations of 5 such lines must stay well under what a page keeps.
	markdownLine = 240
)

// WriteMarkdown writes the report as GitHub-flavoured Markdown. Every line of text
// that comes from a recording, a server or a baseline is a code span (GitHub links no
// mention, issue or commit in one, and Markdown reads nothing in it), cut to
// markdownLine bytes; the few other texts, from the spec, are escaped.
func WriteMarkdown(w io.Writer, res Result) error {
	s := res.Summary
	set := res.setOf()
	verdict := "passed"
	switch {
	case set.failing() > 0 || s.Unreadable > 0 || s.CallsFailed > 0 || len(res.coverageBelow) > 0:
		verdict = "failed"
	case s.Checked == 0:
		verdict = "checked nothing"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "### API contract check %s\n\n", verdict)
	b.WriteString("| exchanges checked | passed | failed | skipped | unreadable | findings | known from the baseline |\n")
	b.WriteString("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d | %d |\n\n", s.Checked, s.Passed, s.Failed, s.Skipped, s.Unreadable, s.Findings, s.Known)
	if s.CallsFailed > 0 {
		fmt.Fprintf(&b, "%d calls failed.\n\n", s.CallsFailed)
	}
	for _, below := range res.coverageBelow {
		fmt.Fprintf(&b, "Coverage under --min-coverage: %s.\n\n", md(below))
	}

	// Findings per operation, in the text report's order: one line per cluster.
	var titles []string
	lines := map[string][]string{}
	more := map[string]int{}
	for _, c := range sortedClusters(set.groups) {
		t := groupTitle(c.first)
		if _, ok := lines[t]; !ok {
			titles = append(titles, t)
			lines[t] = []string{}
		}
		if len(lines[t]) < markdownPerOperation {
			lines[t] = append(lines[t], c.textLine())
		} else {
			more[t] += c.count
		}
	}
	if len(titles) > 0 {
		b.WriteString("#### Findings\n\n")
	}
	for i, t := range titles {
		if i == markdownOperations {
			fmt.Fprintf(&b, "Findings of %d more operations are not shown here; the JSON or SARIF report lists them.\n\n", len(titles)-markdownOperations)
			break
		}
		fmt.Fprintf(&b, "**%s**\n\n", md(clipText(t, markdownLine)))
		for _, l := range lines[t] {
			fmt.Fprintf(&b, "- %s\n", codeSpan(l))
		}
		if n := more[t]; n > 0 {
			fmt.Fprintf(&b, "- and %d more findings of other kinds or places\n", n)
		}
		b.WriteString("\n")
	}
	if set.ungrouped > 0 {
		fmt.Fprintf(&b, "%d more findings in further groups, not listed (at most %d groups are; raise --max-findings).\n\n", set.ungrouped, set.limits.max)
	}
	for _, kind := range []string{KindCallFailed, contract.KindUnreadable} {
		listed := 0
		for _, f := range res.Findings {
			if f.Kind != kind {
				continue
			}
			if listed == 0 {
				fmt.Fprintf(&b, "#### %s\n\n", md(groupTitle(f)))
			}
			if listed == markdownPerOperation {
				listed++
				break
			}
			listed++
			fmt.Fprintf(&b, "- %s\n", codeSpan(textLine(f)))
		}
		if n := set.byKind[kind] - min(listed, markdownPerOperation); listed > 0 && n > 0 {
			fmt.Fprintf(&b, "- and %d more\n", n)
		}
		if listed > 0 {
			b.WriteString("\n")
		}
	}

	if len(res.Coverage) > 0 {
		b.WriteString("#### Coverage\n\n| API | operations | statuses | parameters | members |\n| --- | --- | --- | --- | --- |\n")
		for _, r := range res.Coverage {
			counts := r.Kinds()
			fmt.Fprintf(&b, "| %s", md(r.API))
			for _, k := range coverageKinds {
				c := counts[k]
				fmt.Fprintf(&b, " | %d of %d (%.1f%%)", c.Seen, c.Total, c.Percent())
			}
			b.WriteString(" |\n")
		}
		b.WriteString("\n")
		for _, r := range res.Coverage {
			ops := r.Operations
			if len(ops.Missing) == 0 {
				continue
			}
			shown := make([]string, 0, markdownMissing)
			for _, m := range ops.Missing[:min(len(ops.Missing), markdownMissing)] {
				shown = append(shown, md(m))
			}
			fmt.Fprintf(&b, "Operations of %s not exercised: %s", md(r.API), strings.Join(shown, ", "))
			if n := len(ops.Missing) - len(shown); n > 0 {
				fmt.Fprintf(&b, " and %d more", n)
			}
			b.WriteString(".\n\n")
		}
	}
	stale := make([]string, len(res.Stale))
	for i, e := range res.Stale {
		stale[i] = strings.ReplaceAll(e, "\t", " ")
	}
	listSection(&b, "Baseline entries that matched no finding\n\nThe drift is gone; remove them.", stale)
	versions := make([]string, len(s.APIVersions))
	for i, n := range s.APIVersions {
		versions[i] = versionLine(n)
	}
	listSection(&b, "Other API versions", versions)
	fmt.Fprintf(&b, "%s\n", md(clipText(summaryLine(s), 4*markdownLine)))
	_, err := io.WriteString(w, b.String())
	return err
}

// md escapes s for Markdown: control characters and invalid UTF-8 as the text report
// shows them, then every ASCII punctuation character with a backslash, which
// CommonMark reads as that character and nothing else (a table's | included).
func md(s string) string {
	s = terminal.Safe(s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// codeSpan is s as a Markdown code span: control characters escaped as the text report
// shows them, cut to markdownLine bytes, between fences of one backtick more than the
// longest run in it, with a space inside each, which CommonMark strips again.
func codeSpan(s string) string {
	s = clipText(terminal.Safe(s), markdownLine)
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	return fence + " " + s + " " + fence
}

// clipText cuts s to at most n bytes, not inside a UTF-8 sequence, marking the cut.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

// listSection writes a heading and the first markdownPerOperation lines as code spans,
// with a count of the rest; nothing for no lines.
func listSection(b *strings.Builder, heading string, lines []string) {
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(b, "#### %s\n\n", heading)
	for i, l := range lines {
		if i == markdownPerOperation {
			fmt.Fprintf(b, "- and %d more\n", len(lines)-i)
			break
		}
		fmt.Fprintf(b, "- %s\n", codeSpan(l))
	}
	b.WriteString("\n")
}
