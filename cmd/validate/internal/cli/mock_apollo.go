package cli

import (
	"fmt"

	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
)

// seedApolloPeople gives the Apollo mock n people, round robin over the organization
// of mockOrgID (domain mock.example) and the orgs that search finds (company0.example
// and on, with the ids search gives them), so that live's people search by --org-id
// finds some and a program can ask for people at the search's domains. Every third
// person, from the first, is a VP of Engineering; the others are engineers.
func seedApolloPeople(fake *apollotest.Server, n, orgs int) {
	people := make([]apollotest.Person, 0, n)
	for i := range n {
		p := apollotest.Person{FirstName: "Person", LastName: fmt.Sprint(i), Title: "Software Engineer", Seniority: apollo.SenioritySenior}
		if i%3 == 0 {
			p.Title, p.Seniority = "VP of Engineering", apollo.SeniorityVP
		}
		if j := i % (orgs + 1); j == 0 {
			p.OrganizationID, p.Domain, p.OrganizationName = mockOrgID, "mock.example", "Mock Company"
		} else {
			// The id, domain and name search gives its j-th organization.
			p.OrganizationID, p.Domain, p.OrganizationName = fmt.Sprintf("%024x", j), fmt.Sprintf("company%d.example", j-1), fmt.Sprintf("Company %d", j-1)
		}
		p.Email = fmt.Sprintf("person%d@%s", i, p.Domain)
		people = append(people, p)
	}
	fake.AddPeople(people...)
}
