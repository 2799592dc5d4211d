package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/orgapis/orgapis/enrichsync"
)

// renderer writes a run's events as they come.
type renderer interface {
	// event writes one event; a Done event's Summary is written by it too.
	event(ev enrichsync.Event) error
}

// newRenderer makes the renderer of a --format; phase names the run in the output
// ("plan", "apply", or the demo's steps).
func newRenderer(format string, w io.Writer, phase string, prog *progress) renderer {
	if format == "jsonl" {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return &jsonlRenderer{enc: enc, phase: phase}
	}
	return &tableRenderer{w: w, phase: phase, prog: prog}
}

// jsonlRenderer writes each event as one JSON object a line, the Done event (with the
// summary) last; with a phase (the demo) each object says which run it is of.
type jsonlRenderer struct {
	enc   *json.Encoder
	phase string
}

type phasedEvent struct {
	Phase string `json:"phase,omitempty"`
	enrichsync.Event
}

func (r *jsonlRenderer) event(ev enrichsync.Event) error {
	return r.enc.Encode(phasedEvent{Phase: r.phase, Event: ev})
}

// Column widths of the table: an organization's line, and under it a line per field.
const (
	whatWidth   = 9
	orgWidth    = 28
	domainWidth = 24
	noteWidth   = 96
	fieldWidth  = 16
	valueWidth  = 26
	ruleWidth   = 48
)

// tableRenderer writes a table a person reads: a line per organization (what the run
// does, its name and domain, a note), and under it a line per field written (or, in a
// plan, to be written) with its old and new value and the rule that lets it. Columns
// have fixed widths, so each line is written as its event comes.
type tableRenderer struct {
	w     io.Writer
	phase string
	prog  *progress
}

// line writes cells cut and padded to widths, after indent.
func (r *tableRenderer) line(indent string, widths []int, sep []string, cells ...string) error {
	var b strings.Builder
	b.WriteString(indent)
	for i, c := range cells {
		if i > 0 {
			b.WriteString(sep[i-1])
		}
		b.WriteString(fit(clean(c), widths[i], i == len(cells)-1))
	}
	r.prog.clear()
	_, err := fmt.Fprintln(r.w, strings.TrimRight(b.String(), " "))
	return err
}

func (r *tableRenderer) orgLine(what, name, domain, note string) error {
	return r.line("", []int{whatWidth, orgWidth, domainWidth, noteWidth}, []string{"  ", "  ", "  "}, what, name, domain, note)
}

func (r *tableRenderer) fieldLine(field, old, new, rule string) error {
	return r.line("    ", []int{fieldWidth, valueWidth, valueWidth, ruleWidth}, []string{"  ", " → ", "  "}, field, old, new, rule)
}

func (r *tableRenderer) event(ev enrichsync.Event) error {
	switch ev.Kind {
	case enrichsync.Started:
		s := ev.Summary
		fmt.Fprintf(r.w, "%s: %s, %s set aside\n\n", r.phase, plural(s.Organizations, "organization"), count(s.SetAside))
		return r.orgLine("WHAT", "ORGANIZATION", "DOMAIN", "NOTE   (then each field: old → new, rule)")
	case enrichsync.Done:
		r.prog.clear()
		fmt.Fprintln(r.w)
		return writeSummary(r.w, r.phase, *ev.Summary)
	}
	what, note := string(ev.Kind), ev.Reason
	planned := ev.Kind == enrichsync.Planned
	switch {
	case planned && ev.Enrich:
		// Before the company is enriched its new values are not known: the line says
		// which fields would be filled, and only those holding a value get a line.
		what, note = "enrich", fmt.Sprintf("1 credit if Apollo knows it; then %d of %d fields to fill", writes(ev.Fields), len(ev.Fields))
	case planned && anyWrite(ev.Fields):
		what, note = "write", "from the stored enrichment"
	case planned:
		what = "nothing"
	case ev.Kind == enrichsync.Refused:
		note = "refused: " + ev.Reason
	case ev.Enrich:
		note = strings.TrimSuffix("enriched (a credit); "+note, "; ")
	}
	switch {
	case !anyWrite(ev.Fields) && note == "":
		note = reasons(ev.Fields)
	case anyWrite(ev.Fields) && !(planned && ev.Enrich):
		// Fields left for a reason of their own (a person's value, a rule) are worth
		// a word; unchanged ones are not.
		for _, f := range ev.Fields {
			if !f.Write && f.Reason != "unchanged" {
				note = strings.TrimPrefix(note+"; left "+f.Field+": "+f.Reason, "; ")
			}
		}
	}
	if err := r.orgLine(what, ev.Org.Name, displayDomain(ev.Org.Domain), note); err != nil {
		return err
	}
	for _, f := range ev.Fields {
		if !f.Write || planned && ev.Enrich && f.Old == "" {
			continue
		}
		if err := r.fieldLine(f.Field, shown(f.Old, false), shown(f.New, planned && ev.Enrich), string(f.Rule)); err != nil {
			return err
		}
	}
	return nil
}

// shown is a value as the table shows it: "(empty)" for none, "(Apollo's)" for one a
// plan will know once the company is enriched.
func shown(v string, unknown bool) string {
	switch {
	case unknown && v == "":
		return "(Apollo's)"
	case v == "":
		return "(empty)"
	}
	return v
}

// writes counts the fields written.
func writes(fs []enrichsync.FieldChange) int {
	n := 0
	for _, f := range fs {
		if f.Write {
			n++
		}
	}
	return n
}

func anyWrite(fs []enrichsync.FieldChange) bool {
	return slices.ContainsFunc(fs, func(f enrichsync.FieldChange) bool { return f.Write })
}

// reasons says why an organization's fields are left: each reason with how many
// fields it holds for, most first.
func reasons(fs []enrichsync.FieldChange) string {
	if len(fs) == 0 {
		return ""
	}
	n := map[string]int{}
	for _, f := range fs {
		n[f.Reason]++
	}
	keys := slices.SortedFunc(maps.Keys(n), func(a, b string) int {
		if n[a] != n[b] {
			return n[b] - n[a]
		}
		return strings.Compare(a, b)
	})
	var parts []string
	for i, k := range keys {
		switch {
		case n[k] == len(fs) && len(fs) == 1:
			return "its one field " + k
		case n[k] == len(fs):
			return fmt.Sprintf("all %d fields %s", len(fs), k)
		}
		if i == 0 {
			parts = append(parts, plural(n[k], "field")+" "+k)
			continue
		}
		parts = append(parts, fmt.Sprintf("%d %s", n[k], k))
	}
	return strings.Join(parts, "; ")
}

// writeSummary writes what a run did (apply) or would do (plan).
func writeSummary(w io.Writer, phase string, s enrichsync.Summary) error {
	verb := func(did, would string) string {
		if s.Apply {
			return did
		}
		return would
	}
	title := phase
	if s.Run != 0 {
		title = fmt.Sprintf("%s (run %d)", phase, s.Run)
	}
	balance := "; Apollo's balance not known"
	switch left := s.CreditsLeft; {
	case left != nil && *left < 0:
		balance = fmt.Sprintf("; Apollo's balance before: %s, overdrawn", count(*left))
	case left != nil:
		balance = fmt.Sprintf("; Apollo's balance before: %s", count(*left))
	}
	lines := [][2]string{
		{verb("credits spent", "credits to spend"), fmt.Sprintf("%s (budget %s%s)", count(s.Credits), count(s.CreditBudget), balance)},
		{verb("requests made", "requests to make"), fmt.Sprintf("Apollo %s, Affinity %s (%s reads, %s writes); %.2f and %.2f minutes of their rate limits",
			count(s.ApolloRequests), count(s.AffinityReads+s.AffinityWrites), count(s.AffinityReads), count(s.AffinityWrites), s.ApolloMinutes, s.AffinityMinutes)},
		{verb("values written", "values to write"), fmt.Sprintf("%s, in %s", count(s.ValuesWritten), plural(s.Changed, "organization"))},
		{"unchanged", plural(s.Unchanged, "organization")},
		{"skipped", fmt.Sprintf("%s (unchanged, held by a rule, or no value from Apollo)", plural(s.ValuesLeft, "value"))},
		{"set aside", fmt.Sprintf("%s (no domain, or a domain several entries share)", plural(s.SetAside, "organization"))},
		{"deferred", fmt.Sprintf("%s (to a later run)", plural(s.Deferred, "organization"))},
		{verb("enriched", "to enrich"), fmt.Sprintf("%s; %s cached", count(s.Enriched), count(s.Cached))},
	}
	if s.Refused > 0 {
		lines = append(lines, [2]string{"refused", plural(s.Refused, "organization") + " (a write Affinity refused)"})
	}
	if s.Stopped != "" {
		lines = append(lines, [2]string{verb("stopped", "would stop"), stopText(s.Stopped)})
	}
	if _, err := fmt.Fprintf(w, "Summary of %s\n", title); err != nil {
		return err
	}
	for _, l := range lines {
		if _, err := fmt.Fprintf(w, "  %-18s %s\n", l[0], l[1]); err != nil {
			return err
		}
	}
	return nil
}

func stopText(r enrichsync.StopReason) string {
	switch r {
	case enrichsync.StopBudget:
		return "at the credit budget"
	case enrichsync.StopDeadline:
		return "at the deadline"
	}
	return string(r)
}

// count writes n with thousands separators.
func count(n int) string {
	s, sign := fmt.Sprint(n), ""
	if n < 0 {
		s, sign = s[1:], "-" // an overdrawn balance
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return sign + s
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return count(n) + " " + noun + "s"
}
