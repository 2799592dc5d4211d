package affinity_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/option"
)

// List every organization that matches a term, across all pages.
func ExampleClient_Organizations() {
	fake := affinitytest.NewServer("my-key") // in real code: affinity.NewClientFromEnv()
	defer fake.Close()
	fake.Generate(3)

	client, err := affinity.NewClient("my-key", option.WithBaseURL(fake.URL))
	if err != nil {
		log.Fatal(err)
	}
	for org, err := range client.Organizations(context.Background(), affinity.OrganizationQuery{Term: "org"}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(org.ID, org.Name, org.Domain)
	}
	// Output:
	// 1000 Org 1000 org1000.example
	// 1001 Org 1001 org1001.example
	// 1002 Org 1002 org1002.example
}

// Fetch a listing page by page, keeping the token to resume later.
func ExampleClient_OrganizationPages() {
	fake := affinitytest.NewServer("my-key")
	defer fake.Close()
	fake.Generate(5)
	client, _ := affinity.NewClient("my-key", option.WithBaseURL(fake.URL))

	checkpoint := ""
	for page, err := range client.OrganizationPages(context.Background(), affinity.OrganizationQuery{PageSize: 2}, checkpoint) {
		if err != nil {
			log.Fatal(err)
		}
		checkpoint = page.NextPageToken // persist this to resume after a crash
		fmt.Println(len(page.Organizations), checkpoint != "")
	}
	// Output:
	// 2 true
	// 2 true
	// 1 false
}

// Create, update and delete an organization, and tell a missing one apart.
func ExampleClient_CreateOrganization() {
	fake := affinitytest.NewServer("my-key")
	defer fake.Close()
	client, _ := affinity.NewClient("my-key", option.WithBaseURL(fake.URL))
	ctx := context.Background()

	org, err := client.CreateOrganization(ctx, affinity.NewOrganization{Name: "Acme Corporation", Domain: "acme.co", PersonIDs: []int64{38706}})
	if err != nil {
		log.Fatal(err)
	}
	org, _ = client.UpdateOrganization(ctx, org.ID, affinity.OrganizationUpdate{PersonIDs: append(org.PersonIDs, 89734)})
	fmt.Println(org.Name, org.PersonIDs)

	_ = client.DeleteOrganization(ctx, org.ID)
	_, err = client.GetOrganization(ctx, org.ID, affinity.GetOrganizationOptions{})
	fmt.Println(errors.Is(err, affinity.ErrNotFound))
	// Output:
	// Acme Corporation [38706 89734]
	// true
}

// Inspect a failed call: status, message and the rate-limit state.
func ExampleError() {
	fake := affinitytest.NewServer("my-key")
	defer fake.Close()
	fake.Fail(affinitytest.Fault{Status: 422, ContentType: "application/json",
		Body: `{"errors":[{"message":"organization 1 no longer exists as it has been merged into 2","param":"organization_id"}]}`})
	client, _ := affinity.NewClient("my-key", option.WithBaseURL(fake.URL))

	_, err := client.GetOrganization(context.Background(), 1, affinity.GetOrganizationOptions{})
	var apiErr *affinity.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Message)
		fmt.Println(apiErr.RateLimit.User.Remaining, "requests left this minute")
	}
	// Output:
	// 422 organization_id: organization 1 no longer exists as it has been merged into 2
	// 899 requests left this minute
}
