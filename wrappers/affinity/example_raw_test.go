package affinity_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
)

// Reach an endpoint the wrapper has no method for, with the client's key, retries and
// error handling: here Affinity v2's company, read into a type of your own (a path
// under v2/ gets the key as a bearer token, as v2 wants).
func ExampleClient_Do() {
	fake := affinitytest.NewServer("my-key")
	defer fake.Close()
	fake.Generate(1)
	client, err := fake.Client()
	if err != nil {
		log.Fatal(err)
	}

	var company struct {
		ID      int64    `json:"id"`
		Name    string   `json:"name"`
		Domains []string `json:"domains"`
	}
	if err := client.Do(context.Background(), http.MethodGet, "v2/companies/1000", nil, nil, &company); err != nil {
		log.Fatal(err)
	}
	fmt.Println(company.ID, company.Name, company.Domains)

	// A failure is an *affinity.Error, as for every method, and matches its sentinels.
	err = client.Do(context.Background(), http.MethodGet, "v2/companies/999999", nil, nil, &company)
	fmt.Println(errors.Is(err, affinity.ErrNotFound), err)
	// Output:
	// 1000 Org 1000 [org1000.example]
	// true affinity: GET /v2/companies/999999: HTTP 404: Company not found
}
