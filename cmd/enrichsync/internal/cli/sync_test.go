package cli

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/enrichsync"
)

// Plan, apply and apply again through the flags against both fakes over HTTP: the
// plan spends nothing and predicts what apply then spends, apply writes, the rerun
// spends 0 credits and writes nothing, and the table shows names outside ASCII whole.
func TestPlanApplyRerunOnTheFakes(t *testing.T) {
	f := newFixture(t)
	writes0 := f.writes()

	plan := f.plan(t, "--budget", "100", "--format", "jsonl")
	if plan.code != exitOK {
		t.Fatalf("plan: %s", plan)
	}
	if f.ap.Credits() != 0 || f.writes() != writes0 {
		t.Fatalf("the plan spent %d credits and wrote %d times", f.ap.Credits(), f.writes()-writes0)
	}
	if _, err := os.Stat(f.db); !os.IsNotExist(err) {
		t.Errorf("the plan made the store %s (%v); it writes nothing", f.db, err)
	}
	predicted := summaryOf(t, parseJSONL(t, plan.stdout), "plan")

	apply := f.apply(t, "--budget", "100")
	if apply.code != exitOK {
		t.Fatalf("apply: %s", apply)
	}
	if f.ap.Credits() != predicted.Credits || predicted.Credits != 8 {
		t.Errorf("the plan predicted %d credits; apply spent %d (the fake's counter); want 8, a company each", predicted.Credits, f.ap.Credits())
	}
	if got := f.writes() - writes0; got != predicted.AffinityWrites {
		t.Errorf("the plan predicted %d Affinity writes; apply made %d", predicted.AffinityWrites, got)
	}
	for _, want := range []string{"Bücherwurm GmbH", "bücherwurm.de", "Société Lumière", "lumière.fr", "Øresund Analytics", "Kaffeehaus Müller & Söhne",
		"München, Bavaria, Germa", "credits spent      8 (budget 100", "values written     63, in 8 organizations", "set aside          3 organizations"} {
		if !strings.Contains(apply.stdout, want) {
			t.Errorf("apply's table lacks %q:\n%s", want, apply.stdout)
		}
	}
	// Each organization's line has its domain at the same column, names outside ASCII
	// counted by what a terminal shows.
	orgLine := regexp.MustCompile(`^((?:wrote|set-aside) +\S.*?  +)\S`)
	col := -1
	for _, l := range strings.Split(apply.stdout, "\n") {
		m := orgLine.FindStringSubmatch(l)
		if m == nil || strings.Contains(l, "Stealth") {
			continue
		}
		if at := textWidth(m[1]); col == -1 {
			col = at
		} else if at != col {
			t.Errorf("domain at column %d, not %d: %q", at, col, l)
		}
	}
	if col == -1 {
		t.Error("no organization line found")
	}

	again := f.apply(t, "--budget", "100", "--format", "jsonl")
	if again.code != exitOK {
		t.Fatalf("apply again: %s", again)
	}
	sum := summaryOf(t, parseJSONL(t, again.stdout), "")
	if f.ap.Credits() != 8 || sum.Credits != 0 || sum.ValuesWritten != 0 || sum.AffinityWrites != 0 || sum.Unchanged != 8 {
		t.Errorf("the rerun spent %d credits (fake: %d in all) and wrote %d values in %d requests; want 0", sum.Credits, f.ap.Credits(), sum.ValuesWritten, sum.AffinityWrites)
	}
	if f.writes()-writes0 != predicted.AffinityWrites {
		t.Errorf("the rerun sent %d writes", f.writes()-writes0-predicted.AffinityWrites)
	}
}

// JSON lines parse back: the Started event first, then one event per organization
// after those set aside, and the Done event with the summary last.
func TestJSONLinesParseBack(t *testing.T) {
	f := newFixture(t)
	for _, mode := range []string{"plan", "apply"} {
		r := f.run(t, false, append(append([]string{mode}, f.target()...), "--budget", "100", "--format", "jsonl")...)
		if r.code != exitOK || r.stderr != "" {
			t.Fatalf("%s: %s", mode, r)
		}
		events := parseJSONL(t, r.stdout)
		first, last := events[0], events[len(events)-1]
		if first.Kind != enrichsync.Started || last.Kind != enrichsync.Done || last.Summary == nil {
			t.Fatalf("%s: first %q, last %q", mode, first.Kind, last.Kind)
		}
		perOrg, aside := 0, 0
		for _, ev := range events[1 : len(events)-1] {
			switch ev.Kind {
			case enrichsync.SetAside:
				aside++
			case enrichsync.Planned, enrichsync.Wrote, enrichsync.Unchanged:
				perOrg++
				if ev.Org.Domain == "" || ev.Org.OrganizationID == 0 || len(ev.Fields) != 8 {
					t.Errorf("%s: %+v", mode, ev)
				}
			default:
				t.Errorf("%s: an event %q", mode, ev.Kind)
			}
		}
		if perOrg != first.Summary.Organizations || aside != first.Summary.SetAside || last.Summary.Organizations != 8 || last.Summary.SetAside != 3 {
			t.Errorf("%s: %d and %d events; started said %+v, done %+v", mode, perOrg, aside, first.Summary, last.Summary)
		}
		if strings.Contains(r.stdout, "Summary of") || strings.Contains(r.stdout, "WHAT") {
			t.Errorf("%s: table text in the JSON lines", mode)
		}
	}
}

// The budget: apply stops at it with its own status and spends no credit past it; a
// budget that suffices ends with 0; the rest is taken up by the next run, each
// company paid once.
func TestBudgetExitStatus(t *testing.T) {
	f := newFixture(t)
	r := f.apply(t, "--budget", "3")
	if r.code != exitBudget || !strings.Contains(r.stderr, "stopped at the credit budget (3 of 3 spent); 5 organizations deferred") || !strings.Contains(r.stderr, "--budget") {
		t.Fatalf("budget 3: %s", r)
	}
	if f.ap.Credits() != 3 {
		t.Errorf("budget 3: the fake charged %d credits", f.ap.Credits())
	}
	if !strings.Contains(r.stdout, "deferred ") {
		t.Errorf("the deferred organizations are not in the table:\n%s", r.stdout)
	}
	// The next run with just enough: 5 more credits, exit 0.
	r = f.apply(t, "--budget", "5")
	if r.code != exitOK || f.ap.Credits() != 8 {
		t.Fatalf("budget 5 after 3: %d credits in all; %s", f.ap.Credits(), r)
	}
	// Without a budget nothing is enriched: a plan says so, and exits 0.
	g := newFixture(t)
	r = g.plan(t)
	if r.code != exitOK || !strings.Contains(r.stderr, "--budget is 0") || g.ap.Credits() != 0 {
		t.Errorf("plan without --budget: %s", r)
	}
	r = g.apply(t)
	if r.code != exitBudget || g.ap.Credits() != 0 {
		t.Errorf("apply without --budget: %d credits; %s", g.ap.Credits(), r)
	}
}

// The deadline, on a clock of the test's: a run that passes it stops with its own
// status and leaves the rest deferred; one that does not ends with 0.
func TestDeadlineExitStatus(t *testing.T) {
	f := newFixture(t)
	f.step = time.Minute
	r := f.apply(t, "--budget", "100", "--deadline", "3m")
	if r.code != exitDeadline || !strings.Contains(r.stderr, "stopped at --deadline 3m") || !strings.Contains(r.stdout, "the deadline passed") {
		t.Fatalf("deadline 3m at a minute a reading: %s", r)
	}
	spent := f.ap.Credits()
	if spent >= 8 {
		t.Errorf("the run past its deadline enriched all %d", spent)
	}
	r = f.apply(t, "--budget", "100", "--deadline", "1000h")
	if r.code != exitOK {
		t.Fatalf("deadline 1000h: %s", r)
	}
	if f.ap.Credits() != 8 {
		t.Errorf("after both runs the fake charged %d credits; want each of 8 companies once", f.ap.Credits())
	}
}

// A write Affinity refuses is reported in the table and makes the status 1; the other
// organizations are written, and the next run writes the refused one without paying
// again.
func TestRefusedWriteExitStatus(t *testing.T) {
	f := newFixture(t)
	refuser := refusingProxy(t, f, "/list-entries/90002/")
	target := []string{"--list", fmt.Sprint(f.list), "--mapping", f.mapping, "--db", f.db, "--apollo-base-url", f.ap.URL, "--affinity-base-url", refuser.URL, "--budget", "100"}
	r := f.run(t, false, append([]string{"apply"}, target...)...)
	if r.code != exitFailed || !strings.Contains(r.stderr, "refused the writes of 1 organization") {
		t.Fatalf("a refused write: %s", r)
	}
	if !regexp.MustCompile(`(?m)^refused +Bücherwurm GmbH +bücherwurm\.de +refused: `).MatchString(r.stdout) {
		t.Errorf("the table does not show the refusal:\n%s", r.stdout)
	}
	again := f.apply(t, "--budget", "100", "--format", "jsonl")
	if again.code != exitOK {
		t.Fatalf("the rerun: %s", again)
	}
	sum := summaryOf(t, parseJSONL(t, again.stdout), "")
	if sum.Changed != 1 || sum.Credits != 0 || f.ap.Credits() != 8 {
		t.Errorf("the rerun changed %d organizations for %d credits (%d in all); want the refused one, for none", sum.Changed, sum.Credits, f.ap.Credits())
	}
}
