package affinity_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/orgapis/orgapis/specs"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// A page whose array of records is null, or missing, is a malformed body naming the
// array, for every paged listing: read as an empty page it would end a listing as if
// it were done. The paged listings are those of the spec whose answer carries
// next_page_token (v1) or pagination (v2); each needs an entry, so that a new one is
// tested too.
func TestEveryPagedListingRefusesANullPage(t *testing.T) {
	type call = func(ctx context.Context, c *affinity.Client) error
	calls := map[string]call{
		"searchOrganizations": func(ctx context.Context, c *affinity.Client) error {
			_, err := c.OrganizationPage(ctx, affinity.OrganizationQuery{}, "")
			return err
		},
		"listListEntries": func(ctx context.Context, c *affinity.Client) error {
			_, err := c.ListEntryPage(ctx, affinity.ListEntryQuery{ListID: 3}, "")
			return err
		},
		"listListEntriesV2": func(ctx context.Context, c *affinity.Client) error {
			for _, err := range c.ListRows(ctx, 3, affinity.RowOptions{}) {
				if err != nil {
					return err
				}
			}
			return nil
		},
		"listCompaniesV2": func(ctx context.Context, c *affinity.Client) error {
			_, err := c.CompanyPage(ctx, affinity.CompanyQuery{}, "")
			return err
		},
		"searchPersons": func(ctx context.Context, c *affinity.Client) error {
			_, err := c.PersonPage(ctx, affinity.PersonQuery{}, "")
			return err
		},
		"listNotes": func(ctx context.Context, c *affinity.Client) error {
			_, err := c.NotePage(ctx, affinity.NoteQuery{PersonID: 3}, "")
			return err
		},
		"listPersonsV2": func(ctx context.Context, c *affinity.Client) error {
			for _, err := range affinity.PersonsByID(ctx, c, []int64{3}) {
				if err != nil {
					return err
				}
			}
			return nil
		},
		"listCompanyDuplicateSuggestionsV2": func(ctx context.Context, c *affinity.Client) error {
			_, err := c.CompanyDuplicateSuggestionPage(ctx, affinity.DuplicateSuggestionQuery{}, "")
			return err
		},
	}
	// v2's other listings are the generated client's only (see the hostile table).
	unwrapped := []string{"listPersonListEntriesV2", "listPersonNotesV2", "listCompanyNotesV2", "listCompanyFieldsV2", "listCompanyListsV2", "listCompanyListEntriesV2", "listListsV2",
		"listListFieldsV2", "listSavedViewsV2", "listSavedViewListEntriesV2", "listListEntryFieldsV2"}

	doc, err := specs.Load(t.Context(), specs.Affinity)
	if err != nil {
		t.Fatal(err)
	}
	type paged struct{ array, paging string }
	found := map[string]paged{}
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			resp := op.Responses.Value("200")
			if resp == nil || resp.Value == nil || resp.Value.Content.Get("application/json") == nil {
				continue
			}
			schema := resp.Value.Content.Get("application/json").Schema.Value
			// The page's shape, or one of its alternatives (v1's list entries are a
			// page when a page size is sent, an array otherwise).
			shapes := []*openapi3.Schema{schema}
			for _, alt := range append(slices.Clone(schema.OneOf), schema.AnyOf...) {
				shapes = append(shapes, alt.Value)
			}
			var p paged
			for _, shape := range shapes {
				for name, prop := range shape.Properties {
					switch {
					case name == "pagination" || name == "next_page_token":
						p.paging = name
					case prop.Value.Type.Is("array"):
						p.array = name
					}
				}
			}
			if p.paging != "" {
				found[op.OperationID] = p
			}
		}
	}
	var inSpec, inTable []string
	for id := range found {
		inSpec = append(inSpec, id)
	}
	for id := range calls {
		inTable = append(inTable, id)
	}
	inTable = append(inTable, unwrapped...)
	sort.Strings(inSpec)
	sort.Strings(inTable)
	if !slices.Equal(inSpec, inTable) {
		t.Fatalf("the paged listings of the spec and of this table differ:\nspec:  %v\ntable: %v", inSpec, inTable)
	}
	for id, call := range calls {
		p := found[id]
		if p.array == "" {
			t.Errorf("%s: no array member found in its answer", id)
			continue
		}
		paging := `"next_page_token":null`
		if p.paging == "pagination" {
			paging = `"pagination":{"prevUrl":null,"nextUrl":null}`
		}
		for _, body := range []string{fmt.Sprintf(`{%q:null,%s}`, p.array, paging), "{" + paging + "}"} {
			t.Run(id+" "+body, func(t *testing.T) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					fmt.Fprint(w, body)
				}))
				defer srv.Close()
				client, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
				if err != nil {
					t.Fatal(err)
				}
				err = call(t.Context(), client)
				var missing *apicall.MissingMemberError
				if !errors.Is(err, affinity.ErrMalformedBody) || !errors.As(err, &missing) || missing.Pointer() != "/"+p.array {
					t.Errorf("err = %v, want a malformed body naming /%s", err, p.array)
				}
			})
		}
	}
}
