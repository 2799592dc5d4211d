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

// Every organization on the Deal Flow list with its Status: the whole pipeline.
func ExampleClient_ListRows() {
	fake := affinitytest.NewServer("my-key") // in real code: affinity.NewClientFromEnv()
	defer fake.Close()
	fake.GenerateList("Deal Flow", 3, 5)
	client, err := affinity.NewClient("my-key", option.WithBaseURL(fake.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	list, err := client.ListByName(ctx, "Deal Flow")
	if err != nil {
		log.Fatal(err)
	}
	for row, err := range client.ListRows(ctx, list.ID, affinity.RowOptions{}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(row.Organization.Name, row.Values["Status"][0], row.Values["Amount"][0])
	}
	// Output:
	// Org 1000 New 1000
	// Org 1001 In Progress 2000
	// Org 1002 Won 3000
}

// Walk a list's entries page by page, and read one list with its fields.
func ExampleClient_ListEntries() {
	fake := affinitytest.NewServer("my-key")
	defer fake.Close()
	listID := fake.GenerateList("Portfolio", 3, 2)
	client, _ := affinity.NewClient("my-key", option.WithBaseURL(fake.URL))
	ctx := context.Background()

	list, err := client.GetList(ctx, listID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(list.Name, len(list.Fields), "fields")
	for entry, err := range client.ListEntries(ctx, affinity.ListEntryQuery{ListID: listID, PageSize: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(entry.ID, entry.EntityID)
	}
	// Output:
	// Portfolio 2 fields
	// 90001 1000
	// 90002 1001
	// 90003 1002
}

// Add an organization to a list, read the entry back, and take it off again.
func ExampleClient_CreateListEntry() {
	fake := affinitytest.NewServer("my-key")
	defer fake.Close()
	listID := fake.GenerateList("Deal Flow", 1, 1)
	client, _ := affinity.NewClient("my-key", option.WithBaseURL(fake.URL))
	ctx := context.Background()

	entry, err := client.CreateListEntry(ctx, listID, 1000)
	if err != nil {
		log.Fatal(err)
	}
	got, _ := client.GetListEntry(ctx, listID, entry.ID)
	fmt.Println(got.EntityID, client.DeleteListEntry(ctx, listID, entry.ID))
	// Output:
	// 1000 <nil>
}

// Read an organization's field values, each typed by its field.
func ExampleClient_ListFieldValues() {
	fake := affinitytest.NewServer("my-key")
	defer fake.Close()
	fake.GenerateList("Deal Flow", 1, 6)
	client, _ := affinity.NewClient("my-key", option.WithBaseURL(fake.URL))

	values, err := client.ListFieldValues(context.Background(), affinity.FieldValueQuery{OrganizationID: 1000})
	if err != nil {
		log.Fatal(err)
	}
	for _, v := range values {
		switch v.Value.Type {
		case affinity.ValueRankedDropdown:
			fmt.Println("option", v.Value.Option.Text)
		case affinity.ValuePerson:
			fmt.Println("person", v.Value.EntityID)
		case affinity.ValueNumber:
			fmt.Println("number", v.Value.Number)
		case affinity.ValueDate:
			fmt.Println("date", v.Value.Date.Format("2006-01-02"))
		case affinity.ValueText:
			fmt.Println("text", v.Value.Text)
		case affinity.ValueLocation:
			fmt.Println("location", *v.Value.Location.City)
		}
	}
	// Output:
	// option New
	// person 38706
	// number 1000
	// date 2026-01-01
	// text Note 0
	// location San Francisco
}

// Set a value, change it, delete it, and read the field's history.
func ExampleClient_CreateFieldValue() {
	fake := affinitytest.NewServer("my-key")
	defer fake.Close()
	listID := fake.GenerateList("Deal Flow", 1, 3)
	client, _ := affinity.NewClient("my-key", option.WithBaseURL(fake.URL))
	ctx := context.Background()

	number := affinity.ValueNumber
	fields, _ := client.ListFields(ctx, affinity.FieldQuery{ListID: listID, ValueType: &number})
	amount := fields[0]
	v, err := client.CreateFieldValue(ctx, affinity.NewFieldValue{FieldID: amount.ID, EntityID: 1000, ListEntryID: 90001, Value: affinity.NumberValue(250000)})
	if err != nil {
		log.Fatal(err)
	}
	v, _ = client.UpdateFieldValue(ctx, v.ID, affinity.NumberValue(300000))
	fmt.Println(amount.Name, v.Value)
	_ = client.DeleteFieldValue(ctx, v.ID)

	history, _ := client.ListFieldValueChanges(ctx, affinity.FieldValueChangeQuery{FieldID: amount.ID, ListEntryID: 90001})
	for _, change := range history {
		fmt.Println(change.Action, change.Value)
	}
	// Output:
	// Amount 300000
	// 0 1000
	// 0 250000
	// 2 300000
	// 1 300000
}

// The account's quota, and who the key belongs to.
func ExampleClient_GetQuotas() {
	fake := affinitytest.NewServer("my-key")
	defer fake.Close()
	client, _ := affinity.NewClient("my-key", option.WithBaseURL(fake.URL))
	ctx := context.Background()

	q, err := client.GetQuotas(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(q.AccountMonthly.Unlimited, q.KeyPerMinute.Remaining, "of", q.KeyPerMinute.Limit, "left this minute")
	me, _ := client.WhoAmI(ctx)
	fmt.Println(me.Email, me.TenantSubdomain)
	// Output:
	// true 899 of 900 left this minute
	// jane@fake.example fake
}

// Option Won of field Status of list Deal Flow, by their names: what a write of the
// Status needs (OptionValue(won.ID)).
func ExampleClient_ListByName() {
	fake := affinitytest.NewServer("my-key")
	defer fake.Close()
	fake.GenerateList("Deal Flow", 3, 7)
	client, _ := affinity.NewClient("my-key", option.WithBaseURL(fake.URL))
	ctx := context.Background()

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
	fmt.Println(list.Name, list.ID, status.Name, status.ID, won.Text, won.ID)

	// A name that matches nothing says which there are.
	_, err = list.Field("Stage")
	var lookupErr *affinity.LookupError
	fmt.Println(errors.As(err, &lookupErr), lookupErr.Kind, len(lookupErr.Candidates))
	fmt.Println(err)
	// Output:
	// Deal Flow 501 Status 5010 Won 50102
	// true field 7
	// affinity: no field named "Stage" in list "Deal Flow" (id 501); there are "Status", "Owner", "Notes", "Sector", "Amount", "Close Date", "Headquarters"
}
