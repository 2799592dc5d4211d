package apollo_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Iterate over every company a search finds, saved accounts first.
func ExampleClient_Companies() {
	fake := apollotest.NewServer("my-key") // in real code: apollo.NewClientFromEnv()
	defer fake.Close()
	fake.SetResults(1, 2)

	client, err := apollo.NewClient("my-key", option.WithBaseURL(fake.URL))
	if err != nil {
		log.Fatal(err)
	}
	q := apollo.CompanyQuery{EmployeeRanges: []string{"1,100"}, Locations: []string{"United States"}, PerPage: 100}
	for company, err := range client.Companies(context.Background(), q) {
		if errors.Is(err, apollo.ErrResultsCapped) {
			fmt.Println("more results than Apollo shows; narrow the search")
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(company.Name(), company.Account != nil)
	}
	// Output:
	// Account 0 true
	// Company 0 false
	// Company 1 false
}

// List every job posting of a company.
func ExampleClient_JobPostings() {
	fake := apollotest.NewServer("my-key")
	defer fake.Close()
	fake.SetJobPostings("54fca1087369647fc0000000", 2)
	client, _ := apollo.NewClient("my-key", option.WithBaseURL(fake.URL))

	for posting, err := range client.JobPostings(context.Background(), apollo.JobPostingQuery{OrganizationID: "54fca1087369647fc0000000", PerPage: 100}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(posting.Title, posting.City)
	}
	fmt.Println(client.RateLimit().Minute.Remaining, "requests left this minute")
	// Output:
	// Job 0 Sunnyvale
	// Job 1 Sunnyvale
	// 199 requests left this minute
}

// Turn a list of domains into organizations, ten per call.
func ExampleClient_EnrichOrganizations() {
	fake := apollotest.NewServer("my-key")
	defer fake.Close()
	client, err := apollo.NewClient("my-key", option.WithBaseURL(fake.URL))
	if err != nil {
		log.Fatal(err)
	}

	domains := []string{"apollo.io", "example.invalid", "stripe.com"}
	queries := make([]apollo.EnrichQuery, len(domains))
	for i, d := range domains {
		queries[i] = apollo.EnrichQuery{Domain: d}
	}
	for e, err := range client.EnrichOrganizations(context.Background(), queries) {
		if err != nil {
			log.Fatal(err)
		}
		if e.Organization == nil {
			// Not found, or answered by an organization the matching rule could not
			// attribute (a regional domain answered with the main one): never a guess.
			fmt.Println(e.Query.Domain, "not found,", len(e.Unplaced), "unplaced")
			continue
		}
		fmt.Println(e.Query.Domain, e.Organization.Name, *e.Organization.EstimatedNumEmployees > 0)
	}
	fmt.Println(fake.Credits(), "credits spent")
	// Output:
	// apollo.io Apollo true
	// example.invalid not found, 0 unplaced
	// stripe.com Stripe true
	// 2 credits spent
}

// Resume a bulk enrichment that a spent rate-limit window stopped, without paying
// again for the companies already enriched.
func ExampleClient_ResumeEnrichOrganizations() {
	fake := apollotest.NewServer("my-key")
	defer fake.Close()
	client, err := apollo.NewClient("my-key", option.WithBaseURL(fake.URL))
	if err != nil {
		log.Fatal(err)
	}
	queries := make([]apollo.EnrichQuery, 25)
	for i := range queries {
		queries[i] = apollo.EnrichQuery{Domain: fmt.Sprintf("company%d.com", i)}
	}
	fake.Fail(apollotest.Fault{}, apollotest.RateLimited("3600")) // the second call meets a spent hourly window

	ctx := context.Background()
	enriched := 0
	enrich := client.EnrichOrganizations(ctx, queries)
	for {
		var stopped *apollo.EnrichStoppedError
		for e, err := range enrich {
			if errors.As(err, &stopped) {
				break
			}
			if err != nil {
				log.Fatal(err) // a query that names no company, say
			}
			if e.Organization != nil {
				enriched++
			}
		}
		if stopped == nil {
			break // every query is done
		}
		fmt.Println(stopped)
		fmt.Println(len(stopped.Remaining()), "left, of which", len(stopped.Uncertain)+len(stopped.Unread), "may be charged again")
		var apiErr *apollo.Error
		if errors.As(stopped, &apiErr) && apiErr.RetryAfter > 0 {
			fmt.Println("Apollo asks to wait", apiErr.RetryAfter) // time.Sleep(apiErr.RetryAfter) in real code
		}
		enrich = client.ResumeEnrichOrganizations(ctx, stopped)
	}
	fmt.Println(enriched, "enriched for", fake.Credits(), "credits")
	// Output:
	// apollo: bulk enrichment stopped after 10 of 25 queries: bulkEnrichOrganizations: HTTP 429: The maximum number of api calls allowed for api/v1/organizations/bulk_enrich is 600 times per hour. Please upgrade your plan. (request req-2) (retry after 1h0m0s)
	// 15 left, of which 0 may be charged again
	// Apollo asks to wait 1h0m0s
	// 25 enriched for 25 credits
}

// Enrich one company by its domain, and tell an unknown one apart.
func ExampleClient_EnrichOrganization() {
	fake := apollotest.NewServer("my-key")
	defer fake.Close()
	client, _ := apollo.NewClient("my-key", option.WithBaseURL(fake.URL))

	org, err := client.EnrichOrganization(context.Background(), apollo.EnrichQuery{Domain: "apollo.io"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(org.Name, org.PrimaryDomain)
	_, err = client.EnrichOrganization(context.Background(), apollo.EnrichQuery{Domain: "nobody.invalid"})
	fmt.Println(errors.Is(err, apollo.ErrNotFound))
	// Output:
	// Apollo apollo.io
	// true
}

// Read everything Apollo knows of a company, by its Apollo id.
func ExampleClient_GetOrganization() {
	fake := apollotest.NewServer("my-key")
	defer fake.Close()
	client, _ := apollo.NewClient("my-key", option.WithBaseURL(fake.URL))

	org, err := client.GetOrganization(context.Background(), "5e66b6381e05b4008c8331b8")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(org.ID, *org.DetailViewLoaded)
	// Output:
	// 5e66b6381e05b4008c8331b8 true
}
