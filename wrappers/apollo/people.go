package apollo

import (
	"context"
	"fmt"
	"iter"
	"net/http"

	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// MaxPeopleDomains is the most employer domains one people search takes.
const MaxPeopleDomains = 1000

// Seniority is the level of a person's current position, as people search filters by
// it.
type Seniority string

// The seniorities Apollo documents.
const (
	SeniorityOwner    Seniority = "owner"
	SeniorityFounder  Seniority = "founder"
	SeniorityCSuite   Seniority = "c_suite"
	SeniorityPartner  Seniority = "partner"
	SeniorityVP       Seniority = "vp"
	SeniorityHead     Seniority = "head"
	SeniorityDirector Seniority = "director"
	SeniorityManager  Seniority = "manager"
	SenioritySenior   Seniority = "senior"
	SeniorityEntry    Seniority = "entry"
	SeniorityIntern   Seniority = "intern"
)

// PeopleQuery filters a people search (searchPeople). A person must match every field
// given, and any one value of each list. The zero value matches everyone.
type PeopleQuery struct {
	// OrganizationIDs are Apollo ids of the people's employers, as search and
	// enrichment give them.
	OrganizationIDs []string
	// Domains are the employers' domains (current or past), without www. or @; up to
	// MaxPeopleDomains.
	Domains []string
	// Titles are job titles; Apollo also matches similar ones unless ExactTitles.
	Titles      []string
	ExactTitles bool
	Seniorities []Seniority
	// Locations are where the people live: cities, US states, countries.
	Locations []string
	Keywords  string
	// PerPage is the number of people per page, 1 to 100; 0 leaves Apollo's default.
	PerPage int
}

// PeoplePage is one page of a people search.
type PeoplePage struct {
	People []PersonPreview
	// Page is the page's number, from 1.
	Page int
	// TotalEntries is how many people match in all, as Apollo counts them; it can
	// exceed the 50,000 Apollo shows.
	TotalEntries int
	// Capped is true on the last displayable page of a search that matched more.
	Capped bool
}

func (q PeopleQuery) body(page int) (apolloapi.PeopleSearchRequest, error) {
	var b apolloapi.PeopleSearchRequest
	if page < 1 || page > MaxDisplayPage {
		return b, paramError("page", fmt.Sprintf("must be 1 to %d, got %d", MaxDisplayPage, page))
	}
	if q.PerPage < 0 || q.PerPage > MaxPerPage {
		return b, paramError("per_page", fmt.Sprintf("must be 1 to %d (or 0 for the default), got %d", MaxPerPage, q.PerPage))
	}
	if len(q.Domains) > MaxPeopleDomains {
		return b, paramError("q_organization_domains_list", fmt.Sprintf("takes up to %d domains, got %d", MaxPeopleDomains, len(q.Domains)))
	}
	for _, l := range []struct {
		param  string
		values []string
	}{{"organization_ids", q.OrganizationIDs}, {"q_organization_domains_list", q.Domains}, {"person_titles", q.Titles}, {"person_locations", q.Locations}} {
		if err := noBlank(l.param, l.values); err != nil {
			return b, err
		}
	}
	for i, s := range q.Seniorities {
		if blank(string(s)) {
			return b, paramError(fmt.Sprintf("person_seniorities[%d]", i), "is empty")
		}
	}
	b.OrganizationIDs = list(q.OrganizationIDs)
	b.QOrganizationDomainsList = list(q.Domains)
	b.PersonTitles = list(q.Titles)
	b.PersonLocations = list(q.Locations)
	if len(q.Seniorities) > 0 {
		b.PersonSeniorities = make([]apolloapi.Seniority, len(q.Seniorities))
		for i, s := range q.Seniorities {
			b.PersonSeniorities[i] = apolloapi.Seniority(s)
		}
	}
	if q.ExactTitles {
		f := false
		b.IncludeSimilarTitles = &f
	}
	b.QKeywords = optional(q.Keywords)
	b.Page = &page
	if q.PerPage != 0 {
		b.PerPage = &q.PerPage
	}
	return b, nil
}

// noBlank refuses an empty or blank value of a list, naming it by its index: sent, it
// would widen or empty the search rather than fail.
func noBlank(param string, values []string) error {
	for i, v := range values {
		if blank(v) {
			return paramError(fmt.Sprintf("%s[%d]", param, i), "is empty")
		}
	}
	return nil
}

// peopleAnswer is what a people page reads of apolloapi.PeopleSearchResponse.
type peopleAnswer struct {
	TotalEntries *int                         `json:"total_entries"`
	People       optionalArray[PersonPreview] `json:"people"`
}

// PeoplePage fetches one page of a people search (page counts from 1). People search
// costs no credits and reveals no email or phone: MatchPerson and BulkMatchPeople
// reveal them, for credits.
func (c *Client) PeoplePage(ctx context.Context, q PeopleQuery, page int, callOpts ...option.CallOption) (PeoplePage, error) {
	body, err := q.body(page)
	if err != nil {
		return PeoplePage{}, err
	}
	r, err := httpcore.Run(ctx, c.doer, "searchPeople", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.SearchPeople(ctx, nil, body)
	}, func(r *peopleAnswer) error {
		if r.People.items == nil && !r.People.null {
			return &apicall.MissingMemberError{Member: "people", Reason: "missing"}
		}
		if err := r.People.check("people"); err != nil {
			return err
		}
		return eachID(r.People.items, "people", func(p *PersonPreview) string { return p.ID })
	})
	if err != nil {
		return PeoplePage{}, err
	}
	p := PeoplePage{People: r.People.items, Page: page}
	if r.TotalEntries != nil {
		p.TotalEntries = *r.TotalEntries
	}
	p.Capped = page == MaxDisplayPage && (p.TotalEntries > MaxDisplayPage*perPageOr(q.PerPage) || r.TotalEntries == nil)
	return p, nil
}

// perPageOr is the page size a query asks for, or Apollo's default of 10.
func perPageOr(n int) int {
	if n == 0 {
		return 10
	}
	return n
}

// PeoplePages iterates over the pages of a people search from page start (0 or 1 for
// the first). It stops at an empty page or one shorter than the page size, once
// total_entries people were delivered (when the answer says), or at page 500, Apollo's display cap; when the cap cut the results
// short, the last page has Capped set and the iteration ends with ErrResultsCapped.
// Free of credits.
func (c *Client) PeoplePages(ctx context.Context, q PeopleQuery, start int, callOpts ...option.CallOption) iter.Seq2[PeoplePage, error] {
	return func(yield func(PeoplePage, error) bool) {
		size := perPageOr(q.PerPage)
		for page := max(start, 1); ; page++ {
			p, err := c.PeoplePage(ctx, q, page, callOpts...)
			if err != nil {
				yield(PeoplePage{}, err)
				return
			}
			if len(p.People) == 0 {
				return
			}
			if !yield(p, nil) {
				return
			}
			if p.Capped {
				yield(PeoplePage{}, ErrResultsCapped)
				return
			}
			// total_entries left out (read as 0) says nothing: a short page ends it then.
			if len(p.People) < size || p.TotalEntries > 0 && page*size >= p.TotalEntries || page == MaxDisplayPage {
				return
			}
		}
	}
}

// People iterates over everyone a people search finds, with the stopping rules of
// PeoplePages. Free of credits.
func (c *Client) People(ctx context.Context, q PeopleQuery, callOpts ...option.CallOption) iter.Seq2[PersonPreview, error] {
	return func(yield func(PersonPreview, error) bool) {
		for page, err := range c.PeoplePages(ctx, q, 1, callOpts...) {
			if err != nil {
				yield(PersonPreview{}, err)
				return
			}
			for _, p := range page.People {
				if !yield(p, nil) {
					return
				}
			}
		}
	}
}

func blank(v string) bool {
	for _, r := range v {
		if r != ' ' && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}
