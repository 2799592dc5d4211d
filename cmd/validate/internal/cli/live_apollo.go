package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/option"
)

// apollo checks Apollo's free reads, and with --spend-credits the paid ones, through a
// client whose credit budget is --spend-credits: a paid read that could pass it is not
// sent, and the run says so.
func (s *liveSession) apollo(ctx context.Context, key string, opts []option.ClientOption, stderr io.Writer) error {
	credits := s.cfg.spendCredits
	c, err := apollo.NewClient(key, append(opts, apollo.WithCreditBudget(credits))...)
	if err != nil {
		return err
	}
	s.apolloAccounts(ctx, c, stderr)
	// Free: a page of people, and the team's API and credit usage (which need a master
	// key: a 403 there is noted, not a refusal of the key).
	var people []apollo.PersonPreview
	q := apollo.PeopleQuery{PerPage: 10}
	if s.cfg.orgID != "" {
		q.OrganizationIDs = []string{s.cfg.orgID}
	}
	if s.cfg.domain != "" {
		q.Domains = []string{s.cfg.domain}
	}
	s.call(ctx, "searchPeople", func(ctx context.Context) error {
		p, err := c.PeoplePage(ctx, q, 1)
		people = p.People
		return err
	})
	s.masterKeyRead(ctx, "getAPIUsageStats", stderr, func(ctx context.Context) error {
		_, err := c.GetAPIUsage(ctx)
		return err
	})
	s.masterKeyRead(ctx, "getCreditUsageStats", stderr, func(ctx context.Context) error {
		_, err := c.GetCreditUsage(ctx)
		return err
	})
	if credits == 0 {
		fmt.Fprintln(stderr, "validate live: job postings, organization search, enrichment, people enrichment and news cost credits; pass --spend-credits N to check them, spending at most N")
		return nil
	}
	s.apolloPaid(ctx, c, people, stderr)
	fmt.Fprintf(stderr, "validate live: %d of --spend-credits %d credits spent\n", c.CreditsSpent(), credits)
	return nil
}

// apolloPaid checks the reads that cost credits, each at most once, in order of use:
// job postings, organization search, enrichment, complete information, people
// enrichment of the people found, and news.
func (s *liveSession) apolloPaid(ctx context.Context, c *apollo.Client, people []apollo.PersonPreview, stderr io.Writer) {
	if s.cfg.orgID == "" {
		fmt.Fprintln(stderr, "validate live: no --org-id, so listOrganizationJobPostings was not called")
	}
	for page := 1; s.cfg.orgID != "" && page <= s.cfg.maxPages; page++ {
		full := false
		var resp apollo.Response // this call's own rate limit, for pacing
		ok := s.paid(ctx, "listOrganizationJobPostings", stderr, func(ctx context.Context) error {
			p, err := c.JobPostingPage(ctx, apollo.JobPostingQuery{OrganizationID: s.cfg.orgID, PerPage: apollo.MaxPerPage}, page, apollo.WithResponseInto(&resp))
			full = len(p.JobPostings) == apollo.MaxPerPage
			return err
		})
		if !ok || !full || !s.pace(ctx, "listOrganizationJobPostings", resp.RateLimit.Minute) {
			break
		}
	}
	domain, orgID := s.cfg.domain, s.cfg.orgID
	s.paid(ctx, "searchMixedCompanies", stderr, func(ctx context.Context) error {
		p, err := c.CompanyPage(ctx, apollo.CompanyQuery{PerPage: 10}, 1)
		for _, o := range p.Organizations {
			if domain == "" {
				domain = o.PrimaryDomain
			}
		}
		return err
	})
	if domain == "" {
		fmt.Fprintln(stderr, "validate live: no domain to enrich (give --domain), so enrichOrganization and getOrganization were not called")
	} else {
		var enriched string
		s.paid(ctx, "enrichOrganization", stderr, func(ctx context.Context) error {
			org, err := c.EnrichOrganization(ctx, apollo.EnrichQuery{Domain: domain})
			enriched = org.ID
			return err
		})
		if enriched != "" {
			s.paid(ctx, "getOrganization", stderr, func(ctx context.Context) error {
				_, err := c.GetOrganization(ctx, enriched)
				return err
			})
			if orgID == "" {
				orgID = enriched
			}
		}
	}
	if len(people) == 0 {
		fmt.Fprintln(stderr, "validate live: people search found nobody, so matchPerson and bulkMatchPeople were not called")
	} else {
		s.paid(ctx, "matchPerson", stderr, func(ctx context.Context) error {
			_, err := c.MatchPerson(ctx, apollo.MatchQuery{ID: people[0].ID})
			if errors.Is(err, apollo.ErrNotFound) {
				return nil // an answer like any other, and free
			}
			return err
		})
		var two []apollo.MatchQuery
		for _, p := range people[:min(2, len(people))] {
			two = append(two, apollo.MatchQuery{ID: p.ID})
		}
		s.paid(ctx, "bulkMatchPeople", stderr, func(ctx context.Context) error {
			_, err := c.BulkMatchPeople(ctx, two)
			return err
		})
	}
	if orgID == "" {
		fmt.Fprintln(stderr, "validate live: no organization (give --org-id or --domain), so searchNewsArticles was not called")
		return
	}
	s.paid(ctx, "searchNewsArticles", stderr, func(ctx context.Context) error {
		_, err := c.NewsArticlePage(ctx, apollo.NewsQuery{OrganizationIDs: []string{orgID}, PerPage: 10}, 1)
		return err
	})
}

// paid is call for a read that costs credits: one the credit budget refused was not
// sent, which the run says without counting it a failure.
func (s *liveSession) paid(ctx context.Context, operationID string, stderr io.Writer, f func(context.Context) error) bool {
	var over error
	ok := s.call(ctx, operationID, func(ctx context.Context) error {
		err := f(ctx)
		if errors.Is(err, apollo.ErrOverBudget) {
			over = err
			return nil
		}
		return err
	})
	if over != nil {
		fmt.Fprintf(stderr, "validate live: %s not called: %v (raise --spend-credits)\n", operationID, over)
		return false
	}
	return ok
}

// masterKeyRead is call for a read that needs a master key: a 403 says the key is not
// one, which the run notes without stopping.
func (s *liveSession) masterKeyRead(ctx context.Context, operationID string, stderr io.Writer, f func(context.Context) error) {
	var forbidden error
	s.call(ctx, operationID, func(ctx context.Context) error {
		err := f(ctx)
		if errors.Is(err, apollo.ErrForbidden) {
			forbidden = err
			return nil
		}
		return err
	})
	if forbidden != nil {
		fmt.Fprintf(stderr, "validate live: %s needs a master API key: %v\n", operationID, forbidden)
	}
}
