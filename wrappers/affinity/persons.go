package affinity

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// The kinds of person (Person.Type).
const (
	PersonExternal = 0 // someone the team talks to
	PersonInternal = 1 // a user of the team's Affinity account
)

// PersonQuery selects persons. The zero value lists them all.
type PersonQuery struct {
	// Term matches part of an email address, a first name or a last name.
	Term string
	// WithInteractionDates adds interaction dates and leaves out persons with none.
	WithInteractionDates bool
	// WithInteractionPersons adds the persons of each interaction (needs the above).
	WithInteractionPersons bool
	// After and Before keep persons whose interaction of the given kind happened at or
	// after, or at or before, the given time (min_/max_<kind>_date).
	After, Before map[InteractionKind]time.Time
	// WithOpportunities adds the ids of each person's opportunities.
	WithOpportunities bool
	// WithCurrentOrganizations adds the ids of each person's current organizations.
	WithCurrentOrganizations bool
	// PageSize is the number of persons per request, 1 to 500; 0 means 500.
	PageSize int
}

// PersonPage is one page of a search for persons, with the token of the next one.
// Search results carry no OrganizationIDs; GetPerson has them.
type PersonPage struct {
	Persons []Person
	// NextPageToken is empty when there are no more pages.
	NextPageToken string
}

// PersonPage fetches one page of a search: the first when pageToken is empty,
// otherwise the page the token points to. q must be the query that produced the token.
func (c *Client) PersonPage(ctx context.Context, q PersonQuery, pageToken string, callOpts ...option.CallOption) (PersonPage, error) {
	params, err := q.params()
	if err != nil {
		return PersonPage{}, err
	}
	if pageToken != "" {
		params.PageToken = &pageToken
	}
	page, err := httpcore.Run(ctx, c.doer, "searchPersons", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.SearchPersons(ctx, params)
	}, checkPersonPage)
	if err != nil {
		return PersonPage{}, err
	}
	p := PersonPage{Persons: page.Persons}
	if page.NextPageToken != nil {
		p.NextPageToken = *page.NextPageToken
	}
	return p, nil
}

// PersonPages iterates over the pages of a search from the page startToken points to
// (empty for the first), with the guards of every listing: a repeated token fails with
// ErrRepeatedPageToken and a run of empty pages with ErrEmptyPages.
func (c *Client) PersonPages(ctx context.Context, q PersonQuery, startToken string, callOpts ...option.CallOption) iter.Seq2[PersonPage, error] {
	return tokenPages(ctx, c, startToken, func(ctx context.Context, token string) (PersonPage, error) {
		return c.PersonPage(ctx, q, token, callOpts...)
	}, func(p PersonPage) string { return p.NextPageToken }, func(p PersonPage) int { return len(p.Persons) })
}

// Persons iterates over every person the query matches, page after page.
func (c *Client) Persons(ctx context.Context, q PersonQuery, callOpts ...option.CallOption) iter.Seq2[Person, error] {
	return items(c.PersonPages(ctx, q, "", callOpts...), func(p PersonPage) []Person { return p.Persons })
}

// GetPersonOptions adds optional parts to GetPerson's answer.
type GetPersonOptions struct {
	WithInteractionDates   bool
	WithInteractionPersons bool
	// WithOpportunities adds the ids of the person's opportunities.
	WithOpportunities bool
	// WithCurrentOrganizations adds the ids of the person's current organizations.
	WithCurrentOrganizations bool
}

// GetPerson fetches one person by id, with the ids of their organizations and their
// list entries.
func (c *Client) GetPerson(ctx context.Context, id int64, opts GetPersonOptions, callOpts ...option.CallOption) (Person, error) {
	if err := checkPositive("person_id", id); err != nil {
		return Person{}, err
	}
	if opts.WithInteractionPersons && !opts.WithInteractionDates {
		return Person{}, paramError("with_interaction_persons", "needs with_interaction_dates")
	}
	params := &affinityapi.GetPersonParams{
		WithInteractionDates:     optional(opts.WithInteractionDates),
		WithInteractionPersons:   optional(opts.WithInteractionPersons),
		WithOpportunities:        optional(opts.WithOpportunities),
		WithCurrentOrganizations: optional(opts.WithCurrentOrganizations),
	}
	return httpcore.Run(ctx, c.doer, "getPerson", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.GetPerson(ctx, id, params)
	}, checkPerson)
}

// NewPerson holds the fields of a person to create.
type NewPerson struct {
	FirstName string // required
	LastName  string
	// Emails may be empty; Affinity refuses an address another person already has.
	Emails          []string
	OrganizationIDs []int64
}

// CreatePerson creates a person and returns it. Affinity keeps one person per email
// address, so a second create with the same address fails instead of making a
// duplicate; a person without addresses has no such guard.
// Retries: the client repeats it only when the request never reached Affinity, so it
// cannot create one twice; a 2xx answer it cannot read is an *Error with Applied set
// (match ErrApplied), and a failure after the request may have arrived is an
// *apicall.UnknownOutcomeError (ErrMaybeApplied): search by an address before calling
// it again.
func (c *Client) CreatePerson(ctx context.Context, p NewPerson, callOpts ...option.CallOption) (Person, error) {
	if p.FirstName == "" {
		return Person{}, paramError("first_name", "is required")
	}
	if err := checkEmails(p.Emails); err != nil {
		return Person{}, err
	}
	if err := checkIDs("organization_ids", p.OrganizationIDs); err != nil {
		return Person{}, err
	}
	body := affinityapi.PersonCreate{FirstName: p.FirstName, LastName: p.LastName, Emails: p.Emails, OrganizationIDs: p.OrganizationIDs}
	if body.Emails == nil {
		body.Emails = []string{} // required, and [] is how "none" is said
	}
	return httpcore.Run(ctx, c.doer, "createPerson", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.CreatePerson(ctx, body)
	}, checkPerson)
}

// PersonUpdate holds the changes to a person. Empty strings and nil slices leave a
// field unchanged. Emails and OrganizationIDs each replace the whole set: include what
// should stay; a non-nil empty slice removes every address or organization.
type PersonUpdate struct {
	FirstName       string
	LastName        string
	Emails          []string
	OrganizationIDs []int64
}

// UpdatePerson changes a person and returns it.
// Retries: the client repeats it after a 5xx, a 429 or a broken connection, which is
// safe, as setting the same members again changes nothing more. A 2xx answer it cannot
// read is an *Error with Applied set (match ErrApplied) and is never repeated.
func (c *Client) UpdatePerson(ctx context.Context, id int64, u PersonUpdate, callOpts ...option.CallOption) (Person, error) {
	if err := checkPositive("person_id", id); err != nil {
		return Person{}, err
	}
	if err := checkEmails(u.Emails); err != nil {
		return Person{}, err
	}
	if err := checkIDs("organization_ids", u.OrganizationIDs); err != nil {
		return Person{}, err
	}
	// Not affinityapi.PersonUpdate: its arrays are omitted when empty, and an empty set
	// is how every address or organization is removed.
	var body struct {
		FirstName       *string   `json:"first_name,omitempty"`
		LastName        *string   `json:"last_name,omitempty"`
		Emails          *[]string `json:"emails,omitempty"`
		OrganizationIDs *[]int64  `json:"organization_ids,omitempty"`
	}
	if u.FirstName != "" {
		body.FirstName = &u.FirstName
	}
	if u.LastName != "" {
		body.LastName = &u.LastName
	}
	if u.Emails != nil {
		body.Emails = &u.Emails
	}
	if u.OrganizationIDs != nil {
		body.OrganizationIDs = &u.OrganizationIDs
	}
	if body.FirstName == nil && body.LastName == nil && body.Emails == nil && body.OrganizationIDs == nil {
		return Person{}, paramError("update", "changes nothing")
	}
	return httpcore.Run(ctx, c.doer, "updatePerson", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.UpdatePersonWithBody(ctx, id, "application/json", jsonBody(body))
	}, checkPerson)
}

// DeletePerson deletes a person and all their field values.
// Retries: the client repeats it after a 5xx, a 429 or a broken connection, which is
// safe, as a second delete of the same person finds them gone (ErrNotFound). A 2xx
// answer it cannot read is an *Error with Applied set (match ErrApplied) and is never
// repeated.
func (c *Client) DeletePerson(ctx context.Context, id int64, callOpts ...option.CallOption) error {
	if err := checkPositive("person_id", id); err != nil {
		return err
	}
	return c.deleted(ctx, "deletePerson", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.DeletePerson(ctx, id)
	})
}

// ListPersonFields lists the global fields of persons.
func (c *Client) ListPersonFields(ctx context.Context, callOpts ...option.CallOption) ([]Field, error) {
	return httpcore.Run(ctx, c.doer, "listPersonFields", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.ListPersonFields(ctx)
	}, notNull[Field], fieldIDs)
}

// wirePersonPage is affinityapi.PersonPage's members, as this package's records.
type wirePersonPage struct {
	Persons       []Person `json:"persons"`
	NextPageToken *string  `json:"next_page_token"`
}

// checkPersonPage refuses a page without its persons array, or with a person that has
// no id: a body of the wrong shape must not end a listing as if it were done.
func checkPersonPage(p *wirePersonPage) error {
	if p.Persons == nil {
		return &apicall.MissingMemberError{Member: "persons", Reason: "missing or null"}
	}
	return eachID(p.Persons, "persons", func(p *Person) int64 { return p.ID })
}

// checkPerson refuses a person without an id.
func checkPerson(p *Person) error { return positiveID("id", p.ID) }

// checkIDs refuses an id that is not positive, naming its place in the array.
func checkIDs(param string, ids []int64) error {
	for i, id := range ids {
		if id <= 0 {
			return paramError(fmt.Sprintf("%s[%d]", param, i), fmt.Sprintf("must be positive, got %d", id))
		}
	}
	return nil
}

// checkEmails refuses an empty address; Affinity's own checks decide the rest.
func checkEmails(emails []string) error {
	for i, e := range emails {
		if e == "" {
			return paramError(fmt.Sprintf("emails[%d]", i), "is empty")
		}
	}
	return nil
}

func (q PersonQuery) params() (*affinityapi.SearchPersonsParams, error) {
	if q.PageSize < 0 || q.PageSize > MaxPageSize {
		return nil, paramError("page_size", fmt.Sprintf("must be 1 to %d (or 0 for the default), got %d", MaxPageSize, q.PageSize))
	}
	if q.WithInteractionPersons && !q.WithInteractionDates {
		return nil, paramError("with_interaction_persons", "needs with_interaction_dates")
	}
	p := &affinityapi.SearchPersonsParams{
		WithInteractionDates:     optional(q.WithInteractionDates),
		WithInteractionPersons:   optional(q.WithInteractionPersons),
		WithOpportunities:        optional(q.WithOpportunities),
		WithCurrentOrganizations: optional(q.WithCurrentOrganizations),
	}
	if q.Term != "" {
		p.Term = &q.Term
	}
	if q.PageSize != 0 {
		p.PageSize = &q.PageSize
	}
	type pair struct{ min, max **time.Time }
	slots := map[InteractionKind]pair{
		FirstEmail:      {&p.MinFirstEmailDate, &p.MaxFirstEmailDate},
		LastEmail:       {&p.MinLastEmailDate, &p.MaxLastEmailDate},
		LastInteraction: {&p.MinLastInteractionDate, &p.MaxLastInteractionDate},
		LastEvent:       {&p.MinLastEventDate, &p.MaxLastEventDate},
		FirstEvent:      {&p.MinFirstEventDate, &p.MaxFirstEventDate},
		NextEvent:       {&p.MinNextEventDate, &p.MaxNextEventDate},
	}
	for _, bound := range []struct {
		prefix string
		dates  map[InteractionKind]time.Time
	}{{"min_", q.After}, {"max_", q.Before}} {
		for kind, t := range bound.dates {
			s, ok := slots[kind]
			if !ok {
				return nil, paramError(bound.prefix+string(kind)+"_date", "is not an interaction Affinity knows")
			}
			slot := s.max
			if bound.prefix == "min_" {
				slot = s.min
			}
			*slot = &t
		}
	}
	return p, nil
}
