package apollo_test

import (
	"context"
	"fmt"
	"log"

	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Save a list of companies as accounts without making duplicates: run it again and
// it creates nothing. Accounts cost no credits.
func ExampleClient_EnsureAccounts() {
	fake := apollotest.NewServer("my-key") // in real code: apollo.NewClientFromEnv()
	defer fake.Close()
	client, err := apollo.NewClient("my-key", option.WithBaseURL(fake.URL))
	if err != nil {
		log.Fatal(err)
	}
	companies := []apollo.NewAccount{
		{Name: "Acme", Domain: "acme.com"},
		{Name: "Société Générale de Test", Domain: "https://www.SGTest.com/about"},
	}
	for run := 1; run <= 2; run++ {
		r, err := client.EnsureAccounts(context.Background(), companies)
		if err != nil {
			log.Fatal(err) // what the batches before the failure did is in r; running again is safe
		}
		fmt.Printf("run %d: %d created, %d existed\n", run, len(r.Created), len(r.Existing))
		for _, a := range r.Existing {
			fmt.Println("  existed:", a.Name, a.Domain)
		}
	}
	// Output:
	// run 1: 2 created, 0 existed
	// run 2: 0 created, 2 existed
	//   existed: Acme acme.com
	//   existed: Société Générale de Test sgtest.com
}

// Find accounts by name and move each to another stage.
func ExampleClient_Accounts() {
	fake := apollotest.NewServer("my-key")
	defer fake.Close()
	client, _ := apollo.NewClient("my-key", option.WithBaseURL(fake.URL))
	ctx := context.Background()
	if _, err := client.EnsureAccounts(ctx, []apollo.NewAccount{{Name: "Acme"}, {Name: "Acme Labs"}, {Name: "Globex"}}); err != nil {
		log.Fatal(err)
	}
	stages, err := client.ListAccountStages(ctx)
	if err != nil {
		log.Fatal(err)
	}
	var edits []apollo.AccountEdit
	for a, err := range client.Accounts(ctx, apollo.AccountQuery{Name: "acme", PerPage: 100}) {
		if err != nil {
			log.Fatal(err) // apollo.ErrResultsCapped past 50,000 accounts
		}
		edits = append(edits, apollo.AccountEdit{ID: a.ID, StageID: stages[1].ID})
	}
	changed, err := client.BulkUpdateAccounts(ctx, edits)
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range changed {
		fmt.Println(a.Name, "is now", stages[1].Name)
	}
	// Output:
	// Acme is now Current Client
	// Acme Labs is now Current Client
}
