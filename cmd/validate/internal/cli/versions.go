package cli

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/terminal"
)

// A recording made with another version of an API than its spec describes (Affinity's
// v2, with X-Affinity-Api-Version) is checked against the spec all the same, but its
// findings may only say where the versions differ. The report says so once for each
// version seen, in the text, JSON (summary.api_versions) and SARIF (a notification)
// reports, instead of leaving each finding to be puzzled over. Such a note fails no
// run: the findings decide that, as ever.

// VersionNote is one version of an API that checked exchanges named other than their
// spec's (none included).
type VersionNote struct {
	API string `json:"api"`
	contract.VersionSent
	// Exchanges counts the exchanges that named it.
	Exchanges int `json:"exchanges"`
	// First is the first of them in source and entry order, as file#entry.
	First string `json:"first_source"`

	first exchangeRef
}

// versionNotes gathers the notes of a run, by API, version sent and version answered.
type versionNotes map[[3]string]*VersionNote

// add counts ex, an exchange of api whose request named sent.
func (n versionNotes) add(api string, sent contract.VersionSent, ex contract.Exchange) {
	key := [3]string{api, sent.Sent, sent.Answered}
	ref := exchangeRef{ex.Source, ex.Index}
	note := n[key]
	if note == nil {
		// The versions are pieces of the string that holds all of the entry's headers
		// (contract's HAR reader): copies of their own, so that a note keeps only them.
		sent.Sent, sent.Answered = strings.Clone(sent.Sent), strings.Clone(sent.Answered)
		key = [3]string{api, sent.Sent, sent.Answered}
		note = &VersionNote{API: api, VersionSent: sent, first: ref}
		n[key] = note
	}
	note.Exchanges++
	if ref.compare(note.first) < 0 {
		note.first = ref
	}
}

// list is the notes in order of API and versions.
func (n versionNotes) list() []VersionNote {
	out := make([]VersionNote, 0, len(n))
	for _, note := range n {
		note.First = note.first.String()
		out = append(out, *note)
	}
	slices.SortFunc(out, func(a, b VersionNote) int {
		return cmp.Or(strings.Compare(a.API, b.API), strings.Compare(a.Sent, b.Sent), strings.Compare(a.Answered, b.Answered))
	})
	return out
}

// versionLine is one note for people.
func versionLine(n VersionNote) string {
	exchanges := "exchanges"
	if n.Exchanges == 1 {
		exchanges = "exchange"
	}
	sent := "sent " + n.Header + " " + n.Sent
	if n.Sent == "" {
		sent = "sent no " + n.Header + ", so were answered by the key's default version"
	}
	if n.Answered != "" && n.Answered != n.Sent {
		sent += fmt.Sprintf(" (the answers name %s)", n.Answered)
	}
	return fmt.Sprintf("%s: %d %s %s, but the spec describes %s: they were checked against %s, and may fail where the versions differ (first: %s)",
		n.API, n.Exchanges, exchanges, sent, n.Spec, n.Spec, n.First)
}

// writeVersions writes the notes of a text report, if any.
func writeVersions(w io.Writer, notes []VersionNote) {
	if len(notes) == 0 {
		return
	}
	fmt.Fprintln(w, "other API versions:")
	for _, n := range notes {
		fmt.Fprintf(w, "  %s\n", terminal.Safe(versionLine(n)))
	}
	fmt.Fprintln(w)
}
