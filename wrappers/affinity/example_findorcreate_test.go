package affinity_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
)

// What people paste for a company's website, as the one domain records of it share.
func ExampleNormalizeDomain() {
	for _, in := range []string{"https://www.Acme.com/about", "shop.acme.co.uk", "bücher.de", "co.uk"} {
		d, err := affinity.NormalizeDomain(in)
		fmt.Printf("%q -> %q %v\n", in, d, err)
	}
	// Output:
	// "https://www.Acme.com/about" -> "acme.com" <nil>
	// "shop.acme.co.uk" -> "acme.co.uk" <nil>
	// "bücher.de" -> "xn--bcher-kva.de" <nil>
	// "co.uk" -> "" affinity: invalid parameter domain: "co.uk" is a public suffix ("co.uk"), under which companies register their names
}

// The organization of a domain, created the first time only.
func ExampleClient_FindOrCreateOrganization() {
	fake := affinitytest.NewServer("key")
	defer fake.Close()
	client, err := fake.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, domain := range []string{"https://www.acme.com/", "ACME.com"} {
		org, created, err := client.FindOrCreateOrganization(ctx, domain, affinity.NewOrganization{Name: "Acme"})
		var conflict *affinity.DomainConflictError
		switch {
		case errors.As(err, &conflict):
			// Several organizations have the domain; if conflict.CreatedID is set, this
			// call created one of them (org, created) and must not be repeated.
			log.Fatalf("merge %v first: %v", conflict.IDs, err)
		case err != nil:
			log.Fatal(err)
		}
		fmt.Println(org.ID, org.Name, org.Domain, "created:", created)
	}
	// Output:
	// 1000 Acme acme.com created: true
	// 1000 Acme acme.com created: false
}

// Make sure these domains are organizations on the Deal Flow list; a second run
// creates nothing.
func ExampleClient_EnsureOrganizationsOnList() {
	fake := affinitytest.NewServer("key")
	defer fake.Close()
	fake.GenerateList("Deal Flow", 0, 0)
	client, err := fake.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	list, err := client.ListByName(ctx, "Deal Flow")
	if err != nil {
		log.Fatal(err)
	}
	domains := []string{"acme.com", "https://globex.example.co.uk/", "initech.io"}
	for run := 1; run <= 2; run++ {
		orgs, entries := 0, 0
		for r, err := range client.EnsureOrganizationsOnList(ctx, list.ID, domains) {
			if err != nil {
				log.Printf("%s: %v", r.Domain, err) // this domain only; the others go on
				continue
			}
			if r.CreatedOrganization {
				orgs++
			}
			if r.CreatedEntry {
				entries++
			}
		}
		fmt.Printf("run %d: %d organizations and %d entries created\n", run, orgs, entries)
	}
	// Output:
	// run 1: 3 organizations and 3 entries created
	// run 2: 0 organizations and 0 entries created
}

// Merge what Affinity suggests is one company, for the suggestions by identical
// domains, then follow the merge.
func ExampleClient_CompanyDuplicateSuggestions() {
	fake := affinitytest.NewServer("key")
	defer fake.Close()
	fake.Add(affinity.Organization{ID: 1, Name: "Acme", Domain: "acme.com", Domains: []string{"acme.com"}},
		affinity.Organization{ID: 2, Name: "Acme Inc.", Domain: "www.acme.com", Domains: []string{"www.acme.com"}})
	client, err := fake.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	var merges [][2]int64
	for s, err := range client.CompanyDuplicateSuggestions(ctx, affinity.DuplicateSuggestionQuery{Match: affinity.MatchDomain}) {
		if err != nil {
			log.Fatal(err) // a 403: the key lacks the "Manage duplicates" permission
		}
		for _, d := range s.Duplicates {
			fmt.Printf("%q (%d) duplicates %q (%d)\n", d.Name, d.ID, s.Primary.Name, s.Primary.ID)
			merges = append(merges, [2]int64{s.Primary.ID, d.ID})
		}
	}
	// List, then merge: a merge removes its suggestion from the pages.
	for _, m := range merges {
		task, err := client.MergeCompanies(ctx, m[0], m[1])
		if err != nil {
			log.Fatal(err)
		}
		state, err := client.GetCompanyMerge(ctx, task)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("merge:", state.Status)
	}
	// Output:
	// "Acme Inc." (2) duplicates "Acme" (1)
	// merge: success
}
