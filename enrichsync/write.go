package enrichsync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/orgapis/orgapis/wrappers/affinity"
)

// write writes an organization's changed fields, logging them as intended first and
// as applied once Affinity answers: a list's entry in one v2 request for all its
// fields, an organization outside any list (AllOrganizations) through v1, a request
// to read its values and one per field.
func (r *runState) write(ctx context.Context, k keyed, e enrichment, enriched bool) error {
	m := members(e)
	changes := r.decide(k, m, false)
	ev := Event{Kind: Wrote, Org: k.org, Enrich: enriched, Fields: changes}
	var sets []affinity.FieldSet
	var logged []Write
	var keys []entryField
	for i, c := range changes {
		if !c.Write {
			continue
		}
		b := r.bindings[i]
		sets = append(sets, affinity.FieldSet{Field: b.field, Values: b.desired(m).values})
		logged = append(logged, Write{Run: r.id, Domain: k.org.Domain, OrganizationID: k.org.OrganizationID, ListID: r.t.ListID,
			ListEntryID: k.org.ListEntryID, FieldID: c.FieldID, Field: c.Field, Rule: c.Rule, Old: c.Old, New: c.New, At: r.s.set.now()})
		keys = append(keys, keyOf(b.field.ListID == 0, k.org.OrganizationID, k.org.ListEntryID, b.field.ID))
	}
	if len(sets) == 0 {
		return r.count(ev)
	}
	if r.pastDeadline() {
		return r.defer_([]keyed{k}, StopDeadline)
	}
	if err := r.s.store.intend(ctx, logged); err != nil {
		return err
	}
	r.step("before-write", k.org.Domain)
	var done int
	var err error
	if r.t.AllOrganizations {
		done, err = r.writeV1(ctx, k.org.OrganizationID, sets)
	} else {
		done, err = r.writeEntry(ctx, k.org.ListEntryID, sets)
	}
	// What Affinity answered is recorded even when the caller has given up as it
	// answered: an applied write is logged applied and reported written, never lost.
	rec := context.WithoutCancel(ctx)
	ids := func(ws []Write) []int64 {
		var out []int64
		for _, w := range ws {
			out = append(out, w.ID)
		}
		return out
	}
	if err := r.s.store.settle(rec, ids(logged[:done]), WriteApplied); err != nil {
		return err
	}
	for i, w := range logged[:done] {
		w.State = WriteApplied
		r.hist.applied[keys[i]] = w
	}
	var apiErr *affinity.Error
	switch {
	case err == nil:
	case errors.Is(err, affinity.ErrMaybeApplied):
		return fmt.Errorf("enrichsync: writing %s: %w (the next run finds out from the fields)", k.org.Domain, err)
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && apiErr.StatusCode != http.StatusTooManyRequests:
		// Refused: the field refused was not written; those after it were not sent
		// and stay intended, for the next run to settle by what the fields hold.
		if err := r.s.store.settle(rec, ids(logged[done:done+1]), WriteRefused); err != nil {
			return err
		}
		r.sum.Refused++
		r.sum.ValuesWritten += done
		return r.emit(Event{Kind: Refused, Org: k.org, Enrich: enriched, Fields: changes, Reason: strings.TrimPrefix(err.Error(), "affinity: ")})
	default:
		return fmt.Errorf("enrichsync: writing %s: %w", k.org.Domain, err)
	}
	r.step("after-write", k.org.Domain)
	return r.count(ev)
}

// writeEntry sets a list entry's fields through v2, MaxFieldSets a request, and
// returns how many were applied: all, or those of the requests before a failure (the
// refused request's fields count as not applied: Affinity documents the batch as the
// writes one after another, and a later run settles any it did apply by the values).
func (r *runState) writeEntry(ctx context.Context, entryID int64, sets []affinity.FieldSet) (int, error) {
	for start := 0; start < len(sets); start += affinity.MaxFieldSets {
		part := sets[start:min(start+affinity.MaxFieldSets, len(sets))]
		err := r.s.affinity.SetListEntryFields(ctx, r.t.ListID, entryID, part, r.writesN.opt())
		if err != nil && !errors.Is(err, affinity.ErrApplied) {
			return start, err
		}
	}
	return len(sets), nil
}

// writeV1 sets an organization's global fields through v1: it reads the values it
// has, then updates a single value in place, creates one where there is none, and
// replaces a field of several values whole (deleting the old, then creating the new).
// It returns how many fields were written before a failure.
func (r *runState) writeV1(ctx context.Context, orgID int64, sets []affinity.FieldSet) (int, error) {
	have, err := r.s.affinity.ListFieldValues(ctx, affinity.FieldValueQuery{OrganizationID: orgID}, r.writesN.opt())
	if err != nil {
		return 0, err
	}
	for i, set := range sets {
		var old []affinity.FieldValue
		for _, v := range have {
			if v.FieldID == set.Field.ID && v.ListEntryID == 0 {
				old = append(old, v)
			}
		}
		if err := r.replaceV1(ctx, orgID, set, old); err != nil {
			return i, err
		}
	}
	return len(sets), nil
}

// replaceV1 makes one field of an organization hold set's values, given the ones it
// holds.
func (r *runState) replaceV1(ctx context.Context, orgID int64, set affinity.FieldSet, old []affinity.FieldValue) error {
	applied := func(err error) bool { return err == nil || errors.Is(err, affinity.ErrApplied) }
	if !set.Field.AllowsMultiple && len(old) >= 1 && len(set.Values) == 1 {
		if _, err := r.s.affinity.UpdateFieldValue(ctx, old[0].ID, set.Values[0], r.writesN.opt()); !applied(err) {
			return err
		}
		old = old[1:] // a second value of a single-valued field, if any, goes below
	} else {
		for _, v := range old {
			if err := r.s.affinity.DeleteFieldValue(ctx, v.ID, r.writesN.opt()); !applied(err) {
				return err
			}
		}
		old = nil
		for _, v := range set.Values {
			if _, err := r.s.affinity.CreateFieldValue(ctx, affinity.NewFieldValue{FieldID: set.Field.ID, EntityID: orgID, Value: v}, r.writesN.opt()); !applied(err) {
				return err
			}
		}
	}
	for _, v := range old {
		if err := r.s.affinity.DeleteFieldValue(ctx, v.ID, r.writesN.opt()); !applied(err) {
			return err
		}
	}
	return nil
}
