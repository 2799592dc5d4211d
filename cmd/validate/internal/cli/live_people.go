package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/orgapis/orgapis/wrappers/affinity"
)

// affinityPeople reads the persons and notes once each, ids taken from the answers
// before (orgID is the first organization listed, 0 for none): a page of persons, the
// first person, the person fields, a page of the person's notes (of every note without
// a person) and the first note; then v2's persons, the first one, their list entries
// and notes, and the organization's notes. Reads only.
func (s *liveSession) affinityPeople(ctx context.Context, c *affinity.Client, orgID int64, stderr io.Writer) {
	var personID, noteID int64
	s.call(ctx, "searchPersons", func(ctx context.Context) error {
		p, err := c.PersonPage(ctx, affinity.PersonQuery{PageSize: 10}, "")
		if len(p.Persons) > 0 {
			personID = p.Persons[0].ID
		}
		return err
	})
	if personID != 0 {
		s.call(ctx, "getPerson", func(ctx context.Context) error {
			_, err := c.GetPerson(ctx, personID, affinity.GetPersonOptions{WithCurrentOrganizations: true, WithOpportunities: true})
			return err
		})
	} else {
		fmt.Fprintln(stderr, "validate live: no person listed, so getPerson was not called")
	}
	s.call(ctx, "listPersonFields", func(ctx context.Context) error {
		_, err := c.ListPersonFields(ctx)
		return err
	})
	s.call(ctx, "listNotes", func(ctx context.Context) error {
		p, err := c.NotePage(ctx, affinity.NoteQuery{PersonID: personID, PageSize: 10}, "")
		if len(p.Notes) > 0 {
			noteID = p.Notes[0].ID
		}
		return err
	})
	if noteID != 0 {
		s.call(ctx, "getNote", func(ctx context.Context) error {
			_, err := c.GetNote(ctx, noteID)
			return err
		})
	}
	// v2, through the client's Do, as affinityV2 reads what the wrapper has no method
	// for; Do decodes the answer into into (nil discards it) within the client's limits.
	get := func(op, path string, query url.Values, into any) {
		s.call(ctx, op, func(ctx context.Context) error {
			return c.Do(ctx, http.MethodGet, path, query, nil, into)
		})
	}
	var persons struct {
		Data []struct {
			ID int64 `json:"id"`
		} `json:"data"`
	}
	get("listPersonsV2", "v2/persons", url.Values{"limit": {"10"}}, &persons)
	if len(persons.Data) > 0 && persons.Data[0].ID > 0 {
		person := "v2/persons/" + url.PathEscape(fmt.Sprint(persons.Data[0].ID))
		get("getPersonV2", person, nil, nil)
		get("listPersonListEntriesV2", person+"/list-entries", nil, nil)
		get("listPersonNotesV2", person+"/notes", nil, nil)
	}
	if orgID != 0 {
		get("listCompanyNotesV2", "v2/companies/"+url.PathEscape(fmt.Sprint(orgID))+"/notes", nil, nil)
	}
}
