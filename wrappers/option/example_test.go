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

// Send a query parameter next to the method's own. Here exclude_dropdown_options, which
// FieldQuery has as well, so that the fake, which holds every request to the spec,
// knows it: a parameter the method lacks goes the same way (a fake made with WithTest
// reports one the spec does not list, as the real service may refuse it). The next
// call sends it no more.
func ExampleWithQuery() {
	fake := affinitytest.NewServer("my-key")
	defer fake.Close()
	client, err := fake.Client()
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	if _, err := client.ListFields(ctx, affinity.FieldQuery{WithModifiedNames: true}, option.WithQuery("exclude_dropdown_options", "true")); err != nil {
		log.Fatal(err)
	}
	if _, err := client.ListFields(ctx, affinity.FieldQuery{WithModifiedNames: true}); err != nil {
		log.Fatal(err)
	}
	for _, r := range fake.Requests() {
		fmt.Println(r.Path, r.Query)
	}
	// Output:
	// /fields map[exclude_dropdown_options:[true] with_modified_names:[true]]
	// /fields map[with_modified_names:[true]]
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
