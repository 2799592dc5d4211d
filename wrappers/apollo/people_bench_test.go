package apollo_test

import (
	"fmt"
	"io"
	"testing"

	"github.com/orgapis/orgapis/internal/newuser"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
)

// BenchmarkVPsOfEngineering runs the new-user program on 20 companies of 50 people
// each, one VP a company, and reports what a run costs: requests (one page of search,
// two of enrichment) and credits (one a VP), besides its time and memory.
func BenchmarkVPsOfEngineering(b *testing.B) {
	fake := apollotest.NewServer(key, apollotest.WithTest(b))
	b.Cleanup(fake.Close)
	var domains []string
	for i := range 20 {
		d := fmt.Sprintf("c%d.example", i)
		domains = append(domains, d)
		for j := range 50 {
			title, seniority := "Software Engineer", apollo.SenioritySenior
			if j == 7 {
				title, seniority = "VP of Engineering", apollo.SeniorityVP
			}
			fake.AddPeople(apollotest.Person{FirstName: "P", LastName: fmt.Sprint(j), Title: title, Seniority: seniority, Email: fmt.Sprintf("p%d@%s", j, d), Domain: d})
		}
	}
	client, err := fake.Client()
	if err != nil {
		b.Fatal(err)
	}
	credits0, requests0 := fake.Credits(), fake.Hits()
	b.ReportAllocs()
	for b.Loop() {
		if err := newuser.VPsOfEngineering(b.Context(), client, domains, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(fake.Hits()-requests0)/float64(b.N), "requests/op")
	b.ReportMetric(float64(fake.Credits()-credits0)/float64(b.N), "credits/op")
	if spent := fake.Credits() - credits0; spent != 20*b.N || client.CreditsSpent() != spent {
		b.Errorf("%d credits at the fake, %d counted, in %d runs; want 20 a run", spent, client.CreditsSpent(), b.N)
	}
}
