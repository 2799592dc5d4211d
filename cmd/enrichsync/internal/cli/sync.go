package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/orgapis/orgapis/enrichsync"
	"github.com/orgapis/orgapis/internal/redact"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/option"
)

// DefaultMapping is the mapping file read when --mapping is not given.
const DefaultMapping = "enrichsync.yaml"

// maxBudget bounds --budget: more credits than a team buys in a year, a typo's guard.
const maxBudget = 1_000_000

const syncUsage = `usage: enrichsync %[1]s TARGET [flags]

%[2]s

TARGET is --list ID, --list-name NAME (either with --saved-view ID to narrow the list to
a saved view) or --all-organizations (every organization, global fields only). The keys
come from APOLLO_API_KEY and AFFINITY_API_KEY.

Flags:
`

const planText = `Shows what apply would do now, per organization: whether it would enrich it (a
credit, within --budget) and which fields it would write, with the old value and the
rule. It spends no credit and writes nothing, to Affinity or the store; its only Apollo
request is the free read of the credit balance.`

const applyText = `Enriches the organizations whose enrichment is missing or older than --ttl, in
batches of ten, never passing --budget credits, stores each answer before it writes,
and writes the changed fields by their rules. It stops cleanly at the budget (exit 3)
or --deadline (exit 4); running it again goes on from there without paying twice.`

// syncConfig is what plan and apply were asked to do.
type syncConfig struct {
	listID, viewID    int64
	listName          string
	all               bool
	mapping, db       string
	ttl, deadline     days
	budget            int
	format            string
	apolloURL, affURL string
	quiet             bool
}

// syncFlags registers the flags plan and apply share.
func syncFlags(fl *flag.FlagSet, cfg *syncConfig) {
	cfg.ttl.d = enrichsync.DefaultTTL
	fl.Int64Var(&cfg.listID, "list", 0, "the Affinity list of organizations to enrich, by id")
	fl.StringVar(&cfg.listName, "list-name", "", "the list by its name (exact, else case aside)")
	fl.Int64Var(&cfg.viewID, "saved-view", 0, "only the entries of this saved view of the list")
	fl.BoolVar(&cfg.all, "all-organizations", false, "every organization of the team, global fields only")
	fl.StringVar(&cfg.mapping, "mapping", DefaultMapping, "the mapping file: which Apollo member fills which field, by which rule")
	fl.StringVar(&cfg.db, "db", enrichsync.DefaultStore, "the store: a SQLite file of enrichments, writes and runs")
	fl.Var(&cfg.ttl, "ttl", "how long an enrichment stays fresh, such as 90d or 36h")
	fl.IntVar(&cfg.budget, "budget", 0, "the most Apollo credits to spend (a credit per company enriched); 0 writes only what the store has")
	fl.Var(&cfg.deadline, "deadline", "start nothing after this long, such as 20m (0: none)")
	fl.StringVar(&cfg.format, "format", "table", "output: table, or jsonl (a JSON object per event, the summary last)")
	fl.StringVar(&cfg.apolloURL, "apollo-base-url", "", "send Apollo's requests here (validate mock, a proxy) instead of api.apollo.io")
	fl.StringVar(&cfg.affURL, "affinity-base-url", "", "send Affinity's requests here (validate mock, a proxy) instead of api.affinity.co")
	fl.BoolVar(&cfg.quiet, "quiet", false, "no progress line (it shows only when standard error is a terminal)")
}

// check refuses flags that do not go together, naming them.
func (cfg *syncConfig) check() error {
	targets := 0
	for _, set := range []bool{cfg.listID != 0, cfg.listName != "", cfg.all} {
		if set {
			targets++
		}
	}
	switch {
	case targets == 0:
		return errors.New("no target: give --list ID, --list-name NAME or --all-organizations")
	case targets > 1:
		return errors.New("--list, --list-name and --all-organizations name the target one way; give one of them")
	case cfg.listID < 0:
		return fmt.Errorf("--list %d: want a positive list id", cfg.listID)
	case cfg.viewID < 0:
		return fmt.Errorf("--saved-view %d: want a positive saved view id", cfg.viewID)
	case cfg.viewID != 0 && cfg.all:
		return errors.New("--saved-view narrows a list; --all-organizations has none")
	case cfg.ttl.d <= 0:
		return fmt.Errorf("--ttl %s: want a positive duration, such as 90d", cfg.ttl.String())
	case cfg.deadline.d < 0:
		return fmt.Errorf("--deadline %s: want a positive duration, or 0 for none", cfg.deadline.String())
	case cfg.budget < 0 || cfg.budget > maxBudget:
		return fmt.Errorf("--budget %d: want 0 to %d credits", cfg.budget, maxBudget)
	case cfg.mapping == "":
		return errors.New("--mapping: want a file name")
	case cfg.db == "":
		return errors.New("--db: want a file name")
	}
	if err := checkFormat(cfg.format); err != nil {
		return err
	}
	if err := checkBaseURL("--apollo-base-url", cfg.apolloURL); err != nil {
		return err
	}
	return checkBaseURL("--affinity-base-url", cfg.affURL)
}

// runSync is plan and apply.
func runSync(ctx context.Context, mode string, args []string, env Env) int {
	name := "enrichsync " + mode
	fl := flag.NewFlagSet(name, flag.ContinueOnError)
	var cfg syncConfig
	syncFlags(fl, &cfg)
	text := planText
	if mode == "apply" {
		text = applyText
	}
	if code, done := parseFlags(fl, args, fmt.Sprintf(syncUsage, mode, text), env.Stdout, env.Stderr); done {
		return code
	}
	if err := cfg.check(); err != nil {
		return usageFail(env.Stderr, name, err)
	}
	// The keys: both, before anything is read or sent.
	apKey, afKey := env.Getenv(apollo.EnvAPIKey), env.Getenv(affinity.EnvAPIKey)
	var missing []string
	for _, k := range []struct{ name, value string }{{apollo.EnvAPIKey, apKey}, {affinity.EnvAPIKey, afKey}} {
		if k.value == "" {
			missing = append(missing, k.name)
		}
	}
	if len(missing) > 0 {
		verb := "is"
		if len(missing) > 1 {
			verb = "are"
		}
		fmt.Fprintf(env.Stderr, "%s: %s %s not set; nothing was read or sent (enrichsync demo runs without keys)\n", name, strings.Join(missing, " and "), verb)
		return exitUsage
	}
	// Every byte the command writes passes one scrub that knows both keys in any form
	// a server may echo them.
	scrub := redact.NewScrubber(apKey, afKey)
	out := Env{Stdout: scrub.Writer(env.Stdout), Stderr: scrub.Writer(env.Stderr), Getenv: env.Getenv, Now: env.Now, Terminal: env.Terminal}
	m, code := readMapping(cfg.mapping, name, out.Stderr)
	if code != 0 {
		return code
	}
	var apOpts, afOpts []option.ClientOption
	if cfg.apolloURL != "" {
		apOpts = append(apOpts, option.WithBaseURL(cfg.apolloURL))
	}
	if cfg.affURL != "" {
		afOpts = append(afOpts, option.WithBaseURL(cfg.affURL))
	}
	ap, err := apollo.NewClient(apKey, apOpts...)
	if err != nil {
		return usageFail(out.Stderr, name, scrub.Error(err))
	}
	af, err := affinity.NewClient(afKey, afOpts...)
	if err != nil {
		return usageFail(out.Stderr, name, scrub.Error(err))
	}
	target, label, code := resolveTarget(ctx, af, cfg, name, out.Stderr, scrub)
	if code != 0 {
		return code
	}
	job := job{name: name, mode: mode, phase: mode, label: label, cfg: cfg, mapping: m, ap: ap, af: af, target: target, env: env, out: out, scrub: scrub}
	return job.run(ctx)
}

// readMapping reads the mapping file, printing each of its problems on a line of its
// own.
func readMapping(path, name string, stderr io.Writer) (enrichsync.Mapping, int) {
	m, err := enrichsync.ReadMapping(path)
	if err == nil {
		return m, 0
	}
	if errors.Is(err, fs.ErrNotExist) {
		hint := "name one with --mapping"
		if path == DefaultMapping {
			hint = "write one (enrichsync example > enrichsync.yaml prints a start) or name one with --mapping"
		}
		fmt.Fprintf(stderr, "%s: no mapping file %s; %s\n", name, path, hint)
		return m, exitUsage
	}
	printMappingError(stderr, name, err)
	return m, exitUsage
}

// printMappingError prints a mapping's problems one to a line, each naming its file
// and line, and says that nothing was sent.
func printMappingError(w io.Writer, name string, err error) {
	var me *enrichsync.MappingError
	if !errors.As(err, &me) {
		fmt.Fprintf(w, "%s: %v\n", name, err)
		return
	}
	fmt.Fprintf(w, "%s: the mapping has %s; nothing was written or spent:\n", name, plural(len(me.Problems), "problem"))
	lines := make([]string, len(me.Problems))
	for i, p := range me.Problems {
		lines[i] = p.Error()
	}
	// In the order of the file: the package reports what does not parse before what
	// parses but does not fit.
	slices.SortStableFunc(lines, func(a, b string) int { return lineOf(a) - lineOf(b) })
	for _, l := range lines {
		fmt.Fprintf(w, "  %s\n", clean(l))
	}
}

// problemLine finds the line number of a mapping problem, "FILE:LINE: ...".
var problemLine = regexp.MustCompile(`:(\d+): `)

// lineOf is the line a mapping problem names (0 for none, which sorts first).
func lineOf(problem string) int {
	m := problemLine.FindStringSubmatch(problem)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// resolveTarget makes the run's Target from the flags, looking a list up by name, and
// a label that names it in the output.
func resolveTarget(ctx context.Context, af *affinity.Client, cfg syncConfig, name string, stderr io.Writer, scrub *redact.Scrubber) (enrichsync.Target, string, int) {
	switch {
	case cfg.all:
		return enrichsync.Target{AllOrganizations: true}, "all organizations", 0
	case cfg.listName != "":
		list, err := af.ListByName(ctx, cfg.listName)
		var lookup *affinity.LookupError
		switch {
		case errors.As(err, &lookup):
			fmt.Fprintf(stderr, "%s: --list-name: %v\n", name, scrub.Error(err))
			return enrichsync.Target{}, "", exitUsage
		case err != nil:
			fmt.Fprintf(stderr, "%s: looking up --list-name %q: %v\n", name, cfg.listName, scrub.Error(err))
			return enrichsync.Target{}, "", exitFailed
		case list.Type != affinity.EntityOrganization:
			fmt.Fprintf(stderr, "%s: --list-name: list %q (id %d) holds %ss, not organizations\n", name, clean(list.Name), list.ID, list.Type)
			return enrichsync.Target{}, "", exitUsage
		}
		label := fmt.Sprintf("list %d %q", list.ID, clean(list.Name))
		if cfg.viewID != 0 {
			label += fmt.Sprintf(", saved view %d", cfg.viewID)
		}
		return enrichsync.Target{ListID: list.ID, SavedViewID: cfg.viewID}, label, 0
	}
	label := fmt.Sprintf("list %d", cfg.listID)
	if cfg.viewID != 0 {
		label += fmt.Sprintf(", saved view %d", cfg.viewID)
	}
	return enrichsync.Target{ListID: cfg.listID, SavedViewID: cfg.viewID}, label, 0
}

// job is one plan or apply with everything it needs.
type job struct {
	name, mode, phase, label string
	cfg                      syncConfig
	mapping                  enrichsync.Mapping
	ap                       *apollo.Client
	af                       *affinity.Client
	target                   enrichsync.Target
	env, out                 Env
	scrub                    *redact.Scrubber
	// store, when set (the demo's runs), is used instead of opening cfg.db.
	store *enrichsync.Store
}

// run opens the store, runs the plan or apply, and writes its events and summary.
func (j *job) run(ctx context.Context) int {
	store := j.store
	storeName := j.cfg.db
	if store == nil {
		path := j.cfg.db
		open := enrichsync.OpenStore
		if j.mode == "plan" {
			open = enrichsync.OpenStoreReadOnly // a plan reads the store, never changes it
			// A plan writes nothing, not even a new store: without one it plans
			// against an empty store of its own, thrown away after.
			if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
				dir, err := os.MkdirTemp("", "enrichsync-plan")
				if err != nil {
					fmt.Fprintf(j.out.Stderr, "%s: %v\n", j.name, err)
					return exitFailed
				}
				defer os.RemoveAll(dir)
				path = filepath.Join(dir, "plan.db")
				storeName += " (none yet: planned as empty)"
				open = enrichsync.OpenStore // the throwaway one is made
			}
		}
		s, err := open(ctx, path)
		if err != nil {
			fmt.Fprintf(j.out.Stderr, "%s: --db: %v\n", j.name, err)
			return exitUsage
		}
		defer s.Close()
		store = s
	}
	opts := []enrichsync.Option{enrichsync.WithTTL(j.cfg.ttl.d), enrichsync.WithCreditBudget(j.cfg.budget), enrichsync.WithClock(j.env.Now)}
	if j.cfg.deadline.d > 0 {
		opts = append(opts, enrichsync.WithDeadline(j.env.Now().Add(j.cfg.deadline.d)))
	}
	s, err := enrichsync.New(j.ap, j.af, store, j.mapping, opts...)
	if err != nil {
		printMappingError(j.out.Stderr, j.name, err)
		return exitUsage
	}
	seq := s.Plan(ctx, j.target)
	if j.mode == "apply" {
		seq = s.Apply(ctx, j.target)
	}
	if j.cfg.format == "table" {
		fmt.Fprintf(j.out.Stdout, "%s of %s, mapping %s, store %s\n", j.phase, j.label, clean(j.mapping.Name), clean(storeName))
	}
	prog := newProgress(j.env, j.out.Stderr, j.phase, j.cfg.quiet)
	r := newRenderer(j.cfg.format, j.out.Stdout, j.phase, prog)
	var sum enrichsync.Summary
	var runErr, outErr error
	for ev, err := range seq {
		if ev.Kind == enrichsync.Done {
			sum, runErr = *ev.Summary, err
		}
		if outErr == nil {
			outErr = r.event(ev)
		}
		prog.event(ev)
	}
	return j.status(sum, runErr, outErr)
}

// status says how the run ended, on stderr, and gives its exit status.
func (j *job) status(sum enrichsync.Summary, runErr, outErr error) int {
	stderr := j.out.Stderr
	var me *enrichsync.MappingError
	switch {
	case errors.As(runErr, &me):
		printMappingError(stderr, j.name, runErr)
		return exitUsage
	case runErr != nil:
		fmt.Fprintf(stderr, "%s: %v\n", j.name, j.scrub.Error(runErr))
		if j.mode == "apply" {
			fmt.Fprintf(stderr, "%s: what was paid for and written is stored; run it again to go on\n", j.name)
		}
		return exitFailed
	case outErr != nil:
		fmt.Fprintf(stderr, "%s: writing the output: %v\n", j.name, outErr)
		return exitFailed
	case sum.Refused > 0:
		fmt.Fprintf(stderr, "%s: Affinity refused the writes of %s (the table says why); the rest were written\n", j.name, plural(sum.Refused, "organization"))
		return exitFailed
	case !sum.Apply:
		if sum.Stopped == enrichsync.StopBudget && j.cfg.budget == 0 {
			fmt.Fprintf(stderr, "%s: --budget is 0, so apply would enrich nothing and write only what the store has; give apply --budget N to enrich up to N companies\n", j.name)
		}
		return exitOK
	case sum.Stopped == enrichsync.StopBudget:
		fmt.Fprintf(stderr, "%s: stopped at the credit budget (%s of %s spent); %s deferred: run it again, with a larger --budget, to go on\n",
			j.name, count(sum.Credits), count(sum.CreditBudget), plural(sum.Deferred, "organization"))
		return exitBudget
	case sum.Stopped == enrichsync.StopDeadline:
		fmt.Fprintf(stderr, "%s: stopped at --deadline %s; %s deferred: run it again to go on\n", j.name, j.cfg.deadline.String(), plural(sum.Deferred, "organization"))
		return exitDeadline
	}
	return exitOK
}
