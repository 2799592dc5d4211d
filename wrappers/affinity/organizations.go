package affinity

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// MaxPageSize is the largest page Affinity serves, and its default.
const MaxPageSize = 500

// InteractionKind names one of the six interactions that search can filter by.
type InteractionKind string

// The interactions Affinity records for an organization.
const (
	FirstEmail      InteractionKind = "first_email"
	LastEmail       InteractionKind = "last_email"
	LastInteraction InteractionKind = "last_interaction"
	LastEvent       InteractionKind = "last_event"
	FirstEvent      InteractionKind = "first_event"
	NextEvent       InteractionKind = "next_event"
)

// OrganizationQuery selects organizations. The zero value lists them all.
type OrganizationQuery struct {
	// Term matches part of an organization's name or domain.
	Term string
	// WithInteractionDates adds interaction dates and leaves out organizations with none.
	WithInteractionDates bool
	// WithInteractionPersons adds the persons of each interaction (needs the above).
	WithInteractionPersons bool
	// After and Before keep organizations whose interaction of the given kind happened
	// at or after, or at or before, the given time (min_/max_<kind>_date).
	After, Before map[InteractionKind]time.Time
	// WithOpportunities adds the ids of each organization's opportunities.
	WithOpportunities bool
	// PageSize is the number of organizations per request, 1 to 500; 0 means 500.
	PageSize int
}

// OrganizationPage is one page of a search, with the token that fetches the next one.
// Keep NextPageToken to resume a listing later with OrganizationPage or
// OrganizationPages.
type OrganizationPage struct {
	Organizations []Organization
	// NextPageToken is empty when there are no more pages.
	NextPageToken string
}

// ErrRepeatedPageToken means the service handed out a page token it had handed out
// before; following it would loop forever.
var ErrRepeatedPageToken = errors.New("affinity: page token repeated")

// ErrEmptyPages ends a listing that received MaxEmptyPages empty pages in a row, each
// with a new token: a service that never says "done" must not keep a loop going.
var ErrEmptyPages = errors.New("affinity: too many empty pages in a row")

// MaxEmptyPages is how many empty pages in a row a listing crosses before it fails
// with ErrEmptyPages. Affinity sends an empty page with a token now and then; never
// dozens.
const MaxEmptyPages = 20

// OrganizationPage fetches one page of a search: the first when pageToken is empty,
// otherwise the page the token points to. q must be the query that produced the token.
func (c *Client) OrganizationPage(ctx context.Context, q OrganizationQuery, pageToken string, callOpts ...option.CallOption) (OrganizationPage, error) {
	params, err := q.params()
	if err != nil {
		return OrganizationPage{}, err
	}
	if pageToken != "" {
		params.PageToken = &pageToken
	}
	page, err := httpcore.Run(ctx, c.doer, "searchOrganizations", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.SearchOrganizations(ctx, params)
	}, checkPage)
	if err != nil {
		return OrganizationPage{}, err
	}
	p := OrganizationPage{Organizations: page.Organizations}
	if page.NextPageToken != nil {
		p.NextPageToken = *page.NextPageToken
	}
	return p, nil
}

// OrganizationPages iterates over the pages of a search, starting at the page
// startToken points to (empty for the first page). It follows next_page_token with the
// query unchanged, crosses empty pages that still carry a token, stops at a null token,
// and fails with ErrRepeatedPageToken instead of looping. Only one page is held at a
// time.
func (c *Client) OrganizationPages(ctx context.Context, q OrganizationQuery, startToken string, callOpts ...option.CallOption) iter.Seq2[OrganizationPage, error] {
	return tokenPages(ctx, c, startToken, func(ctx context.Context, token string) (OrganizationPage, error) {
		return c.OrganizationPage(ctx, q, token, callOpts...)
	},
		func(p OrganizationPage) string { return p.NextPageToken }, func(p OrganizationPage) int { return len(p.Organizations) })
}

// Organizations iterates over every organization the query matches, page after page.
// Stop early by breaking out of the loop; nothing is left running.
func (c *Client) Organizations(ctx context.Context, q OrganizationQuery, callOpts ...option.CallOption) iter.Seq2[Organization, error] {
	return items(c.OrganizationPages(ctx, q, "", callOpts...), func(p OrganizationPage) []Organization { return p.Organizations })
}

// GetOrganizationOptions adds optional parts to GetOrganization's answer.
type GetOrganizationOptions struct {
	WithInteractionDates   bool
	WithInteractionPersons bool
	// WithOpportunities adds the ids of the organization's opportunities.
	WithOpportunities bool
}

// GetOrganization fetches one organization by id.
func (c *Client) GetOrganization(ctx context.Context, id int64, opts GetOrganizationOptions, callOpts ...option.CallOption) (Organization, error) {
	if err := checkID(id); err != nil {
		return Organization{}, err
	}
	params := &affinityapi.GetOrganizationParams{
		WithInteractionDates:   optional(opts.WithInteractionDates),
		WithInteractionPersons: optional(opts.WithInteractionPersons),
		WithOpportunities:      optional(opts.WithOpportunities),
	}
	return httpcore.Run(ctx, c.doer, "getOrganization", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.GetOrganization(ctx, id, params)
	}, checkOrganization)
}

// NewOrganization holds the fields of an organization to create.
type NewOrganization struct {
	Name      string // required
	Domain    string
	PersonIDs []int64
}

// CreateOrganization creates an organization and returns it. Affinity does not refuse
// a second organization of the same domain.
// Retries: the client repeats it only when the request never reached Affinity, so it
// cannot create one twice; a 2xx answer it cannot read is an *Error with Applied set (match
// ErrApplied), and a failure after the request may have arrived is an
// *apicall.UnknownOutcomeError (ErrMaybeApplied): look before calling it again, since
// Affinity has no idempotency keys.
func (c *Client) CreateOrganization(ctx context.Context, org NewOrganization, callOpts ...option.CallOption) (Organization, error) {
	if org.Name == "" {
		return Organization{}, paramError("name", "is required")
	}
	body := affinityapi.OrganizationCreate{Name: org.Name}
	if org.Domain != "" {
		body.Domain = &org.Domain
	}
	body.PersonIDs = org.PersonIDs
	return httpcore.Run(ctx, c.doer, "createOrganization", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.CreateOrganization(ctx, body)
	}, checkOrganization)
}

// OrganizationUpdate holds the changes to an organization. Empty strings and a nil
// slice leave a field unchanged. PersonIDs replaces the whole set: include the ids that
// should stay; a non-nil empty slice removes every person.
type OrganizationUpdate struct {
	Name      string
	Domain    string
	PersonIDs []int64
}

// UpdateOrganization changes an organization and returns it.
// Retries: the client repeats it after a 5xx, a 429 or a broken connection, which is
// safe, as setting the same members again changes nothing more. A 2xx answer it cannot read is an *Error with Applied set (match
// ErrApplied) and is never repeated.
func (c *Client) UpdateOrganization(ctx context.Context, id int64, u OrganizationUpdate, callOpts ...option.CallOption) (Organization, error) {
	if err := checkID(id); err != nil {
		return Organization{}, err
	}
	// Not affinityapi.OrganizationUpdate: its person_ids is omitted when empty, and an
	// empty set is how every person is removed.
	var body struct {
		Name      *string  `json:"name,omitempty"`
		Domain    *string  `json:"domain,omitempty"`
		PersonIDs *[]int64 `json:"person_ids,omitempty"`
	}
	if u.Name != "" {
		body.Name = &u.Name
	}
	if u.Domain != "" {
		body.Domain = &u.Domain
	}
	if u.PersonIDs != nil {
		body.PersonIDs = &u.PersonIDs
	}
	if body.Name == nil && body.Domain == nil && body.PersonIDs == nil {
		return Organization{}, paramError("update", "changes nothing")
	}
	return httpcore.Run(ctx, c.doer, "updateOrganization", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.UpdateOrganizationWithBody(ctx, id, "application/json", jsonBody(body))
	}, checkOrganization)
}

// DeleteOrganization deletes an organization and its field values. Global
// organizations cannot be deleted.
// Retries: the client repeats it after a 5xx, a 429 or a broken connection, which is
// safe, as a second delete of the same organization finds it gone (ErrNotFound). A 2xx answer it cannot read is an *Error with Applied set (match
// ErrApplied) and is never repeated.
func (c *Client) DeleteOrganization(ctx context.Context, id int64, callOpts ...option.CallOption) error {
	if err := checkID(id); err != nil {
		return err
	}
	return c.deleted(ctx, "deleteOrganization", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.DeleteOrganization(ctx, id)
	})
}

// ListOrganizationFields lists the global fields of organizations.
func (c *Client) ListOrganizationFields(ctx context.Context, callOpts ...option.CallOption) ([]Field, error) {
	return httpcore.Run(ctx, c.doer, "listOrganizationFields", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.ListOrganizationFields(ctx)
	}, notNull[Field], fieldIDs)
}

// wireOrganizationPage is affinityapi.OrganizationPage's members, as this package's
// records.
type wireOrganizationPage struct {
	Organizations []Organization `json:"organizations"`
	NextPageToken *string        `json:"next_page_token"`
}

// checkPage refuses a page without its organizations array, or with an organization
// that has no id: a body of the wrong shape must not end a listing as if it were done.
func checkPage(p *wireOrganizationPage) error {
	if p.Organizations == nil {
		return &apicall.MissingMemberError{Member: "organizations", Reason: "missing or null"}
	}
	return eachID(p.Organizations, "organizations", func(o *Organization) int64 { return o.ID })
}

// checkOrganization refuses an organization without an id (Affinity ids start at 1).
func checkOrganization(o *Organization) error { return positiveID("id", o.ID) }

func checkID(id int64) error { return checkPositive("organization_id", id) }

func (q OrganizationQuery) params() (*affinityapi.SearchOrganizationsParams, error) {
	if q.PageSize < 0 || q.PageSize > MaxPageSize {
		return nil, paramError("page_size", fmt.Sprintf("must be 1 to %d (or 0 for the default), got %d", MaxPageSize, q.PageSize))
	}
	if q.WithInteractionPersons && !q.WithInteractionDates {
		return nil, paramError("with_interaction_persons", "needs with_interaction_dates")
	}
	p := &affinityapi.SearchOrganizationsParams{
		WithInteractionDates:   optional(q.WithInteractionDates),
		WithInteractionPersons: optional(q.WithInteractionPersons),
		WithOpportunities:      optional(q.WithOpportunities),
	}
	if q.Term != "" {
		p.Term = &q.Term
	}
	if q.PageSize != 0 {
		p.PageSize = &q.PageSize
	}
	for _, bound := range []struct {
		prefix string
		dates  map[InteractionKind]time.Time
	}{{"min_", q.After}, {"max_", q.Before}} {
		for kind, t := range bound.dates {
			slot := dateSlot(p, bound.prefix == "min_", kind)
			if slot == nil {
				return nil, paramError(bound.prefix+string(kind)+"_date", "is not an interaction Affinity knows")
			}
			t := t
			*slot = &t
		}
	}
	return p, nil
}

func optional(b bool) *bool {
	if !b {
		return nil
	}
	return &b
}

// dateSlot finds the parameter field for one bound of one interaction kind.
func dateSlot(p *affinityapi.SearchOrganizationsParams, isMin bool, kind InteractionKind) **time.Time {
	type pair struct{ min, max **time.Time }
	slots := map[InteractionKind]pair{
		FirstEmail:      {&p.MinFirstEmailDate, &p.MaxFirstEmailDate},
		LastEmail:       {&p.MinLastEmailDate, &p.MaxLastEmailDate},
		LastInteraction: {&p.MinLastInteractionDate, &p.MaxLastInteractionDate},
		LastEvent:       {&p.MinLastEventDate, &p.MaxLastEventDate},
		FirstEvent:      {&p.MinFirstEventDate, &p.MaxFirstEventDate},
		NextEvent:       {&p.MinNextEventDate, &p.MaxNextEventDate},
	}
	s, ok := slots[kind]
	switch {
	case !ok:
		return nil
	case isMin:
		return s.min
	default:
		return s.max
	}
}
