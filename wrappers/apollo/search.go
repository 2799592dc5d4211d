package apollo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Search limits.
const (
	MaxPerPage = 100
	// MaxDisplayPage is the last page Apollo returns data for: it shows at most 50,000
	// records whatever total_pages says.
	MaxDisplayPage = 500
)

// ErrResultsCapped ends a search iteration that delivered every result Apollo will
// show while the search matched more. Narrow the query to see the rest.
var ErrResultsCapped = errors.New("apollo: search matched more results than Apollo displays (page 500 is the last)")

// Prospected restricts a search to saved or to net-new companies.
type Prospected string

// Values of CompanyQuery.ProspectedByCurrentTeam.
const (
	SavedOnly  Prospected = "yes" // only companies the team has saved
	NetNewOnly Prospected = "no"  // only companies the team has not saved
)

// CompanyQuery filters a company search (searchMixedCompanies). The zero value matches
// everything.
type CompanyQuery struct {
	OrganizationIDs []string
	// EmployeeRanges are head-count ranges written "min,max", such as "1,100".
	EmployeeRanges          []string
	Locations               []string
	NotLocations            []string
	KeywordTags             []string
	Name                    string
	ProspectedByCurrentTeam []Prospected
	// Domains keeps companies with these domains (up to 1,000), without www. or @.
	Domains []string
	// TechnologyUIDs keeps companies using any of these technologies, by Apollo uid
	// such as "salesforce" (a company's current_technologies list them).
	TechnologyUIDs []string
	// Revenue, LatestFundingAmount and TotalFunding bound amounts in dollars, and
	// NumJobs the number of active job postings.
	Revenue, LatestFundingAmount, TotalFunding, NumJobs IntRange
	// LatestFundingDate bounds when the latest funding round closed, and JobPostedAt
	// when job postings were posted.
	LatestFundingDate, JobPostedAt DateRange
	// JobTitles and JobLocations keep companies with active postings of any of these
	// titles, or in any of these locations.
	JobTitles, JobLocations []string
	// PerPage is the number of results per page, 1 to 100; 0 leaves Apollo's default.
	PerPage int
}

// IntRange bounds an amount. A zero bound is no bound.
type IntRange struct {
	Min, Max int64
}

// DateRange bounds a date; only the calendar date of each bound counts (in its own
// location). A zero time is no bound.
type DateRange struct {
	From, To time.Time
}

func (r IntRange) body(param string) (*apolloapi.NumberRange, error) {
	switch {
	case r.Min < 0 || r.Max < 0:
		return nil, paramError(param, fmt.Sprintf("bounds must not be negative, got %d to %d", r.Min, r.Max))
	case r.Max != 0 && r.Min > r.Max:
		return nil, paramError(param, fmt.Sprintf("min %d is above max %d", r.Min, r.Max))
	case r == IntRange{}:
		return nil, nil
	}
	var out apolloapi.NumberRange
	if r.Min != 0 {
		v := strconv.FormatInt(r.Min, 10) // Apollo's own client sends the bounds as strings
		out.Min = &v
	}
	if r.Max != 0 {
		v := strconv.FormatInt(r.Max, 10)
		out.Max = &v
	}
	return &out, nil
}

func (r DateRange) body(param string) (*apolloapi.DateRange, error) {
	if !r.From.IsZero() && !r.To.IsZero() && r.From.After(r.To) {
		return nil, paramError(param, fmt.Sprintf("from %s is after to %s", r.From.Format(time.DateOnly), r.To.Format(time.DateOnly)))
	}
	if r == (DateRange{}) {
		return nil, nil
	}
	var out apolloapi.DateRange
	if !r.From.IsZero() {
		v := r.From.Format(time.DateOnly)
		out.Min = &v
	}
	if !r.To.IsZero() {
		v := r.To.Format(time.DateOnly)
		out.Max = &v
	}
	return &out, nil
}

// CompanyPage is one page of a search.
type CompanyPage struct {
	Accounts      []Account
	Organizations []Organization
	Pagination    Pagination
	// Capped is true on the last displayable page of a search that matched more.
	Capped bool
}

var employeeRange = regexp.MustCompile(`^[0-9]+,[0-9]+$`)

func (q CompanyQuery) body(page int) (apolloapi.MixedCompaniesSearchRequest, error) {
	var b apolloapi.MixedCompaniesSearchRequest
	if page < 1 || page > MaxDisplayPage {
		return b, paramError("page", fmt.Sprintf("must be 1 to %d, got %d", MaxDisplayPage, page))
	}
	if q.PerPage < 0 || q.PerPage > MaxPerPage {
		return b, paramError("per_page", fmt.Sprintf("must be 1 to %d (or 0 for the default), got %d", MaxPerPage, q.PerPage))
	}
	for i, r := range q.EmployeeRanges {
		if !employeeRange.MatchString(r) {
			return b, paramError(fmt.Sprintf("organization_num_employees_ranges[%d]", i), fmt.Sprintf("must be \"min,max\", got %q", r))
		}
	}
	for i, p := range q.ProspectedByCurrentTeam {
		if p != SavedOnly && p != NetNewOnly {
			return b, paramError(fmt.Sprintf("prospected_by_current_team[%d]", i), fmt.Sprintf("must be \"yes\" or \"no\", got %q", p))
		}
	}
	var err error
	for _, r := range []struct {
		param string
		rng   IntRange
		dst   **apolloapi.NumberRange
	}{
		{"revenue_range", q.Revenue, &b.RevenueRange},
		{"latest_funding_amount_range", q.LatestFundingAmount, &b.LatestFundingAmountRange},
		{"total_funding_range", q.TotalFunding, &b.TotalFundingRange},
		{"organization_num_jobs_range", q.NumJobs, &b.OrganizationNumJobsRange},
	} {
		if *r.dst, err = r.rng.body(r.param); err != nil {
			return b, err
		}
	}
	if b.LatestFundingDateRange, err = q.LatestFundingDate.body("latest_funding_date_range"); err != nil {
		return b, err
	}
	if b.OrganizationJobPostedAtRange, err = q.JobPostedAt.body("organization_job_posted_at_range"); err != nil {
		return b, err
	}
	b.QOrganizationDomainsList = list(q.Domains)
	b.CurrentlyUsingAnyOfTechnologyUids = list(q.TechnologyUIDs)
	b.QOrganizationJobTitles = list(q.JobTitles)
	b.OrganizationJobLocations = list(q.JobLocations)
	b.Page = &page
	if q.PerPage != 0 {
		b.PerPage = &q.PerPage
	}
	if q.Name != "" {
		b.QOrganizationName = &q.Name
	}
	b.OrganizationIDs = list(q.OrganizationIDs)
	b.OrganizationNumEmployeesRanges = list(q.EmployeeRanges)
	b.OrganizationLocations = list(q.Locations)
	b.OrganizationNotLocations = list(q.NotLocations)
	b.QOrganizationKeywordTags = list(q.KeywordTags)
	if len(q.ProspectedByCurrentTeam) > 0 {
		p := make([]apolloapi.MixedCompaniesSearchRequestProspectedByCurrentTeam, len(q.ProspectedByCurrentTeam))
		for i, v := range q.ProspectedByCurrentTeam {
			p[i] = apolloapi.MixedCompaniesSearchRequestProspectedByCurrentTeam(v)
		}
		b.ProspectedByCurrentTeam = p
	}
	return b, nil
}

func list[T ~string](v []T) []T {
	if len(v) == 0 {
		return nil
	}
	return v
}

// searchAnswer is what a search page reads of apolloapi.MixedCompaniesSearchResponse,
// as this package's records.
type searchAnswer struct {
	Accounts      optionalArray[Account]      `json:"accounts"`
	Organizations optionalArray[Organization] `json:"organizations"`
	Pagination    Pagination                  `json:"pagination"`
}

// optionalArray is an array member the spec lets an answer leave out but not make
// null: a page whose organizations are null is malformed, not empty (read as empty, it
// would end a listing as if it were done).
type optionalArray[T any] struct {
	items []T
	null  bool
}

// UnmarshalJSON is called for null too, as for any member whose type has one.
func (a *optionalArray[T]) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		a.null = true
		return nil
	}
	return json.Unmarshal(data, &a.items)
}

// check refuses a null array, naming member.
func (a *optionalArray[T]) check(member string) error {
	if a.null {
		return &apicall.MissingMemberError{Member: member, Reason: "null: the answer leaves it out or gives an array, never null"}
	}
	return nil
}

// CompanyPage fetches one page of a search (page counts from 1). Each page costs one
// credit on plans with export credits, counted against WithCreditBudget.
func (c *Client) CompanyPage(ctx context.Context, q CompanyQuery, page int, callOpts ...option.CallOption) (CompanyPage, error) {
	return c.companyPage(ctx, c.spending(callOpts), q, page, callOpts)
}

func (c *Client) companyPage(ctx context.Context, sp *spender, q CompanyQuery, page int, callOpts []option.CallOption) (CompanyPage, error) {
	body, err := q.body(page)
	if err != nil {
		return CompanyPage{}, err
	}
	r, err := paid(ctx, sp, "searchMixedCompanies", 1, callOpts, func(ctx context.Context, opts []option.CallOption) (searchAnswer, error) {
		return httpcore.Run(ctx, c.doer, "searchMixedCompanies", opts, func(ctx context.Context) (*http.Response, error) {
			return c.api.SearchMixedCompanies(ctx, nil, body)
		}, checkSearch)
	}, func(searchAnswer) int { return 1 })
	if err != nil {
		return CompanyPage{}, err
	}
	p := CompanyPage{Pagination: r.Pagination, Accounts: r.Accounts.items, Organizations: r.Organizations.items}
	// Without total_pages (absent, null or 0) a full page 500 may well have been cut.
	p.Capped = page == MaxDisplayPage && (r.Pagination.TotalPages > MaxDisplayPage || r.Pagination.TotalPages == 0)
	return p, nil
}

// checkSearch refuses a search page without its page number, with a null array or an
// item without an id.
func checkSearch(r *searchAnswer) error {
	if r.Pagination.Page == 0 {
		return &apicall.MissingMemberError{Member: "pagination.page", Reason: "missing or zero"}
	}
	if err := r.Organizations.check("organizations"); err != nil {
		return err
	}
	if err := r.Accounts.check("accounts"); err != nil {
		return err
	}
	if err := eachID(r.Organizations.items, "organizations", func(o *Organization) string { return o.ID }); err != nil {
		return err
	}
	return eachID(r.Accounts.items, "accounts", func(a *Account) string { return a.ID })
}

// CompanyPages iterates over the pages of a search from page start (0 or 1 for the
// first). It stops after pagination.total_pages (when the answer gives it), at an empty
// page, or at page 500, Apollo's display cap; when the cap cut the results short, the
// last page has Capped set and the iteration ends with ErrResultsCapped. Only one page
// is held at a time.
// Each page costs one credit on plans with export credits.
func (c *Client) CompanyPages(ctx context.Context, q CompanyQuery, start int, callOpts ...option.CallOption) iter.Seq2[CompanyPage, error] {
	return func(yield func(CompanyPage, error) bool) {
		sp := c.spending(callOpts) // a call's budget holds for every page
		for page := max(start, 1); ; page++ {
			p, err := c.companyPage(ctx, sp, q, page, callOpts)
			if err != nil {
				yield(CompanyPage{}, err)
				return
			}
			empty := len(p.Accounts) == 0 && len(p.Organizations) == 0
			if empty {
				return
			}
			if !yield(p, nil) {
				return
			}
			if p.Capped {
				yield(CompanyPage{}, ErrResultsCapped)
				return
			}
			if (p.Pagination.TotalPages > 0 && page >= p.Pagination.TotalPages) || page == MaxDisplayPage {
				return
			}
		}
	}
}

// Company is one search result: a saved account or a database organization, exactly
// one of which is set.
type Company struct {
	Account      *Account
	Organization *Organization
}

// Name is the company's name, whichever kind of result it is.
func (c Company) Name() string {
	if c.Account != nil {
		return c.Account.Name
	}
	if c.Organization != nil {
		return c.Organization.Name
	}
	return ""
}

// Companies iterates over every result of a search, accounts of a page before its
// organizations, with the stopping rules of CompanyPages.
func (c *Client) Companies(ctx context.Context, q CompanyQuery, callOpts ...option.CallOption) iter.Seq2[Company, error] {
	return func(yield func(Company, error) bool) {
		for page, err := range c.CompanyPages(ctx, q, 1, callOpts...) {
			if err != nil {
				yield(Company{}, err)
				return
			}
			for i := range page.Accounts {
				if !yield(Company{Account: &page.Accounts[i]}, nil) {
					return
				}
			}
			for i := range page.Organizations {
				if !yield(Company{Organization: &page.Organizations[i]}, nil) {
					return
				}
			}
		}
	}
}

// eachID refuses an item of an answer's array without an id.
func eachID[T any](items []T, array string, id func(*T) string) error {
	return httpcore.EachID(items, array, func(x *T) bool { return id(x) != "" }, "missing, null or empty")
}
