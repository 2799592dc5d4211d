package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/orgapis/orgapis/enrichsync"
	"github.com/orgapis/orgapis/wrappers/affinity"
)

// defaultLogRows is how many writes log shows without --limit.
const defaultLogRows = 100

const logUsage = `usage: enrichsync log [flags]

Shows the audit log of the store: every write the sync made or meant to make, with the
field's old and new value, the rule that let it, when, in which run, and where it
stands (applied, intended: a run stopped before Affinity answered, not-applied,
refused). The latest writes that match come, oldest first, at most --limit of them;
standard error says how many more matched.

Flags:
`

// logWrite is a write as log --format jsonl writes it.
type logWrite struct {
	ID             int64  `json:"id"`
	Run            int64  `json:"run"`
	At             string `json:"at"`
	Domain         string `json:"domain"`
	OrganizationID int64  `json:"organization_id"`
	ListID         int64  `json:"list_id,omitempty"`
	ListEntryID    int64  `json:"list_entry_id,omitempty"`
	Field          string `json:"field"`
	FieldID        int64  `json:"field_id"`
	Rule           string `json:"rule"`
	Old            string `json:"old"`
	New            string `json:"new"`
	State          string `json:"state"`
}

// runLog queries the store's audit log.
func runLog(ctx context.Context, args []string, env Env) int {
	const name = "enrichsync log"
	fl := flag.NewFlagSet(name, flag.ContinueOnError)
	db := fl.String("db", enrichsync.DefaultStore, "the store to read")
	org := fl.String("org", "", "only this organization: its domain (any form: a URL, www., Unicode) or its Affinity id")
	field := fl.String("field", "", "only this field, by name (exact) or id")
	since := fl.String("since", "", "only writes at or after this: a date (2026-12-01), a time (RFC 3339), or a duration back from now (7d, 36h)")
	run := fl.Int64("run", 0, "only the writes of this run (the number a run's summary gives)")
	state := fl.String("state", "", "only writes that stand so: applied, intended, not-applied or refused")
	limit := fl.Int("limit", defaultLogRows, fmt.Sprintf("the most writes to show, the latest, 1 to %d", enrichsync.MaxWrites))
	format := fl.String("format", "table", "output: table, or jsonl (a JSON object per write)")
	if code, done := parseFlags(fl, args, logUsage, env.Stdout, env.Stderr); done {
		return code
	}
	q := enrichsync.WriteQuery{Run: *run, State: enrichsync.WriteState(*state), Limit: *limit}
	if err := checkFormat(*format); err != nil {
		return usageFail(env.Stderr, name, err)
	}
	switch {
	case *limit < 1 || *limit > enrichsync.MaxWrites:
		return usageFail(env.Stderr, name, fmt.Errorf("--limit %d: want 1 to %d", *limit, enrichsync.MaxWrites))
	case *run < 0:
		return usageFail(env.Stderr, name, fmt.Errorf("--run %d: want a positive run number", *run))
	case *db == "":
		return usageFail(env.Stderr, name, errors.New("--db: want a file name"))
	}
	switch q.State {
	case "", enrichsync.WriteApplied, enrichsync.WriteIntended, enrichsync.WriteNotApplied, enrichsync.WriteRefused:
	default:
		return usageFail(env.Stderr, name, fmt.Errorf("--state %q: want applied, intended, not-applied or refused", *state))
	}
	if *org != "" {
		if id, err := strconv.ParseInt(*org, 10, 64); err == nil && id > 0 {
			q.OrganizationID = id
		} else if d, err := affinity.NormalizeDomain(*org); err == nil {
			q.Domain = d
		} else {
			return usageFail(env.Stderr, name, fmt.Errorf("--org %q: want a domain, such as acme.com, or an organization id", clean(*org)))
		}
	}
	if *field != "" {
		if id, err := strconv.ParseInt(*field, 10, 64); err == nil && id > 0 {
			q.FieldID = id
		} else {
			q.Field = *field
		}
	}
	if *since != "" {
		t, err := parseSince(*since, env.Now())
		if err != nil {
			return usageFail(env.Stderr, name, fmt.Errorf("--since %q: %v", clean(*since), err))
		}
		q.Since = t
	}
	// Reading a store must not make one: a mistyped path is an error, not an empty log.
	if info, err := os.Stat(*db); errors.Is(err, fs.ErrNotExist) {
		return usageFail(env.Stderr, name, fmt.Errorf("--db: no store at %s (apply makes one; name another with --db)", *db))
	} else if err == nil && !info.Mode().IsRegular() {
		return usageFail(env.Stderr, name, fmt.Errorf("--db: %s is not a file", *db))
	}
	store, err := enrichsync.OpenStoreReadOnly(ctx, *db)
	if err != nil {
		return usageFail(env.Stderr, name, fmt.Errorf("--db: %v", err))
	}
	defer store.Close()
	writes, matched, err := store.QueryWrites(ctx, q)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return exitFailed
	}
	if *format == "jsonl" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		for _, w := range writes {
			if err := enc.Encode(logWrite{ID: w.ID, Run: w.Run, At: w.At.UTC().Format(time.RFC3339Nano), Domain: w.Domain, OrganizationID: w.OrganizationID,
				ListID: w.ListID, ListEntryID: w.ListEntryID, Field: w.Field, FieldID: w.FieldID, Rule: string(w.Rule), Old: w.Old, New: w.New, State: string(w.State)}); err != nil {
				fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
				return exitFailed
			}
		}
	} else {
		writeLogTable(env, writes)
	}
	switch {
	case matched > len(writes):
		fmt.Fprintf(env.Stderr, "%s: showing the latest %s of %s writes that match; narrow with --org, --field, --since or --run, or raise --limit (at most %s)\n",
			name, count(len(writes)), count(matched), count(enrichsync.MaxWrites))
	case matched == 0:
		fmt.Fprintf(env.Stderr, "%s: no write matches\n", name)
	}
	return exitOK
}

// Column widths of the log's table.
const (
	atWidth    = 20
	runWidth   = 4
	stateWidth = 11
	logRule    = 13
)

func writeLogTable(env Env, writes []enrichsync.Write) {
	widths := []int{atWidth, runWidth, domainWidth, fieldWidth, logRule, valueWidth, valueWidth, stateWidth}
	row := func(cells ...string) {
		var b strings.Builder
		for i, c := range cells {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(fit(clean(c), widths[i], i == len(cells)-1))
		}
		fmt.Fprintln(env.Stdout, strings.TrimRight(b.String(), " "))
	}
	row("AT (UTC)", "RUN", "ORGANIZATION", "FIELD", "RULE", "OLD", "NEW", "STATE")
	for _, w := range writes {
		row(w.At.UTC().Format("2006-01-02 15:04:05"), strconv.FormatInt(w.Run, 10), displayDomain(w.Domain), w.Field, string(w.Rule), shown(w.Old, false), shown(w.New, false), string(w.State))
	}
}

// parseSince reads --since: a date, an RFC 3339 time, or a duration back from now.
func parseSince(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	d, err := parseDays(s)
	if err != nil || d <= 0 {
		return time.Time{}, errors.New("want a date (2026-12-01), a time (2026-12-01T09:00:00Z) or a duration back from now (7d, 36h)")
	}
	return now.Add(-d), nil
}
