package contract_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"runtime"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/specs"
)

// Check a large HAR file on every core: each exchange is checked on the goroutine that
// parsed it, and the findings come in entry order.
func ExampleReadPrepared() {
	v, err := contract.NewEmbedded(context.Background(), specs.Affinity)
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.Open("../testdata/recordings/affinity.har")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	check := func(ex contract.Exchange) []contract.Finding {
		if ex.URL.Host != "api.affinity.co" {
			return nil
		}
		_, findings := v.Check(ex)
		return findings
	}
	for p, err := range contract.ReadPrepared(f.Name(), f, check, contract.WithParallel(runtime.NumCPU())) {
		if err != nil {
			fmt.Println(err)
			continue
		}
		findings := p.Value
		if !p.Ready { // read one at a time: check it here
			findings = check(p.Exchange)
		}
		for _, finding := range findings {
			// The check ran before the entry's index was known: it is the exchange's.
			fmt.Printf("entry %d: %s %s: %s\n", p.Exchange.Index, finding.OperationID, finding.Kind, finding.Found)
		}
	}
	// Output:
	// entry 2: updateOrganization body: 42
	// entry 4: deleteOrganization undocumented-status: 409
}
