package affinity

import (
	"context"
	"iter"

	"github.com/orgapis/orgapis/wrappers/option"
)

// OnList is what EnsureOrganizationsOnList did for one domain.
type OnList struct {
	// Domain is the domain as given; Normalized its registrable domain ("" when it
	// has none).
	Domain, Normalized string
	// Organization is the organization of the domain, found or created; zero when
	// there is none (an error says why).
	Organization Organization
	// CreatedOrganization is true when this run created it.
	CreatedOrganization bool
	// Entry is the organization's entry on the list, found or created.
	Entry ListEntry
	// CreatedEntry is true when this run added the organization to the list.
	CreatedEntry bool
}

// EnsureOrganizationsOnList makes sure that each domain is an organization on the
// list listID: for each, FindOrCreateOrganization, then an entry on the list unless the
// organization has one. A second run over the same domains creates nothing; it costs
// one search per domain, and the list's entries read once (a request per 500).
//
// It yields one OnList per distinct registrable domain, in the order given (a domain
// that normalises to one already done is skipped), with the error of that domain: an
// *apicall.ParamError for one that names no domain, a *DomainConflictError when
// several organizations have it (no entry is added then: merge them first; when
// CreatedID is set the organization was created all the same), or the error of a
// request. Keep ranging to go on with the next domain; break to stop. A failure to
// read the list ends the run with that error.
//
// Retries are those of the calls it makes: the creates are never repeated once they
// may have reached Affinity (ErrMaybeApplied: run again, and the searches find what
// was created).
func (c *Client) EnsureOrganizationsOnList(ctx context.Context, listID int64, domains []string, callOpts ...option.CallOption) iter.Seq2[OnList, error] {
	return func(yield func(OnList, error) bool) {
		if err := checkPositive("list_id", listID); err != nil {
			yield(OnList{}, err)
			return
		}
		onList := map[int64]ListEntry{}
		for e, err := range c.ListEntries(ctx, ListEntryQuery{ListID: listID}, callOpts...) {
			if err != nil {
				yield(OnList{}, err)
				return
			}
			if _, ok := onList[e.EntityID]; !ok {
				onList[e.EntityID] = e
			}
		}
		done := map[string]bool{}
		for _, d := range domains {
			r := OnList{Domain: d}
			norm, err := NormalizeDomain(d)
			if err != nil {
				if !yield(r, err) {
					return
				}
				continue
			}
			if done[norm] {
				continue
			}
			done[norm] = true
			r.Normalized = norm
			r.Organization, r.CreatedOrganization, err = c.FindOrCreateOrganization(ctx, norm, NewOrganization{}, callOpts...)
			if err != nil { // a *DomainConflictError too: no entry for a domain with several
				if !yield(r, err) {
					return
				}
				continue
			}
			if e, ok := onList[r.Organization.ID]; ok {
				r.Entry = e
			} else {
				r.Entry, err = c.CreateListEntry(ctx, listID, r.Organization.ID, callOpts...)
				if err != nil {
					if !yield(r, err) {
						return
					}
					continue
				}
				r.CreatedEntry = true
				onList[r.Organization.ID] = r.Entry
			}
			if !yield(r, nil) {
				return
			}
		}
	}
}
