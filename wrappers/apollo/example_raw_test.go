package apollo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"

	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
)

// Call an endpoint as Apollo documents it, with a body of raw JSON, through the
// client's key, retries and error handling. The path is relative to the client's base
// URL, which ends in /api/v1.
func ExampleClient_Do() {
	fake := apollotest.NewServer("my-key")
	defer fake.Close()
	fake.SetResults(0, 42)
	client, err := fake.Client()
	if err != nil {
		log.Fatal(err)
	}

	var page struct {
		Pagination struct {
			TotalEntries int `json:"total_entries"`
			TotalPages   int `json:"total_pages"`
		} `json:"pagination"`
	}
	body := json.RawMessage(`{"q_organization_name": "Acme", "per_page": 10}`)
	if err := client.Do(context.Background(), http.MethodPost, "mixed_companies/search", nil, body, &page); err != nil {
		log.Fatal(err)
	}
	fmt.Println(page.Pagination.TotalEntries, page.Pagination.TotalPages)
	// Output:
	// 42 5
}
