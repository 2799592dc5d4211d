package apollo

import (
	"context"
	"fmt"
	"iter"

	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/internal/httpcore"
)

// JobPosting is one job posting of a company.
type JobPosting = apolloapi.JobPosting

// MaxJobPostings is the most postings Apollo shows for one company.
const MaxJobPostings = 10000

// JobPostings fetches one page of a company's job postings (page counts from 1;
// perPage 0 leaves Apollo's default). organizationID is Apollo's organization id, not
// an account id.
func (c *Client) JobPostings(ctx context.Context, organizationID string, page, perPage int) ([]JobPosting, error) {
	if organizationID == "" {
		return nil, &ParamError{Param: "organization_id", Reason: "is required"}
	}
	if page < 1 {
		return nil, &ParamError{Param: "page", Reason: fmt.Sprintf("must be 1 or more, got %d", page)}
	}
	if perPage < 0 || perPage > MaxPerPage {
		return nil, &ParamError{Param: "per_page", Reason: fmt.Sprintf("must be 1 to %d (or 0 for the default), got %d", MaxPerPage, perPage)}
	}
	params := &apolloapi.ListOrganizationJobPostingsParams{Page: &page}
	if perPage != 0 {
		params.PerPage = &perPage
	}
	resp, err := c.api.ListOrganizationJobPostings(ctx, organizationID, params)
	list, err := httpcore.Decode[apolloapi.JobPostingList](c.doer, "listOrganizationJobPostings", resp, err)
	return list.OrganizationJobPostings, err
}

// AllJobPostings iterates over every job posting of a company, perPage at a time
// (1 to 100). The response has no pagination object, so it stops at a page shorter
// than perPage, or after MaxJobPostings postings.
func (c *Client) AllJobPostings(ctx context.Context, organizationID string, perPage int) iter.Seq2[JobPosting, error] {
	return func(yield func(JobPosting, error) bool) {
		if perPage < 1 || perPage > MaxPerPage {
			yield(JobPosting{}, &ParamError{Param: "per_page", Reason: fmt.Sprintf("must be 1 to %d, got %d", MaxPerPage, perPage)})
			return
		}
		seen := 0
		for page := 1; seen < MaxJobPostings; page++ {
			postings, err := c.JobPostings(ctx, organizationID, page, perPage)
			if err != nil {
				yield(JobPosting{}, err)
				return
			}
			for _, p := range postings {
				if !yield(p, nil) {
					return
				}
			}
			seen += len(postings)
			if len(postings) < perPage {
				return
			}
		}
	}
}
