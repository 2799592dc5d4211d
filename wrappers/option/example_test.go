package option_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/option"
)

// One WithRetries for both places: the client's default, and one call's own, which
// leaves the default as it was for the next call.
func ExampleWithRetries() {
	fake := affinitytest.NewServer("my-key")
	defer fake.Close()
	fake.Generate(1)
	client, err := fake.Client(option.WithRetries(2))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	var resp affinity.Response
	fake.Fail(affinitytest.ServerError(http.StatusServiceUnavailable))
	_, err = client.GetOrganization(ctx, 1000, affinity.GetOrganizationOptions{}, option.WithRetries(0), affinity.WithResponseInto(&resp))
	fmt.Println(resp.StatusCode, resp.Attempts, err != nil)

	fake.Fail(affinitytest.ServerError(http.StatusServiceUnavailable))
	_, err = client.GetOrganization(ctx, 1000, affinity.GetOrganizationOptions{}, affinity.WithResponseInto(&resp))
	fmt.Println(resp.StatusCode, resp.Attempts, err != nil)
	// Output:
	// 503 1 true
	// 200 2 false
}

// Send a query parameter a method does not have (here a made-up "source"), next to
// the method's own; the next call sends it no more.
func ExampleWithQuery() {
	fake := affinitytest.NewServer("my-key")
	defer fake.Close()
	fake.Generate(1)
	client, err := fake.Client()
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.GetOrganization(context.Background(), 1000, affinity.GetOrganizationOptions{WithOpportunities: true},
		option.WithQuery("source", "crm-sync"))
	if err != nil {
		log.Fatal(err)
	}
	seen := fake.Requests()
	fmt.Println(seen[len(seen)-1].Query)
	// Output:
	// map[source:[crm-sync] with_opportunities:[true]]
}

// Read the members of an answer the wrapper's types do not have: the raw JSON of a
// typed call's answer, a copy that is the caller's to keep.
func ExampleWithRawResponseInto() {
	fake := affinitytest.NewServer("my-key")
	defer fake.Close()
	fake.Generate(1)
	client, err := fake.Client()
	if err != nil {
		log.Fatal(err)
	}

	var raw json.RawMessage
	org, err := client.GetOrganization(context.Background(), 1000, affinity.GetOrganizationOptions{}, option.WithRawResponseInto(&raw))
	if err != nil {
		log.Fatal(err)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		log.Fatal(err)
	}
	fmt.Println(org.Name, string(members["domains"]))
	// Output:
	// Org 1000 ["org1000.example"]
}
