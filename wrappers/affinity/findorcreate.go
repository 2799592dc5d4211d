package affinity

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/orgapis/orgapis/internal/domain"
	"github.com/orgapis/orgapis/wrappers/option"
)

// MaxDomainCandidates is how many organizations FindOrCreateOrganization reads from
// one search by domain. Affinity's search matches part of a name or domain (a search
// for "acme.com" also finds "notacme.com"), so a short domain can match many; past this
// bound the call stops with a *DomainSearchTooBroadError rather than create an
// organization it could not be sure is missing.
const MaxDomainCandidates = 5000

// FindOrCreateOrganization returns the organization whose domain is domain, creating
// it only when none has it. domain is normalised by NormalizeDomain first (a URL,
// "www." or any subdomain, case and a name in any script all give the registrable
// domain), and an organization matches when its domain or one of its domains
// normalises to the same: "acme.co.uk" finds neither "acme.com" nor "acme.de".
//
// Finding is one v1 search by the domain (Affinity's search takes part of a name or a
// domain, and also finds Affinity's global organizations, which count as matches),
// read page by page and filtered exactly here; v2's company search is beta, and its
// filter syntax for the version this package pins (APIVersion) is unpublished. When
// several organizations have the domain, nothing is created and the error is a
// *DomainConflictError naming them (merge them with MergeCompanies).
//
// create holds the organization to create: its Name defaults to the domain, and its
// Domain, when set, must normalise to the same domain (the normalised one is sent).
// created reports whether this call made the organization.
//
// Two processes that look for the same domain at once can both find nothing and both
// create it, since Affinity has no uniqueness on domains. After a create the call
// searches again, and when it finds another organization of the domain it returns the
// one it created, created true, and a *DomainConflictError whose CreatedID is that
// organization's id: the create was applied (errors.Is(err, ErrApplied) holds), so do
// not repeat it; merge the two instead. Affinity's search may lag behind a create made
// elsewhere a moment before, so this narrows the window without closing it:
// CompanyDuplicateSuggestions lists, as "domain-match", what slipped through.
//
// Retries: the searches are repeated as reads are; the create as CreateOrganization's
// is (only when the request never reached Affinity). A failure of the second search
// after a create returns the organization, created true, and the error of that search.
func (c *Client) FindOrCreateOrganization(ctx context.Context, domainName string, create NewOrganization, callOpts ...option.CallOption) (org Organization, created bool, err error) {
	d, err := NormalizeDomain(domainName)
	if err != nil {
		return Organization{}, false, err
	}
	if create.Domain != "" {
		cd, err := domain.Registrable(create.Domain)
		if err != nil || cd != d {
			return Organization{}, false, paramError("create.domain", fmt.Sprintf("%q is not of the domain %q looked for", truncate(create.Domain, 100), d))
		}
	}
	found, err := c.OrganizationsByDomain(ctx, d, callOpts...)
	if err != nil {
		return Organization{}, false, err
	}
	switch len(found) {
	case 0:
	case 1:
		return found[0], false, nil
	default:
		return Organization{}, false, newDomainConflict(d, found, 0)
	}
	create.Domain = d
	if create.Name == "" {
		create.Name = d
	}
	org, err = c.CreateOrganization(ctx, create, callOpts...)
	if err != nil {
		return Organization{}, false, err
	}
	again, err := c.OrganizationsByDomain(ctx, d, callOpts...)
	if err != nil {
		return org, true, fmt.Errorf("affinity: created organization %d for %s, then could not look for duplicates: %w", org.ID, d, err)
	}
	others := again[:0:0]
	for _, o := range again {
		if o.ID != org.ID {
			others = append(others, o)
		}
	}
	if len(others) > 0 {
		return org, true, newDomainConflict(d, append([]Organization{org}, others...), org.ID)
	}
	return org, true, nil
}

// OrganizationsByDomain returns every organization whose domain or one of whose
// domains has the registrable domain of domainName (see NormalizeDomain), as
// FindOrCreateOrganization looks for them: one v1 search by the domain, filtered
// exactly. More than MaxDomainCandidates results of the search is a
// *DomainSearchTooBroadError.
func (c *Client) OrganizationsByDomain(ctx context.Context, domainName string, callOpts ...option.CallOption) ([]Organization, error) {
	d, err := NormalizeDomain(domainName)
	if err != nil {
		return nil, err
	}
	var found []Organization
	read := 0
	for o, err := range c.Organizations(ctx, OrganizationQuery{Term: d}, callOpts...) {
		if err != nil {
			return nil, err
		}
		if read++; read > MaxDomainCandidates {
			return nil, &DomainSearchTooBroadError{Domain: d, Read: MaxDomainCandidates}
		}
		if hasDomain(o, d) {
			found = append(found, o)
		}
	}
	return found, nil
}

// hasDomain reports whether o's domain or one of its domains normalises to d.
func hasDomain(o Organization, d string) bool {
	if r, err := domain.Registrable(o.Domain); err == nil && r == d {
		return true
	}
	for _, od := range o.Domains {
		if r, err := domain.Registrable(od); err == nil && r == d {
			return true
		}
	}
	return false
}

// DomainConflictError is several organizations with one domain: found before
// creating (CreatedID 0: nothing was created), or found after this call created one
// (CreatedID is its id: the create was applied, and the error matches ErrApplied).
// Find it with errors.As.
type DomainConflictError struct {
	// Domain is the registrable domain looked for.
	Domain string
	// CreatedID is the id of the organization this call created; 0 when it created none.
	CreatedID int64
	// IDs are the ids of every organization of the domain, the created one first.
	IDs []int64
	// Names are their names, in the same order: at most MaxLookupCandidates of them.
	Names []string
}

func newDomainConflict(d string, orgs []Organization, createdID int64) *DomainConflictError {
	e := &DomainConflictError{Domain: d, CreatedID: createdID}
	for _, o := range orgs {
		e.IDs = append(e.IDs, o.ID)
		if len(e.Names) < MaxLookupCandidates {
			e.Names = append(e.Names, o.Name)
		}
	}
	return e
}

func (e *DomainConflictError) Error() string {
	var b strings.Builder
	listed := make([]string, 0, len(e.Names))
	for i, n := range e.Names {
		listed = append(listed, strconv.Quote(n)+" (id "+strconv.FormatInt(e.IDs[i], 10)+")")
	}
	names := strings.Join(listed, ", ")
	if more := len(e.IDs) - len(e.Names); more > 0 {
		names += fmt.Sprintf(" and %d more", more)
	}
	if e.CreatedID != 0 {
		fmt.Fprintf(&b, "affinity: created organization %d for %s, and found %d others of that domain, created at the same time or found late: %s; the create was applied, so merge them rather than create again",
			e.CreatedID, e.Domain, len(e.IDs)-1, names)
	} else {
		fmt.Fprintf(&b, "affinity: %d organizations have the domain %s: %s; nothing was created: pick one by its id or merge them", len(e.IDs), e.Domain, names)
	}
	return b.String()
}

// Is makes a conflict found after a create match ErrApplied: the create took effect.
func (e *DomainConflictError) Is(target error) bool {
	return e.CreatedID != 0 && target == ErrApplied
}

// DomainSearchTooBroadError is a search by domain that matched more than
// MaxDomainCandidates organizations by name or domain: too many to be sure that none
// has the domain exactly, so nothing was created.
type DomainSearchTooBroadError struct {
	Domain string
	Read   int
}

func (e *DomainSearchTooBroadError) Error() string {
	return fmt.Sprintf("affinity: the search for %s matched more than %d organizations by name or domain; nothing was created", e.Domain, e.Read)
}
