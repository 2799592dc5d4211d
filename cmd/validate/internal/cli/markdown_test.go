package cli

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"golang.org/x/net/html"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/terminal"
)

// hostile is a value a recording can carry into a report: Markdown, HTML, a table
// cell's bar, a line break, a byte-order mark and text in other scripts.
const hostile = "\ufeff<script>alert(1)</script> | [x](https://evil.example) ![i](https://evil.example/i.png) **b** `c` _d_ &amp;\nZürich ☕ 東京"

func findingsFor(ops, perOp int) []contract.Finding {
	var fs []contract.Finding
	for o := range ops {
		for k := range perOp {
			fs = append(fs, contract.Finding{Source: "rec/a.har", Entry: o*perOp + k, Line: 10 + k, API: "apollo",
				OperationID: fmt.Sprintf("op%02d", o), Method: "POST", Path: "/api/v1/x", Status: 200, Kind: contract.KindBody,
				Location: "body", Pointer: fmt.Sprintf("/m%d", k), Expected: "string", Found: hostile})
		}
	}
	return fs
}

// render parses a Markdown report as GitHub does (CommonMark with GitHub's tables) and
// returns the HTML tree.
func render(t *testing.T, report string) *html.Node {
	t.Helper()
	var out bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert([]byte(report), &out); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(&out)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func elements(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	for c := range n.Descendants() {
		if c.Type == html.ElementNode && c.Data == tag {
			out = append(out, c)
		}
	}
	return out
}

func text(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// The Markdown report renders as a summary table, a list of findings per operation and
// a coverage table; a recording's text shows as that text, never as HTML, a link, an
// image, emphasis or another table cell.
func TestMarkdownRendersAndKeepsRecordedTextAsText(t *testing.T) {
	fs := findingsFor(2, 2)
	fs = append(fs, contract.Finding{Source: "bad.har", Entry: -1, Kind: contract.KindUnreadable, Found: hostile})
	res := Result{Findings: fs, Summary: Summary{Checked: 5, Passed: 1, Failed: 4, Unreadable: 1},
		Coverage: []contract.CoverageReport{{API: "apollo",
			Operations: contract.CoverageCount{Seen: 2, Total: 5, Missing: []string{"a", "b", "c", "d", "e", "f", "g"}}}}}
	var buf bytes.Buffer
	if err := WriteReport(&buf, "markdown", res); err != nil {
		t.Fatal(err)
	}
	doc := render(t, buf.String())
	for _, tag := range []string{"script", "a", "img", "em", "del"} {
		if n := len(elements(doc, tag)); n != 0 {
			t.Errorf("%d <%s> elements in\n%s", n, tag, buf.String())
		}
	}
	// Recorded text is a code span, the whole of a list item, and nothing else is.
	for _, c := range elements(doc, "code") {
		if c.Parent == nil || c.Parent.Data != "li" || c.Parent.FirstChild != c || c.NextSibling != nil {
			t.Errorf("a code span that is not a whole list item: %q", text(c))
		}
	}
	if n := len(elements(doc, "code")); n != 5 {
		t.Errorf("%d code spans, want the 4 findings and the unreadable input", n)
	}
	// Bold is the report's own, for each operation's title, and nothing else.
	if strong := elements(doc, "strong"); len(strong) != 2 || text(strong[0]) != "op00 (apollo POST /api/v1/x)" {
		t.Errorf("titles: %d, first %q", len(strong), text(strong[0]))
	}
	h := elements(doc, "h3")
	if len(h) != 1 || text(h[0]) != "API contract check failed" {
		t.Errorf("heading %v", h)
	}
	tables := elements(doc, "table")
	if len(tables) != 2 {
		t.Fatalf("%d tables, want the summary and coverage:\n%s", len(tables), buf.String())
	}
	for i, tb := range tables {
		rows := elements(tb, "tr")
		head := len(elements(rows[0], "th"))
		for _, r := range rows[1:] {
			if n := len(elements(r, "td")); n != head {
				t.Errorf("table %d: a row of %d cells under %d headers", i, n, head)
			}
		}
	}
	cells := elements(tables[0], "td")
	if got := []string{text(cells[0]), text(cells[2]), text(cells[4]), text(cells[5])}; strings.Join(got, ",") != "5,4,1,5" {
		t.Errorf("summary cells %v", got)
	}
	if c := elements(tables[1], "td"); text(c[0]) != "apollo" || text(c[1]) != "2 of 5 (40.0%)" {
		t.Errorf("coverage row %q %q", text(c[0]), text(c[1]))
	}
	// Each finding's line reads as the text report's line of it, character for character.
	items := elements(doc, "li")
	want := clipText(terminal.Safe(textLine(fs[0])), markdownLine)
	if len(items) < 5 || text(items[0]) != want {
		t.Errorf("first item %q\nwant %q", text(items[0]), want)
	}
	if !strings.Contains(text(doc), "Operations of apollo not exercised: a, b, c, d, e and 2 more.") {
		t.Errorf("missing operations not listed:\n%s", text(doc))
	}
}

// However much a run found, the report stays short: the first operations, the first
// lines of each, and a count of the rest.
func TestMarkdownIsBounded(t *testing.T) {
	small, large := markdownOf(t, findingsFor(markdownOperations, markdownPerOperation)), markdownOf(t, findingsFor(200, 50))
	doc := render(t, large)
	titles := elements(doc, "strong")
	if len(titles) != markdownOperations {
		t.Errorf("%d operations shown, want %d", len(titles), markdownOperations)
	}
	if !strings.Contains(text(doc), "Findings of 170 more operations are not shown here") ||
		!strings.Contains(text(doc), "and 45 more findings of other kinds or places") {
		t.Errorf("the rest is not counted:\n%s", large)
	}
	if len(large) > len(small)+2048 {
		t.Errorf("200 operations of 50 findings: %d bytes, 30 of 5: %d", len(large), len(small))
	}
	// Exactly at the bounds nothing is said to be left out.
	if strings.Contains(small, "more") {
		t.Errorf("at the bounds:\n%s", small)
	}
}

func markdownOf(t *testing.T, fs []contract.Finding) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, Result{Findings: fs, Summary: Summary{Checked: len(fs), Failed: len(fs)}}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// The verdict follows the exit status: passed, failed, or nothing checked.
func TestMarkdownVerdict(t *testing.T) {
	for _, c := range []struct {
		res  Result
		want string
	}{
		{Result{Summary: Summary{Checked: 3, Passed: 3}}, "API contract check passed"},
		{Result{Summary: Summary{}}, "API contract check checked nothing"},
		{Result{Findings: findingsFor(1, 1), Summary: Summary{Checked: 1, Failed: 1}}, "API contract check failed"},
	} {
		var buf bytes.Buffer
		if err := WriteMarkdown(&buf, c.res); err != nil {
			t.Fatal(err)
		}
		if h := elements(render(t, buf.String()), "h3"); len(h) != 1 || text(h[0]) != c.want {
			t.Errorf("%+v: %s", c.res.Summary, buf.String())
		}
	}
}

// Bidirectional controls, which turn what follows around on a page or a terminal, are
// escaped like control characters, in every report.
func TestBidiControlsAreEscaped(t *testing.T) {
	f := findingsFor(1, 1)[0]
	f.Found = "a\u202eb\u2066c\u200fd"
	for _, format := range reportFormats {
		var buf bytes.Buffer
		if err := WriteReport(&buf, format, Result{Findings: []contract.Finding{f}, Summary: Summary{Checked: 1, Failed: 1}}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if format == "json" || format == "sarif" || format == "junit" {
			continue // escaped by their own rules: \u202e in JSON, the raw rune in XML is data
		}
		if strings.ContainsAny(out, "\u202e\u2066\u200f") || !strings.Contains(out, `\u202e`) {
			t.Errorf("%s: %q", format, out)
		}
	}
}
