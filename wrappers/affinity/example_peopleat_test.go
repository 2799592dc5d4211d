package affinity_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"slices"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
)

// Everyone the team knows at acme.com, with their last note: the second program a new
// user writes, here against the fake (internal/newuser holds its twin, which the
// command's tests run against validate mock; TestThePeopleAtProgramIsOne holds the two
// to one text and to twenty lines).
func Example_peopleAt() {
	fake := affinitytest.NewServer("key")
	defer fake.Close()
	fake.Add(affinity.Organization{ID: 10, Name: "Acme", Domain: "acme.com", Domains: []string{"acme.com"}},
		affinity.Organization{ID: 11, Name: "Not Acme", Domain: "notacme.com", Domains: []string{"notacme.com"}})
	ids := fake.AddPersons(affinity.Person{FirstName: "Zoë", LastName: "Ångström", Emails: []string{"zoe@acme.com"}, OrganizationIDs: []int64{10}},
		affinity.Person{FirstName: "Raj", LastName: "Patel", Emails: []string{"raj@acme.com"}, OrganizationIDs: []int64{10}},
		affinity.Person{FirstName: "Max", LastName: "Muster", Emails: []string{"max@notacme.com"}, OrganizationIDs: []int64{11}})
	day := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	fake.AddNotes(affinity.Note{Content: "Wants a demo in December.", PersonIDs: ids[:1], CreatedAt: day.Add(48 * time.Hour)},
		affinity.Note{Content: "Met at the conference.", PersonIDs: ids[:1], CreatedAt: day})
	client, err := fake.Client()
	if err != nil {
		log.Fatal(err)
	}
	if err := peopleAt(context.Background(), client, "acme.com", os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// Zoë Ångström <zoe@acme.com>: "Wants a demo in December."
	// Raj Patel <raj@acme.com>: ""
}

// peopleAt prints everyone the team knows at the organizations of domain (acme.com),
// each with their last note: the organizations found by search, kept when the domain
// is theirs exactly, their persons through v2 a hundred at a time, and each person's
// newest note.
func peopleAt(ctx context.Context, client *affinity.Client, domain string, out io.Writer) error {
	for org, err := range client.Organizations(ctx, affinity.OrganizationQuery{Term: domain}) {
		if err != nil {
			return err
		} else if !slices.Contains(org.Domains, domain) {
			continue // the term matched a name or another domain
		}
		for p, err := range client.OrganizationPersons(ctx, org.ID) {
			if err != nil {
				return err
			}
			note, _, err := client.LastNote(ctx, affinity.NoteQuery{PersonID: p.ID})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%s %s <%s>: %q\n", p.FirstName, p.LastName, p.PrimaryEmail, note.Content)
		}
	}
	return nil
}
