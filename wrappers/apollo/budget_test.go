package apollo_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/option"
)

// budgetError is err's *BudgetError, failing t when it is not one.
func budgetError(t *testing.T, err error) *apollo.BudgetError {
	t.Helper()
	var be *apollo.BudgetError
	if !errors.As(err, &be) || !errors.Is(err, apollo.ErrOverBudget) {
		t.Fatalf("err = %v, want a *BudgetError", err)
	}
	return be
}

// A budgeted client runs the call that exactly reaches its budget and refuses the
// next before sending it, naming the budget, what was spent and what the call would
// cost: the fake's credit counter never goes one over.
func TestABudgetedClientStopsBeforeTheCallThatWouldPassIt(t *testing.T) {
	client, fake := setup(t, apollo.WithCreditBudget(3))
	seedPeople(fake, 2, "a.example", "b.example")
	if n, ok := client.CreditBudget(); !ok || n != 3 {
		t.Fatalf("CreditBudget() = %d, %v", n, ok)
	}
	for i, email := range []string{"zoe@a.example", "jose@a.example", "zoe@b.example"} {
		if _, err := client.MatchPerson(t.Context(), apollo.MatchQuery{Email: email}); err != nil {
			t.Fatalf("match %d, within the budget: %v", i, err)
		}
	}
	if fake.Credits() != 3 {
		t.Fatalf("the fake counted %d credits, want the budget's 3", fake.Credits())
	}
	hits := fake.Hits()
	_, err := client.MatchPerson(t.Context(), apollo.MatchQuery{Email: "jose@b.example"})
	be := budgetError(t, err)
	if be.Budget != 3 || be.Spent != 3 || be.Cost != 1 || be.Call || be.Op != "matchPerson" {
		t.Errorf("budget error %+v, want budget 3, spent 3, cost 1, the client's", be)
	}
	if fake.Hits() != hits || fake.Credits() != 3 || client.CreditsSpent() != 3 {
		t.Errorf("after the refusal: %d requests sent, %d credits at the fake, %d counted; want none, 3, 3", fake.Hits()-hits, fake.Credits(), client.CreditsSpent())
	}
	// Free calls still run.
	for _, err := range client.People(t.Context(), apollo.PeopleQuery{Domains: []string{"a.example"}}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := client.GetCreditUsage(t.Context()); err != nil {
		t.Fatal(err)
	}
	// A person not found costs nothing, so it leaves the budget as it was.
	client2, fake2 := setup(t, apollo.WithCreditBudget(1))
	seedPeople(fake2, 1, "a.example")
	if _, err := client2.MatchPerson(t.Context(), apollo.MatchQuery{Email: "nobody@a.example"}); !errors.Is(err, apollo.ErrNotFound) {
		t.Fatal(err)
	}
	if _, err := client2.MatchPerson(t.Context(), apollo.MatchQuery{Email: "zoe@a.example"}); err != nil || fake2.Credits() != 1 {
		t.Errorf("the budget's one credit after a miss: %v, %d credits", err, fake2.Credits())
	}
}

// A bulk call holds its worst case, a credit a person, up front: the call that could
// reach the budget exactly runs, the one that could pass it sends nothing, even when
// it would have found fewer people than it asked for.
func TestABulkCallChecksItsWorstCaseUpFront(t *testing.T) {
	client, fake := setup(t, apollo.WithCreditBudget(12))
	seedPeople(fake, 2, "a.example")
	queries := func(n int) []apollo.MatchQuery {
		var q []apollo.MatchQuery
		for i := range n {
			q = append(q, apollo.MatchQuery{Email: fmt.Sprintf("nobody%d@a.example", i)})
		}
		return append(q, apollo.MatchQuery{Email: "zoe@a.example"})
	}
	_, err := client.BulkMatchPeople(t.Context(), queries(12)) // 13 queries: one more than the budget
	be := budgetError(t, err)
	if be.Cost != 13 || be.Spent != 0 || be.Budget != 12 || fake.Hits() != 0 {
		t.Errorf("%+v after %d requests, want cost 13 of 12 refused before any", be, fake.Hits())
	}
	m, err := client.BulkMatchPeople(t.Context(), queries(11)) // 12: exactly the budget
	if err != nil || m.Credits != 1 || fake.Credits() != 1 || client.CreditsSpent() != 1 || fake.Hits() != 2 {
		t.Fatalf("12 queries: %+v, %v; %d credits at the fake, %d counted, %d requests", m, err, fake.Credits(), client.CreditsSpent(), fake.Hits())
	}
	// What was not spent is free again: 11 left, so 11 queries run and 12 do not.
	if _, err := client.BulkMatchPeople(t.Context(), queries(11)); budgetError(t, err).Cost != 12 {
		t.Errorf("12 queries with 11 left: %v", err)
	}
	if _, err := client.BulkMatchPeople(t.Context(), queries(10)); err != nil || fake.Credits() != 2 {
		t.Errorf("11 queries with 11 left: %v, %d credits", err, fake.Credits())
	}
	// Bulk company enrichment holds each batch's worst case: a credit a company.
	client3, fake3 := setup(t, apollo.WithCreditBudget(2))
	for _, err := range client3.EnrichOrganizations(t.Context(), []apollo.EnrichQuery{{Domain: "a.example"}, {Domain: "b.example"}, {Domain: "c.example"}}) {
		if err != nil {
			budgetError(t, err)
			break
		}
		t.Fatal("a batch of 3 with a budget of 2 ran")
	}
	if fake3.Hits() != 0 || fake3.Credits() != 0 {
		t.Errorf("%d requests, %d credits, want none", fake3.Hits(), fake3.Credits())
	}
	n := 0
	for _, err := range client3.EnrichOrganizations(t.Context(), []apollo.EnrichQuery{{Domain: "a.example"}, {Domain: "b.example"}}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2 || fake3.Credits() != 2 || client3.CreditsSpent() != 2 {
		t.Errorf("%d enrichments for %d credits (counted %d), want 2 for 2", n, fake3.Credits(), client3.CreditsSpent())
	}
	if _, err := client3.EnrichOrganization(t.Context(), apollo.EnrichQuery{Domain: "d.example"}); budgetError(t, err).Cost != 1 || fake3.Credits() != 2 {
		t.Errorf("a third enrichment: %v", err)
	}
}

// A call's budget caps that call, every page of an iteration included, on top of the
// client's; it leaves the client's budget as it was for the next call.
func TestACallsBudgetIsThatCallsOnly(t *testing.T) {
	client, fake := setup(t, apollo.WithCreditBudget(10))
	fake.SetNews("5e66b6381e05b4008c8331b8", 30)
	q := apollo.NewsQuery{OrganizationIDs: []string{"5e66b6381e05b4008c8331b8"}, PerPage: 10}
	var pages int
	var stop error
	for _, err := range client.NewsArticlePages(t.Context(), q, 1, apollo.WithCreditBudget(2)) {
		if err != nil {
			stop = err
			break
		}
		pages++
	}
	be := budgetError(t, stop)
	if pages != 2 || !be.Call || be.Budget != 2 || be.Spent != 2 || be.Cost != 1 || fake.Credits() != 2 {
		t.Errorf("%d pages, then %+v, %d credits; want 2 pages, the call's budget of 2, 2 credits", pages, be, fake.Credits())
	}
	// The next call without it has the client's budget: 8 left, so the 3 pages run.
	pages = 0
	for _, err := range client.NewsArticlePages(t.Context(), q, 1) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
	}
	if pages != 3 || fake.Credits() != 5 || client.CreditsSpent() != 5 {
		t.Errorf("%d pages, %d credits (counted %d), want 3 and 5", pages, fake.Credits(), client.CreditsSpent())
	}
	// A call's budget above what the client has left does not lift the client's.
	_, err := client.BulkMatchPeople(t.Context(), make6(), apollo.WithCreditBudget(100))
	if be := budgetError(t, err); be.Call || be.Budget != 10 || be.Spent != 5 || be.Cost != 6 {
		t.Errorf("%+v, want the client's budget of 10 with 5 spent", be)
	}
	if _, err := client.NewsArticlePage(t.Context(), q, 1, apollo.WithCreditBudget(-1)); !errors.As(err, new(*apicall.ParamError)) {
		t.Errorf("a negative budget: %v, want a ParamError", err)
	}
	if _, err := apollo.NewClient(key, apollo.WithCreditBudget(-1)); !errors.As(err, new(*apicall.ParamError)) {
		t.Errorf("a negative client budget: %v, want a ParamError", err)
	}
	if err := client.Do(t.Context(), "POST", "news_articles/search", nil, nil, nil, apollo.WithCreditBudget(5)); !errors.As(err, new(*apicall.ParamError)) {
		t.Errorf("Do with a budget: %v, want a ParamError", err)
	}
	if fake.Credits() != 5 {
		t.Errorf("refusals spent credits: %d", fake.Credits())
	}
}

func make6() []apollo.MatchQuery {
	q := make([]apollo.MatchQuery, 6)
	for i := range q {
		q[i] = apollo.MatchQuery{Email: fmt.Sprintf("p%d@a.example", i)}
	}
	return q
}

// Calls in many goroutines at once hold their worst case while they run: together
// they never spend past the budget, and exactly the budget's worth run.
func TestABudgetHoldsAcrossGoroutines(t *testing.T) {
	client, fake := setup(t, apollo.WithCreditBudget(7), option.WithRetries(0))
	seedPeople(fake, 1, "a.example")
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = client.MatchPerson(t.Context(), apollo.MatchQuery{Email: "zoe@a.example"})
		})
	}
	wg.Wait()
	ok, refused := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, apollo.ErrOverBudget):
			refused++
		default:
			t.Error(err)
		}
	}
	if ok != 7 || refused != 13 || fake.Credits() != 7 || client.CreditsSpent() != 7 {
		t.Errorf("%d ran, %d refused, %d credits at the fake, %d counted; want 7, 13, 7, 7", ok, refused, fake.Credits(), client.CreditsSpent())
	}
}
