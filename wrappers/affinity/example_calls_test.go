package affinity_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Read one call's own metadata, bound it with a timeout and give it a header of its
// own; its rate limit is that call's, whatever other goroutines do.
func ExampleWithResponseInto() {
	fake := affinitytest.NewServer("my-key")
	defer fake.Close()
	fake.Generate(1)
	client, err := fake.Client()
	if err != nil {
		log.Fatal(err)
	}

	var resp affinity.Response
	org, err := client.GetOrganization(context.Background(), 1000, affinity.GetOrganizationOptions{},
		affinity.WithResponseInto(&resp), option.WithTimeout(5*time.Second), option.WithHeader("X-Trace-Id", "sync-42"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(org.Name)
	fmt.Println(resp.StatusCode, resp.Attempts, resp.RateLimit.User.Remaining, "of", resp.RateLimit.User.Limit)
	// Output:
	// Org 1000
	// 200 1 899 of 900
}

// Serve a fake from a server of your own, such as one a test framework starts, with
// Handler; NewServer and Client are the shortcut for the usual case.
func ExampleNewClient_fakeHandler() {
	fake := affinitytest.NewUnstartedServer("my-key")
	fake.Generate(2)
	srv := httptest.NewServer(fake.Handler())
	defer srv.Close()

	client, err := affinity.NewClient("my-key", option.WithBaseURL(srv.URL), option.WithRetries(0))
	if err != nil {
		log.Fatal(err)
	}
	for org, err := range client.Organizations(context.Background(), affinity.OrganizationQuery{}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(org.ID)
	}
	// Output:
	// 1000
	// 1001
}
