package affinity

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// OrganizationPersons iterates over the persons associated with an organization ("who
// do we know at this company"): one request for the organization's person_ids, then
// the persons through v2 a hundred at a time (ids=..., one request per hundred), in
// the order of person_ids, each id once. A person deleted between the two steps is
// left out. With WithV1Only the persons come one GetPerson each. Only one batch of
// persons is held at a time; the ids are bounded by the organization's answer, which
// option.WithMaxBodyBytes bounds. v2 persons carry no OrganizationIDs, ListEntries or
// interaction data: GetPerson has them.
func (c *Client) OrganizationPersons(ctx context.Context, organizationID int64, callOpts ...option.CallOption) iter.Seq2[Person, error] {
	return func(yield func(Person, error) bool) {
		org, err := c.GetOrganization(ctx, organizationID, GetOrganizationOptions{}, callOpts...)
		if err != nil {
			yield(Person{}, err)
			return
		}
		for p, err := range c.personsByID(ctx, org.PersonIDs, callOpts) {
			if !yield(p, err) || err != nil {
				return
			}
		}
	}
}

// PersonOrganizations iterates over the organizations a person is associated with,
// past employers included (Affinity associates a person with every organization they
// wrote from): one request for the person's organization_ids, then the organizations
// through v2 a hundred at a time, in the order of organization_ids. An organization from
// v2 carries ID, Name, Domain, Domains and Global, not PersonIDs or ListEntries; with
// WithV1Only each is one GetOrganization, whole. An organization deleted between the
// two steps is left out.
func (c *Client) PersonOrganizations(ctx context.Context, personID int64, callOpts ...option.CallOption) iter.Seq2[Organization, error] {
	return func(yield func(Organization, error) bool) {
		p, err := c.GetPerson(ctx, personID, GetPersonOptions{}, callOpts...)
		if err != nil {
			yield(Organization{}, err)
			return
		}
		for batch := range slices.Chunk(unique(p.OrganizationIDs), MaxV2PageSize) {
			if c.v1Only {
				for _, id := range batch {
					o, err := c.GetOrganization(ctx, id, GetOrganizationOptions{}, callOpts...)
					if isNotFound(err) {
						continue
					}
					if !yield(o, err) || err != nil {
						return
					}
				}
				continue
			}
			found := map[int64]Organization{}
			for page, err := range c.CompanyPages(ctx, CompanyQuery{IDs: batch, PageSize: MaxV2PageSize}, "", callOpts...) {
				if err != nil {
					yield(Organization{}, err)
					return
				}
				for _, co := range page.Companies {
					found[co.ID] = Organization{ID: co.ID, Name: co.Name, Domain: co.Domain, Domains: co.Domains, Global: co.Global}
				}
			}
			for _, id := range batch {
				if o, ok := found[id]; ok && !yield(o, nil) {
					return
				}
			}
		}
	}
}

// personsByID yields the persons of ids, in their order, each once, a hundred per
// request through v2 (or one GetPerson each with WithV1Only).
func (c *Client) personsByID(ctx context.Context, ids []int64, callOpts []option.CallOption) iter.Seq2[Person, error] {
	return func(yield func(Person, error) bool) {
		for batch := range slices.Chunk(unique(ids), MaxV2PageSize) {
			if c.v1Only {
				for _, id := range batch {
					p, err := c.GetPerson(ctx, id, GetPersonOptions{}, callOpts...)
					if isNotFound(err) {
						continue
					}
					if !yield(p, err) || err != nil {
						return
					}
				}
				continue
			}
			found := map[int64]Person{}
			pages := tokenPages(ctx, c, "", func(ctx context.Context, cursor string) (v2PersonBatch, error) {
				return c.v2PersonPage(ctx, batch, cursor, callOpts)
			}, func(p v2PersonBatch) string { return p.next }, func(p v2PersonBatch) int { return len(p.persons) })
			for page, err := range pages {
				if err != nil {
					yield(Person{}, err)
					return
				}
				for _, p := range page.persons {
					found[p.ID] = p
				}
			}
			for _, id := range batch {
				if p, ok := found[id]; ok && !yield(p, nil) {
					return
				}
			}
		}
	}
}

// v2PersonBatch is one page of v2 persons in v1's shape, with the next page's cursor.
type v2PersonBatch struct {
	persons []Person
	next    string
}

// v2PersonPage fetches the persons of ids (at most a hundred) through v2. A person the
// request did not ask for is dropped: a server answering more than it was asked must
// not add strangers to an organization's people.
func (c *Client) v2PersonPage(ctx context.Context, ids []int64, cursor string, callOpts []option.CallOption) (v2PersonBatch, error) {
	limit := affinityapi.V2Limit(MaxV2PageSize)
	params := &affinityapi.ListPersonsV2Params{IDs: ids, Limit: &limit}
	if cursor != "" {
		params.Cursor = &cursor
	}
	var out v2PersonBatch
	_, err := httpcore.Run(ctx, c.doer, "listPersonsV2", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.ListPersonsV2(ctx, params)
	}, func(p *struct {
		Data       []v2Entity   `json:"data"`
		Pagination v2Pagination `json:"pagination"`
	}) error {
		if p.Data == nil {
			return &apicall.MissingMemberError{Member: "data", Reason: "missing or null"}
		}
		for i, w := range p.Data {
			if w.ID <= 0 {
				return &apicall.MissingMemberError{Member: fmt.Sprintf("data[%d].id", i), Reason: "missing, null or not positive"}
			}
			if !slices.Contains(ids, w.ID) {
				continue
			}
			out.persons = append(out.persons, w.person())
		}
		var err error
		out.next, err = c.v2Cursor(p.Pagination.NextURL, "/v2/persons")
		return err
	})
	if err != nil {
		return v2PersonBatch{}, v2Refused(err)
	}
	return out, nil
}

// person is a v2 person in v1's shape: v2's "internal" and "external" as Type.
func (w v2Entity) person() Person {
	p := Person{ID: w.ID, FirstName: w.FirstName, LastName: w.LastName, PrimaryEmail: w.PrimaryEmailAddress, Emails: w.EmailAddresses}
	switch w.Type {
	case "internal":
		t := PersonInternal
		p.Type = &t
	case "external":
		t := PersonExternal
		p.Type = &t
	}
	return p
}

// unique is ids without repeats, in their first order, and without ids that cannot
// be ids (Affinity's start at 1).
func unique(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// isNotFound is a 404: the record is gone.
func isNotFound(err error) bool { return err != nil && errors.Is(err, ErrNotFound) }
