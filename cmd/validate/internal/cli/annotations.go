package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/terminal"
)

// GitHub Actions reads workflow commands from a step's output; an annotation is
//
//	::error file=NAME,line=N,title=TITLE::MESSAGE
//
// (or ::warning, ::notice), shown on the run's page and, for a file of the pull
// request, beside that line of its diff. GitHub shows at most ten annotations of each
// level a step (and fifty a job), so one annotation stands for a cluster of alike
// findings, each level stops at ten, and one notice is kept for the summary.
const maxAnnotationsPerLevel = 10

// WriteGitHub writes the report as GitHub Actions annotations: an error for each
// cluster of findings (a warning for those --severity made warnings, a notice for those
// the baseline knows), for unreadable input, for failed calls and for a coverage floor
// the run missed, then a notice with the summary line.
func WriteGitHub(w io.Writer, res Result) error {
	set := res.setOf()
	var b strings.Builder
	count := map[string]int{"notice": 1} // the summary's
	shown, total := 0, 0
	annotate := func(level string, f contract.Finding, title, msg string) {
		total++
		if count[level] == maxAnnotationsPerLevel {
			return
		}
		count[level]++
		shown++
		b.WriteString("::" + level)
		var props []string
		if file, ok := annotationFile(f.Source); ok {
			props = append(props, "file="+escapeProperty(file))
			if f.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", f.Line))
			}
		}
		props = append(props, "title="+escapeProperty(title))
		b.WriteString(" " + strings.Join(props, ","))
		b.WriteString("::" + escapeData(msg) + "\n")
	}
	for _, below := range res.coverageBelow {
		annotate("error", contract.Finding{}, "coverage under --min-coverage", below)
	}
	for _, c := range sortedClusters(set.groups) {
		level := "error"
		if c.first.Known {
			level = "notice"
		} else if c.first.Severity == "warning" {
			level = "warning"
		}
		annotate(level, c.first, groupTitle(c.first), c.textLine())
	}
	for _, kind := range []string{KindCallFailed, contract.KindUnreadable} {
		for _, f := range res.Findings {
			if f.Kind == kind {
				annotate("error", f, groupTitle(f), textLine(f))
			}
		}
	}
	summary := summaryLine(res.Summary)
	if total > shown || set.ungrouped > 0 {
		summary += fmt.Sprintf("; %d annotations shown of %d (GitHub shows %d of each level a step; the JSON or SARIF report lists every finding)",
			shown, total+set.ungrouped, maxAnnotationsPerLevel)
	}
	b.WriteString("::notice title=validate::" + escapeData(summary) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// annotationFile is a recording's path as GitHub names a file of the repository:
// relative to the checkout (GITHUB_WORKSPACE when set, else the working directory),
// with forward slashes; a source that is no file (standard input, live traffic), or one
// outside the checkout, has none.
func annotationFile(source string) (string, bool) {
	if !isFileSource(source) {
		return "", false
	}
	path, err := filepath.Abs(source)
	if err != nil {
		return "", false
	}
	base := os.Getenv("GITHUB_WORKSPACE")
	if base == "" {
		if base, err = os.Getwd(); err != nil {
			return "", false
		}
	}
	rel, err := filepath.Rel(base, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// isFileSource reports whether a finding's source names a file: not standard input
// ("-", or "(stdin)" as the run names it), live traffic or a transport.
func isFileSource(source string) bool {
	switch source {
	case "", "-", "(stdin)", "live", "transport":
		return false
	}
	return true
}

// escapeData escapes an annotation's message: control characters and invalid UTF-8
// as the text report shows them (so that a value from a recording can neither end the
// line nor start a command of its own), then % as GitHub's toolkit does.
func escapeData(s string) string {
	return strings.ReplaceAll(terminal.Safe(s), "%", "%25")
}

// escapeProperty escapes a property's value: as a message, and : and , too, which
// would end it.
func escapeProperty(s string) string {
	return strings.NewReplacer(":", "%3A", ",", "%2C").Replace(escapeData(s))
}
