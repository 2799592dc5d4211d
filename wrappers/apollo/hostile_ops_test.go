package apollo_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/orgapis/orgapis/internal/spectest"
	"github.com/orgapis/orgapis/specs"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Every operation of the spec meets a hostile server with each fault of spectest's
// suite; an operation the spec gains without an entry here fails the test.
func TestEveryOperationMeetsAHostileServer(t *testing.T) {
	type c = *apollo.Client
	type a = spectest.Answer
	getOrganization := func(ctx context.Context, c c, id string) error {
		_, err := c.GetOrganization(ctx, id)
		return err
	}
	jobPostings := func(ctx context.Context, c c, id string) error {
		_, err := c.JobPostingPage(ctx, apollo.JobPostingQuery{OrganizationID: id}, 1)
		return err
	}
	getAccount := func(ctx context.Context, c c, id string) error {
		_, err := c.GetAccount(ctx, id)
		return err
	}
	updateAccount := func(ctx context.Context, c c, id string) error {
		_, err := c.UpdateAccount(ctx, id, apollo.AccountUpdate{Name: "Ünï Société"})
		return err
	}
	ops := []spectest.Operation[c]{
		{ID: "createAccount", Required: "/account/id", BadID: "", Call: func(ctx context.Context, c c, a a) error {
			_, err := c.CreateAccount(ctx, apollo.NewAccount{Name: a.String("/account/name"), Domain: "dublincopy.com"})
			return err
		}},
		{ID: "getAccount", Required: "/account/id", BadID: "", Segment: getAccount, Call: func(ctx context.Context, c c, a a) error {
			return getAccount(ctx, c, a.String("/account/id"))
		}},
		{ID: "updateAccount", Required: "/account/id", BadID: "", Segment: updateAccount, Call: func(ctx context.Context, c c, a a) error {
			return updateAccount(ctx, c, a.String("/account/id"))
		}},
		{ID: "searchAccounts", Required: "/accounts/0/id", BadID: "", Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.AccountPage(ctx, apollo.AccountQuery{Name: "Copy", PerPage: 5}, 1)
			return err
		}},
		{ID: "bulkCreateAccounts", Required: "/created_accounts/0/id", BadID: "", Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.EnsureAccounts(ctx, []apollo.NewAccount{{Name: "Acme Corporation", Domain: "acme.com"}, {Name: "Société Générale de Test"}})
			return err
		}},
		{ID: "bulkUpdateAccounts", Required: "/accounts/0/id", BadID: "", Call: func(ctx context.Context, c c, a a) error {
			_, err := c.BulkUpdateAccounts(ctx, []apollo.AccountEdit{{ID: a.String("/accounts/0/id"), StageID: a.String("/accounts/0/account_stage_id")}})
			return err
		}},
		{ID: "updateAccountOwners", Required: "/accounts/0/id", BadID: "", Call: func(ctx context.Context, c c, a a) error {
			_, err := c.UpdateAccountOwners(ctx, a.String("/accounts/0/owner_id"), []string{a.String("/accounts/0/id"), a.String("/accounts/1/id")})
			return err
		}},
		{ID: "listAccountStages", Required: "/account_stages/0/id", BadID: "", Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.ListAccountStages(ctx)
			return err
		}},
		{ID: "searchMixedCompanies", Required: "/organizations/0/id", BadID: "", Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.CompanyPage(ctx, apollo.CompanyQuery{}, 1)
			return err
		}},
		{ID: "enrichOrganization", Required: "/organization/id", BadID: "", Call: func(ctx context.Context, c c, a a) error {
			_, err := c.EnrichOrganization(ctx, apollo.EnrichQuery{Domain: a.String("/organization/primary_domain")})
			return err
		}},
		{ID: "bulkEnrichOrganizations", Required: "/organizations/0/id", BadID: "", Call: func(ctx context.Context, c c, a a) error {
			var q []apollo.EnrichQuery
			for i := 0; a.String(fmt.Sprintf("/organizations/%d/id", i)) != ""; i++ {
				q = append(q, apollo.EnrichQuery{Domain: a.String(fmt.Sprintf("/organizations/%d/primary_domain", i))})
			}
			for _, err := range c.EnrichOrganizations(ctx, q) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
		{ID: "getOrganization", Required: "/organization/id", BadID: "", Segment: getOrganization, Call: func(ctx context.Context, c c, a a) error {
			return getOrganization(ctx, c, a.String("/organization/id"))
		}},
		{ID: "listOrganizationJobPostings", Required: "/organization_job_postings/0/id", BadID: "", Segment: jobPostings, Call: func(ctx context.Context, c c, _ a) error {
			return jobPostings(ctx, c, "54fca1087369647fc0000000")
		}},
		{ID: "searchPeople", Required: "/people/0/id", BadID: "", Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.PeoplePage(ctx, apollo.PeopleQuery{Domains: []string{"example.com"}}, 1)
			return err
		}},
		{ID: "matchPerson", Example: "found", Required: "/person/id", BadID: "", Call: func(ctx context.Context, c c, a a) error {
			_, err := c.MatchPerson(ctx, apollo.MatchQuery{ID: a.String("/person/id")})
			return err
		}},
		{ID: "bulkMatchPeople", Required: "/matches/0/id", BadID: "", Call: func(ctx context.Context, c c, a a) error {
			_, err := c.BulkMatchPeople(ctx, []apollo.MatchQuery{{ID: a.String("/matches/0/id")}, {Email: "nobody@example.com"}, {Name: "Zoë Ångström", Domain: "example.com"}})
			return err
		}},
		{ID: "getAPIUsageStats", Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.GetAPIUsage(ctx)
			return err
		}},
		{ID: "getCreditUsageStats", Required: "/credit_usage_stats", Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.GetCreditUsage(ctx)
			return err
		}},
		{ID: "searchNewsArticles", Required: "/news_articles/0/id", BadID: "", Call: func(ctx context.Context, c c, a a) error {
			_, err := c.NewsArticlePage(ctx, apollo.NewsQuery{OrganizationIDs: []string{a.String("/news_articles/0/organization_ids/0")}}, 1)
			return err
		}},
	}
	newClient := func(t *testing.T, o spectest.ClientOptions) c {
		opts := []option.ClientOption{option.WithBaseURL(o.BaseURL + "/api/v1"), option.WithRetries(o.Retries)}
		if o.MaxBodyBytes > 0 {
			opts = append(opts, option.WithMaxBodyBytes(o.MaxBodyBytes))
		}
		if o.Sleep != nil {
			opts = append(opts, apollo.WithSleep(o.Sleep))
		}
		if o.Logger != nil {
			opts = append(opts, option.WithLogger(o.Logger))
		}
		client, err := apollo.NewClient(spectest.HostileKey, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return client
	}
	spectest.Hostile(t, specs.Apollo, ops, newClient, spectest.Expect{Prefix: "apollo: ", UserAgent: regexp.MustCompile(`^orgapis-apollo-go/[^ ()]+$`),
		Malformed: apollo.ErrMalformedBody, TooLarge: apollo.ErrBodyTooLarge, RateLimited: apollo.ErrRateLimited,
		Redirect: func(err error) bool { var r *apicall.RedirectError; return errors.As(err, &r) },
		Param:    func(err error) bool { var p *apicall.ParamError; return errors.As(err, &p) },
	})
}
