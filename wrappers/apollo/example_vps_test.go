package apollo_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
)

// The VPs of engineering at twenty companies, and what it cost: people search finds
// them for free, bulk enrichment reveals their emails for a credit each, and a budget
// of 25 credits caps the run.
func Example_vpsOfEngineering() {
	fake := apollotest.NewServer("key")
	defer fake.Close()
	var domains []string
	for i := range 20 {
		d := fmt.Sprintf("company%02d.example", i)
		domains = append(domains, d)
		fake.AddPeople(apollotest.Person{FirstName: "Engineer", LastName: fmt.Sprint(i), Title: "Software Engineer", Seniority: apollo.SenioritySenior, Domain: d})
		if i%7 != 3 { // three of the twenty have no VP of engineering
			fake.AddPeople(apollotest.Person{FirstName: "Zoë", LastName: fmt.Sprintf("Ångström %d", i), Title: "VP of Engineering",
				Seniority: apollo.SeniorityVP, Email: "zoe@" + d, Domain: d})
		}
	}
	client, err := fake.Client(apollo.WithCreditBudget(25))
	if err != nil {
		log.Fatal(err)
	}
	if err := vpsOfEngineering(context.Background(), client, domains, os.Stdout); err != nil {
		log.Fatal(err)
	}
	fmt.Println("the fake counted", fake.Credits(), "credits")
	// Output:
	// Zoë Ångström 0 <zoe@company00.example>
	// Zoë Ångström 1 <zoe@company01.example>
	// Zoë Ångström 2 <zoe@company02.example>
	// Zoë Ångström 4 <zoe@company04.example>
	// Zoë Ångström 5 <zoe@company05.example>
	// Zoë Ångström 6 <zoe@company06.example>
	// Zoë Ångström 7 <zoe@company07.example>
	// Zoë Ångström 8 <zoe@company08.example>
	// Zoë Ångström 9 <zoe@company09.example>
	// Zoë Ångström 11 <zoe@company11.example>
	// Zoë Ångström 12 <zoe@company12.example>
	// Zoë Ångström 13 <zoe@company13.example>
	// Zoë Ångström 14 <zoe@company14.example>
	// Zoë Ångström 15 <zoe@company15.example>
	// Zoë Ångström 16 <zoe@company16.example>
	// Zoë Ångström 18 <zoe@company18.example>
	// Zoë Ångström 19 <zoe@company19.example>
	// 17 VPs of engineering, 17 credits (17 spent by this client in all)
	// the fake counted 17 credits
}

// vpsOfEngineering prints the VPs of engineering at the companies of domains, with
// their emails, and what revealing them cost: the people found for free by search, a
// hundred a page, then revealed ten a request, a credit each found.
func vpsOfEngineering(ctx context.Context, client *apollo.Client, domains []string, out io.Writer) error {
	q := apollo.PeopleQuery{Domains: domains, Titles: []string{"VP of Engineering"}, Seniorities: []apollo.Seniority{apollo.SeniorityVP}, PerPage: 100}
	var found []apollo.MatchQuery
	for p, err := range client.People(ctx, q) {
		if err != nil {
			return err
		}
		found = append(found, apollo.MatchQuery{ID: p.ID})
	}
	revealed, err := client.BulkMatchPeople(ctx, found)
	if err != nil {
		return err
	}
	for _, p := range revealed.People {
		fmt.Fprintf(out, "%s <%s>\n", p.Name, p.Email)
	}
	fmt.Fprintf(out, "%d VPs of engineering, %d credits (%d spent by this client in all)\n", len(revealed.People), revealed.Credits, client.CreditsSpent())
	return nil
}
