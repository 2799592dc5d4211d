package affinity_test

import (
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/option"
)

// The cost of "who do we know at this company": an organization of 250 persons is one
// request for the organization and three v2 batches, where v1 alone takes one request
// per person; requests/op and persons/op are reported, with time and memory.
func BenchmarkOrganizationPersons(b *testing.B) {
	for _, v1 := range []bool{false, true} {
		name := "v2"
		if v1 {
			name = "v1-only"
		}
		b.Run(name, func(b *testing.B) {
			fake := affinitytest.NewServer(key, affinitytest.WithTest(b))
			fake.Add(affinity.Organization{ID: 7, Name: "Acme", Domains: []string{}})
			for range 250 {
				fake.AddPersons(affinity.Person{FirstName: "P", OrganizationIDs: []int64{7}})
			}
			var opts []option.ClientOption
			if v1 {
				opts = append(opts, affinity.WithV1Only())
			}
			c, err := fake.Client(opts...)
			if err != nil {
				b.Fatal(err)
			}
			before := len(fake.Requests())
			persons := 0
			b.ReportAllocs()
			for b.Loop() {
				for _, err := range c.OrganizationPersons(b.Context(), 7) {
					if err != nil {
						b.Fatal(err)
					}
					persons++
				}
			}
			b.ReportMetric(float64(len(fake.Requests())-before)/float64(b.N), "requests/op")
			b.ReportMetric(float64(persons)/float64(b.N), "persons/op")
		})
	}
}
