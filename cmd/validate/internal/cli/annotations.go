package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/orgapis/orgapis/contract"
)

// GitHub Actions reads workflow commands from a step's output; an annotation is
//
//	::error file=NAME,line=N,title=TITLE::MESSAGE
//
// (or ::warning, ::notice), shown on the run's page and, for a file of the pull
// request, beside that line of its diff. GitHub shows at most ten error and ten
// warning annotations a step and fifty a job, so one annotation stands for a cluster
// of alike findings, and the report stops after maxAnnotations.
const maxAnnotations = 50

// WriteGitHub writes the report as GitHub Actions annotations: an error for each
// cluster of findings (a notice for those the baseline knows), for unreadable input
// and for failed calls, then a notice with the summary line.
func WriteGitHub(w io.Writer, res Result) error {
	set := res.setOf()
	var b strings.Builder
	n := 0
	annotate := func(level string, f contract.Finding, title, msg string) bool {
		if n == maxAnnotations {
			return false
		}
		n++
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
		return true
	}
	shown, total := 0, 0
	for _, c := range sortedClusters(set.groups) {
		total++
		level := "error"
		if c.first.Known {
			level = "notice"
		} else if c.first.Severity == "warning" {
			level = "warning"
		}
		if annotate(level, c.first, groupTitle(c.first), c.textLine()) {
			shown++
		}
	}
	for _, kind := range []string{KindCallFailed, contract.KindUnreadable} {
		for _, f := range res.Findings {
			if f.Kind != kind {
				continue
			}
			total++
			if annotate("error", f, groupTitle(f), textLine(f)) {
				shown++
			}
		}
	}
	summary := summaryLine(res.Summary)
	if total > shown || set.ungrouped > 0 {
		summary += fmt.Sprintf("; %d annotations shown of %d groups of findings (the JSON or SARIF report lists them all)", shown, total+set.ungrouped)
	}
	b.WriteString("::notice title=validate::" + escapeData(summary) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// annotationFile is a recording's path as GitHub names a file of the repository:
// relative to the working directory (the checkout), with forward slashes; a source that
// is no file, or one outside the working directory, has none.
func annotationFile(source string) (string, bool) {
	if source == "" || source == "-" || source == "live" || source == "transport" {
		return "", false
	}
	path := filepath.Clean(source)
	if filepath.IsAbs(path) {
		wd, err := os.Getwd()
		if err != nil {
			return "", false
		}
		rel, err := filepath.Rel(wd, path)
		if err != nil {
			return "", false
		}
		path = rel
	}
	if path == ".." || strings.HasPrefix(path, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(path), true
}

// escapeData escapes an annotation's message: control characters and invalid UTF-8
// as the text report shows them (so that a value from a recording can neither end the
// line nor start a command of its own), then % as GitHub's toolkit does.
func escapeData(s string) string {
	return strings.ReplaceAll(terminalSafe(s), "%", "%25")
}

// escapeProperty escapes a property's value: as a message, and : and , too, which
// would end it.
func escapeProperty(s string) string {
	return strings.NewReplacer(":", "%3A", ",", "%2C").Replace(escapeData(s))
}
