package apollo_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
	"github.com/orgapis/orgapis/wrappers/option"
)

// seedPeople gives the fake n people at each of domains: a VP of Engineering with a
// non-ASCII name and title first, then engineers.
func seedPeople(fake *apollotest.Server, n int, domains ...string) {
	for i, d := range domains {
		fake.AddPeople(apollotest.Person{FirstName: "Zoë", LastName: fmt.Sprintf("Ångström%d", i), Title: "VP of Engineering",
			Seniority: apollo.SeniorityVP, Email: "zoe@" + d, Domain: d, OrganizationName: "Company " + d})
		fake.AddPeople(apollotest.Person{FirstName: "José", LastName: "Muñoz", Title: "Directora de Ingeniería",
			Seniority: apollo.SeniorityDirector, Email: "jose@" + d, Domain: d, OrganizationName: "Company " + d})
		for j := 2; j < n; j++ {
			fake.AddPeople(apollotest.Person{FirstName: "Eng", LastName: fmt.Sprintf("Number%d", j), Title: "Software Engineer",
				Seniority: apollo.SenioritySenior, Domain: d, OrganizationName: "Company " + d})
		}
	}
}

// People search pages through everyone it finds, filters by title (non-ASCII
// included), seniority and employer, shows no email, and costs nothing.
func TestPeopleSearchIsFreeAndPages(t *testing.T) {
	client, fake := setup(t)
	seedPeople(fake, 5, "a.example", "b.example", "c.example")
	var names []string
	for p, err := range client.People(t.Context(), apollo.PeopleQuery{Domains: []string{"a.example", "b.example"}, PerPage: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, p.FirstName+" "+p.LastNameObfuscated)
	}
	if len(names) != 10 || names[0] != "Zoë Ån***0" {
		t.Errorf("people = %q, want the 10 at two companies, the first masked as Apollo does", names)
	}
	hits := fake.Hits()
	var pages int
	for _, err := range client.PeoplePages(t.Context(), apollo.PeopleQuery{Domains: []string{"a.example", "b.example"}, PerPage: 3}, 1) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
	}
	if pages != 4 || fake.Hits()-hits != 4 {
		t.Errorf("%d pages in %d requests, want 4 in 4 (10 people, 3 a page)", pages, fake.Hits()-hits)
	}
	var titles []string
	for p, err := range client.People(t.Context(), apollo.PeopleQuery{Titles: []string{"Directora de Ingeniería"}, ExactTitles: true}) {
		if err != nil {
			t.Fatal(err)
		}
		titles = append(titles, p.Title)
	}
	if len(titles) != 3 || titles[0] != "Directora de Ingeniería" {
		t.Errorf("titles = %q, want the three directors", titles)
	}
	var vps int
	for p, err := range client.People(t.Context(), apollo.PeopleQuery{Domains: []string{"c.example"}, Seniorities: []apollo.Seniority{apollo.SeniorityVP}}) {
		if err != nil {
			t.Fatal(err)
		}
		if p.HasEmail == nil || !*p.HasEmail || p.Organization == nil || p.Organization.Name != "Company c.example" {
			t.Errorf("person %+v", p)
		}
		vps++
	}
	if vps != 1 || fake.Credits() != 0 || client.CreditsSpent() != 0 {
		t.Errorf("%d VPs at c.example, %d credits at the fake, %d counted: want 1, 0, 0", vps, fake.Credits(), client.CreditsSpent())
	}
}

// A query the wrapper can tell is wrong is refused before anything is sent, naming
// the parameter.
func TestPeopleQueryRefusals(t *testing.T) {
	client, fake := setup(t)
	many := make([]string, apollo.MaxPeopleDomains+1)
	for i := range many {
		many[i] = fmt.Sprintf("d%d.example", i)
	}
	for _, c := range []struct {
		q     apollo.PeopleQuery
		page  int
		param string
	}{
		{apollo.PeopleQuery{}, 0, "page"},
		{apollo.PeopleQuery{}, 501, "page"},
		{apollo.PeopleQuery{PerPage: 101}, 1, "per_page"},
		{apollo.PeopleQuery{Domains: many}, 1, "q_organization_domains_list"},
		{apollo.PeopleQuery{Titles: []string{"VP", " "}}, 1, "person_titles[1]"},
		{apollo.PeopleQuery{Seniorities: []apollo.Seniority{""}}, 1, "person_seniorities[0]"},
	} {
		_, err := client.PeoplePage(t.Context(), c.q, c.page)
		var pe *apicall.ParamError
		if !errors.As(err, &pe) || pe.Param != c.param {
			t.Errorf("%+v page %d: err = %v, want a refusal of %s", c.q, c.page, err, c.param)
		}
	}
	if _, err := client.PeoplePage(t.Context(), apollo.PeopleQuery{Domains: many[:apollo.MaxPeopleDomains]}, 1); err != nil {
		t.Errorf("%d domains, the most allowed: %v", apollo.MaxPeopleDomains, err)
	}
	if fake.Hits() != 1 {
		t.Errorf("%d requests, want only the one allowed", fake.Hits())
	}
}

// A null among a search page's people, or in place of its list, is a malformed body
// naming it; among bulk enrichment's matches, a null is a person not found.
func TestNullsInPeopleLists(t *testing.T) {
	serve := func(body string) *apollo.Client {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, body)
		}))
		t.Cleanup(srv.Close)
		client, err := apollo.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		return client
	}
	for _, c := range []struct{ body, pointer string }{
		{`{"total_entries":2,"people":[{"id":"p1","first_name":"Zoë"},null]}`, "/people/1/id"},
		{`{"total_entries":0,"people":null}`, "/people"},
	} {
		_, err := serve(c.body).PeoplePage(t.Context(), apollo.PeopleQuery{}, 1)
		var missing *apicall.MissingMemberError
		if !errors.Is(err, apollo.ErrMalformedBody) || !errors.As(err, &missing) || missing.Pointer() != c.pointer {
			t.Errorf("%s: err = %v, want a malformed body naming %s", c.body, err, c.pointer)
		}
	}
	client := serve(`{"status":"success","credits_consumed":1,"matches":[null,{"id":"p2","name":"Ünï Person"}]}`)
	m, err := client.BulkMatchPeople(t.Context(), []apollo.MatchQuery{{Email: "a@example.com"}, {Email: "b@example.com"}})
	if err != nil || len(m.People) != 1 || m.People[0].Name != "Ünï Person" || m.Missing != 1 || m.Credits != 1 || client.CreditsSpent() != 1 {
		t.Errorf("match = %+v, %v (spent %d); want the one found, one missing, 1 credit", m, err, client.CreditsSpent())
	}
	_, err = serve(`{"status":"success","credits_consumed":1,"matches":[{"id":""}]}`).BulkMatchPeople(t.Context(), []apollo.MatchQuery{{ID: "x"}})
	if !errors.Is(err, apollo.ErrMalformedBody) {
		t.Errorf("a match without an id: err = %v, want a malformed body", err)
	}
}

// Revealing a person costs a credit when found, none when not; bulk enrichment sends
// ten a request, keeps the order of the queries and counts what Apollo reported.
func TestRevealingPeopleCostsWhatApolloCharges(t *testing.T) {
	client, fake := setup(t)
	seedPeople(fake, 2, "a.example")
	var resp apollo.Response
	p, err := client.MatchPerson(t.Context(), apollo.MatchQuery{Email: "zoe@a.example"}, apollo.WithResponseInto(&resp))
	if err != nil || p.Email != "zoe@a.example" || p.LastName != "Ångström0" || resp.Credits != 1 || fake.Credits() != 1 || client.CreditsSpent() != 1 {
		t.Fatalf("match = %+v, %v; credits: response %d, fake %d, counted %d; want 1 each", p, err, resp.Credits, fake.Credits(), client.CreditsSpent())
	}
	_, err = client.MatchPerson(t.Context(), apollo.MatchQuery{Email: "nobody@a.example"}, apollo.WithResponseInto(&resp))
	if !errors.Is(err, apollo.ErrNotFound) || resp.Credits != 0 || fake.Credits() != 1 || client.CreditsSpent() != 1 {
		t.Errorf("nobody: err = %v, credits %d / %d / %d; want not found and nothing spent", err, resp.Credits, fake.Credits(), client.CreditsSpent())
	}
	if _, err := client.MatchPerson(t.Context(), apollo.MatchQuery{}); !errors.As(err, new(*apicall.ParamError)) {
		t.Errorf("an empty query: err = %v, want a ParamError", err)
	}
	var queries []apollo.MatchQuery
	for i := range 12 {
		if i%4 == 3 {
			queries = append(queries, apollo.MatchQuery{Email: fmt.Sprintf("nobody%d@a.example", i)})
		} else {
			queries = append(queries, apollo.MatchQuery{Name: "José Muñoz", Domain: "a.example"})
		}
	}
	hits := fake.Hits()
	m, err := client.BulkMatchPeople(t.Context(), queries, apollo.WithResponseInto(&resp))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.People) != 9 || m.Missing != 3 || m.Credits != 9 || fake.Hits()-hits != 2 || resp.Credits != 1 {
		t.Errorf("bulk: %d people, %d missing, %d credits in %d requests (last cost %d); want 9, 3, 9 in 2 (1)", len(m.People), m.Missing, m.Credits, fake.Hits()-hits, resp.Credits)
	}
	if fake.Credits() != 10 || client.CreditsSpent() != 10 {
		t.Errorf("credits: fake %d, counted %d, want 10", fake.Credits(), client.CreditsSpent())
	}
	if _, err := client.BulkMatchPeople(t.Context(), []apollo.MatchQuery{{ID: "x"}, {}}); !errors.As(err, new(*apicall.ParamError)) {
		t.Errorf("an empty query in a bulk call: err = %v, want a ParamError", err)
	}
}

// Usage reads answer from the fake's counters, and cost nothing.
func TestUsageReads(t *testing.T) {
	client, fake := setup(t)
	seedPeople(fake, 1, "a.example")
	if _, err := client.MatchPerson(t.Context(), apollo.MatchQuery{Email: "zoe@a.example"}); err != nil {
		t.Fatal(err)
	}
	u, err := client.GetCreditUsage(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if b := u.Balances[apollo.LeadCredits]; b.Consumed != 1 || b.Limit != apollotest.CreditLimit || b.Left != apollotest.CreditLimit-1 {
		t.Errorf("lead credits %+v, want 1 consumed of %d", b, apollotest.CreditLimit)
	}
	a, err := client.GetAPIUsage(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	e, ok := a.Endpoint("api/v1/mixed_people", "api_search")
	if !ok || e.Minute.Limit != 200 || e.Day.Limit != 6000 || e.Minute.Consumed == 0 {
		t.Errorf("people search usage %+v (%v) in %+v", e, ok, a)
	}
	if fake.Credits() != 1 || client.CreditsSpent() != 1 {
		t.Errorf("credits %d / %d, want the match's 1 only", fake.Credits(), client.CreditsSpent())
	}
}

// News pages cost a credit each, which each page's metadata says; the iteration stops
// after the last page Apollo announced.
func TestNewsCostsACreditAPage(t *testing.T) {
	client, fake := setup(t)
	fake.SetNews("5e66b6381e05b4008c8331b8", 23)
	var resp apollo.Response
	n := 0
	for _, err := range client.NewsArticles(t.Context(), apollo.NewsQuery{OrganizationIDs: []string{"5e66b6381e05b4008c8331b8"}, PerPage: 10}, apollo.WithResponseInto(&resp)) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 23 || fake.Credits() != 3 || client.CreditsSpent() != 3 || resp.Credits != 1 {
		t.Errorf("%d articles for %d credits (counted %d, last page %d); want 23 for 3", n, fake.Credits(), client.CreditsSpent(), resp.Credits)
	}
	for _, q := range []apollo.NewsQuery{{}, {OrganizationIDs: []string{""}}, {OrganizationIDs: []string{"x"}, PerPage: 26}} {
		if _, err := client.NewsArticlePage(t.Context(), q, 1); !errors.As(err, new(*apicall.ParamError)) {
			t.Errorf("%+v: err = %v, want a ParamError", q, err)
		}
	}
	if fake.Credits() != 3 {
		t.Errorf("refused queries spent credits: %d", fake.Credits())
	}
}

// An answer without total_entries is paged to its short page; one that says fewer than
// a full page's worth ends the listing there; a search that matched more than Apollo
// shows ends with ErrResultsCapped after page 500.
func TestPeoplePagesStopRules(t *testing.T) {
	full := func(n int) string {
		var b []byte
		for i := range n {
			b = fmt.Appendf(b, `{"id":"p%d","first_name":"Ünï"},`, i)
		}
		return "[" + string(b[:max(len(b)-1, 0)]) + "]"
	}
	for _, c := range []struct {
		name  string
		page  func(page int) string
		pages int
		err   error
	}{
		{"no total", func(page int) string {
			if page < 3 {
				return `{"people":` + full(10) + `}`
			}
			return `{"people":` + full(4) + `}`
		}, 3, nil},
		{"total of one page", func(int) string { return `{"total_entries":10,"people":` + full(10) + `}` }, 1, nil},
		{"capped", func(int) string { return `{"total_entries":60000,"people":` + full(100) + `}` }, 500, apollo.ErrResultsCapped},
	} {
		requests := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests++
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, c.page(requests))
		}))
		client, err := apollo.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		per := 10
		if c.name == "capped" {
			per = 100
		}
		pages := 0
		var last error
		for _, err := range client.PeoplePages(t.Context(), apollo.PeopleQuery{PerPage: per}, 1) {
			if err != nil {
				last = err
				break
			}
			pages++
		}
		srv.Close()
		if pages != c.pages || !errors.Is(last, c.err) || (c.err == nil) != (last == nil) || requests != c.pages {
			t.Errorf("%s: %d pages in %d requests, then %v; want %d, %v", c.name, pages, requests, last, c.pages, c.err)
		}
	}
}

// A balance without left_over is counted from its limit; one with neither is left
// out, never read as 0 left (which a budget takes for "spend nothing").
func TestCreditUsageWithoutLeftOver(t *testing.T) {
	u, err := creditUsageFrom(t, `{"credit_usage_stats":{`+
		`"lead_credit":{"limit":100,"consumed":30},`+
		`"direct_dial_credit":{"consumed":7},`+
		`"export_credit":{"limit":10,"consumed":12},`+
		`"crédit_spécial":{"limit":5,"consumed":1,"left_over":2},`+
		`"empty":{}}}`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]apollo.CreditBalance{
		apollo.LeadCredits:   {Limit: 100, Consumed: 30, Left: 70},
		apollo.ExportCredits: {Limit: 10, Consumed: 12, Left: 0}, // overdrawn: none left
		"crédit_spécial":     {Limit: 5, Consumed: 1, Left: 2},   // left_over as sent, even when it disagrees
	}
	if len(u.Balances) != len(want) {
		t.Errorf("balances %+v, want %+v", u.Balances, want)
	}
	for k, w := range want {
		if got, ok := u.Balances[k]; !ok || got != w {
			t.Errorf("%s: %+v (%v), want %+v", k, got, ok, w)
		}
	}
	for _, k := range []string{apollo.DirectDialCredits, "empty"} {
		if b, ok := u.Balances[k]; ok {
			t.Errorf("%s: %+v; what is left cannot be told, so it should be left out", k, b)
		}
	}
}

// What is left is counted from limit and consumed only when Apollo sent both, sound: a
// balance with a limit and no (or a null, or a negative) consumed is left out, not
// taken for the whole limit left, which a budget would then spend; a limit near the
// largest int with a negative consumed would even wrap around.
func TestCreditUsageCountsOnlyWhatWasSaid(t *testing.T) {
	u, err := creditUsageFrom(t, `{"credit_usage_stats":{`+
		`"lead_credit":{"limit":100},`+
		`"direct_dial_credit":{"limit":100,"consumed":null},`+
		`"export_credit":{"limit":100,"consumed":-50},`+
		`"wrap":{"limit":9223372036854775807,"consumed":-1},`+
		`"negative_limit":{"limit":-10,"consumed":0},`+
		`"kept":{"limit":100,"consumed":0},`+
		`"overdrawn":{"limit":5,"consumed":0,"left_over":-3}}}`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]apollo.CreditBalance{
		"kept":      {Limit: 100, Consumed: 0, Left: 100},
		"overdrawn": {Limit: 5, Consumed: 0, Left: -3}, // left_over as sent; enrichsync spends max(Left, 0)
	}
	if len(u.Balances) != len(want) {
		t.Errorf("balances %+v, want only %v", u.Balances, want)
	}
	for k, w := range want {
		if got, ok := u.Balances[k]; !ok || got != w {
			t.Errorf("%s: %+v (%v), want %+v", k, got, ok, w)
		}
	}
}

// A balance that is no whole number (a float, a string, beyond int64) is an error
// naming the operation, not a balance read as 0 or a panic.
func TestCreditUsageOddNumbers(t *testing.T) {
	for _, member := range []string{`{"left_over":12.5}`, `{"left_over":"100"}`, `{"limit":1e30,"consumed":0}`, `{"left_over":true}`} {
		u, err := creditUsageFrom(t, `{"credit_usage_stats":{"lead_credit":`+member+`}}`)
		if err == nil {
			t.Errorf("%s: no error, balances %+v", member, u.Balances)
			continue
		}
		if !strings.Contains(err.Error(), "getCreditUsageStats") {
			t.Errorf("%s: %v does not name the operation", member, err)
		}
	}
}

// creditUsageFrom is what GetCreditUsage reads from a server that answers body.
func creditUsageFrom(t *testing.T, body string) (apollo.CreditUsage, error) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	client, err := apollo.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return client.GetCreditUsage(t.Context())
}
