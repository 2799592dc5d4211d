package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/enrichsync"
	"github.com/orgapis/orgapis/internal/redact"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
)

const demoUsage = `usage: enrichsync demo [flags]

Runs the whole job against in-process fakes of Affinity and Apollo (the packages
affinitytest and apollotest, every exchange checked against the specs): a list of
organizations, some of them set aside, one with a value a person typed; the example
mapping (enrichsync example); a plan, an apply, and a second apply that finds
everything fresh and unchanged and spends 0 credits. No keys are needed; the store is
a temporary file unless --db names a new one (then enrichsync log --db PATH shows its
audit log afterwards).

Flags:
`

// demoBudget is the credits the demo's applies may spend: more than its list needs.
const demoBudget = 100

// Keys of the demo's fakes: made up, and held by nothing but the fakes.
const (
	demoAffinityKey = "demo-affinity-key"
	demoApolloKey   = "demo-apollo-key"
)

// demoOrg is an organization of the demo's list.
type demoOrg struct {
	name   string
	domain string
}

// demoOrgs are the demo's list: names outside ASCII, two entries of one company (set
// aside), and one without a domain (set aside).
var demoOrgs = []demoOrg{
	{"Acme Robotics", "acme.com"},
	{"Bücherwurm GmbH", "www.bücherwurm.de"},
	{"Société Lumière", "https://lumière.fr/"},
	{"Øresund Analytics", "oresund.dk"},
	{"Nordlicht AB", "nordlicht.se"},
	{"Kaffeehaus Müller & Söhne", "kaffeehaus-mueller.at"},
	{"Zebra Labs", "zebralabs.io"},
	{"Pinecone Health", "pineconehealth.com"},
	{"Twin Peaks Ltd", "twinpeaks.co.uk"},
	{"Twin Peaks Ltd (old record)", "www.twinpeaks.co.uk"},
	{"Stealth Startup", ""},
}

// demoFields are the fields of the demo's list the example mapping fills (Industry is
// a global organization field).
var demoFields = []struct {
	name    string
	global  bool
	t       affinity.ValueType
	options []string
}{
	{"Employees", false, 3, nil},
	{"Size", false, 2, []string{"1-50", "51-200", "201-500", "501+"}},
	{"Industry", true, 6, nil},
	{"Headquarters", false, 5, nil},
	{"Founded", false, 4, nil},
	{"Stage", false, 7, []string{"Seed", "Series A", "Series B", "Series C", "Series D", "Venture (Round not Specified)"}},
	{"Total Funding", false, 3, nil},
	{"LinkedIn", false, 6, nil},
}

// findings collects what the fakes' spec checks find.
type findings struct {
	mu    sync.Mutex
	n     int
	first []contract.Finding
}

func (f *findings) add(x contract.Finding) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	if len(f.first) < 10 {
		f.first = append(f.first, x)
	}
}

// runDemo runs plan, apply and apply again against fakes.
func runDemo(ctx context.Context, args []string, env Env) int {
	const name = "enrichsync demo"
	fl := flag.NewFlagSet(name, flag.ContinueOnError)
	db := fl.String("db", "", "keep the store in this new file (default: a temporary one, removed after)")
	format := fl.String("format", "table", "output: table, or jsonl (a JSON object per event, each with its phase)")
	quiet := fl.Bool("quiet", false, "no progress line (it shows only when standard error is a terminal)")
	if code, done := parseFlags(fl, args, demoUsage, env.Stdout, env.Stderr); done {
		return code
	}
	if err := checkFormat(*format); err != nil {
		return usageFail(env.Stderr, name, err)
	}
	if *db != "" {
		// The fakes start empty at each run: a store of an earlier demo would not
		// match them (it remembers writes they no longer hold).
		if _, err := os.Lstat(*db); err == nil {
			return usageFail(env.Stderr, name, fmt.Errorf("--db %s exists; the demo's fakes start empty at each run, so give it a new file (or remove that one)", *db))
		}
	}
	scrub := redact.NewScrubber(demoAffinityKey, demoApolloKey)
	out := Env{Stdout: scrub.Writer(env.Stdout), Stderr: scrub.Writer(env.Stderr), Getenv: env.Getenv, Now: env.Now, Terminal: env.Terminal}

	var found findings
	affFake := affinitytest.NewServer(demoAffinityKey, affinitytest.WithFindingHandler(found.add))
	defer affFake.Close()
	apFake := apollotest.NewServer(demoApolloKey, apollotest.WithFindingHandler(found.add))
	defer apFake.Close()
	af, err := affFake.Client()
	if err != nil {
		fmt.Fprintf(out.Stderr, "%s: %v\n", name, err)
		return exitFailed
	}
	ap, err := apFake.Client()
	if err != nil {
		fmt.Fprintf(out.Stderr, "%s: %v\n", name, err)
		return exitFailed
	}
	listID, err := seedDemo(ctx, affFake, af)
	if err != nil {
		fmt.Fprintf(out.Stderr, "%s: seeding the fake: %v\n", name, err)
		return exitFailed
	}

	path := *db
	if path == "" {
		dir, err := os.MkdirTemp("", "enrichsync-demo")
		if err != nil {
			fmt.Fprintf(out.Stderr, "%s: %v\n", name, err)
			return exitFailed
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "enrichsync.db")
	}
	store, err := enrichsync.OpenStore(ctx, path)
	if err != nil {
		return usageFail(out.Stderr, name, fmt.Errorf("--db: %v", err))
	}
	defer store.Close()
	m, err := enrichsync.ParseMapping("enrichsync.example.yaml", []byte(exampleMapping))
	if err != nil {
		printMappingError(out.Stderr, name, err)
		return exitFailed
	}

	cfg := syncConfig{listID: listID, mapping: m.Name, db: path, budget: demoBudget, format: *format, quiet: *quiet}
	cfg.ttl.d = enrichsync.DefaultTTL
	if *format == "table" {
		fmt.Fprintf(out.Stdout, "enrichsync demo: fakes of Affinity and Apollo on loopback, a list %q of %d organizations, the example mapping, a budget of %d credits\n\n",
			"Pipeline", len(demoOrgs), demoBudget)
	}
	code := exitOK
	var credits, writes []int
	for _, step := range []struct{ mode, phase string }{{"plan", "plan"}, {"apply", "apply"}, {"apply", "apply again"}} {
		before, writesBefore := apFake.Credits(), writeRequests(affFake)
		j := job{name: name, mode: step.mode, phase: step.phase, label: fmt.Sprintf("list %d %q", listID, "Pipeline"), cfg: cfg, mapping: m,
			ap: ap, af: af, target: enrichsync.Target{ListID: listID}, env: env, out: out, scrub: scrub, store: store}
		if c := j.run(ctx); c != exitOK {
			code = c
			break
		}
		credits = append(credits, apFake.Credits()-before)
		writes = append(writes, writeRequests(affFake)-writesBefore)
		if *format == "table" {
			fmt.Fprintln(out.Stdout)
		}
	}
	// The fakes answer only what the specs allow; anything they found is a failure.
	found.mu.Lock()
	defer found.mu.Unlock()
	if found.n > 0 {
		fmt.Fprintf(out.Stderr, "%s: the fakes' spec checks found %s:\n", name, plural(found.n, "problem"))
		for _, f := range found.first {
			fmt.Fprintf(out.Stderr, "  %s\n", clean(fmt.Sprint(f)))
		}
		return exitFailed
	}
	if code != exitOK {
		return code
	}
	// What the demo exists to show, checked on the fakes' own counters.
	if credits[0] != 0 || credits[2] != 0 || writes[0] != 0 || writes[2] != 0 {
		fmt.Fprintf(out.Stderr, "%s: the plan spent %d credits and wrote %d times, the second apply %d and %d; both should spend and write nothing\n",
			name, credits[0], writes[0], credits[2], writes[2])
		return exitFailed
	}
	if *format == "table" {
		fmt.Fprintf(out.Stdout, "The fake charged %d credits in all: one per company the first apply enriched, none for the plan or the second apply.\n", credits[1])
		if *db != "" {
			fmt.Fprintf(out.Stdout, "The audit log of every write: enrichsync log --db %s\n", clean(*db))
		}
	}
	return exitOK
}

// seedDemo fills the fake Affinity with the demo's list and fields, and a value a
// person typed (Acme's industry) that the default rule leaves alone.
func seedDemo(ctx context.Context, fake *affinitytest.Server, af *affinity.Client) (int64, error) {
	var ids []int64
	for i, o := range demoOrgs {
		org := affinity.Organization{ID: int64(101 + i), Name: o.name, Domains: []string{}}
		if o.domain != "" {
			org.Domain, org.Domains = o.domain, []string{o.domain}
		}
		fake.Add(org)
		ids = append(ids, org.ID)
	}
	listID, err := fake.AddList("Pipeline", ids...)
	if err != nil {
		return 0, err
	}
	var industry affinity.Field
	for _, f := range demoFields {
		list := listID
		if f.global {
			list = 0
		}
		field, err := fake.AddField(list, f.name, f.t, false, f.options...)
		if err != nil {
			return 0, err
		}
		if f.name == "Industry" {
			industry = field
		}
	}
	if industry.ID == 0 {
		return 0, errors.New("no Industry field")
	}
	_, err = af.CreateFieldValue(ctx, affinity.NewFieldValue{FieldID: industry.ID, EntityID: ids[0], Value: affinity.TextValue("Industrial automation")})
	return listID, err
}

// writeRequests counts the requests the fake Affinity received that were not reads.
func writeRequests(fake *affinitytest.Server) int {
	n := 0
	for _, r := range fake.Requests() {
		if r.Method != "GET" {
			n++
		}
	}
	return n
}
