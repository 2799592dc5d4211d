package affinity_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
)

// The first program a new user writes, here against the fake; the same program runs
// against validate mock in the command's tests (internal/newuser holds its twin, and
// TestTheNewUserProgramIsOne holds the two to one text).
func Example_newUser() {
	fake := affinitytest.NewServer("key")
	defer fake.Close()
	fake.GenerateList("Deal Flow", 3, 1) // Status: New, In Progress, Won
	client, err := fake.Client()
	if err != nil {
		log.Fatal(err)
	}
	if err := program(context.Background(), client, os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// organization: Acme Robotics Inc. acme-robotics.example
	// status: Won
	// Org 1000 [New]
	// Org 1001 [In Progress]
	// Org 1002 [Won]
	// Acme Robotics Inc. [Won]
	// deleted: true
}

// program creates an organization, renames it, puts it on the Deal Flow list with its
// Status set to Won (the list, the field and the option found by name), reads the list
// back, and deletes the entry and the organization, printing to out as it goes.
func program(ctx context.Context, client *affinity.Client, out io.Writer) error {
	org, err := client.CreateOrganization(ctx, affinity.NewOrganization{Name: "Acme Robotics", Domain: "acme-robotics.example"})
	if err != nil {
		return err
	}
	org, err = client.UpdateOrganization(ctx, org.ID, affinity.OrganizationUpdate{Name: "Acme Robotics Inc."})
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "organization:", org.Name, org.Domain)

	list, err := client.ListByName(ctx, "Deal Flow")
	if err != nil {
		return err
	}
	status, err := list.Field("Status")
	if err != nil {
		return err
	}
	won, err := status.Option("Won")
	if err != nil {
		return err
	}
	entry, err := client.CreateListEntry(ctx, list.ID, org.ID)
	if err != nil {
		return err
	}
	value, err := client.CreateFieldValue(ctx, affinity.NewFieldValue{FieldID: status.ID, EntityID: org.ID, ListEntryID: entry.ID,
		Value: affinity.OptionValue(won.ID)})
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "status:", value.Value)

	for row, err := range client.ListRows(ctx, list.ID, affinity.RowOptions{}) {
		if err != nil {
			return err
		}
		fmt.Fprintln(out, row.Organization.Name, row.Values["Status"])
	}

	if err := client.DeleteListEntry(ctx, list.ID, entry.ID); err != nil {
		return err
	}
	if err := client.DeleteOrganization(ctx, org.ID); err != nil {
		return err
	}
	_, err = client.GetOrganization(ctx, org.ID, affinity.GetOrganizationOptions{})
	fmt.Fprintln(out, "deleted:", errors.Is(err, affinity.ErrNotFound))
	return nil
}
