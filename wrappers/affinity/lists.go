package affinity

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// EntityType is the kind of entity a list holds, or a field belongs to.
type EntityType int

// String names the entity type: "person", "organization", "opportunity", or its number.
func (t EntityType) String() string {
	switch t {
	case EntityPerson:
		return "person"
	case EntityOrganization:
		return "organization"
	case EntityOpportunity:
		return "opportunity"
	}
	return fmt.Sprintf("entity type %d", int(t))
}

// The entity types Affinity documents; others may appear and are kept as they are.
const (
	EntityPerson       EntityType = 0
	EntityOrganization EntityType = 1
	EntityOpportunity  EntityType = 8
)

// ListLists returns every list the key's user can see, without their fields.
func (c *Client) ListLists(ctx context.Context, callOpts ...option.CallOption) ([]List, error) {
	return httpcore.Run(ctx, c.doer, "listLists", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.ListLists(ctx)
	}, notNull[List], func(l *[]List) error {
		return eachID(*l, "", func(l *List) int64 { return l.ID })
	})
}

// GetList returns one list with its own fields.
func (c *Client) GetList(ctx context.Context, listID int64, callOpts ...option.CallOption) (List, error) {
	if err := checkPositive("list_id", listID); err != nil {
		return List{}, err
	}
	return httpcore.Run(ctx, c.doer, "getList", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.GetList(ctx, listID)
	}, func(l *List) error {
		return positiveID("id", l.ID)
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
func (c *Client) ListEntryPage(ctx context.Context, q ListEntryQuery, pageToken string, callOpts ...option.CallOption) (ListEntryPage, error) {
	if err := checkPositive("list_id", q.ListID); err != nil {
		return ListEntryPage{}, err
	}
	if q.PageSize < 0 || q.PageSize > MaxPageSize {
		return ListEntryPage{}, paramError("page_size", fmt.Sprintf("must be 1 to %d (or 0 for the default), got %d", MaxPageSize, q.PageSize))
	}
	size := q.PageSize
	if size == 0 {
		size = MaxPageSize
	}
	params := &affinityapi.ListListEntriesParams{PageSize: &size}
	if pageToken != "" {
		params.PageToken = &pageToken
	}
	// affinityapi.ListEntryPage's members, as this package's records.
	type wirePage struct {
		ListEntries   []ListEntry `json:"list_entries"`
		NextPageToken *string     `json:"next_page_token"`
	}
	page, err := httpcore.Run(ctx, c.doer, "listListEntries", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.ListListEntries(ctx, q.ListID, params)
	}, func(p *wirePage) error {
		if p.ListEntries == nil {
			return &apicall.MissingMemberError{Member: "list_entries", Reason: "missing or null"}
		}
		for i := range p.ListEntries {
			if err := checkEntryOf(q.ListID, &p.ListEntries[i], fmt.Sprintf("list_entries[%d].", i)); err != nil {
				return err
			}
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
func (c *Client) ListEntryPages(ctx context.Context, q ListEntryQuery, startToken string, callOpts ...option.CallOption) iter.Seq2[ListEntryPage, error] {
	return tokenPages(ctx, c, startToken, func(ctx context.Context, token string) (ListEntryPage, error) {
		return c.ListEntryPage(ctx, q, token, callOpts...)
	},
		func(p ListEntryPage) string { return p.NextPageToken }, func(p ListEntryPage) int { return len(p.ListEntries) })
}

// ListEntries iterates over every entry of a list, page after page.
func (c *Client) ListEntries(ctx context.Context, q ListEntryQuery, callOpts ...option.CallOption) iter.Seq2[ListEntry, error] {
	return items(c.ListEntryPages(ctx, q, "", callOpts...), func(p ListEntryPage) []ListEntry { return p.ListEntries })
}

// GetListEntry returns one entry of a list.
func (c *Client) GetListEntry(ctx context.Context, listID, listEntryID int64, callOpts ...option.CallOption) (ListEntry, error) {
	if err := checkPositive("list_id", listID); err != nil {
		return ListEntry{}, err
	}
	if err := checkPositive("list_entry_id", listEntryID); err != nil {
		return ListEntry{}, err
	}
	return httpcore.Run(ctx, c.doer, "getListEntry", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.GetListEntry(ctx, listID, listEntryID)
	}, func(e *ListEntry) error {
		if err := checkEntryOf(listID, e, ""); err != nil {
			return err
		}
		if e.ID != listEntryID {
			return &apicall.MissingMemberError{Member: "id", Reason: fmt.Sprintf("%d, not the entry %d asked for", e.ID, listEntryID)}
		}
		return nil
	})
}

// CreateListEntry adds a person or an organization to a list and returns the new
// entry. A list may hold an entity more than once.
// Retries: the client repeats it only when the request never reached Affinity, so it
// cannot add an entity twice; a 2xx answer it cannot read is an *Error with Applied set (match
// ErrApplied), and a failure after the request may have arrived is an
// *apicall.UnknownOutcomeError (ErrMaybeApplied): look before calling it again, since
// Affinity has no idempotency keys.
func (c *Client) CreateListEntry(ctx context.Context, listID, entityID int64, callOpts ...option.CallOption) (ListEntry, error) {
	if err := checkPositive("list_id", listID); err != nil {
		return ListEntry{}, err
	}
	if err := checkPositive("entity_id", entityID); err != nil {
		return ListEntry{}, err
	}
	return httpcore.Run(ctx, c.doer, "createListEntry", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.CreateListEntry(ctx, listID, affinityapi.ListEntryCreate{EntityID: entityID})
	}, func(e *ListEntry) error { return checkEntryOf(listID, e, "") })
}

// DeleteListEntry removes an entry from its list, with the values of the list's own
// fields. On an opportunity list it deletes the opportunity too.
// Retries: the client repeats it after a 5xx, a 429 or a broken connection, which is
// safe, as a second delete finds the entry gone (ErrNotFound). A 2xx answer it cannot read is an *Error with Applied set (match
// ErrApplied) and is never repeated.
func (c *Client) DeleteListEntry(ctx context.Context, listID, listEntryID int64, callOpts ...option.CallOption) error {
	if err := checkPositive("list_id", listID); err != nil {
		return err
	}
	if err := checkPositive("list_entry_id", listEntryID); err != nil {
		return err
	}
	return c.deleted(ctx, "deleteListEntry", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.DeleteListEntry(ctx, listID, listEntryID)
	})
}

// checkEntryOf refuses an entry that cannot be what was asked for: without a positive
// id or entity id, of another list than listID (when not 0), or whose entity has
// another id than entity_id or the shape of another type than entity_type says. An
// entry without entity_type gets the one its entity's shape tells (the documentation's
// own examples leave it out). prefix names the entry in the answer, such as
// "list_entries[3].".
func checkEntryOf(listID int64, e *ListEntry, prefix string) error {
	if err := positiveID(prefix+"id", e.ID); err != nil {
		return err
	}
	if err := positiveID(prefix+"entity_id", e.EntityID); err != nil {
		return err
	}
	if listID != 0 && e.ListID != listID {
		return &apicall.MissingMemberError{Member: prefix + "list_id", Reason: fmt.Sprintf("%d, an entry of another list than %d", e.ListID, listID)}
	}
	if t := e.EntityType; t != nil && *t != EntityPerson && *t != EntityOrganization && *t != EntityOpportunity {
		// Its values could not be asked for by an id of a kind Affinity does not
		// document; reading them as an organization's would mix up two records.
		return &apicall.MissingMemberError{Member: prefix + "entity_type", Reason: fmt.Sprintf("%d is not person (0), organization (1) or opportunity (8)", *t)}
	}
	if e.Entity == nil {
		return nil
	}
	raw, _ := e.Entity.MarshalJSON()
	var shape struct {
		ID        *int64          `json:"id"`
		Name      json.RawMessage `json:"name"`
		FirstName json.RawMessage `json:"first_name"`
		Domain    json.RawMessage `json:"domain"`
		Domains   json.RawMessage `json:"domains"`
	}
	if err := json.Unmarshal(raw, &shape); err != nil {
		return &apicall.MissingMemberError{Member: prefix + "entity", Reason: "not an object"}
	}
	if shape.ID != nil && *shape.ID != e.EntityID {
		return &apicall.MissingMemberError{Member: prefix + "entity.id", Reason: fmt.Sprintf("%d, not the entry's entity_id %d", *shape.ID, e.EntityID)}
	}
	person := len(shape.FirstName) > 0
	if e.EntityType == nil {
		// A person has a first name, an organization a domain, an opportunity neither.
		kind := EntityOpportunity
		switch {
		case person:
			kind = EntityPerson
		case len(shape.Domain) > 0 || len(shape.Domains) > 0:
			kind = EntityOrganization
		}
		e.EntityType = &kind
	}
	kind := EntityType(*e.EntityType)
	switch {
	case kind == EntityPerson && !person:
		return &apicall.MissingMemberError{Member: prefix + "entity", Reason: "entity_type says person, but it has no first_name"}
	case (kind == EntityOrganization || kind == EntityOpportunity) && (person || len(shape.Name) == 0 || string(shape.Name) == "null"):
		return &apicall.MissingMemberError{Member: prefix + "entity", Reason: fmt.Sprintf("entity_type says %s, but it has no name or is a person", kind)}
	}
	return nil
}

// entryKind is the type of an entry's entity: entity_type, which checkEntryOf fills in
// from the entity's shape when the answer leaves it out; an entry with neither is
// taken for an organization, the v1 API's usual list.
func entryKind(e *ListEntry) EntityType {
	if e.EntityType != nil {
		return EntityType(*e.EntityType)
	}
	return EntityOrganization
}

// positiveID refuses an id that is missing, null (both decode as 0) or not positive:
// Affinity's ids start at 1.
func positiveID(member string, id int64) error {
	if id <= 0 {
		return &apicall.MissingMemberError{Member: member, Reason: fmt.Sprintf("missing, null or not positive (%d)", id)}
	}
	return nil
}

// eachID is positiveID for every item of an array; name is the array's member ("" for
// the body itself).
func eachID[T any](items []T, name string, id func(*T) int64) error {
	return httpcore.EachID(items, name, func(x *T) bool { return id(x) > 0 }, "missing, null or not positive")
}

// deleted makes a call that answers {"success": true}: a missing, null or false
// success is a malformed answer, as an *Error, not a silent success.
func (c *Client) deleted(ctx context.Context, op string, callOpts []option.CallOption, send func(context.Context) (*http.Response, error)) error {
	type wire struct {
		Success *bool `json:"success"`
	}
	_, err := httpcore.Run(ctx, c.doer, op, callOpts, send, func(w *wire) error {
		switch {
		case w.Success == nil:
			return &apicall.MissingMemberError{Member: "success", Reason: "missing or null"}
		case !*w.Success:
			return &apicall.MissingMemberError{Member: "success", Reason: "false: Affinity did not do it"}
		}
		return nil
	})
	return err
}

// notNull refuses a JSON null where an array is due.
func notNull[T any](v *[]T) error {
	if *v == nil {
		return &apicall.MissingMemberError{Member: "(body)", Reason: "expected an array, found null"}
	}
	return nil
}

func checkPositive(param string, id int64) error {
	if id <= 0 {
		return paramError(param, fmt.Sprintf("must be positive, got %d", id))
	}
	return nil
}
