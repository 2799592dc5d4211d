package webhook

import (
	"cmp"
	"context"
	"iter"
	"slices"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Cursor is where a poll stopped: the last change it yielded. The zero Cursor is the
// start of the history.
type Cursor struct {
	ChangedAt time.Time
	ChangeID  int64
}

// before reports whether c comes before o: earlier, or as early with a smaller id.
func (c Cursor) before(o Cursor) bool {
	if !c.ChangedAt.Equal(o.ChangedAt) {
		return c.ChangedAt.Before(o.ChangedAt)
	}
	return c.ChangeID < o.ChangeID
}

// Cursor is the event's place in a poll: the change it came from. Keep the cursor of
// the last event handled and start the next poll after it. Zero for a webhook event.
func (e Event) Cursor() Cursor {
	if e.Change == nil {
		return Cursor{}
	}
	return Cursor{ChangedAt: e.Change.ChangedAt, ChangeID: e.Change.ID}
}

// PollQuery selects what a poll reads.
type PollQuery struct {
	// FieldIDs are the fields whose changes to read (fields with track_changes);
	// at least one.
	FieldIDs []int64
	// After is the cursor of the last event handled; zero reads the whole history.
	After Cursor
}

// Poll reads the changes of the fields' values made after q.After, oldest first, as
// Events of type field_value.created, .updated or .deleted (an action Affinity adds
// later comes as "field_value.changed"), each with Change and FieldValue set; the
// FieldValue's ID is 0, since a change does not name its field value. It is the way
// to follow changes for a program that cannot expose a URL to Affinity.
//
// Affinity's history has no "since" parameter: each poll reads every field's whole
// history (GET /field-value-changes, one request per field) and keeps what follows
// the cursor, so poll at the pace the data needs, not faster. Its memory is the
// histories read, each bounded by the client's option.WithMaxBodyBytes. A failed read
// is yielded as the error and ends the poll; nothing after the cursor is lost, since
// no event past it was yielded.
func Poll(ctx context.Context, c *affinity.Client, q PollQuery, callOpts ...option.CallOption) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		if len(q.FieldIDs) == 0 {
			yield(Event{}, paramError("field_ids", "needs at least one field"))
			return
		}
		var events []Event
		for _, id := range q.FieldIDs {
			changes, err := c.ListFieldValueChanges(ctx, affinity.FieldValueChangeQuery{FieldID: id}, callOpts...)
			if err != nil {
				yield(Event{}, err)
				return
			}
			for i := range changes {
				ch := changes[i]
				e := changeEvent(ch)
				if q.After.before(e.Cursor()) {
					events = append(events, e)
				}
			}
		}
		slices.SortStableFunc(events, func(a, b Event) int {
			ca, cb := a.Cursor(), b.Cursor()
			if c := ca.ChangedAt.Compare(cb.ChangedAt); c != 0 {
				return c
			}
			return cmp.Compare(ca.ChangeID, cb.ChangeID)
		})
		for _, e := range events {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// changeEvent is a change as an Event.
func changeEvent(ch affinity.FieldValueChange) Event {
	typ := affinity.EventType("field_value.changed")
	switch ch.Action {
	case affinity.ActionCreate:
		typ = affinity.FieldValueCreated
	case affinity.ActionUpdate:
		typ = affinity.FieldValueUpdated
	case affinity.ActionDelete:
		typ = affinity.FieldValueDeleted
	}
	fv := affinity.FieldValue{FieldID: ch.FieldID, EntityID: ch.EntityID, ListEntryID: ch.ListEntryID, UpdatedAt: ch.ChangedAt, Value: ch.Value}
	return Event{Type: typ, SentAt: ch.ChangedAt, FieldValue: &fv, Change: &ch}
}
