package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/orgapis/orgapis/wrappers/affinity"
)

// affinityV2 reads every v2 operation once, each id taken from the answer before: the
// wrapper's ListRows and companies, and the client's Do for the operations it has no
// method for. Every request goes through the client, so through the one HTTP core:
// the key is sent only to the base URL's origin, and answers are read within its body
// limit and turned into its scrubbed errors.
func (s *liveSession) affinityV2(ctx context.Context, c *affinity.Client, stderr io.Writer) error {
	// get reads path and decodes what it answers into into (nil: nothing); a non-2xx
	// answer is the client's *affinity.Error.
	get := func(op string, into any, path string) bool {
		return s.call(ctx, op, func(ctx context.Context) error {
			var raw json.RawMessage
			if err := c.Do(ctx, http.MethodGet, path, nil, nil, &raw); err != nil {
				return err
			}
			if into == nil || len(raw) == 0 {
				return nil
			}
			return json.Unmarshal(raw, into)
		})
	}
	id := func(n int64) string { return url.PathEscape(fmt.Sprint(n)) }
	type page struct {
		Data []struct {
			ID     int64 `json:"id"`
			ListID int64 `json:"listId"`
		} `json:"data"`
	}
	first := func(p page) int64 {
		if len(p.Data) == 0 {
			return 0
		}
		return p.Data[0].ID
	}
	get("getWhoAmIV2", nil, "v2/auth/whoami")
	get("listCompanyFieldsV2", nil, "v2/companies/fields")
	var companyID int64
	s.call(ctx, "listCompaniesV2", func(ctx context.Context) error {
		p, err := c.CompanyPage(ctx, affinity.CompanyQuery{PageSize: 10, Fields: affinity.FieldSelection{Kinds: []affinity.FieldKind{affinity.FieldGlobal, affinity.FieldEnriched}}}, "")
		if len(p.Companies) > 0 {
			companyID = p.Companies[0].ID
		}
		return err
	})
	if companyID != 0 {
		s.call(ctx, "getCompanyV2", func(ctx context.Context) error {
			_, err := c.GetCompany(ctx, companyID, affinity.FieldSelection{Kinds: []affinity.FieldKind{affinity.FieldGlobal}})
			return err
		})
		get("listCompanyListsV2", nil, "v2/companies/"+id(companyID)+"/lists")
		get("listCompanyListEntriesV2", nil, "v2/companies/"+id(companyID)+"/list-entries")
	} else {
		fmt.Fprintln(stderr, "validate live: no company listed through v2, so its v2 reads were not called")
	}
	// Duplicates and merges need the "Manage duplicates" permission, which most keys
	// lack: a 403 there is noted, not taken for a refused key. A task is read by an id
	// no merge has (reads only: nothing is merged), whose 404 is the answer the spec
	// documents for it.
	permitted := func(op string, f func(context.Context) error) {
		s.call(ctx, op, func(ctx context.Context) error {
			err := f(ctx)
			if errors.Is(err, affinity.ErrForbidden) {
				fmt.Fprintf(stderr, "validate live: %s answered 403 (the key lacks the \"Manage duplicates\" permission)\n", op)
				return nil
			}
			return err
		})
	}
	permitted("listCompanyDuplicateSuggestionsV2", func(ctx context.Context) error {
		_, err := c.CompanyDuplicateSuggestionPage(ctx, affinity.DuplicateSuggestionQuery{PageSize: 10}, "")
		return err
	})
	permitted("getCompanyMergeTaskV2", func(ctx context.Context) error {
		_, err := c.GetCompanyMerge(ctx, "00000000-0000-4000-8000-000000000000")
		if errors.Is(err, affinity.ErrNotFound) {
			return nil
		}
		return err
	})
	var lists page
	get("listListsV2", &lists, "v2/lists")
	listID := first(lists)
	if listID == 0 {
		fmt.Fprintln(stderr, "validate live: no list through v2, so its v2 reads were not called")
		return nil
	}
	list := "v2/lists/" + id(listID)
	get("getListV2", nil, list)
	get("listListFieldsV2", nil, list+"/fields")
	// The pipeline view through the wrapper: one page of rows.
	var entryID int64
	s.call(ctx, "listListEntriesV2", func(ctx context.Context) error {
		for row, err := range c.ListRows(ctx, listID, affinity.RowOptions{PageSize: 10}) {
			if err != nil {
				return err
			}
			entryID = row.Entry.ID
			break
		}
		return nil
	})
	if entryID != 0 {
		get("getListEntryV2", nil, list+"/list-entries/"+id(entryID))
		get("listListEntryFieldsV2", nil, list+"/list-entries/"+id(entryID)+"/fields")
	}
	var views page
	get("listSavedViewsV2", &views, list+"/saved-views")
	if viewID := first(views); viewID != 0 {
		get("getSavedViewV2", nil, list+"/saved-views/"+id(viewID))
		get("listSavedViewListEntriesV2", nil, list+"/saved-views/"+id(viewID)+"/list-entries")
	}
	return nil
}
