package affinity_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// routes answers by path and query from answers (a missing one is a 404) and records
// what was asked; past 20 requests it fails the test, so a broken loop ends at once.
type routes struct {
	mu      sync.Mutex
	answers map[string]string
	asked   []string
}

func (s *routes) client(t *testing.T, opts ...option.ClientOption) *affinity.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.asked = append(s.asked, r.URL.RequestURI())
		body, ok := s.answers[r.URL.RequestURI()]
		n := len(s.asked)
		s.mu.Unlock()
		if n > 20 {
			t.Errorf("more than 20 requests: the loop does not stop")
			ok = false
		}
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"errors":["not found"]}`))
			return
		}
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	// The routes are v1's answers: ListRows reads them with WithV1Only.
	c, err := affinity.NewClient(key, append([]option.ClientOption{option.WithBaseURL(srv.URL), option.WithRetries(0), affinity.WithV1Only()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (s *routes) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.asked)
}

// A row's values come from its entity by the entity's type, and keep the global values
// and this entry's own, never the entity's values on another list.
func TestListRowsByEntityTypeWithoutOtherListsValues(t *testing.T) {
	s := &routes{answers: map[string]string{
		"/fields": `[{"id":11,"name":"Stage","value_type":6,"list_id":42,"allows_multiple":false,"dropdown_options":[]},
			{"id":12,"name":"Bio","value_type":6,"allows_multiple":false,"dropdown_options":[]},
			{"id":13,"name":"Elsewhere","value_type":6,"list_id":43,"allows_multiple":false,"dropdown_options":[]}]`,
		"/lists/42/list-entries?page_size=500": `{"list_entries":[
			{"id":901,"list_id":42,"creator_id":1,"entity_id":5,"entity_type":0,"created_at":"2026-01-01T00:00:00Z",
			 "entity":{"id":5,"type":0,"first_name":"Ada","last_name":"Lovelace","primary_email":null,"emails":[]}},
			{"id":902,"list_id":42,"creator_id":1,"entity_id":7,"entity_type":8,"created_at":"2026-01-01T00:00:00Z",
			 "entity":{"id":7,"name":"Series A"}},
			{"id":903,"list_id":42,"creator_id":1,"entity_id":9,"created_at":"2026-01-01T00:00:00Z"}],
			"next_page_token":null}`,
		"/field-values?person_id=5": `[{"id":1,"field_id":11,"entity_id":5,"list_entry_id":901,"value":"Lead"},
			{"id":2,"field_id":13,"entity_id":5,"list_entry_id":777,"value":"theirs"},
			{"id":3,"field_id":12,"entity_id":5,"list_entry_id":null,"value":"Mathematician"}]`,
		"/field-values?opportunity_id=7":  `[{"id":4,"field_id":11,"entity_id":7,"list_entry_id":902,"value":"Closing"}]`,
		"/field-values?organization_id=9": `[{"id":5,"field_id":11,"entity_id":9,"list_entry_id":903,"value":"New"}]`,
	}}
	c := s.client(t)
	var rows []affinity.Row
	for row, err := range c.ListRows(t.Context(), 42, affinity.RowOptions{Concurrency: 1, PageSize: 500}) {
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	text := func(r affinity.Row, field string) string {
		var out []string
		for _, v := range r.Values[field] {
			out = append(out, v.Text)
		}
		return strings.Join(out, ",")
	}
	if p := rows[0].Person; p == nil || p.FirstName != "Ada" || rows[0].Organization != nil || text(rows[0], "Stage") != "Lead" ||
		text(rows[0], "Bio") != "Mathematician" || len(rows[0].Values) != 2 {
		t.Errorf("person row = %+v", rows[0])
	}
	if o := rows[1].Opportunity; o == nil || o.Name != "Series A" || text(rows[1], "Stage") != "Closing" {
		t.Errorf("opportunity row = %+v", rows[1])
	}
	if rows[2].Organization != nil || text(rows[2], "Stage") != "New" { // no entity_type: an organization
		t.Errorf("organization row = %+v", rows[2])
	}
}

// ListEntryPage takes MaxPageSize itself and refuses one more, before sending.
func TestListEntryPageSizeBounds(t *testing.T) {
	s := &routes{answers: map[string]string{
		"/lists/42/list-entries?page_size=500": `{"list_entries":[],"next_page_token":null}`,
	}}
	c := s.client(t)
	if _, err := c.ListEntryPage(t.Context(), affinity.ListEntryQuery{ListID: 42, PageSize: affinity.MaxPageSize}, ""); err != nil {
		t.Errorf("page size %d: %v", affinity.MaxPageSize, err)
	}
	var pe *apicall.ParamError
	if _, err := c.ListEntryPage(t.Context(), affinity.ListEntryQuery{ListID: 42, PageSize: affinity.MaxPageSize + 1}, ""); !errors.As(err, &pe) || pe.Param != "page_size" {
		t.Errorf("page size %d: %v", affinity.MaxPageSize+1, err)
	}
	if got := s.requests(); len(got) != 1 {
		t.Errorf("requests %q, want the one valid page", got)
	}
}

// A delete Affinity answers with success=false is an error, and success=true is not.
func TestDeleteAnsweredWithoutSuccessIsAnError(t *testing.T) {
	s := &routes{answers: map[string]string{
		"/lists/42/list-entries/901": `{"success":false}`,
		"/field-values/3":            `{"success":true}`,
	}}
	c := s.client(t)
	var apiErr *affinity.Error
	if err := c.DeleteListEntry(t.Context(), 42, 901); !errors.As(err, &apiErr) || !strings.Contains(err.Error(), "success: false") {
		t.Errorf("success=false: %v", err)
	}
	if err := c.DeleteFieldValue(t.Context(), 3); err != nil {
		t.Errorf("success=true: %v", err)
	}
}

// The token a listing starts from counts as seen: a page that points back to it ends
// the listing after that one request.
func TestListEntryPagesStartTokenCountsAsSeen(t *testing.T) {
	s := &routes{answers: map[string]string{
		"/lists/42/list-entries?page_size=500&page_token=t1": `{"list_entries":[],"next_page_token":"t1"}`,
	}}
	c := s.client(t)
	var last error
	for _, err := range c.ListEntryPages(t.Context(), affinity.ListEntryQuery{ListID: 42, PageSize: 500}, "t1") {
		last = err
	}
	if !errors.Is(last, affinity.ErrRepeatedPageToken) || len(s.requests()) != 1 {
		t.Errorf("error %v after %d requests, want ErrRepeatedPageToken after 1", last, len(s.requests()))
	}
}

// An entry that cannot be the list's, or whose entity is not what its type says, is a
// malformed answer naming it, never a row with an empty or another record.
func TestListRowsRefusesEntriesThatAreNotWhatTheySay(t *testing.T) {
	const fields = `[{"id":1,"name":"Status","list_id":null,"value_type":6,"allows_multiple":false}]`
	org := `{"id":77,"name":"Acme","domain":"acme.com","domains":["acme.com"],"global":true}`
	person := `{"id":77,"type":0,"first_name":"Ada","last_name":"Lovelace","primary_email":"ada@example.com","emails":[]}`
	entry := func(listID int, entityType, entity string) string {
		return fmt.Sprintf(`{"list_entries":[{"id":5,"list_id":%d,"creator_id":1,"entity_id":77,"entity_type":%s,"created_at":"2024-01-01T00:00:00Z","entity":%s}],"next_page_token":null}`, listID, entityType, entity)
	}
	for _, c := range []struct {
		name, page, says string
	}{
		{"an entry of another list", entry(43, "1", org), "/list_entries/0/list_id"},
		{"a person on an organization list", entry(42, "1", person), "/list_entries/0/entity"},
		{"an organization said to be a person", entry(42, "0", org), "/list_entries/0/entity"},
		{"an entity of another id", entry(42, "1", strings.Replace(org, `"id":77`, `"id":78`, 1)), "/list_entries/0/entity/id"},
		{"an entity type nobody documents", entry(42, "5", org), "/list_entries/0/entity_type: 5 is not"},
		{"a value of another entity", entry(42, "1", org), "listFieldValues: HTTP 200: malformed response body: /0/entity_id: 78, not list entry"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &routes{answers: map[string]string{
				"/fields":                              fields,
				"/lists/42/list-entries?page_size=500": c.page,
				"/field-values?organization_id=77":     `[]`,
			}}
			if strings.HasPrefix(c.name, "a value of another entity") {
				s.answers["/field-values?organization_id=77"] = `[{"id":9,"field_id":1,"entity_id":78,"list_entry_id":null,"value":"x"}]`
			}
			client := s.client(t)
			rows := 0
			var err error
			for _, err = range client.ListRows(t.Context(), 42, affinity.RowOptions{}) {
				if err != nil {
					break
				}
				rows++
			}
			if rows != 0 || !errors.Is(err, affinity.ErrMalformedBody) || !strings.Contains(err.Error(), c.says) {
				t.Errorf("%d rows, err = %v; want ErrMalformedBody naming %q", rows, err, c.says)
			}
		})
	}
}

// A field the field list lacks is looked for once, not once per row: ListRows'
// fetch of the fields, for their names, is the call's one fetch, and the rows take a
// field it lacks as missing (they once fetched the fields a second time).
func TestListRowsFetchesTheFieldsOnceForAnUnknownField(t *testing.T) {
	var entries []string
	answers := map[string]string{"/fields": `[{"id":1,"name":"Status","list_id":null,"value_type":6,"allows_multiple":false}]`}
	for i := 1; i <= 10; i++ {
		entries = append(entries, fmt.Sprintf(`{"id":%d,"list_id":42,"creator_id":1,"entity_id":%d,"entity_type":1,"created_at":"2024-01-01T00:00:00Z"}`, 100+i, i))
		answers[fmt.Sprintf("/field-values?organization_id=%d", i)] = fmt.Sprintf(`[{"id":%d,"field_id":99,"entity_id":%d,"list_entry_id":null,"value":"x"}]`, 500+i, i)
	}
	answers["/lists/42/list-entries?page_size=500"] = `{"list_entries":[` + strings.Join(entries, ",") + `],"next_page_token":null}`
	s := &routes{answers: answers}
	client := s.client(t)
	rows := 0
	for row, err := range client.ListRows(t.Context(), 42, affinity.RowOptions{Concurrency: 4}) {
		if err != nil {
			t.Fatal(err)
		}
		if len(row.Values["field 99"]) != 1 {
			t.Errorf("row %d values %v", row.Entry.ID, row.Values)
		}
		rows++
	}
	fieldFetches := 0
	for _, r := range s.requests() {
		if r == "/fields" {
			fieldFetches++
		}
	}
	// The fields once, the page, and one request per row: 12 for 10 rows (each row
	// fetched the fields again once, then one of them did).
	if rows != 10 || fieldFetches != 1 || len(s.requests()) != 12 {
		t.Errorf("%d rows, %d field fetches, %d requests: %v", rows, fieldFetches, len(s.requests()), s.requests())
	}
}
