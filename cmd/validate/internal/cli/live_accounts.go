package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/orgapis/orgapis/wrappers/apollo"
)

// apolloAccounts reads the team's accounts, which cost no credits: the account
// stages, pages of an account search (up to --max-pages, 100 accounts a page) and the
// first account found. It only reads: validate live never creates, updates or gives
// away an account.
func (s *liveSession) apolloAccounts(ctx context.Context, c *apollo.Client, stderr io.Writer) {
	s.call(ctx, "listAccountStages", func(ctx context.Context) error {
		_, err := c.ListAccountStages(ctx)
		return err
	})
	var firstID string
	for page := 1; page <= s.cfg.maxPages; page++ {
		more := false
		var resp apollo.Response // this call's own rate limit, for pacing
		ok := s.call(ctx, "searchAccounts", func(ctx context.Context) error {
			p, err := c.AccountPage(ctx, apollo.AccountQuery{PerPage: apollo.MaxPerPage}, page, apollo.WithResponseInto(&resp))
			if len(p.Accounts) > 0 && firstID == "" {
				firstID = p.Accounts[0].ID
			}
			more = len(p.Accounts) == apollo.MaxPerPage && page < p.Pagination.TotalPages && page < apollo.MaxDisplayPage
			return err
		})
		if !ok || !more {
			break
		}
		if !s.pace(ctx, "searchAccounts", resp.RateLimit.Minute) {
			break
		}
	}
	if firstID == "" {
		fmt.Fprintln(stderr, "validate live: the team has no account, so getAccount was not called")
		return
	}
	s.call(ctx, "getAccount", func(ctx context.Context) error {
		_, err := c.GetAccount(ctx, firstID)
		return err
	})
}
