package newuser

import (
	"context"
	"fmt"
	"io"

	"github.com/orgapis/orgapis/wrappers/apollo"
)

// VPsOfEngineering prints the VPs of engineering at the companies of domains, with
// their emails, and what revealing them cost: the people found for free by search, a
// hundred a page, then revealed ten a request, a credit each found.
func VPsOfEngineering(ctx context.Context, client *apollo.Client, domains []string, out io.Writer) error {
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
