package newuser

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/orgapis/orgapis/wrappers/affinity"
)

// PeopleAt prints everyone the team knows at the organizations of domain (acme.com),
// each with their last note: the organizations found by search, kept when the domain
// is theirs exactly, their persons through v2 a hundred at a time, and each person's
// newest note.
func PeopleAt(ctx context.Context, client *affinity.Client, domain string, out io.Writer) error {
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
