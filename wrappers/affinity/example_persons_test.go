package affinity_test

import (
	"context"
	"fmt"
	"log"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
)

// Attach research to an organization without a second copy on a re-run: the second call
// finds the note the first made and creates nothing.
func ExampleClient_CreateNoteIfAbsent() {
	fake := affinitytest.NewServer("key")
	defer fake.Close()
	fake.Add(affinity.Organization{ID: 10, Name: "Acme", Domain: "acme.com", Domains: []string{"acme.com"}})
	client, err := fake.Client()
	if err != nil {
		log.Fatal(err)
	}
	research := affinity.NewNote{Content: "Raised a Series B in November.", OrganizationIDs: []int64{10}}
	for range 2 {
		note, created, err := client.CreateNoteIfAbsent(context.Background(), research)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(note.Content, "created:", created)
	}
	fmt.Println("notes:", fake.NoteCount())
	// Output:
	// Raised a Series B in November. created: true
	// Raised a Series B in November. created: false
	// notes: 1
}

// Add a contact to an organization and find them again by part of their address.
func ExampleClient_CreatePerson() {
	fake := affinitytest.NewServer("key")
	defer fake.Close()
	fake.Add(affinity.Organization{ID: 10, Name: "Acme", Domain: "acme.com", Domains: []string{"acme.com"}})
	client, err := fake.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	p, err := client.CreatePerson(ctx, affinity.NewPerson{FirstName: "Zoë", LastName: "Ångström", Emails: []string{"zoe@acme.com"}, OrganizationIDs: []int64{10}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.FirstName, p.LastName, p.OrganizationIDs)
	for p, err := range client.Persons(ctx, affinity.PersonQuery{Term: "zoe@"}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("found:", p.PrimaryEmail)
	}
	// Output:
	// Zoë Ångström [10]
	// found: zoe@acme.com
}
