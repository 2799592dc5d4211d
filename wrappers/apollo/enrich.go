package apollo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/internal/jsonscan"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

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
// costs one credit, counted against WithCreditBudget; a company not found costs
// nothing. A company Apollo does not know is an error that matches
// ErrNotFound.
func (c *Client) EnrichOrganization(ctx context.Context, q EnrichQuery, callOpts ...option.CallOption) (EnrichedOrganization, error) {
	if q == (EnrichQuery{}) {
		return EnrichedOrganization{}, paramError("domain", "give at least one of domain, name, linkedin_url and website")
	}
	params := &apolloapi.EnrichOrganizationParams{Domain: optional(q.Domain), Name: optional(q.Name),
		LinkedinURL: optional(q.LinkedInURL), Website: optional(q.Website)}
	r, err := paid(ctx, c.spending(callOpts), "enrichOrganization", 1, callOpts, func(ctx context.Context, opts []option.CallOption) (organizationResult, error) {
		return httpcore.Run(ctx, c.doer, "enrichOrganization", opts, func(ctx context.Context) (*http.Response, error) {
			return c.api.EnrichOrganization(ctx, params)
		}, func(r *organizationResult) error {
			switch {
			case r.Organization == nil: // Apollo answers {} when nothing matches
				return httpcore.Refuse(fmt.Errorf("%w: no company matches %s", ErrNotFound, q))
			case r.Organization.ID == "":
				return &apicall.MissingMemberError{Member: "organization.id", Reason: "missing, null or empty"}
			}
			return nil
		})
	}, func(organizationResult) int { return 1 })
	if err != nil {
		return EnrichedOrganization{}, err
	}
	return *r.Organization, nil
}

// GetOrganization returns the complete information Apollo has on a company, by its
// Apollo organization id (as search and enrichment give it). It costs one credit
// (counted against WithCreditBudget).
func (c *Client) GetOrganization(ctx context.Context, id string, callOpts ...option.CallOption) (EnrichedOrganization, error) {
	if err := checkSegment("organization_id", id); err != nil {
		return EnrichedOrganization{}, err
	}
	r, err := paid(ctx, c.spending(callOpts), "getOrganization", 1, callOpts, func(ctx context.Context, opts []option.CallOption) (organizationResult, error) {
		return httpcore.Run(ctx, c.doer, "getOrganization", opts, func(ctx context.Context) (*http.Response, error) {
			return c.api.GetOrganization(ctx, id, nil)
		}, func(r *organizationResult) error {
			if r.Organization == nil || r.Organization.ID == "" {
				return &apicall.MissingMemberError{Member: "organization.id", Reason: "missing or empty"}
			}
			return nil
		})
	}, func(organizationResult) int { return 1 })
	if err != nil {
		return EnrichedOrganization{}, err
	}
	return *r.Organization, nil
}

// Enrichment is the answer for one company of EnrichOrganizations.
type Enrichment struct {
	// Query is the company as it was asked for.
	Query EnrichQuery
	// Organization is what Apollo knows of it, or nil when the answer held nothing
	// attributable to it: Apollo did not know it (it counted it in missing_records), or
	// the organization that answers it is among Unplaced.
	Organization *EnrichedOrganization
	// Unplaced, only when Organization is nil, are the organizations of the batch that
	// asked for this query's company that the matching rule could not attribute to
	// exactly one query (a regional domain answered with the company's main one, say,
	// or a name two queries share). One of them may be this query's answer; Apollo
	// charged a credit for each.
	Unplaced []EnrichedOrganization
}

// bulkEnrich enriches one batch and attributes its answer (matchOrganizations). An
// answer with more organizations than the batch has companies is refused as
// malformed, naming the count, before any is matched: Apollo answers at most one a
// company, so it cannot be what was asked, and matching it would take time set by the
// server.
//
// Its worst case, a credit for each company of the batch, is held against the
// budgets before it is sent; a company found costs one.
func (c *Client) bulkEnrich(ctx context.Context, sp *spender, batch []EnrichQuery, callOpts []option.CallOption) (answers []*EnrichedOrganization, unplaced []EnrichedOrganization, err error) {
	details := make([]apolloapi.CompanyIdentity, len(batch))
	for i, q := range batch {
		details[i] = q.identity()
	}
	found := 0
	_, err = paid(ctx, sp, "bulkEnrichOrganizations", len(batch), callOpts, func(ctx context.Context, opts []option.CallOption) (bulkAnswer, error) {
		return httpcore.Run(ctx, c.doer, "bulkEnrichOrganizations", opts, func(ctx context.Context) (*http.Response, error) {
			return c.api.BulkEnrichOrganizations(ctx, nil, apolloapi.BulkEnrichRequest{Details: details})
		}, func(r *bulkAnswer) error {
			found = len(r.Organizations)
			return checkBulk(r, batch, &answers, &unplaced)
		})
	}, func(bulkAnswer) int { return found })
	return answers, unplaced, err
}

// checkBulk holds a bulk answer to its batch and attributes it (matchOrganizations).
func checkBulk(r *bulkAnswer, batch []EnrichQuery, answers *[]*EnrichedOrganization, unplaced *[]EnrichedOrganization) error {
	if r.Organizations == nil {
		return &apicall.MissingMemberError{Member: "organizations", Reason: "missing or null"}
	}
	if len(r.Organizations) > len(batch) {
		return &apicall.MissingMemberError{Member: "organizations", Reason: tooManyOrganizations(len(r.Organizations), len(batch))}
	}
	if r.Status != "success" {
		return &apicall.MissingMemberError{Member: "status", Reason: fmt.Sprintf("%q, not \"success\"", r.Status)}
	}
	if err := eachID(r.Organizations, "organizations", func(o *EnrichedOrganization) string { return o.ID }); err != nil {
		return err
	}
	*answers, *unplaced = matchOrganizations(batch, r.Organizations)
	return nil
}

// bulkAnswer is what enrichment reads of apolloapi.BulkEnrichResponse, decoded straight
// into this package's records rather than copied into them: a bulk answer's
// organizations are the largest records Apollo sends.
type bulkAnswer struct {
	Organizations []EnrichedOrganization `json:"organizations"`
	Status        string                 `json:"status"`
}

// UnmarshalJSON counts the organizations before decoding any: Apollo answers at most
// one a query, so an answer of more than MaxBulkEnrich is refused at the cost of
// reading its bytes once, not of decoding each organization (200,000 of them took 8 s
// and 2.5 GB), and the time a batch takes grows with its queries, not with what a
// server sends. bulkEnrich then holds the answer to its own batch's size.
func (a *bulkAnswer) UnmarshalJSON(data []byte) error {
	var w struct {
		Organizations json.RawMessage `json:"organizations"`
		Status        string          `json:"status"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	a.Status = w.Status
	if n, isArray, _ := jsonscan.Elements(w.Organizations, nil); isArray && n > MaxBulkEnrich {
		return &apicall.MissingMemberError{Member: "organizations", Reason: tooManyOrganizations(n, MaxBulkEnrich)}
	}
	if len(w.Organizations) == 0 {
		return nil
	}
	return json.Unmarshal(w.Organizations, &a.Organizations)
}

// tooManyOrganizations is the reason an answer of n organizations to queries is
// refused.
func tooManyOrganizations(n, queries int) string {
	return fmt.Sprintf("%d organizations answer a batch of %d companies: Apollo answers at most one a company, so the answer is not this batch's (retry it, or read it as sent with option.WithRawResponseInto)", n, queries)
}

// Key kinds, strongest first: a domain outweighs a LinkedIn page, which outweighs a name.
const (
	keyDomain = iota
	keyLinkedIn
	keyName
	keyKinds
)

// matchOrganizations attributes the organizations of a bulk answer to the queries of
// its batch by the rule EnrichOrganizations documents: answers[j] is query j's
// organization or nil, and unplaced are those the rule could not attribute.
func matchOrganizations(batch []EnrichQuery, orgs []EnrichedOrganization) (answers []*EnrichedOrganization, unplaced []EnrichedOrganization) {
	// Repeated queries form one group, which one answer serves.
	group := make([]int, len(batch))
	var groupKeys [][keyKinds][]string
	seen := map[EnrichQuery]int{}
	for j, q := range batch {
		n := normalize(q)
		g, ok := seen[n]
		if !ok {
			g = len(groupKeys)
			seen[n] = g
			groupKeys = append(groupKeys, queryKeys(q))
		}
		group[j] = g
	}
	answer := make([]*EnrichedOrganization, len(groupKeys))
	for i := range orgs {
		org := &orgs[i]
		have := orgKeys(org)
		placed := false
		for kind := range keyKinds {
			var sharing []int
			for g := range groupKeys {
				if shareKey(groupKeys[g][kind], have[kind]) {
					sharing = append(sharing, g)
				}
			}
			if len(sharing) == 0 {
				continue // no query has this kind of key in common: try a weaker one
			}
			if len(sharing) == 1 && answer[sharing[0]] == nil {
				answer[sharing[0]], placed = org, true
			}
			break // several queries, or one answered already: never guess with a weaker key
		}
		if !placed {
			unplaced = append(unplaced, *org)
		}
	}
	answers = make([]*EnrichedOrganization, len(batch))
	for j := range batch {
		answers[j] = answer[group[j]]
	}
	return answers, unplaced
}

// normalize is a query reduced to what matching compares, so that two spellings of
// one company form one group.
func normalize(q EnrichQuery) EnrichQuery {
	return EnrichQuery{Domain: host(q.Domain), Website: host(q.Website), LinkedInURL: linkedIn(q.LinkedInURL), Name: name(q.Name)}
}

func queryKeys(q EnrichQuery) [keyKinds][]string {
	return keysOf(q.Domain, q.Website, q.LinkedInURL, q.Name)
}

func orgKeys(o *EnrichedOrganization) [keyKinds][]string {
	return keysOf(o.PrimaryDomain, o.WebsiteURL, o.LinkedinURL, o.Name)
}

// keysOf are the normalized ways a company can be recognised, by kind.
func keysOf(domain, website, linkedin, companyName string) [keyKinds][]string {
	var keys [keyKinds][]string
	for _, d := range []string{host(domain), host(website)} {
		if d != "" {
			keys[keyDomain] = append(keys[keyDomain], d)
		}
	}
	if l := linkedIn(linkedin); l != "" {
		keys[keyLinkedIn] = append(keys[keyLinkedIn], l)
	}
	if n := name(companyName); n != "" {
		keys[keyName] = append(keys[keyName], n)
	}
	return keys
}

func name(v string) string { return strings.ToLower(strings.TrimSpace(v)) }

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
	return strings.ToLower(strings.TrimSpace(v))
}
