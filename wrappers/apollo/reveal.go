package apollo

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/internal/jsonscan"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// MaxBulkMatch is the most people one bulk people enrichment request takes;
// BulkMatchPeople sends more in several.
const MaxBulkMatch = 10

// CreditsPerPerson is what revealing one person found costs: one credit for their
// details and email (Apollo charges nothing for a person it does not find). This
// client never asks for mobile numbers, which cost 8 more and arrive later at a
// webhook, nor for waterfall enrichment, whose vendors charge what they charge.
const CreditsPerPerson = 1

// MatchQuery names a person to reveal. Give the Apollo id (as People gives it), an
// email, a LinkedIn address, or a name with an employer; more than one field improves
// the match.
type MatchQuery struct {
	ID          string
	Email       string
	HashedEmail string // MD5 or SHA-256 of the email, in hexadecimal
	FirstName   string
	LastName    string
	Name        string // the full name, instead of FirstName and LastName
	// OrganizationName and Domain name the person's employer, current or past; Domain
	// without www. or @.
	OrganizationName string
	Domain           string
	LinkedInURL      string
}

func (q MatchQuery) String() string {
	var parts []string
	for _, p := range []struct{ name, value string }{{"id", q.ID}, {"email", q.Email}, {"hashed_email", q.HashedEmail},
		{"first_name", q.FirstName}, {"last_name", q.LastName}, {"name", q.Name}, {"organization_name", q.OrganizationName},
		{"domain", q.Domain}, {"linkedin_url", q.LinkedInURL}} {
		if p.value != "" {
			parts = append(parts, p.name+" "+p.value)
		}
	}
	return strings.Join(parts, ", ")
}

func (q MatchQuery) check(param string) error {
	if blank(q.ID) && blank(q.Email) && blank(q.HashedEmail) && blank(q.LinkedInURL) && blank(q.Name) && blank(q.FirstName+q.LastName) {
		return paramError(param, "give at least one of id, email, hashed_email, linkedin_url and a name")
	}
	return nil
}

func (q MatchQuery) identity() apolloapi.PersonIdentity {
	return apolloapi.PersonIdentity{ID: optional(q.ID), Email: optional(q.Email), HashedEmail: optional(q.HashedEmail),
		FirstName: optional(q.FirstName), LastName: optional(q.LastName), Name: optional(q.Name),
		OrganizationName: optional(q.OrganizationName), Domain: optional(q.Domain), LinkedinURL: optional(q.LinkedInURL)}
}

// personResult is apolloapi.PersonMatchResponse's member, as this package's record.
type personResult struct {
	Person *Person `json:"person"`
}

// MatchPerson reveals one person: their details and work email. It costs
// CreditsPerPerson when Apollo finds them and nothing when it does not (an error that
// matches ErrNotFound); Response.Credits says which, and a budget of WithCreditBudget
// must have room for one credit before the request is sent.
func (c *Client) MatchPerson(ctx context.Context, q MatchQuery, callOpts ...option.CallOption) (Person, error) {
	if err := q.check("id"); err != nil {
		return Person{}, err
	}
	id := q.identity()
	params := &apolloapi.MatchPersonParams{ID: id.ID, Email: id.Email, HashedEmail: id.HashedEmail, FirstName: id.FirstName,
		LastName: id.LastName, Name: id.Name, OrganizationName: id.OrganizationName, Domain: id.Domain, LinkedinURL: id.LinkedinURL}
	r, err := paid(ctx, c.spending(callOpts), "matchPerson", CreditsPerPerson, callOpts, func(ctx context.Context, opts []option.CallOption) (personResult, error) {
		return httpcore.Run(ctx, c.doer, "matchPerson", opts, func(ctx context.Context) (*http.Response, error) {
			return c.api.MatchPerson(ctx, params)
		}, func(r *personResult) error {
			switch {
			case r.Person == nil: // Apollo answers without a person when nobody matches
				return httpcore.Refuse(fmt.Errorf("%w: nobody matches %s", ErrNotFound, q))
			case r.Person.ID == "":
				return &apicall.MissingMemberError{Member: "person.id", Reason: "missing, null or empty"}
			}
			return nil
		})
	}, func(personResult) int { return CreditsPerPerson })
	if err != nil {
		return Person{}, err
	}
	return *r.Person, nil
}

// BulkMatch is what BulkMatchPeople revealed.
type BulkMatch struct {
	// People are the people found, in the order of the queries that found them.
	People []Person
	// Missing is how many queries found nobody.
	Missing int
	// Credits is what the requests cost, as Apollo's answers reported it
	// (credits_consumed), or CreditsPerPerson for each person found where an answer
	// did not say.
	Credits int
}

// BulkMatchPeople reveals any number of people, ten per request (Apollo's bulk people
// enrichment). Each person found costs CreditsPerPerson; one not found costs nothing.
// The worst case of the whole call, a credit for every query, is held against
// WithCreditBudget before the first request is sent, so that a budget cannot stop it
// halfway: a call that could pass the budget is a *BudgetError and sends nothing.
// Response.Credits is the last request's cost, BulkMatch.Credits the whole call's.
//
// A query that names nobody is an *apicall.ParamError naming its index, before
// anything is sent. When a request fails, the people of the requests before it are
// returned with the error, and the failed request is counted as its worst case.
func (c *Client) BulkMatchPeople(ctx context.Context, queries []MatchQuery, callOpts ...option.CallOption) (BulkMatch, error) {
	if len(queries) == 0 {
		return BulkMatch{}, paramError("details", "give at least one person")
	}
	for i, q := range queries {
		if err := q.check(fmt.Sprintf("details[%d]", i)); err != nil {
			return BulkMatch{}, err
		}
	}
	sp := c.spending(callOpts)
	// The whole call's worst case, held up front; each request then draws on it.
	if err := sp.hold("bulkMatchPeople", len(queries)*CreditsPerPerson); err != nil {
		return BulkMatch{}, err
	}
	held := len(queries) * CreditsPerPerson
	defer func() { sp.release(held) }()
	var out BulkMatch
	for start := 0; start < len(queries); start += MaxBulkMatch {
		batch := queries[start:min(start+MaxBulkMatch, len(queries))]
		details := make([]apolloapi.PersonIdentity, len(batch))
		for i, q := range batch {
			details[i] = q.identity()
		}
		worst := len(batch) * CreditsPerPerson
		held -= worst // this request's share of the call's hold, settled by it
		r, err := paidHeld(ctx, sp, worst, callOpts, func(ctx context.Context, opts []option.CallOption) (bulkMatchAnswer, error) {
			return httpcore.Run(ctx, c.doer, "bulkMatchPeople", opts, func(ctx context.Context) (*http.Response, error) {
				return c.api.BulkMatchPeople(ctx, nil, apolloapi.BulkMatchRequest{Details: details})
			}, func(r *bulkMatchAnswer) error { return r.check(len(batch)) })
		}, func(r bulkMatchAnswer) int { return r.credits() })
		if err != nil {
			return out, err
		}
		for _, p := range r.Matches {
			if p != nil {
				out.People = append(out.People, *p)
			}
		}
		out.Missing += len(batch) - r.found()
		out.Credits += r.credits()
	}
	return out, nil
}

// release gives back credits held but not spent.
func (s *spender) release(n int) {
	if n == 0 {
		return
	}
	if s.own != nil {
		s.own.settle(n, 0)
	}
	s.c.credits.settle(n, 0)
}

// bulkMatchAnswer is what BulkMatchPeople reads of apolloapi.BulkMatchResponse.
type bulkMatchAnswer struct {
	Status          string    `json:"status"`
	CreditsConsumed *float64  `json:"credits_consumed"`
	Matches         []*Person `json:"matches"`
	null            bool
}

// UnmarshalJSON counts the matches before decoding any, as bulkAnswer does: an answer
// of more than MaxBulkMatch people is not one of this client's requests.
func (a *bulkMatchAnswer) UnmarshalJSON(data []byte) error {
	var w struct {
		Status          string          `json:"status"`
		CreditsConsumed *float64        `json:"credits_consumed"`
		Matches         json.RawMessage `json:"matches"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	a.Status, a.CreditsConsumed = w.Status, w.CreditsConsumed
	if n, isArray, _ := jsonscan.Elements(w.Matches, nil); isArray && n > MaxBulkMatch {
		return &apicall.MissingMemberError{Member: "matches", Reason: fmt.Sprintf("%d people answer a request of at most %d", n, MaxBulkMatch)}
	}
	if len(w.Matches) == 0 || string(w.Matches) == "null" {
		a.null = true
		return nil
	}
	return json.Unmarshal(w.Matches, &a.Matches)
}

// check holds an answer to its request of n people. A null among the matches is a
// person not found, as Apollo answers them.
func (a *bulkMatchAnswer) check(n int) error {
	switch {
	case a.null:
		return &apicall.MissingMemberError{Member: "matches", Reason: "missing or null"}
	case len(a.Matches) > n:
		return &apicall.MissingMemberError{Member: "matches", Reason: fmt.Sprintf("%d people answer a request of %d", len(a.Matches), n)}
	case a.Status != "success":
		return &apicall.MissingMemberError{Member: "status", Reason: fmt.Sprintf("%q, not \"success\"", a.Status)}
	case a.CreditsConsumed != nil && (*a.CreditsConsumed < 0 || math.IsNaN(*a.CreditsConsumed) || *a.CreditsConsumed > float64(n*9)):
		// 9 credits a person is the most Apollo charges (a mobile number included).
		return &apicall.MissingMemberError{Member: "credits_consumed", Reason: fmt.Sprintf("%v for a request of %d people", *a.CreditsConsumed, n)}
	}
	for i, p := range a.Matches {
		if p != nil && p.ID == "" {
			return &apicall.MissingMemberError{Member: fmt.Sprintf("matches[%d].id", i), Reason: "missing, null or empty"}
		}
	}
	return nil
}

func (a *bulkMatchAnswer) found() int {
	n := 0
	for _, p := range a.Matches {
		if p != nil {
			n++
		}
	}
	return n
}

// credits is what Apollo says the request cost, or the price of the people found.
func (a *bulkMatchAnswer) credits() int {
	if a.CreditsConsumed != nil {
		return int(math.Ceil(*a.CreditsConsumed))
	}
	return a.found() * CreditsPerPerson
}
