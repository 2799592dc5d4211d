package apollo_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
)

// Iterate over every company a search finds, saved accounts first.
func ExampleClient_Companies() {
	fake := apollotest.NewServer("my-key") // in real code: apollo.NewClientFromEnv()
	defer fake.Close()
	fake.SetResults(1, 2)

	client, err := apollo.NewClient("my-key", apollo.WithBaseURL(fake.URL))
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
	client, _ := apollo.NewClient("my-key", apollo.WithBaseURL(fake.URL))

	for posting, err := range client.JobPostings(context.Background(), apollo.JobPostingQuery{OrganizationID: "54fca1087369647fc0000000", PerPage: 100}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(posting.Title, *posting.City)
	}
	fmt.Println(client.RateLimit().Minute.Remaining, "requests left this minute")
	// Output:
	// Job 0 Sunnyvale
	// Job 1 Sunnyvale
	// 199 requests left this minute
}
