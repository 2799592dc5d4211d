// Package apollo is a client for the organization endpoints of the Apollo.io API, the
// people who work at organizations, and the team's accounts and usage:
// authentication, auto-pagination within Apollo's display cap, retries that respect
// rate limits, credits counted and held to a budget, and typed errors, on top of the
// generated client in generated/apolloapi.
//
// # Naming
//
// Listings follow one naming scheme in this package and in package affinity: Companies
// iterates over every item, CompanyPages over pages, and CompanyPage fetches one page;
// single records use GetX, CreateX, UpdateX, and unpaginated lists ListX. Every call is
// a method of Client, named after its resource first.
//
// # Credits
//
// Accounts (the companies the team has saved, with stage, owner and labels) and the
// people search cost no credits to read or write. Many other calls cost credits: each
// says what in its doc, and its Response.Credits says what it cost. WithCreditBudget
// refuses a call that would pass a budget before it is sent; CreditsSpent and
// CreditBudget say where a client stands. Apollo never deduplicates CreateAccount;
// EnsureAccounts creates only the accounts Apollo does not already have.
//
// # A map of the calls
//
// Organizations: Companies, CompanyPages, CompanyPage (search, a credit a page),
// EnrichOrganization, EnrichOrganizations, ResumeEnrichOrganizations (enrichment, a
// credit a company found), GetOrganization (complete information), JobPostings,
// JobPostingPages, JobPostingPage.
//
// People: People, PeoplePages, PeoplePage (who works where, free, without emails);
// MatchPerson, BulkMatchPeople (reveals, a credit a person found).
//
// News: NewsArticles, NewsArticlePages, NewsArticlePage (a credit a page).
//
// Accounts: Accounts, AccountPages, AccountPage, GetAccount, CreateAccount,
// UpdateAccount, BulkCreateAccounts, EnsureAccounts, BulkUpdateAccounts,
// UpdateAccountOwners, ListAccountStages.
//
// Usage and limits: GetAPIUsage, GetCreditUsage, CreditsSpent, CreditBudget, RateLimit.
//
// Anything else: Do, with the client's authentication, retries and limits.
//
// The fake in package apollotest serves all of it, held to specs/apollo.yaml.
package apollo
