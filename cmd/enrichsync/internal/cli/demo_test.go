package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/enrichsync"
)

// The demo, in process: plan, apply and a second apply that spends 0 credits and writes
// nothing, with no key in the environment; the table, and JSON lines by phase.
func TestDemo(t *testing.T) {
	f := &fixture{env: map[string]string{}}
	r := f.run(t, false, "demo")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("demo: %s", r)
	}
	for _, want := range []string{
		"Summary of plan\n", "credits to spend   8 (budget 100",
		"Summary of apply (run 1)\n", "credits spent      8 (budget 100",
		"Summary of apply again (run 2)\n", "  credits spent      0 (budget 100", "  values written     0, in 0 organizations", "  unchanged          8 organizations",
		"Bücherwurm GmbH", "bücherwurm.de", "Øresund Analytics",
		"The fake charged 8 credits in all",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the demo does not say %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "enrichsync log --db") {
		t.Error("the demo points at the log of a store it removed")
	}

	r = f.run(t, false, "demo", "--format", "jsonl")
	if r.code != exitOK {
		t.Fatalf("demo --format jsonl: %s", r)
	}
	events := parseJSONL(t, r.stdout)
	phases := map[string]int{}
	for _, ev := range events {
		phases[ev.Phase]++
	}
	if len(phases) != 3 || phases["plan"] == 0 || phases["apply"] == 0 || phases["apply again"] == 0 {
		t.Errorf("phases %v", phases)
	}
	if s := summaryOf(t, events, "apply"); s.Credits != 8 || s.ValuesWritten != 63 {
		t.Errorf("the apply: %+v", s)
	}
	if s := summaryOf(t, events, "apply again"); s.Credits != 0 || s.ValuesWritten != 0 || s.AffinityWrites != 0 || s.Enriched != 0 {
		t.Errorf("the second apply: %+v", s)
	}
	for _, ev := range events {
		if ev.Phase == "plan" && ev.Kind == enrichsync.Planned && ev.Org.Domain == "acme.com" {
			for _, fc := range ev.Fields {
				if fc.Field == "Industry" && (fc.Write || fc.Old != "Industrial automation") {
					t.Errorf("the plan would overwrite a person's industry: %+v", fc)
				}
			}
		}
	}
}

// The demo keeps its store where --db says, and log reads it afterwards.
func TestDemoStoreAndItsLog(t *testing.T) {
	f := &fixture{env: map[string]string{}}
	db := filepath.Join(t.TempDir(), "demo.db")
	r := f.run(t, false, "demo", "--db", db)
	if r.code != exitOK || !strings.Contains(r.stdout, "enrichsync log --db "+db) {
		t.Fatalf("demo --db: %s", r)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatal(err)
	}
	l := f.run(t, false, "log", "--db", db, "--org", "acme.com")
	if l.code != exitOK || strings.Count(l.stdout, "acme.com") != 7 {
		t.Errorf("the demo's log of acme.com: %s", l)
	}
	// A second demo over the same store is refused: its fakes start empty, and the
	// store would not match them.
	r = f.run(t, false, "demo", "--db", db)
	if r.code != exitUsage || !strings.Contains(r.stderr, "--db "+db+" exists") || r.stdout != "" {
		t.Errorf("a second demo over the store: %s", r)
	}
}

// The example mapping: the command prints the embedded file, the repository ships the
// same text at its root, and it parses.
func TestExampleMappingIsShippedAndParses(t *testing.T) {
	f := &fixture{}
	r := f.run(t, false, "example")
	if r.code != exitOK || r.stdout != exampleMapping {
		t.Fatalf("example: %s", r)
	}
	shipped, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "enrichsync.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if string(shipped) != exampleMapping {
		t.Error("enrichsync.example.yaml differs from the mapping enrichsync example prints (cmd/enrichsync/internal/cli/example.yaml): copy one over the other")
	}
	m, err := enrichsync.ParseMapping("enrichsync.example.yaml", shipped)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Fields) != 8 {
		t.Errorf("the example maps %d fields", len(m.Fields))
	}
	// Each field the example fills is one the demo's list has.
	for _, fm := range m.Fields {
		found := false
		for _, df := range demoFields {
			found = found || df.name == fm.Field
		}
		if !found {
			t.Errorf("the example fills %q, which the demo's list lacks", fm.Field)
		}
	}
}
