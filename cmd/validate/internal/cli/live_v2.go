package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/wrappers/affinity"
)

// maxV2Body bounds what live reads of a v2 answer to learn the ids of the next calls;
// the validating middleware has checked the whole answer already.
const maxV2Body = 32 << 20

// affinityV2 reads every v2 operation once, each id taken from the answer before: the
// wrapper's ListRows and companies, and the generated client for the rest.
func (s *liveSession) affinityV2(ctx context.Context, key, baseURL string, hc *http.Client, c *affinity.Client, stderr io.Writer) error {
	api, err := affinityapi.NewClient(baseURL, affinityapi.WithHTTPClient(hc),
		affinityapi.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+key)
			return nil
		}))
	if err != nil {
		return err
	}
	// get makes one call and decodes what it answers into into (nil: nothing), as a
	// failed call when it is not a 2xx.
	get := func(op string, into any, send func(context.Context) (*http.Response, error)) bool {
		return s.call(ctx, op, func(ctx context.Context) error {
			resp, err := send(ctx)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if resp.StatusCode < 200 || resp.StatusCode > 299 {
				return &affinity.Error{Service: "affinity", Method: resp.Request.Method, Operation: op, StatusCode: resp.StatusCode}
			}
			if into == nil {
				return nil
			}
			return json.NewDecoder(io.LimitReader(resp.Body, maxV2Body)).Decode(into)
		})
	}
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
	get("getWhoAmIV2", nil, func(ctx context.Context) (*http.Response, error) { return api.GetWhoAmIV2(ctx) })
	get("listCompanyFieldsV2", nil, func(ctx context.Context) (*http.Response, error) { return api.ListCompanyFieldsV2(ctx, nil) })
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
		get("listCompanyListsV2", nil, func(ctx context.Context) (*http.Response, error) {
			return api.ListCompanyListsV2(ctx, companyID, nil)
		})
		get("listCompanyListEntriesV2", nil, func(ctx context.Context) (*http.Response, error) {
			return api.ListCompanyListEntriesV2(ctx, companyID, nil)
		})
	} else {
		fmt.Fprintln(stderr, "validate live: no company listed through v2, so its v2 reads were not called")
	}
	var lists page
	get("listListsV2", &lists, func(ctx context.Context) (*http.Response, error) { return api.ListListsV2(ctx, nil) })
	listID := first(lists)
	if listID == 0 {
		fmt.Fprintln(stderr, "validate live: no list through v2, so its v2 reads were not called")
		return nil
	}
	get("getListV2", nil, func(ctx context.Context) (*http.Response, error) { return api.GetListV2(ctx, listID) })
	get("listListFieldsV2", nil, func(ctx context.Context) (*http.Response, error) { return api.ListListFieldsV2(ctx, listID, nil) })
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
		get("getListEntryV2", nil, func(ctx context.Context) (*http.Response, error) { return api.GetListEntryV2(ctx, listID, entryID) })
		get("listListEntryFieldsV2", nil, func(ctx context.Context) (*http.Response, error) {
			return api.ListListEntryFieldsV2(ctx, listID, entryID, nil)
		})
	}
	var views page
	get("listSavedViewsV2", &views, func(ctx context.Context) (*http.Response, error) { return api.ListSavedViewsV2(ctx, listID, nil) })
	if viewID := first(views); viewID != 0 {
		get("getSavedViewV2", nil, func(ctx context.Context) (*http.Response, error) { return api.GetSavedViewV2(ctx, listID, viewID) })
		get("listSavedViewListEntriesV2", nil, func(ctx context.Context) (*http.Response, error) {
			return api.ListSavedViewListEntriesV2(ctx, listID, viewID, nil)
		})
	}
	return nil
}
