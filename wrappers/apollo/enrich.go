package apollo

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strings"

	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/internal/httpcore"
)

// EnrichedOrganization is a company as enrichment and complete information describe it:
// a search result's fields and the detail only these calls give (funding, technologies,
// head counts per department, industries, keywords, address, subsidiaries and more).
type EnrichedOrganization = apolloapi.EnrichedOrganization

// MaxBulkEnrich is the most companies one bulk enrichment call takes.
const MaxBulkEnrich = 10

// EnrichQuery names a company to enrich. Give at least one field; more than one
// improves the match.
type EnrichQuery struct {
	Domain      string // such as "apollo.io", without www. or @
	Name        string
	LinkedInURL string // the address of the company's LinkedIn page
	Website     string // the full address of the company's website
}

func (q EnrichQuery) String() string {
	var parts []string
	for _, p := range []struct{ name, value string }{{"domain", q.Domain}, {"name", q.Name}, {"linkedin_url", q.LinkedInURL}, {"website", q.Website}} {
		if p.value != "" {
			parts = append(parts, p.name+" "+p.value)
		}
	}
	return strings.Join(parts, ", ")
}

func (q EnrichQuery) identity() apolloapi.CompanyIdentity {
	return apolloapi.CompanyIdentity{Domain: optional(q.Domain), Name: optional(q.Name), LinkedinURL: optional(q.LinkedInURL), Website: optional(q.Website)}
}

func optional(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

// EnrichOrganization finds one company and returns everything Apollo knows of it. It
// costs one credit. A company Apollo does not know is an error that matches
// ErrNotFound.
func (c *Client) EnrichOrganization(ctx context.Context, q EnrichQuery) (EnrichedOrganization, error) {
	if q == (EnrichQuery{}) {
		return EnrichedOrganization{}, &ParamError{Param: "domain", Reason: "give at least one of domain, name, linkedin_url and website"}
	}
	params := &apolloapi.EnrichOrganizationParams{Domain: optional(q.Domain), Name: optional(q.Name),
		LinkedinURL: optional(q.LinkedInURL), Website: optional(q.Website)}
	resp, err := c.api.EnrichOrganization(ctx, params)
	r, err := httpcore.Decode[apolloapi.OrganizationResult](c.doer, "enrichOrganization", resp, err)
	if err != nil {
		return EnrichedOrganization{}, err
	}
	if r.Organization == nil || r.Organization.ID == "" { // Apollo answers {} when nothing matches
		return EnrichedOrganization{}, fmt.Errorf("apollo: enrichOrganization: %w: no company matches %s", ErrNotFound, q)
	}
	return *r.Organization, nil
}

// GetOrganization returns the complete information Apollo has on a company, by its
// Apollo organization id (as search and enrichment give it). It costs one credit.
func (c *Client) GetOrganization(ctx context.Context, id string) (EnrichedOrganization, error) {
	if id == "" {
		return EnrichedOrganization{}, &ParamError{Param: "organization_id", Reason: "is required"}
	}
	resp, err := c.api.GetOrganization(ctx, id, nil)
	r, err := httpcore.Decode(c.doer, "getOrganization", resp, err, func(r *apolloapi.OrganizationResult) error {
		if r.Organization == nil || r.Organization.ID == "" {
			return &httpcore.MissingMember{Member: "organization.id", Reason: "missing or empty"}
		}
		return nil
	})
	if err != nil {
		return EnrichedOrganization{}, err
	}
	return *r.Organization, nil
}

// Enrichment is the answer for one company of EnrichOrganizations.
type Enrichment struct {
	// Query is the company as it was asked for.
	Query EnrichQuery
	// Organization is what Apollo knows of it, or nil when Apollo does not know it
	// (it counted it in missing_records).
	Organization *EnrichedOrganization
}

// EnrichOrganizations enriches any number of companies, ten per call (Apollo's bulk
// enrichment), and yields one Enrichment per query, in the order of queries. Apollo's
// answer does not say which company each organization answers, so they are matched by
// domain, website, LinkedIn page or name. The iteration stops at the first error,
// after the companies of the batches before it. Each company found costs one credit;
// break out of the loop to stop spending.
func (c *Client) EnrichOrganizations(ctx context.Context, queries []EnrichQuery) iter.Seq2[Enrichment, error] {
	return func(yield func(Enrichment, error) bool) {
		for i, q := range queries {
			if q == (EnrichQuery{}) {
				yield(Enrichment{}, &ParamError{Param: fmt.Sprintf("details[%d]", i), Reason: "give at least one of domain, name, linkedin_url and website"})
				return
			}
		}
		for start := 0; start < len(queries); start += MaxBulkEnrich {
			batch := queries[start:min(start+MaxBulkEnrich, len(queries))]
			orgs, err := c.bulkEnrich(ctx, batch)
			if err != nil {
				yield(Enrichment{}, err)
				return
			}
			for i, org := range matchOrganizations(batch, orgs) {
				if !yield(Enrichment{Query: batch[i], Organization: org}, nil) {
					return
				}
			}
		}
	}
}

func (c *Client) bulkEnrich(ctx context.Context, batch []EnrichQuery) ([]EnrichedOrganization, error) {
	details := make([]apolloapi.CompanyIdentity, len(batch))
	for i, q := range batch {
		details[i] = q.identity()
	}
	resp, err := c.api.BulkEnrichOrganizations(ctx, nil, apolloapi.BulkEnrichRequest{Details: &details})
	r, err := httpcore.Decode(c.doer, "bulkEnrichOrganizations", resp, err, func(r *apolloapi.BulkEnrichResponse) error {
		if r.Organizations == nil {
			return &httpcore.MissingMember{Member: "organizations", Reason: "missing or null"}
		}
		if r.Status != "success" {
			return &httpcore.MissingMember{Member: "status", Reason: fmt.Sprintf("%q, not \"success\"", r.Status)}
		}
		return nil
	})
	return r.Organizations, err
}

// matchOrganizations pairs each query of a batch with the organization that answers
// it, or nil. An organization answers the first unanswered query that shares a key
// with it: a domain (of the domain or website), a LinkedIn page, or a name.
func matchOrganizations(batch []EnrichQuery, orgs []EnrichedOrganization) []*EnrichedOrganization {
	out := make([]*EnrichedOrganization, len(batch))
	wanted := make([][]string, len(batch))
	for j, q := range batch {
		wanted[j] = matchKeys(q.Domain, q.Website, q.LinkedInURL, q.Name)
	}
	for i := range orgs {
		org := &orgs[i]
		have := matchKeys(deref(org.PrimaryDomain), deref(org.WebsiteURL), deref(org.LinkedinURL), org.Name)
		for j := range batch {
			if out[j] == nil && shareKey(wanted[j], have) {
				out[j] = org
				break
			}
		}
	}
	return out
}

// matchKeys are the normalized ways a company can be recognised, each marked with
// its kind so that a name never matches a domain.
func matchKeys(domain, website, linkedin, name string) []string {
	var keys []string
	for _, d := range []string{host(domain), host(website)} {
		if d != "" {
			keys = append(keys, "d:"+d)
		}
	}
	if l := linkedIn(linkedin); l != "" {
		keys = append(keys, "l:"+l)
	}
	if n := strings.ToLower(strings.TrimSpace(name)); n != "" {
		keys = append(keys, "n:"+n)
	}
	return keys
}

func shareKey(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// host reduces a domain or an address to its lower-case host without www.
func host(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if strings.Contains(v, "://") {
		if u, err := url.Parse(v); err == nil {
			v = u.Hostname()
		}
	}
	return strings.TrimPrefix(strings.TrimSuffix(v, "/"), "www.")
}

// linkedIn reduces a LinkedIn address to its path, whatever the scheme and host.
func linkedIn(v string) string {
	if v == "" {
		return ""
	}
	if u, err := url.Parse(strings.TrimSpace(v)); err == nil && u.Path != "" {
		return strings.ToLower(strings.TrimSuffix(u.Path, "/"))
	}
	return strings.ToLower(v)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
