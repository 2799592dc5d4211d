package apollo_test

import (
	"testing"

	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
)

// BenchmarkEnsureAccounts500 runs EnsureAccounts on 500 domains against a fresh fake
// twice, and reports the requests per domain of each run (100 domains a bulk
// creation: 0.01 both times), the accounts the second run created (0: dedupe found
// them all) and the credits spent (0: accounts are free).
func BenchmarkEnsureAccounts500(b *testing.B) {
	in := domains(500, "bench")
	var first, second, createdAgain, credits int
	for b.Loop() {
		fake := apollotest.NewServer(key, apollotest.WithTest(b))
		c, err := fake.Client()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.EnsureAccounts(b.Context(), in); err != nil {
			b.Fatal(err)
		}
		first += fake.Hits()
		hits := fake.Hits()
		r, err := c.EnsureAccounts(b.Context(), in)
		if err != nil {
			b.Fatal(err)
		}
		second += fake.Hits() - hits
		createdAgain += len(r.Created)
		credits += fake.Credits()
		fake.Close()
	}
	n := float64(b.N)
	b.ReportMetric(float64(first)/n/500, "requests/domain-first")
	b.ReportMetric(float64(second)/n/500, "requests/domain-second")
	b.ReportMetric(float64(createdAgain)/n, "created-second")
	b.ReportMetric(float64(credits)/n, "credits")
}
