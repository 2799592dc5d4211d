package affinity_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

func suggestions(t *testing.T, c *affinity.Client, q affinity.DuplicateSuggestionQuery) []affinity.DuplicateSuggestion {
	t.Helper()
	var out []affinity.DuplicateSuggestion
	for s, err := range c.CompanyDuplicateSuggestions(t.Context(), q) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// Two organizations of one domain (as a race leaves them) are suggested as
// duplicates; merging them leaves one, with both domains and the list entry, and the
// suggestion is gone.
func TestDuplicateSuggestionThenMerge(t *testing.T) {
	c, fake := setup(t)
	fake.Add(affinity.Organization{ID: 60, Name: "Acme", Domain: "acme.com", Domains: []string{"acme.com"}},
		affinity.Organization{ID: 61, Name: "Acme, Inc.", Domain: "www.acme.com", Domains: []string{"www.acme.com", "acme.io"}},
		affinity.Organization{ID: 62, Name: "Other", Domain: "other.com", Domains: []string{"other.com"}})
	list := fake.GenerateList("Deal Flow", 0, 0)
	if _, err := c.CreateListEntry(t.Context(), list, 61); err != nil {
		t.Fatal(err)
	}
	got := suggestions(t, c, affinity.DuplicateSuggestionQuery{Match: affinity.MatchDomain})
	if len(got) != 1 || got[0].Primary.ID != 60 || len(got[0].Duplicates) != 1 || got[0].Duplicates[0].ID != 61 || got[0].Match != affinity.MatchDomain {
		t.Fatalf("suggestions %+v; want 61 as a duplicate of 60 by domain", got)
	}
	if got[0].Primary.Domain != "acme.com" || got[0].Duplicates[0].Name != "Acme, Inc." {
		t.Errorf("profiles %+v", got[0])
	}
	task, err := c.MergeCompanies(t.Context(), got[0].Primary.ID, got[0].Duplicates[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.GetCompanyMerge(t.Context(), task)
	if err != nil {
		t.Fatal(err)
	}
	if m.TaskID != task || m.Status != affinity.MergeSucceeded || m.Total != 1 || m.Succeeded != 1 || m.Failed != 0 {
		t.Errorf("merge %+v", m)
	}
	if _, ok := fake.Organization(61); ok {
		t.Error("the duplicate is still there")
	}
	if o, _ := fake.Organization(60); len(o.Domains) != 3 {
		t.Errorf("the primary's domains %v; want its own and the duplicate's", o.Domains)
	}
	var entries []int64
	for e, err := range c.ListEntries(t.Context(), affinity.ListEntryQuery{ListID: list}) {
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e.EntityID)
	}
	if len(entries) != 1 || entries[0] != 60 {
		t.Errorf("the list holds %v; want the entry moved to 60", entries)
	}
	if got := suggestions(t, c, affinity.DuplicateSuggestionQuery{}); len(got) != 0 {
		t.Errorf("suggestions after the merge: %+v", got)
	}
}

func TestDuplicateSuggestionsPageFilterAndTerm(t *testing.T) {
	c, fake := setup(t)
	for i := range 130 {
		d := fmt.Sprintf("dup%03d.com", i)
		fake.Add(affinity.Organization{ID: int64(1000 + 2*i), Name: fmt.Sprintf("Dup %03d", i), Domain: d, Domains: []string{d}},
			affinity.Organization{ID: int64(1001 + 2*i), Name: fmt.Sprintf("Dup %03d copy", i), Domain: d, Domains: []string{d}})
	}
	fake.Add(affinity.Organization{ID: 5000, Name: "Same Name"}, affinity.Organization{ID: 5001, Name: "same name "})
	before := fake.Hits()
	all := suggestions(t, c, affinity.DuplicateSuggestionQuery{PageSize: 100})
	if len(all) != 131 || fake.Hits()-before != 2 {
		t.Errorf("%d suggestions in %d requests; want 131 in 2", len(all), fake.Hits()-before)
	}
	byName := suggestions(t, c, affinity.DuplicateSuggestionQuery{Match: affinity.MatchName})
	if len(byName) != 1 || byName[0].Primary.ID != 5000 || byName[0].Duplicates[0].ID != 5001 {
		t.Errorf("by name: %+v", byName)
	}
	if got := suggestions(t, c, affinity.DuplicateSuggestionQuery{Term: "dup 12"}); len(got) != 10 {
		t.Errorf("term \"dup 12\": %d suggestions; want 10 (Dup 120 to 129)", len(got))
	}
}

func TestDuplicatesAndMergesRefuseBadInputBeforeSending(t *testing.T) {
	c, fake := setup(t)
	v1, err := fake.Client(affinity.WithV1Only())
	if err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"term of one letter": func() error {
			_, err := c.CompanyDuplicateSuggestionPage(t.Context(), affinity.DuplicateSuggestionQuery{Term: "é"}, "")
			return err
		},
		"unknown match": func() error {
			_, err := c.CompanyDuplicateSuggestionPage(t.Context(), affinity.DuplicateSuggestionQuery{Match: "fuzzy"}, "")
			return err
		},
		"page size 101": func() error {
			_, err := c.CompanyDuplicateSuggestionPage(t.Context(), affinity.DuplicateSuggestionQuery{PageSize: 101}, "")
			return err
		},
		"merge into itself": func() error { _, err := c.MergeCompanies(t.Context(), 7, 7); return err },
		"merge of id 0":     func() error { _, err := c.MergeCompanies(t.Context(), 7, 0); return err },
		"task id a path":    func() error { _, err := c.GetCompanyMerge(t.Context(), "../tasks"); return err },
		"task id empty":     func() error { _, err := c.GetCompanyMerge(t.Context(), ""); return err },
		"v1 only merge":     func() error { _, err := v1.MergeCompanies(t.Context(), 1, 2); return err },
		"v1 only suggestions": func() error {
			_, err := v1.CompanyDuplicateSuggestionPage(t.Context(), affinity.DuplicateSuggestionQuery{}, "")
			return err
		},
	} {
		var pe *apicall.ParamError
		if err := call(); !errors.As(err, &pe) {
			t.Errorf("%s: %v; want a ParamError", name, err)
		}
	}
	if n := fake.Hits(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	// The bound's other side: a term of two letters and a page of 100 are sent.
	if _, err := c.CompanyDuplicateSuggestionPage(t.Context(), affinity.DuplicateSuggestionQuery{Term: "éa", PageSize: 100}, ""); err != nil {
		t.Error(err)
	}
}

func TestMergeOfAMissingCompanyIsAFailedTask(t *testing.T) {
	c, fake := setup(t)
	fake.Add(affinity.Organization{ID: 70, Name: "Acme"})
	task, err := c.MergeCompanies(t.Context(), 70, 71)
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.GetCompanyMerge(t.Context(), task)
	if err != nil || m.Status != affinity.MergeFailed || m.Failed != 1 {
		t.Errorf("%+v, %v; want a failed task", m, err)
	}
	if _, err := c.GetCompanyMerge(t.Context(), "123e4567-e89b-12d3-a456-426614174000"); !errors.Is(err, affinity.ErrNotFound) {
		t.Errorf("a task never made: %v; want ErrNotFound", err)
	}
}

// A merge started whose answer names no task was applied all the same: ErrApplied,
// and never sent twice.
func TestMergeAnswerWithoutTaskIsApplied(t *testing.T) {
	for _, body := range []string{`{}`, `{"taskUrl": null}`, `{"taskUrl": "https://api.affinity.co/v2/tasks/company-merges/"}`, `{"taskUrl": "https://x/v2/other/123e4567-e89b-12d3-a456-426614174000"}`} {
		posts := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			posts++
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte(body))
		}))
		c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), option.WithHTTPClient(srv.Client()))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.MergeCompanies(t.Context(), 1, 2)
		if !errors.Is(err, affinity.ErrApplied) || posts != 1 {
			t.Errorf("%s: %v after %d posts; want ErrApplied after 1", body, err, posts)
		}
		srv.Close()
	}
}
