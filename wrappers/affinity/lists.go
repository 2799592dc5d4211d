package affinity

import (
	"context"
	"fmt"
	"iter"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/httpcore"
)

// List is a list of people, organizations or opportunities; Fields holds its own
// columns when it comes from GetList.
type List = affinityapi.List

// ListEntry is one entity's membership in a list. Its Entity is a union; Row gives the
// entity decoded.
type ListEntry = affinityapi.ListEntry

// EntityType is the kind of entity a list holds, or a field belongs to.
type EntityType int

// The entity types Affinity documents; others may appear and are kept as they are.
const (
	EntityPerson       EntityType = 0
	EntityOrganization EntityType = 1
	EntityOpportunity  EntityType = 8
)

// ListLists returns every list the key's user can see, without their fields.
func (c *Client) ListLists(ctx context.Context) ([]List, error) {
	resp, err := c.api.ListLists(ctx)
	return httpcore.Decode(c.doer, "listLists", resp, err, notNull[List])
}

// GetList returns one list with its own fields.
func (c *Client) GetList(ctx context.Context, listID int64) (List, error) {
	if err := checkPositive("list_id", listID); err != nil {
		return List{}, err
	}
	resp, err := c.api.GetList(ctx, listID)
	return httpcore.Decode(c.doer, "getList", resp, err, func(l *List) error {
		if l.ID == 0 {
			return &httpcore.MissingMember{Member: "id", Reason: "missing or zero"}
		}
		return nil
	})
}

// ListEntryQuery selects the entries of a list.
type ListEntryQuery struct {
	ListID int64 // required
	// PageSize is the number of entries per request, 1 to 500; 0 means 500. Pages are
	// always asked for: without a size, Affinity answers every entry at once.
	PageSize int
}

// ListEntryPage is one page of a list's entries, with the token of the next.
type ListEntryPage struct {
	ListEntries []ListEntry
	// NextPageToken is empty when there are no more pages.
	NextPageToken string
}

// ListEntryPage fetches one page of a list's entries: the first when pageToken is
// empty, otherwise the page the token points to.
func (c *Client) ListEntryPage(ctx context.Context, q ListEntryQuery, pageToken string) (ListEntryPage, error) {
	if err := checkPositive("list_id", q.ListID); err != nil {
		return ListEntryPage{}, err
	}
	if q.PageSize < 0 || q.PageSize > MaxPageSize {
		return ListEntryPage{}, &ParamError{Param: "page_size", Reason: fmt.Sprintf("must be 1 to %d (or 0 for the default), got %d", MaxPageSize, q.PageSize)}
	}
	size := q.PageSize
	if size == 0 {
		size = MaxPageSize
	}
	params := &affinityapi.ListListEntriesParams{PageSize: &size}
	if pageToken != "" {
		params.PageToken = &pageToken
	}
	resp, err := c.api.ListListEntries(ctx, q.ListID, params)
	page, err := httpcore.Decode(c.doer, "listListEntries", resp, err, func(p *affinityapi.ListEntryPage) error {
		if p.ListEntries == nil {
			return &httpcore.MissingMember{Member: "list_entries", Reason: "missing or null"}
		}
		return nil
	})
	if err != nil {
		return ListEntryPage{}, err
	}
	out := ListEntryPage{ListEntries: page.ListEntries}
	if page.NextPageToken != nil {
		out.NextPageToken = *page.NextPageToken
	}
	return out, nil
}

// ListEntryPages iterates over the pages of a list's entries from the page startToken
// points to (empty for the first), with the stopping rules of OrganizationPages.
func (c *Client) ListEntryPages(ctx context.Context, q ListEntryQuery, startToken string) iter.Seq2[ListEntryPage, error] {
	return tokenPages(ctx, startToken, func(ctx context.Context, token string) (ListEntryPage, error) { return c.ListEntryPage(ctx, q, token) },
		func(p ListEntryPage) string { return p.NextPageToken }, func(p ListEntryPage) int { return len(p.ListEntries) })
}

// ListEntries iterates over every entry of a list, page after page.
func (c *Client) ListEntries(ctx context.Context, q ListEntryQuery) iter.Seq2[ListEntry, error] {
	return items(c.ListEntryPages(ctx, q, ""), func(p ListEntryPage) []ListEntry { return p.ListEntries })
}

// GetListEntry returns one entry of a list.
func (c *Client) GetListEntry(ctx context.Context, listID, listEntryID int64) (ListEntry, error) {
	if err := checkPositive("list_id", listID); err != nil {
		return ListEntry{}, err
	}
	if err := checkPositive("list_entry_id", listEntryID); err != nil {
		return ListEntry{}, err
	}
	resp, err := c.api.GetListEntry(ctx, listID, listEntryID)
	return httpcore.Decode(c.doer, "getListEntry", resp, err, checkEntry)
}

// CreateListEntry adds a person or an organization to a list and returns the new
// entry. A list may hold an entity more than once. It is repeated after a failure only
// when the request never reached Affinity, so it cannot add an entity twice.
func (c *Client) CreateListEntry(ctx context.Context, listID, entityID int64) (ListEntry, error) {
	if err := checkPositive("list_id", listID); err != nil {
		return ListEntry{}, err
	}
	if err := checkPositive("entity_id", entityID); err != nil {
		return ListEntry{}, err
	}
	resp, err := c.api.CreateListEntry(ctx, listID, affinityapi.ListEntryCreate{EntityID: entityID})
	return httpcore.Decode(c.doer, "createListEntry", resp, err, checkEntry)
}

// DeleteListEntry removes an entry from its list, with the values of the list's own
// fields. On an opportunity list it deletes the opportunity too.
func (c *Client) DeleteListEntry(ctx context.Context, listID, listEntryID int64) error {
	if err := checkPositive("list_id", listID); err != nil {
		return err
	}
	if err := checkPositive("list_entry_id", listEntryID); err != nil {
		return err
	}
	resp, err := c.api.DeleteListEntry(ctx, listID, listEntryID)
	return success(httpcore.Decode[affinityapi.Success](c.doer, "deleteListEntry", resp, err))
}

func checkEntry(e *ListEntry) error {
	if e.ID == 0 {
		return &httpcore.MissingMember{Member: "id", Reason: "missing or zero"}
	}
	return nil
}

// notNull refuses a JSON null where an array is due.
func notNull[T any](v *[]T) error {
	if *v == nil {
		return &httpcore.MissingMember{Member: "(body)", Reason: "expected an array, found null"}
	}
	return nil
}

func checkPositive(param string, id int64) error {
	if id <= 0 {
		return &ParamError{Param: param, Reason: fmt.Sprintf("must be positive, got %d", id)}
	}
	return nil
}

// success turns a {"success": false} answer into an error.
func success(res affinityapi.Success, err error) error {
	if err == nil && !res.Success {
		return fmt.Errorf("affinity: the service answered success=false")
	}
	return err
}
