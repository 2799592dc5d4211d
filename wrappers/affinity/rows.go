package affinity

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"

	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Row is one entry of a list with its entity and its field values: a row of the list's
// spreadsheet.
type Row struct {
	Entry ListEntry
	// Organization, Person or Opportunity is the entry's entity, by its type; the
	// others are nil.
	Organization *Organization
	Person       *Person
	Opportunity  *Opportunity
	// Values are the entry's values by field name: the list's own fields and the
	// entity's global fields. A field that allows several values has several. With
	// RowOptions.Fields, a chosen field known to be empty is present with no values
	// (through v2, one the answer carried without a value; through v1, which sends
	// every value, one without any), and a chosen field absent from Values was left
	// out of the answer: its value is unknown, not empty, and a writer should leave
	// it alone. Without RowOptions.Fields, a field without a value is absent.
	Values map[string][]Value
}

// RowOptions tune ListRows. The zero value is fine.
type RowOptions struct {
	// Concurrency is how many entries' values are fetched at once through v1
	// (WithV1Only), 1 to 16; 0 means 4. v2 fetches them with the entries.
	Concurrency int
	// PageSize is the number of entries per request: 1 to 100 through v2 (0 means
	// 100), as in ListEntryQuery through v1.
	PageSize int
	// Fields, when not empty, are the only fields whose values the rows carry, chosen
	// by id: through v2 only their values are asked for, which keeps the pages small
	// (a sync that reads three fields of a list of forty), and two fields of the same
	// name cannot mix in Values unless both are chosen. At most MaxRowFields.
	Fields []Field
	// SavedViewID, when set, reads the entries of that saved view of the list instead
	// of every entry: those its filters keep, in its order, each with the values of the
	// view's columns. Fields cannot be chosen with it, and v1 (WithV1Only) has no saved
	// views: either is refused before anything is sent.
	SavedViewID int64
}

// MaxRowFields is the most fields RowOptions.Fields may choose: each is a query
// parameter of every page's request.
const MaxRowFields = 100

// paceReserve is how many requests of the per-user window pacing keeps in hand: when
// fewer are left, ListRows waits for the window to reset instead of meeting a 429.
const paceReserve = 16

// ListRows iterates over every entry of a list with its entity and its field values
// keyed by field name and typed, in the list's order: "every organization on Deal Flow
// with its Status". It reads through v2, one request a page of up to 100 entries with
// their entities and the values of the list's and the entities' global fields: 20
// requests for 2,000 entries. With WithV1Only it follows v1's recipe instead: one
// request for the fields, one per page of entries and one per entry, at most
// opts.Concurrency at once. Either way it waits out the per-user rate-limit window
// when it runs low, holds one page of entries at a time, and stops at the first error.
// The rows are the same both ways, but for Value.Raw (each API's own JSON) and a ranked
// option's Color, which v2 names rather than numbers.
func (c *Client) ListRows(ctx context.Context, listID int64, opts RowOptions, callOpts ...option.CallOption) iter.Seq2[Row, error] {
	workers := opts.Concurrency
	var bad error
	switch {
	case workers == 0:
		workers = 4
	case workers < 1 || workers > 16:
		bad = paramError("concurrency", fmt.Sprintf("must be 1 to 16 (or 0 for 4), got %d", workers))
	}
	if bad == nil {
		bad = checkPositive("list_id", listID)
	}
	if bad == nil {
		bad = checkRowFields(opts.Fields)
	}
	switch {
	case bad != nil || opts.SavedViewID == 0:
	case opts.SavedViewID < 0:
		bad = paramError("saved_view_id", fmt.Sprintf("must be positive, got %d", opts.SavedViewID))
	case len(opts.Fields) > 0:
		bad = paramError("fields", "a saved view's entries carry its own columns; choose fields or a view, not both")
	case c.v1Only:
		bad = paramError("saved_view_id", "saved views are read through v2, and the client is v1 only (WithV1Only)")
	}
	if bad != nil {
		return func(yield func(Row, error) bool) { yield(Row{}, bad) }
	}
	if !c.v1Only {
		return c.listRowsV2(ctx, listID, opts, callOpts)
	}
	return func(yield func(Row, error) bool) {
		run := &rowRun{c: c, callOpts: callOpts, fetch: &fieldsFetch{}, only: opts.Fields}
		// The fields, for their names: also the call's one fetch of the fields, so that
		// the rows take a field it lacks as missing instead of fetching them again.
		var fields []Field
		run.fetch.once.Do(func() { fields, run.fetch.err = c.ListFields(ctx, FieldQuery{}, run.opts()...) })
		if err := run.fetch.err; err != nil {
			yield(Row{}, err)
			return
		}
		names := map[int64]string{}
		for _, f := range fields {
			if (f.ListID == 0 || f.ListID == listID) && chosen(opts.Fields, f.ID) {
				names[f.ID] = f.Name
			}
		}
		ctx, cancel := context.WithCancel(ctx)
		defer cancel() // a break in the caller's loop stops the fetches under way
		for page, err := range c.ListEntryPages(ctx, ListEntryQuery{ListID: listID, PageSize: opts.PageSize}, "", run.opts()...) {
			if err != nil {
				yield(Row{}, err)
				return
			}
			rows, errs := run.rowsOf(ctx, page.ListEntries, names, workers)
			for i := range rows {
				if errs[i] != nil {
					yield(Row{}, errs[i])
					return
				}
				if !yield(rows[i], nil) {
					return
				}
			}
		}
	}
}

// rowRun is one ListRows: its call options, and the rate-limit state of the latest
// answer its own calls received, which pacing reads (not the client's last, which may
// be another goroutine's).
type rowRun struct {
	c        *Client
	callOpts []option.CallOption
	// fetch is the call's one fetch of the fields, which its rows share.
	fetch *fieldsFetch
	// only are the fields the rows carry values of (RowOptions.Fields); none means all.
	only []Field

	mu   sync.Mutex
	last RateLimit
	// window counts the windows pacing has waited out; an answer to a request made in
	// an earlier one speaks of a spent window and is not recorded.
	window int
}

// opts are the caller's call options, plus one that records the answer's rate limit
// for pacing, unless pacing has waited out the window since the call began.
func (run *rowRun) opts() []option.CallOption {
	run.mu.Lock()
	window := run.window
	run.mu.Unlock()
	return append(slices.Clip(run.callOpts), httpcore.CallFunc(func(call *httpcore.Call) error {
		call.Observe = append(call.Observe, func(rl any) {
			run.mu.Lock()
			if window == run.window {
				run.last = rl.(RateLimit)
			}
			run.mu.Unlock()
		})
		return nil
	}))
}

// rowsOf fetches the values of a page of entries, workers at a time, in entry order.
func (run *rowRun) rowsOf(ctx context.Context, entries []ListEntry, names map[int64]string, workers int) ([]Row, []error) {
	rows := make([]Row, len(entries))
	errs := make([]error, len(entries))
	slots := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i := range entries {
		slots <- struct{}{} // first a slot, so that pacing sees the answers of those done
		if err := run.pace(ctx); err != nil {
			errs[i] = err
			<-slots
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			rows[i], errs[i] = run.c.row(ctx, entries[i], names, run.only, run.fetch, run.opts())
		}()
	}
	wg.Wait()
	return rows, errs
}

// pace waits for the per-user window to reset when it has fewer than paceReserve
// requests left. The wait goes through the client's one wait mechanism: a reset over
// WithMaxRetryWait, or past the context's deadline, fails at once with a *WaitError.
func (run *rowRun) pace(ctx context.Context) error {
	run.mu.Lock()
	w := run.last.User
	run.mu.Unlock()
	if !w.Known || w.Unlimited || w.Limit == 0 || w.Remaining >= paceReserve || w.Reset <= 0 {
		return ctx.Err()
	}
	if err := run.c.doer.Pacer().Wait(ctx, w.Reset, "the per-user rate limit"); err != nil {
		return fmt.Errorf("affinity: ListRows: %w", err)
	}
	// The window has started over: what the last answer said of it is spent, and the
	// next answer says how much of the new one is left.
	run.mu.Lock()
	run.last = RateLimit{}
	run.window++
	run.mu.Unlock()
	return nil
}

func (c *Client) row(ctx context.Context, e ListEntry, names map[int64]string, only []Field, fetch *fieldsFetch, callOpts []option.CallOption) (Row, error) {
	r := Row{Entry: e, Values: map[string][]Value{}}
	q := FieldValueQuery{}
	kind := entryKind(&e)
	switch kind {
	case EntityPerson:
		q.PersonID = e.EntityID
	case EntityOpportunity:
		q.OpportunityID = e.EntityID
	default: // an organization: checkEntryOf refused every other kind
		q.OrganizationID = e.EntityID
	}
	if e.Entity != nil {
		switch kind {
		case EntityPerson:
			if p, err := e.Entity.Person(); err == nil {
				r.Person = &p
			}
		case EntityOpportunity:
			if o, err := e.Entity.Opportunity(); err == nil {
				r.Opportunity = &o
			}
		default:
			if o, err := e.Entity.Organization(); err == nil {
				r.Organization = &o
			}
		}
	}
	values, err := c.fieldValues(ctx, q, callOpts, fetch, func(values []FieldValue) error {
		for i, v := range values {
			if v.EntityID != 0 && v.EntityID != e.EntityID {
				return &apicall.MissingMemberError{Member: fmt.Sprintf("[%d].entity_id", i),
					Reason: fmt.Sprintf("%d, not list entry %d's entity %d", v.EntityID, e.ID, e.EntityID)}
			}
		}
		return nil
	})
	if err != nil {
		return Row{}, err
	}
	for _, v := range values {
		// An entity's values include those of its entries on other lists: keep the
		// global ones and this entry's.
		if v.ListEntryID != 0 && v.ListEntryID != e.ID {
			continue
		}
		if !chosen(only, v.FieldID) {
			continue
		}
		name, ok := names[v.FieldID]
		if !ok {
			name = fmt.Sprintf("field %d", v.FieldID)
		}
		r.Values[name] = append(r.Values[name], v.Value)
	}
	// v1 sends every value of the entity, so a chosen field without one is known to
	// be empty: present with none, as v2 says it.
	for _, f := range only {
		name, ok := names[f.ID]
		if !ok {
			name = fmt.Sprintf("field %d", f.ID)
		}
		if _, ok := r.Values[name]; !ok {
			r.Values[name] = []Value{}
		}
	}
	return r, nil
}

// checkRowFields refuses a choice of fields that cannot be asked for: too many, or one
// without a positive id.
func checkRowFields(fields []Field) error {
	if len(fields) > MaxRowFields {
		return paramError("fields", fmt.Sprintf("at most %d, got %d", MaxRowFields, len(fields)))
	}
	for i, f := range fields {
		if f.ID <= 0 {
			return paramError(fmt.Sprintf("fields[%d].id", i), fmt.Sprintf("must be positive, got %d (field %q)", f.ID, f.Name))
		}
	}
	return nil
}

// chosen reports whether the field of id is among fields, or fields chooses none.
func chosen(fields []Field, id int64) bool {
	return len(fields) == 0 || slices.ContainsFunc(fields, func(f Field) bool { return f.ID == id })
}
