package affinity

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// MaxV2PageSize is the most records a v2 page holds, and its default.
const MaxV2PageSize = 100

// v2Pagination is where a v2 page's neighbours are.
type v2Pagination struct {
	NextURL *string `json:"nextUrl"`
}

// v2EntryPage is one page of a v2 list's entries with their entities.
type v2EntryPage struct {
	Data       []v2Entry    `json:"data"`
	Pagination v2Pagination `json:"pagination"`
	// next is the cursor of the next page, from Pagination.NextURL; "" after the last.
	next string
}

// v2Entry is a list entry with its entity, as v2 sends it.
type v2Entry struct {
	ID        int64     `json:"id"`
	ListID    int64     `json:"listId"`
	CreatedAt time.Time `json:"createdAt"`
	CreatorID int64     `json:"creatorId"`
	Type      string    `json:"type"`
	Entity    v2Entity  `json:"entity"`
}

// v2Entity is a company, person or opportunity as a v2 entry carries it, with its
// field data.
type v2Entity struct {
	ID                  int64     `json:"id"`
	Name                string    `json:"name"`
	Domain              string    `json:"domain"`
	Domains             []string  `json:"domains"`
	IsGlobal            bool      `json:"isGlobal"`
	FirstName           string    `json:"firstName"`
	LastName            string    `json:"lastName"`
	PrimaryEmailAddress string    `json:"primaryEmailAddress"`
	EmailAddresses      []string  `json:"emailAddresses"`
	Type                string    `json:"type"`
	Fields              []v2Field `json:"fields"`
}

// v2EntityTypes are v2's entity types by v1's.
var v2EntityTypes = map[string]EntityType{"person": EntityPerson, "company": EntityOrganization, "opportunity": EntityOpportunity}

// listRowsV2 is ListRows through v2: each page of up to 100 entries comes with its
// entities and the values of the list's and the entities' global fields, so the whole
// list costs one request a page.
func (c *Client) listRowsV2(ctx context.Context, listID int64, opts RowOptions, callOpts []option.CallOption) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		size := opts.PageSize
		if size < 0 || size > MaxV2PageSize {
			yield(Row{}, paramError("limit", fmt.Sprintf("must be 1 to %d (or 0 for %d) through v2, got %d", MaxV2PageSize, MaxV2PageSize, size)))
			return
		}
		run := &rowRun{c: c, callOpts: callOpts}
		first := true
		fetch := func(ctx context.Context, cursor string) (v2EntryPage, error) {
			if !first {
				if err := run.pace(ctx); err != nil {
					return v2EntryPage{}, err
				}
			}
			first = false
			return c.v2EntryPage(ctx, listID, opts.SavedViewID, size, opts.Fields, cursor, run.opts())
		}
		pages := tokenPages(ctx, c, "", fetch, func(p v2EntryPage) string { return p.next }, func(p v2EntryPage) int { return len(p.Data) })
		for page, err := range pages {
			if err != nil {
				yield(Row{}, v2Refused(err))
				return
			}
			for _, e := range page.Data {
				r, err := e.row(len(opts.Fields) > 0)
				if err != nil {
					yield(Row{}, err)
					return
				}
				if !yield(r, nil) {
					return
				}
			}
		}
	}
}

// v2EntryPage fetches one page of a list's entries through v2, or of one of its saved
// views' (view not 0).
func (c *Client) v2EntryPage(ctx context.Context, listID, view int64, size int, fields []Field, cursor string, callOpts []option.CallOption) (v2EntryPage, error) {
	params := &affinityapi.ListListEntriesV2Params{FieldTypes: affinityapi.V2ListFieldTypes{"list", "global"}}
	if len(fields) > 0 {
		params.FieldTypes = nil
		for _, f := range fields {
			params.FieldIDs = append(params.FieldIDs, fmt.Sprintf("field-%d", f.ID))
		}
	}
	if size > 0 {
		limit := affinityapi.V2Limit(size)
		params.Limit = &limit
	}
	if cursor != "" {
		params.Cursor = &cursor
	}
	path, op := fmt.Sprintf("/v2/lists/%d/list-entries", listID), "listListEntriesV2"
	send := func(ctx context.Context) (*http.Response, error) { return c.api.ListListEntriesV2(ctx, listID, params) }
	if view != 0 {
		// A view's entries come with the values of its own columns: it takes no choice
		// of fields.
		path, op = fmt.Sprintf("/v2/lists/%d/saved-views/%d/list-entries", listID, view), "listSavedViewListEntriesV2"
		send = func(ctx context.Context) (*http.Response, error) {
			return c.api.ListSavedViewListEntriesV2(ctx, listID, view, &affinityapi.ListSavedViewListEntriesV2Params{Limit: params.Limit, Cursor: params.Cursor})
		}
	}
	return httpcore.Run(ctx, c.doer, op, callOpts, send, func(p *v2EntryPage) error {
		if p.Data == nil {
			return &apicall.MissingMemberError{Member: "data", Reason: "missing or null"}
		}
		for i := range p.Data {
			if err := p.Data[i].check(listID, fmt.Sprintf("data[%d].", i), c.maxValues); err != nil {
				return err
			}
		}
		next, err := c.v2Cursor(p.Pagination.NextURL, path)
		p.next = next
		return err
	})
}

// v2Cursor is the cursor of a page's nextUrl: "" after the last page. A nextUrl on
// another origin than the client's base URL, or for another path, is refused: following
// it would send the key elsewhere, or read something else than was asked.
func (c *Client) v2Cursor(nextURL *string, path string) (string, error) {
	if nextURL == nil || *nextURL == "" {
		return "", nil
	}
	next, err := url.Parse(*nextURL)
	base, berr := url.Parse(c.baseURL)
	if err != nil || berr != nil || !strings.EqualFold(next.Scheme, base.Scheme) || !strings.EqualFold(next.Host, base.Host) ||
		strings.TrimSuffix(next.Path, "/") != strings.TrimSuffix(base.Path, "/")+path {
		return "", &apicall.MissingMemberError{Member: "pagination.nextUrl", Reason: fmt.Sprintf("%q is not a page of %s at the client's base URL", *nextURL, path)}
	}
	cursor := next.Query().Get("cursor")
	if cursor == "" {
		return "", &apicall.MissingMemberError{Member: "pagination.nextUrl", Reason: fmt.Sprintf("%q has no cursor", *nextURL)}
	}
	return cursor, nil
}

// check refuses an entry that cannot be what was asked for: without positive ids, of
// another list, of an entity type v2 does not document, or with a field value that
// does not decode (v2Value.values, with limit); it keeps the decoded values for row.
func (e *v2Entry) check(listID int64, prefix string, limit int) error {
	switch {
	case e.ID <= 0:
		return &apicall.MissingMemberError{Member: prefix + "id", Reason: "missing, null or not positive"}
	case e.ListID != listID:
		return &apicall.MissingMemberError{Member: prefix + "listId", Reason: fmt.Sprintf("%d, an entry of another list than %d", e.ListID, listID)}
	case e.Entity.ID <= 0:
		return &apicall.MissingMemberError{Member: prefix + "entity.id", Reason: "missing, null or not positive"}
	}
	if _, ok := v2EntityTypes[e.Type]; !ok {
		return &apicall.MissingMemberError{Member: prefix + "type", Reason: fmt.Sprintf("%q is not company, person or opportunity", e.Type)}
	}
	for i := range e.Entity.Fields {
		f := &e.Entity.Fields[i]
		values, err := f.Value.values(fmt.Sprintf("%sentity.fields[%d].value", prefix, i), f.ID, limit)
		if err != nil {
			return err
		}
		f.values = values
	}
	return nil
}

// row is the entry as v1's ListRows gives it: the entry with its entity in v1's shapes,
// and its values by field name (a field without a value has none; with chosen, one
// the answer carried without a value is present with none).
func (e v2Entry) row(chosen bool) (Row, error) {
	kind := v2EntityTypes[e.Type]
	entry := ListEntry{ID: e.ID, ListID: e.ListID, CreatedAt: e.CreatedAt, CreatorID: e.CreatorID, EntityID: e.Entity.ID, EntityType: &kind}
	r := Row{Values: map[string][]Value{}}
	var err error
	switch kind {
	case EntityPerson:
		p := Person{ID: e.Entity.ID, FirstName: e.Entity.FirstName, LastName: e.Entity.LastName, PrimaryEmail: e.Entity.PrimaryEmailAddress,
			Emails: e.Entity.EmailAddresses}
		r.Person = &p
		entry.Entity, err = entityOf(p)
	case EntityOpportunity:
		o := Opportunity{ID: e.Entity.ID, Name: e.Entity.Name}
		r.Opportunity = &o
		entry.Entity, err = entityOf(o)
	default:
		o := Organization{ID: e.Entity.ID, Name: e.Entity.Name, Domain: e.Entity.Domain, Domains: e.Entity.Domains, Global: e.Entity.IsGlobal}
		if o.Domains == nil {
			o.Domains = []string{}
		}
		r.Organization = &o
		entry.Entity, err = entityOf(o)
	}
	if err != nil {
		return Row{}, err
	}
	r.Entry = entry
	for _, f := range e.Entity.Fields {
		switch {
		case len(f.values) == 0:
			// A chosen field carried without a value is present and empty, which
			// a caller tells from one the answer left out (not in Values at all).
			if _, ok := r.Values[f.Name]; chosen && !ok {
				r.Values[f.Name] = []Value{}
			}
		case len(r.Values[f.Name]) == 0:
			// check decoded them, into a slice of their own: the row takes it as it
			// is rather than copying it, clipped so that a second field of the same
			// name appends to a copy.
			r.Values[f.Name] = slices.Clip(f.values)
		default:
			r.Values[f.Name] = append(r.Values[f.Name], f.values...)
		}
	}
	return r, nil
}

// v2Refused adds to a v2 call's 401 or 403 the way out: a key or account without v2
// access works through v1 with WithV1Only.
func v2Refused(err error) error {
	var apiErr *Error
	if errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden) {
		return fmt.Errorf("%w (v2 refused the key; if v1 accepts it, make the client with WithV1Only)", err)
	}
	return err
}
