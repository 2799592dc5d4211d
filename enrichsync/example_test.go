package enrichsync_test

import (
	"context"
	"fmt"
	"iter"
	"log"
	"os"
	"path/filepath"

	"github.com/orgapis/orgapis/enrichsync"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
)

// Plan, then apply, then apply again: the second run finds everything fresh and
// unchanged, and spends nothing. The fakes stand in for both services.
func Example() {
	ctx := context.Background()
	affinityFake := affinitytest.NewServer("affinity-key")
	defer affinityFake.Close()
	apolloFake := apollotest.NewServer("apollo-key")
	defer apolloFake.Close()
	affinityFake.Add(
		affinity.Organization{ID: 1, Name: "Acme", Domain: "acme.com", Domains: []string{"acme.com"}},
		affinity.Organization{ID: 2, Name: "Bücherwurm", Domain: "www.bücherwurm.de", Domains: []string{"bücherwurm.de"}})
	list, err := affinityFake.AddList("Pipeline", 1, 2)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range []struct {
		name string
		t    affinity.ValueType
	}{{"Employees", 3}, {"Headquarters", 5}} {
		if _, err := affinityFake.AddField(list, f.name, f.t, false); err != nil {
			log.Fatal(err)
		}
	}
	af, err := affinityFake.Client()
	if err != nil {
		log.Fatal(err)
	}
	ap, err := apolloFake.Client()
	if err != nil {
		log.Fatal(err)
	}

	dir, _ := os.MkdirTemp("", "enrichsync")
	defer os.RemoveAll(dir)
	store, err := enrichsync.OpenStore(ctx, filepath.Join(dir, "state.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	mapping, err := enrichsync.ParseMapping("mapping.yaml", []byte(`
fields:
  - apollo: estimated_num_employees
    field: Employees
  - apollo: location
    field: Headquarters
    rule: overwrite-own
`))
	if err != nil {
		log.Fatal(err)
	}
	sync, err := enrichsync.New(ap, af, store, mapping, enrichsync.WithCreditBudget(100))
	if err != nil {
		log.Fatal(err)
	}
	target := enrichsync.Target{ListID: list}
	for _, run := range []struct {
		name string
		seq  func(context.Context, enrichsync.Target) iter.Seq2[enrichsync.Event, error]
	}{{"plan", sync.Plan}, {"apply", sync.Apply}, {"again", sync.Apply}} {
		for ev, err := range run.seq(ctx, target) {
			if err != nil {
				log.Fatal(err)
			}
			switch ev.Kind {
			case enrichsync.Done:
				s := ev.Summary
				fmt.Printf("%s: %d credits, %d changed, %d unchanged, %d values written\n", run.name, s.Credits, s.Changed, s.Unchanged, s.ValuesWritten)
			case enrichsync.Wrote:
				for _, f := range ev.Fields {
					fmt.Printf("  %s %s: %q\n", ev.Org.Domain, f.Field, f.New)
				}
			}
		}
	}
	// Output:
	// plan: 2 credits, 2 changed, 0 unchanged, 4 values written
	//   acme.com Employees: "67"
	//   acme.com Headquarters: "Zürich, Zurich, Switzerland"
	//   xn--bcherwurm-q9a.de Employees: "164"
	//   xn--bcherwurm-q9a.de Headquarters: "München, Bavaria, Germany"
	// apply: 2 credits, 2 changed, 0 unchanged, 4 values written
	// again: 0 credits, 0 changed, 2 unchanged, 0 values written
}
