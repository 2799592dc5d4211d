package affinity

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"path"
	"strings"

	openapitypes "github.com/oapi-codegen/runtime/types"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// MatchCriteria is what made Affinity suggest that two companies are one.
type MatchCriteria string

// The reasons Affinity documents, from most to least sure.
const (
	MatchDomain         MatchCriteria = "domain-match"    // identical domains
	MatchDomainRedirect MatchCriteria = "domain-redirect" // domains that redirect to one place
	MatchName           MatchCriteria = "name"            // very similar names
)

// DuplicateSuggestion is Affinity's suggestion that companies duplicate a primary one:
// merge each of Duplicates into Primary with MergeCompanies(ctx, Primary.ID, d.ID).
type DuplicateSuggestion struct {
	// ID is the suggestion's id.
	ID    string
	Match MatchCriteria
	// Primary is the company Affinity recommends keeping. Its Fields are nil.
	Primary Company
	// Duplicates are the companies to merge into Primary: exactly one today (Affinity
	// keeps an array for suggestions of several later).
	Duplicates []Company
}

// DuplicateSuggestionQuery selects duplicate suggestions. The zero value lists them all.
type DuplicateSuggestionQuery struct {
	// Match keeps the suggestions made for this reason; "" keeps all.
	Match MatchCriteria
	// Term keeps the suggestions whose company names contain it: 2 characters or more,
	// or "".
	Term string
	// PageSize is the number of suggestions per request, 1 to 100; 0 means 100.
	PageSize int
}

// DuplicateSuggestionPage is one page of suggestions, with the cursor of the next one.
type DuplicateSuggestionPage struct {
	Suggestions []DuplicateSuggestion
	// NextCursor fetches the next page; "" after the last.
	NextCursor string
}

// wire shapes of the suggestions, as v2 sends them.
type (
	v2DuplicateProfile struct {
		ID       int64    `json:"id"`
		Name     string   `json:"name"`
		Domain   *string  `json:"domain"`
		Domains  []string `json:"domains"`
		IsGlobal bool     `json:"isGlobal"`
	}
	v2DuplicateSuggestion struct {
		ID                string               `json:"id"`
		MatchCriteria     string               `json:"matchCriteria"`
		PrimaryProfile    *v2DuplicateProfile  `json:"primaryProfile"`
		DuplicateProfiles []v2DuplicateProfile `json:"duplicateProfiles"`
	}
	v2DuplicateSuggestionPage struct {
		Data       []v2DuplicateSuggestion `json:"data"`
		Pagination v2Pagination            `json:"pagination"`
	}
)

// CompanyDuplicateSuggestionPage fetches one page of company duplicate suggestions
// through v2 (a beta endpoint: Affinity may change it without a new version): the first
// when cursor is empty, otherwise the page it points to. Only suggestions nobody has
// acted on are listed; a merge removes one. Affinity answers 403 to a key without the
// "Manage duplicates" permission (organization admins have it). v2 only: with
// WithV1Only it is refused before sending.
func (c *Client) CompanyDuplicateSuggestionPage(ctx context.Context, q DuplicateSuggestionQuery, cursor string, callOpts ...option.CallOption) (DuplicateSuggestionPage, error) {
	params, err := q.params(c)
	if err != nil {
		return DuplicateSuggestionPage{}, err
	}
	if cursor != "" {
		params.Cursor = &cursor
	}
	var page DuplicateSuggestionPage
	_, err = httpcore.Run(ctx, c.doer, "listCompanyDuplicateSuggestionsV2", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.ListCompanyDuplicateSuggestionsV2(ctx, params)
	}, func(p *v2DuplicateSuggestionPage) error {
		if p.Data == nil {
			return &apicall.MissingMemberError{Member: "data", Reason: "missing or null"}
		}
		for i, w := range p.Data {
			s, err := w.suggestion(fmt.Sprintf("data[%d].", i))
			if err != nil {
				return err
			}
			page.Suggestions = append(page.Suggestions, s)
		}
		var err error
		page.NextCursor, err = c.v2Cursor(p.Pagination.NextURL, "/v2/duplicates/company-suggestions")
		return err
	})
	if err != nil {
		return DuplicateSuggestionPage{}, v2Refused(err)
	}
	return page, nil
}

// CompanyDuplicateSuggestionPages iterates over the pages of suggestions from the page
// cursor points to ("" for the first), with the guards of every listing.
func (c *Client) CompanyDuplicateSuggestionPages(ctx context.Context, q DuplicateSuggestionQuery, cursor string, callOpts ...option.CallOption) iter.Seq2[DuplicateSuggestionPage, error] {
	return tokenPages(ctx, c, cursor, func(ctx context.Context, token string) (DuplicateSuggestionPage, error) {
		return c.CompanyDuplicateSuggestionPage(ctx, q, token, callOpts...)
	}, func(p DuplicateSuggestionPage) string { return p.NextCursor }, func(p DuplicateSuggestionPage) int { return len(p.Suggestions) })
}

// CompanyDuplicateSuggestions iterates over every company duplicate suggestion the
// query selects. A merge made while iterating removes its suggestion, which may move
// later ones onto pages already read: list, then merge.
func (c *Client) CompanyDuplicateSuggestions(ctx context.Context, q DuplicateSuggestionQuery, callOpts ...option.CallOption) iter.Seq2[DuplicateSuggestion, error] {
	return items(c.CompanyDuplicateSuggestionPages(ctx, q, "", callOpts...), func(p DuplicateSuggestionPage) []DuplicateSuggestion { return p.Suggestions })
}

func (q DuplicateSuggestionQuery) params(c *Client) (*affinityapi.ListCompanyDuplicateSuggestionsV2Params, error) {
	if c.v1Only {
		return nil, paramError("WithV1Only", "duplicate suggestions exist only in v2")
	}
	if q.PageSize < 0 || q.PageSize > MaxV2PageSize {
		return nil, paramError("limit", fmt.Sprintf("must be 1 to %d (or 0 for %d), got %d", MaxV2PageSize, MaxV2PageSize, q.PageSize))
	}
	p := &affinityapi.ListCompanyDuplicateSuggestionsV2Params{}
	if q.PageSize > 0 {
		limit := affinityapi.V2Limit(q.PageSize)
		p.Limit = &limit
	}
	switch q.Match {
	case "":
	case MatchDomain, MatchDomainRedirect, MatchName:
		f := "matchCriteria=" + string(q.Match)
		p.Filter = &f
	default:
		return nil, paramError("filter", fmt.Sprintf("match %q is not domain-match, domain-redirect or name", q.Match))
	}
	if q.Term != "" {
		if len([]rune(q.Term)) < 2 {
			return nil, paramError("term", fmt.Sprintf("%q is shorter than 2 characters", q.Term))
		}
		p.Term = &q.Term
	}
	return p, nil
}

func (w v2DuplicateSuggestion) suggestion(prefix string) (DuplicateSuggestion, error) {
	if w.ID == "" {
		return DuplicateSuggestion{}, &apicall.MissingMemberError{Member: prefix + "id", Reason: "missing, null or empty"}
	}
	if w.PrimaryProfile == nil {
		return DuplicateSuggestion{}, &apicall.MissingMemberError{Member: prefix + "primaryProfile", Reason: "missing or null"}
	}
	if len(w.DuplicateProfiles) == 0 {
		return DuplicateSuggestion{}, &apicall.MissingMemberError{Member: prefix + "duplicateProfiles", Reason: "missing, null or empty"}
	}
	s := DuplicateSuggestion{ID: w.ID, Match: MatchCriteria(w.MatchCriteria)}
	var err error
	if s.Primary, err = w.PrimaryProfile.company(prefix + "primaryProfile."); err != nil {
		return DuplicateSuggestion{}, err
	}
	for i, d := range w.DuplicateProfiles {
		co, err := d.company(fmt.Sprintf("%sduplicateProfiles[%d].", prefix, i))
		if err != nil {
			return DuplicateSuggestion{}, err
		}
		s.Duplicates = append(s.Duplicates, co)
	}
	return s, nil
}

func (p v2DuplicateProfile) company(prefix string) (Company, error) {
	if p.ID <= 0 {
		return Company{}, &apicall.MissingMemberError{Member: prefix + "id", Reason: "missing, null or not positive"}
	}
	co := Company{ID: p.ID, Name: p.Name, Domains: p.Domains, Global: p.IsGlobal}
	if p.Domain != nil {
		co.Domain = *p.Domain
	}
	return co, nil
}

// MergeStatus is the state of a merge task.
type MergeStatus string

// The states of a merge task.
const (
	MergeInProgress MergeStatus = "in-progress"
	MergeSucceeded  MergeStatus = "success"
	MergeFailed     MergeStatus = "failed"
)

// CompanyMerge is the state of a merge task, from GetCompanyMerge.
type CompanyMerge struct {
	TaskID string
	Status MergeStatus
	// The task's merges by outcome; Total is all of them.
	Total, InProgress, Succeeded, Failed int
}

// MergeCompanies starts merging the company duplicateID into primaryID through v2:
// everything of the duplicate moves to the primary, and the duplicate is deleted. The
// merge runs in the background; the answer is the id of its task, to follow with
// GetCompanyMerge. Affinity answers 403 to a key without the "Manage duplicates"
// permission and the organization admin role.
//
// Retries: it is a POST, which the client repeats only when the request never reached
// Affinity. A 2xx answer it cannot read (no task address in it) is an *Error with
// Applied set (match ErrApplied): the merge was started. A failure after the request
// may have arrived is an *apicall.UnknownOutcomeError (ErrMaybeApplied): look for the
// duplicate (GetCompany answers ErrNotFound once it is merged) before starting it
// again.
func (c *Client) MergeCompanies(ctx context.Context, primaryID, duplicateID int64, callOpts ...option.CallOption) (taskID string, err error) {
	if err := checkPositive("primaryCompanyId", primaryID); err != nil {
		return "", err
	}
	if err := checkPositive("duplicateCompanyId", duplicateID); err != nil {
		return "", err
	}
	if primaryID == duplicateID {
		return "", paramError("duplicateCompanyId", fmt.Sprintf("is the primary company itself (%d)", primaryID))
	}
	if c.v1Only {
		return "", paramError("WithV1Only", "merges exist only in v2")
	}
	body := affinityapi.V2CompanyMergeRequest{PrimaryCompanyID: primaryID, DuplicateCompanyID: duplicateID}
	_, err = httpcore.Run(ctx, c.doer, "mergeCompaniesV2", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.MergeCompaniesV2(ctx, nil, body)
	}, func(w *struct {
		TaskURL *string `json:"taskUrl"`
	}) error {
		var err error
		taskID, err = mergeTaskID(w.TaskURL)
		return err
	})
	return taskID, v2Refused(err)
}

// mergeTaskID is the task id at the end of a merge's taskUrl.
func mergeTaskID(taskURL *string) (string, error) {
	if taskURL == nil || *taskURL == "" {
		return "", &apicall.MissingMemberError{Member: "taskUrl", Reason: "missing, null or empty"}
	}
	u, err := url.Parse(*taskURL)
	id := ""
	if err == nil {
		id = path.Base(u.Path)
	}
	if err != nil || !strings.Contains(u.Path, "/company-merges/") || !validTaskID(id) {
		return "", &apicall.MissingMemberError{Member: "taskUrl", Reason: fmt.Sprintf("%q ends in no task id", truncate(*taskURL, 200))}
	}
	return id, nil
}

// validTaskID reports whether id is a task id: a UUID, as Affinity documents them.
func validTaskID(id string) bool {
	_, ok := taskUUID(id)
	return ok
}

func taskUUID(id string) (openapitypes.UUID, bool) {
	var u openapitypes.UUID
	if len(id) != 36 || u.UnmarshalText([]byte(id)) != nil {
		return u, false
	}
	return u, true
}

// GetCompanyMerge returns the state of the merge task taskID (from MergeCompanies).
// Poll it until Status is no longer MergeInProgress.
func (c *Client) GetCompanyMerge(ctx context.Context, taskID string, callOpts ...option.CallOption) (CompanyMerge, error) {
	id, ok := taskUUID(taskID)
	if !ok {
		return CompanyMerge{}, paramError("taskId", fmt.Sprintf("%q is not a task id (a UUID such as 123e4567-e89b-12d3-a456-426614174000)", truncate(taskID, 100)))
	}
	if c.v1Only {
		return CompanyMerge{}, paramError("WithV1Only", "merges exist only in v2")
	}
	type wire struct {
		ID             string `json:"id"`
		Status         string `json:"status"`
		ResultsSummary *struct {
			Total      int `json:"total"`
			InProgress int `json:"inProgress"`
			Success    int `json:"success"`
			Failed     int `json:"failed"`
		} `json:"resultsSummary"`
	}
	var m CompanyMerge
	_, err := httpcore.Run(ctx, c.doer, "getCompanyMergeTaskV2", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.GetCompanyMergeTaskV2(ctx, id, nil)
	}, func(w *wire) error {
		switch {
		case w.ID == "":
			return &apicall.MissingMemberError{Member: "id", Reason: "missing, null or empty"}
		case w.Status == "":
			return &apicall.MissingMemberError{Member: "status", Reason: "missing, null or empty"}
		case w.ResultsSummary == nil:
			return &apicall.MissingMemberError{Member: "resultsSummary", Reason: "missing or null"}
		}
		s := w.ResultsSummary
		m = CompanyMerge{TaskID: w.ID, Status: MergeStatus(w.Status), Total: s.Total, InProgress: s.InProgress, Succeeded: s.Success, Failed: s.Failed}
		return nil
	})
	return m, v2Refused(err)
}
