package affinity_test

import (
	"context"
	"fmt"
	"log"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
)

// Set the Status of a Deal Flow entry to Won through v2, found by names, and read it
// back: the field holds Won alone, whatever it held before.
func ExampleClient_SetListEntryField() {
	ctx := context.Background()
	fake := affinitytest.NewServer("key")
	defer fake.Close()
	fake.GenerateList("Deal Flow", 1, 1) // one entry, its Status New
	client, err := fake.Client()
	if err != nil {
		log.Fatal(err)
	}
	list, err := client.ListByName(ctx, "Deal Flow")
	if err != nil {
		log.Fatal(err)
	}
	status, err := list.Field("Status")
	if err != nil {
		log.Fatal(err)
	}
	won, err := status.Option("Won")
	if err != nil {
		log.Fatal(err)
	}
	for row, err := range client.ListRows(ctx, list.ID, affinity.RowOptions{}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("before:", row.Values["Status"])
		err := client.SetListEntryField(ctx, list.ID, row.Entry.ID, status, []affinity.SetValue{affinity.OptionValue(won.ID)})
		if err != nil {
			log.Fatal(err) // a repeat is harmless: the field is set whole
		}
	}
	for row, err := range client.ListRows(ctx, list.ID, affinity.RowOptions{}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("after:", row.Values["Status"])
	}
	// Output:
	// before: [New]
	// after: [Won]
}
