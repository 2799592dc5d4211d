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

func domains(n int, prefix string) []apollo.NewAccount {
	out := make([]apollo.NewAccount, n)
	for i := range out {
		out[i] = apollo.NewAccount{Name: fmt.Sprintf("%s %d", prefix, i), Domain: fmt.Sprintf("%s%d.com", prefix, i)}
	}
	return out
}

// The done-when of issue 32: an upsert of 500 domains run twice creates them all the
// first time and nothing the second, which reports every one as existing, five
// requests a run, and no credits.
func TestEnsureAccountsTwiceCreatesNothingTheSecondTime(t *testing.T) {
	c, fake := setup(t)
	in := domains(500, "co")
	first, err := c.EnsureAccounts(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Created) != 500 || len(first.Existing) != 0 || fake.AccountCount() != 500 {
		t.Fatalf("first run: %d created, %d existing, fake holds %d", len(first.Created), len(first.Existing), fake.AccountCount())
	}
	hits := fake.Hits()
	second, err := c.EnsureAccounts(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Created) != 0 || len(second.Existing) != 500 || fake.AccountCount() != 500 {
		t.Fatalf("second run: %d created, %d existing, fake holds %d", len(second.Created), len(second.Existing), fake.AccountCount())
	}
	if n := fake.Hits() - hits; n != 5 || hits != 5 {
		t.Errorf("requests: %d the first run, %d the second, want 5 each", hits, n)
	}
	for i, a := range second.Existing {
		if a.ID != first.Created[i].ID || a.Domain != in[i].Domain {
			t.Fatalf("existing[%d] = %s %s, want the account %s made for %s", i, a.ID, a.Domain, first.Created[i].ID, in[i].Domain)
		}
	}
	if fake.Credits() != 0 {
		t.Errorf("accounts cost %d credits, want 0", fake.Credits())
	}
	// A third run with 10 new domains among the old creates only those.
	third, err := c.EnsureAccounts(t.Context(), append(domains(10, "new"), in[:90]...))
	if err != nil || len(third.Created) != 10 || len(third.Existing) != 90 {
		t.Errorf("mixed run: %d created, %d existing, %v", len(third.Created), len(third.Existing), err)
	}
}

// Without dedupe, bulk creation makes an account again; with it, it does not. Plain
// create never dedupes, as Apollo documents.
func TestOnlyDedupeAvoidsDuplicates(t *testing.T) {
	c, fake := setup(t)
	a := apollo.NewAccount{Name: "Acme", Domain: "acme.com"}
	for range 2 {
		if _, err := c.CreateAccount(t.Context(), a); err != nil {
			t.Fatal(err)
		}
	}
	r, err := c.BulkCreateAccounts(t.Context(), []apollo.NewAccount{a}, apollo.BulkCreateOptions{})
	if err != nil || len(r.Created) != 1 || fake.AccountCount() != 3 {
		t.Fatalf("without dedupe: %+v, %v, fake holds %d", r, err, fake.AccountCount())
	}
	r, err = c.BulkCreateAccounts(t.Context(), []apollo.NewAccount{a}, apollo.BulkCreateOptions{Dedupe: true})
	if err != nil || len(r.Created) != 0 || len(r.Existing) != 1 || fake.AccountCount() != 3 {
		t.Fatalf("with dedupe: %+v, %v, fake holds %d", r, err, fake.AccountCount())
	}
}

// Both sides of each bound: 100 accounts in a bulk creation pass, 101 are a
// ParamError before any request, as are none; EnsureAccounts takes any number.
func TestBulkBounds(t *testing.T) {
	c, fake := setup(t)
	var p *apicall.ParamError
	if _, err := c.BulkCreateAccounts(t.Context(), domains(101, "bulkx"), apollo.BulkCreateOptions{}); !errors.As(err, &p) || p.Param != "accounts" {
		t.Errorf("101 accounts: %v", err)
	}
	if _, err := c.BulkCreateAccounts(t.Context(), nil, apollo.BulkCreateOptions{}); !errors.As(err, &p) {
		t.Errorf("no accounts: %v", err)
	}
	if fake.Hits() != 0 {
		t.Fatalf("%d requests for refused calls", fake.Hits())
	}
	if r, err := c.BulkCreateAccounts(t.Context(), domains(100, "bulkx"), apollo.BulkCreateOptions{}); err != nil || len(r.Created) != 100 {
		t.Fatalf("100 accounts: %d created, %v", len(r.Created), err)
	}
	if r, err := c.EnsureAccounts(t.Context(), domains(101, "bulky")); err != nil || len(r.Created) != 101 || fake.Hits() != 3 {
		t.Fatalf("ensure 101: %d created, %v, %d requests", len(r.Created), err, fake.Hits())
	}
	// Bulk update: 1,000 pass (on the accounts just made, ten times over), 1,001 do not.
	var ids []string
	for a, err := range c.Accounts(t.Context(), apollo.AccountQuery{PerPage: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	edits := make([]apollo.AccountEdit, 1001)
	for i := range edits {
		edits[i] = apollo.AccountEdit{ID: ids[i%len(ids)], StageID: "6095a710bd01d100a506d4b8"}
	}
	hits := fake.Hits()
	if _, err := c.BulkUpdateAccounts(t.Context(), edits); !errors.As(err, &p) || fake.Hits() != hits {
		t.Errorf("1,001 edits: %v", err)
	}
	if got, err := c.BulkUpdateAccounts(t.Context(), edits[:1000]); err != nil || len(got) != 1000 || got[0].AccountStageID != "6095a710bd01d100a506d4b8" {
		t.Errorf("1,000 edits: %d, %v", len(got), err)
	}
	// Owner changes: 100 ids pass, 101 do not.
	hits = fake.Hits()
	if _, err := c.UpdateAccountOwners(t.Context(), "66302798d03b9601c7934ec2", ids[:101]); !errors.As(err, &p) || fake.Hits() != hits {
		t.Errorf("101 ids: %v", err)
	}
	got, err := c.UpdateAccountOwners(t.Context(), "66302798d03b9601c7934ec2", ids[:100])
	if err != nil || len(got) != 100 || got[99].OwnerID != "66302798d03b9601c7934ec2" {
		t.Fatalf("100 ids: %d, %v", len(got), err)
	}
	if a, err := c.GetAccount(t.Context(), ids[99]); err != nil || a.OwnerID != "66302798d03b9601c7934ec2" {
		t.Errorf("after the owner change: %+v, %v", a, err)
	}
}

// Bad input is a ParamError naming the parameter, before any request.
func TestAccountParamErrors(t *testing.T) {
	c, fake := setup(t)
	ctx := t.Context()
	for _, tc := range []struct {
		param string
		call  func() error
	}{
		{"account", func() error { _, err := c.CreateAccount(ctx, apollo.NewAccount{Name: " \ufeff "}); return err }},
		{"linkedin_url", func() error {
			_, err := c.CreateAccount(ctx, apollo.NewAccount{Name: "A", LinkedInURL: "https://linkedin.com/company/a"})
			return err
		}},
		{"account.domain", func() error {
			_, err := c.CreateAccount(ctx, apollo.NewAccount{Domain: "co.uk"})
			return err
		}},
		{"account.name", func() error { _, err := c.CreateAccount(ctx, apollo.NewAccount{Name: "bad \xff"}); return err }},
		{"accounts[1]", func() error {
			_, err := c.EnsureAccounts(ctx, []apollo.NewAccount{{Name: "A"}, {}})
			return err
		}},
		{"account_id", func() error { _, err := c.GetAccount(ctx, ".."); return err }},
		{"account_id", func() error { _, err := c.UpdateAccount(ctx, "", apollo.AccountUpdate{Name: "A"}); return err }},
		{"update", func() error {
			_, err := c.UpdateAccount(ctx, "66e9abf95ac32901b20d1a0d", apollo.AccountUpdate{})
			return err
		}},
		{"account_attributes[0]", func() error {
			_, err := c.BulkUpdateAccounts(ctx, []apollo.AccountEdit{{ID: "66e9abf95ac32901b20d1a0d"}})
			return err
		}},
		{"account_ids[1]", func() error {
			_, err := c.UpdateAccountOwners(ctx, "66302798d03b9601c7934ebf", []string{"66e9abf95ac32901b20d1a0d", ""})
			return err
		}},
		{"owner_id", func() error {
			_, err := c.UpdateAccountOwners(ctx, "", []string{"66e9abf95ac32901b20d1a0d"})
			return err
		}},
		{"account_stage_ids[0]", func() error { _, err := c.AccountPage(ctx, apollo.AccountQuery{StageIDs: []string{""}}, 1); return err }},
		{"sort_ascending", func() error { _, err := c.AccountPage(ctx, apollo.AccountQuery{Ascending: true}, 1); return err }},
		{"sort_by_field", func() error { _, err := c.AccountPage(ctx, apollo.AccountQuery{SortBy: "name"}, 1); return err }},
		{"per_page", func() error { _, err := c.AccountPage(ctx, apollo.AccountQuery{PerPage: 101}, 1); return err }},
		{"page", func() error { _, err := c.AccountPage(ctx, apollo.AccountQuery{}, 501); return err }},
	} {
		var p *apicall.ParamError
		if err := tc.call(); !errors.As(err, &p) || p.Param != tc.param {
			t.Errorf("%s: err = %v", tc.param, err)
		}
	}
	if fake.Hits() != 0 {
		t.Errorf("%d requests for calls refused before sending", fake.Hits())
	}
	// The other side of the search bounds: per_page 100 and page 500 are sent.
	if _, err := c.AccountPage(ctx, apollo.AccountQuery{PerPage: 100}, 500); err != nil {
		t.Errorf("per_page 100, page 500: %v", err)
	}
}

// Names outside ASCII are sent and stored as written, found by search in any case,
// and deduplicated like any other; a byte order mark and "www." left by a spreadsheet
// export are dropped, so that the same company is not made twice.
func TestAccountsKeepNonASCIINames(t *testing.T) {
	c, fake := setup(t)
	in := []apollo.NewAccount{{Name: "\ufeffSociété Générale"}, {Name: "株式会社テスト", Domain: "\ufeffWWW.Tesuto.co.jp "}, {Name: "Zürich Ünï"},
		{Name: "Bücher", Domain: "https://shop.Bücher.de/about"}}
	r, err := c.EnsureAccounts(t.Context(), in)
	if err != nil || len(r.Created) != 4 {
		t.Fatalf("%+v, %v", r, err)
	}
	if r.Created[0].Name != "Société Générale" || r.Created[1].Domain != "tesuto.co.jp" || r.Created[1].Name != "株式会社テスト" || r.Created[3].Domain != "xn--bcher-kva.de" {
		t.Errorf("created %q, %q, %q, %q", r.Created[0].Name, r.Created[1].Domain, r.Created[1].Name, r.Created[3].Domain)
	}
	again, err := c.EnsureAccounts(t.Context(), []apollo.NewAccount{{Name: "SOCIÉTÉ GÉNÉRALE"}, {Name: "other", Domain: "tesuto.co.jp"}, {Name: "zürich ünï"},
		{Name: "Books", Domain: "xn--bcher-kva.de"}})
	if err != nil || len(again.Created) != 0 || len(again.Existing) != 4 || fake.AccountCount() != 4 {
		t.Errorf("again: %+v, %v", again, err)
	}
	p, err := c.AccountPage(t.Context(), apollo.AccountQuery{Name: "générale"}, 1)
	if err != nil || len(p.Accounts) != 1 || p.Accounts[0].Name != "Société Générale" {
		t.Errorf("search: %+v, %v", p, err)
	}
}

// Create, get, update and the stages, end to end against the fake; an update sends
// only what it changes.
func TestAccountLifecycle(t *testing.T) {
	c, _ := setup(t)
	stages, err := c.ListAccountStages(t.Context())
	if err != nil || len(stages) != 3 || stages[0].Name != "Lead" {
		t.Fatalf("stages %+v, %v", stages, err)
	}
	a, err := c.CreateAccount(t.Context(), apollo.NewAccount{Name: "Acme", Domain: "acme.com", Phone: "555-0100", CustomFields: map[string]string{"60c39ed82bd02f01154c470a": "2025-08-07"}})
	if err != nil || a.ID == "" || a.AccountStageID != stages[0].ID {
		t.Fatalf("%+v, %v", a, err)
	}
	u, err := c.UpdateAccount(t.Context(), a.ID, apollo.AccountUpdate{StageID: stages[1].ID})
	if err != nil || u.AccountStageID != stages[1].ID || u.Name != "Acme" || u.Phone != "555-0100" {
		t.Fatalf("update: %+v, %v", u, err)
	}
	g, err := c.GetAccount(t.Context(), a.ID)
	if err != nil || g.AccountStageID != stages[1].ID || g.TypedCustomFields["60c39ed82bd02f01154c470a"] != "2025-08-07" {
		t.Fatalf("get: %+v, %v", g, err)
	}
	if _, err := c.GetAccount(t.Context(), "ac0000000000000000000fff"); !errors.Is(err, apollo.ErrNotFound) {
		t.Errorf("an unknown account: %v", err)
	}
}

// A search past Apollo's cap of 50,000 records delivers page 500 and ends with
// ErrResultsCapped; one of exactly 50,000 ends without it. Both start at page 499.
func TestAccountSearchCap(t *testing.T) {
	for _, tc := range []struct {
		n      int
		capped bool
	}{{50_001, true}, {50_000, false}} {
		c, fake := setup(t)
		fake.AddAccounts(tc.n)
		var n, pages int
		var last error
		for p, err := range c.AccountPages(t.Context(), apollo.AccountQuery{PerPage: 100}, 499) {
			if err != nil {
				last = err
				break
			}
			pages++
			n += len(p.Accounts)
			if p.Capped != (tc.capped && p.Pagination.Page == 500) {
				t.Errorf("%d accounts: page %d Capped = %v", tc.n, p.Pagination.Page, p.Capped)
			}
		}
		if n != 200 || pages != 2 || errors.Is(last, apollo.ErrResultsCapped) != tc.capped || (!tc.capped && last != nil) {
			t.Errorf("%d accounts: %d read on %d pages, then %v", tc.n, n, pages, last)
		}
	}
	// Every account is reachable below the cap, in the order made.
	c, fake := setup(t)
	fake.AddAccounts(250)
	var i int
	for a, err := range c.Accounts(t.Context(), apollo.AccountQuery{PerPage: 100}) {
		if err != nil || a.Name != fmt.Sprintf("Account %d", i) {
			t.Fatalf("account %d: %+v, %v", i, a, err)
		}
		i++
	}
	if i != 250 {
		t.Errorf("%d accounts read, want 250", i)
	}
}

// A list in an answer that holds null, or is null, is a malformed body naming where,
// not an empty list or an account without an id; an answer left without the list is
// the same.
func TestAccountAnswersRefuseNulls(t *testing.T) {
	page := `"pagination":{"page":1,"per_page":10,"total_entries":1,"total_pages":1}`
	for _, tc := range []struct {
		name, body, member string
		call               func(*apollo.Client) error
	}{
		{"search null", `{` + page + `,"accounts":null}`, "accounts", func(c *apollo.Client) error {
			_, err := c.AccountPage(t.Context(), apollo.AccountQuery{}, 1)
			return err
		}},
		{"search missing", `{` + page + `}`, "accounts", func(c *apollo.Client) error {
			_, err := c.AccountPage(t.Context(), apollo.AccountQuery{}, 1)
			return err
		}},
		{"search null in list", `{` + page + `,"accounts":[{"id":"a1","name":"Ünï"},null]}`, "accounts[1].id", func(c *apollo.Client) error {
			_, err := c.AccountPage(t.Context(), apollo.AccountQuery{}, 1)
			return err
		}},
		{"bulk null in list", `{"created_accounts":[null],"existing_accounts":[]}`, "created_accounts[0].id", func(c *apollo.Client) error {
			_, err := c.BulkCreateAccounts(t.Context(), []apollo.NewAccount{{Name: "A"}}, apollo.BulkCreateOptions{})
			return err
		}},
		{"bulk existing null", `{"created_accounts":[],"existing_accounts":null}`, "existing_accounts", func(c *apollo.Client) error {
			_, err := c.BulkCreateAccounts(t.Context(), []apollo.NewAccount{{Name: "A"}}, apollo.BulkCreateOptions{})
			return err
		}},
		{"stages null in list", `{"account_stages":[{"id":"s","name":"Lead"},null]}`, "account_stages[1].id", func(c *apollo.Client) error {
			_, err := c.ListAccountStages(t.Context())
			return err
		}},
		{"owners null", `{"accounts":null}`, "accounts", func(c *apollo.Client) error {
			_, err := c.UpdateAccountOwners(t.Context(), "o", []string{"a"})
			return err
		}},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, tc.body)
		}))
		client, err := apollo.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		err = tc.call(client)
		srv.Close()
		var missing *apicall.MissingMemberError
		if !errors.Is(err, apollo.ErrMalformedBody) || !errors.As(err, &missing) || missing.Member != tc.member {
			t.Errorf("%s: err = %v, want a malformed body naming %s", tc.name, err, tc.member)
		}
	}
	// The other side: an empty list is a list.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{`+page+`,"accounts":[]}`)
	}))
	defer srv.Close()
	client, _ := apollo.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(0))
	if p, err := client.AccountPage(t.Context(), apollo.AccountQuery{}, 1); err != nil || len(p.Accounts) != 0 {
		t.Errorf("an empty page: %+v, %v", p, err)
	}
}

// A create that failed after reaching Apollo is not repeated (it would make a second
// account); a search, an update and an owner change are, as repeating them changes
// nothing more. A failed EnsureAccounts keeps what the batches before did, and running
// it again finishes without duplicates.
func TestAccountRetries(t *testing.T) {
	c, fake := setup(t, option.WithRetries(2))
	fake.Fail(apollotest.ServerError(http.StatusBadGateway))
	if _, err := c.CreateAccount(t.Context(), apollo.NewAccount{Name: "Once"}); err == nil || fake.AccountCount() != 0 {
		t.Errorf("create after a 502: %v, fake holds %d", err, fake.AccountCount())
	}
	a, err := c.CreateAccount(t.Context(), apollo.NewAccount{Name: "Once"})
	if err != nil {
		t.Fatal(err)
	}
	hits := fake.Hits()
	fake.Fail(apollotest.ServerError(http.StatusBadGateway))
	if _, err := c.UpdateAccount(t.Context(), a.ID, apollo.AccountUpdate{Name: "Twice"}); err != nil || fake.Hits()-hits != 2 {
		t.Errorf("update after a 502: %v, %d requests", err, fake.Hits()-hits)
	}
	fake.Fail(apollotest.ServerError(http.StatusBadGateway))
	if _, err := c.AccountPage(t.Context(), apollo.AccountQuery{}, 1); err != nil {
		t.Errorf("search after a 502: %v", err)
	}
	// A 2xx answer cut short: the create took effect as far as the client knows.
	fake.Fail(apollotest.CutShort())
	if _, err := c.CreateAccount(t.Context(), apollo.NewAccount{Name: "Cut"}); !errors.Is(err, apollo.ErrApplied) {
		t.Errorf("a create whose answer was cut short: %v, want ErrApplied", err)
	}

	// EnsureAccounts: the second batch fails, the first is kept; the rerun finishes.
	c0, fake0 := setup(t, option.WithRetries(0))
	in := domains(150, "e")
	fake0.Fail(apollotest.Fault{}, apollotest.ServerError(http.StatusInternalServerError))
	r, err := c0.EnsureAccounts(t.Context(), in)
	if err == nil || !strings.Contains(err.Error(), "stopped after 100 of 150") || len(r.Created) != 100 {
		t.Fatalf("failed run: %d created, %v", len(r.Created), err)
	}
	r, err = c0.EnsureAccounts(t.Context(), in)
	if err != nil || len(r.Created) != 50 || len(r.Existing) != 100 || fake0.AccountCount() != 150 {
		t.Fatalf("rerun: %d created, %d existing, %v", len(r.Created), len(r.Existing), err)
	}
}
