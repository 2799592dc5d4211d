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

// MaxJobPostings is the most postings Apollo shows for one company.
const MaxJobPostings = 10000

// JobPostingQuery names the company whose job postings to list.
type JobPostingQuery struct {
	// OrganizationID is Apollo's organization id (not an account id); required.
	OrganizationID string
	// PerPage is the number of postings per page, 1 to 100. 0 leaves Apollo's default
	// for JobPostingPage, and means 100 when iterating.
	PerPage int
}

// JobPostingPage is one page of a company's job postings. Apollo's answer has no
// pagination object: a page shorter than the page size is the last.
type JobPostingPage struct {
	JobPostings []JobPosting
	// Page is the number of this page, from 1.
	Page int
}

func (q JobPostingQuery) params(page int) (*apolloapi.ListOrganizationJobPostingsParams, error) {
	if err := checkSegment("organization_id", q.OrganizationID); err != nil {
		return nil, err
	}
	if page < 1 {
		return nil, paramError("page", fmt.Sprintf("must be 1 or more, got %d", page))
	}
	if q.PerPage < 0 || q.PerPage > MaxPerPage {
		return nil, paramError("per_page", fmt.Sprintf("must be 1 to %d (or 0 for the default), got %d", MaxPerPage, q.PerPage))
	}
	params := &apolloapi.ListOrganizationJobPostingsParams{Page: &page}
	if q.PerPage != 0 {
		params.PerPage = &q.PerPage
	}
	return params, nil
}

// jobPostingList is apolloapi.JobPostingList's member, as this package's records.
type jobPostingList struct {
	OrganizationJobPostings []JobPosting `json:"organization_job_postings"`
}

// JobPostingPage fetches one page of a company's job postings (page counts from 1).
// Apollo documents 1 credit a page; it is counted against WithCreditBudget.
func (c *Client) JobPostingPage(ctx context.Context, q JobPostingQuery, page int, callOpts ...option.CallOption) (JobPostingPage, error) {
	return c.jobPostingPage(ctx, c.spending(callOpts), q, page, callOpts)
}

func (c *Client) jobPostingPage(ctx context.Context, sp *spender, q JobPostingQuery, page int, callOpts []option.CallOption) (JobPostingPage, error) {
	params, err := q.params(page)
	if err != nil {
		return JobPostingPage{}, err
	}
	list, err := paid(ctx, sp, "listOrganizationJobPostings", 1, callOpts, func(ctx context.Context, opts []option.CallOption) (jobPostingList, error) {
		return httpcore.Run(ctx, c.doer, "listOrganizationJobPostings", opts, func(ctx context.Context) (*http.Response, error) {
			return c.api.ListOrganizationJobPostings(ctx, q.OrganizationID, params)
		}, func(l *jobPostingList) error {
			if l.OrganizationJobPostings == nil {
				return &apicall.MissingMemberError{Member: "organization_job_postings", Reason: "missing or null"}
			}
			return eachID(l.OrganizationJobPostings, "organization_job_postings", func(p *JobPosting) string { return p.ID })
		})
	}, func(jobPostingList) int { return 1 })
	return JobPostingPage{JobPostings: list.OrganizationJobPostings, Page: page}, err
}

// JobPostingPages iterates over the pages of a company's job postings from page start
// (0 or 1 for the first). It stops at a page shorter than the page size, or after
// MaxJobPostings postings.
func (c *Client) JobPostingPages(ctx context.Context, q JobPostingQuery, start int, callOpts ...option.CallOption) iter.Seq2[JobPostingPage, error] {
	return func(yield func(JobPostingPage, error) bool) {
		if q.PerPage == 0 {
			q.PerPage = MaxPerPage // the end is a short page, so the size must be known
		}
		sp := c.spending(callOpts) // a call's budget holds for every page
		page := max(start, 1)
		for seen := (page - 1) * q.PerPage; seen < MaxJobPostings; page++ {
			p, err := c.jobPostingPage(ctx, sp, q, page, callOpts)
			if err != nil {
				yield(JobPostingPage{}, err)
				return
			}
			if !yield(p, nil) || len(p.JobPostings) < q.PerPage {
				return
			}
			seen += len(p.JobPostings)
		}
	}
}

// JobPostings iterates over every job posting of a company, with the stopping rules
// of JobPostingPages.
func (c *Client) JobPostings(ctx context.Context, q JobPostingQuery, callOpts ...option.CallOption) iter.Seq2[JobPosting, error] {
	return func(yield func(JobPosting, error) bool) {
		for page, err := range c.JobPostingPages(ctx, q, 1, callOpts...) {
			if err != nil {
				yield(JobPosting{}, err)
				return
			}
			for _, p := range page.JobPostings {
				if !yield(p, nil) {
					return
				}
			}
		}
	}
}
