package contract_test

import (
	"context"
	"fmt"
	"log"
	"sync"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/specs"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Check every response a client receives against the spec, in an integration test.
func ExampleMiddleware() {
	fake := affinitytest.NewServer("my-key")
	defer fake.Close()
	// The service answers with a domain that is a number: drift from the spec.
	fake.Fail(affinitytest.Fault{Status: 200, ContentType: "application/json",
		Body: `{"id":5,"name":"Acme","domain":42,"domains":[],"crunchbase_uuid":null,"global":false}`})

	v, err := contract.NewEmbedded(context.Background(), specs.Affinity)
	if err != nil {
		log.Fatal(err)
	}
	var mu sync.Mutex
	var findings []contract.Finding
	mw := contract.NewMiddleware(v, func(fs []contract.Finding) {
		mu.Lock()
		defer mu.Unlock()
		findings = append(findings, fs...)
	})
	client, err := affinity.NewClient("my-key", option.WithBaseURL(fake.URL), option.WithMiddleware(mw.Wrap))
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.GetOrganization(context.Background(), 5, affinity.GetOrganizationOptions{})
	fmt.Println("client:", err)

	mw.Wait() // every response so far has been checked
	for _, f := range findings {
		fmt.Printf("%s %s: expected %s, found %s\n", f.OperationID, f.Pointer, f.Expected, f.Found)
	}
	// Output:
	// client: affinity: getOrganization: HTTP 200: malformed response body: json: cannot unmarshal number into Go struct field Organization.domain of type string
	// getOrganization /domain: expected type string or null, found 42
}
