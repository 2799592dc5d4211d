package webhook_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/affinity/webhook"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// Polling yields a field's changes as Events of the webhook's type, oldest first, and
// from a cursor only what came after it.
func TestPollFromACursor(t *testing.T) {
	ctx := t.Context()
	fake := affinitytest.NewServer("key", affinitytest.WithTest(t))
	c, err := fake.Client()
	if err != nil {
		t.Fatal(err)
	}
	listID := fake.GenerateList("Deal Flow", 2, 5)
	fields, err := c.ListFields(ctx, affinity.FieldQuery{ListID: listID})
	if err != nil {
		t.Fatal(err)
	}
	notes := fields[slices.IndexFunc(fields, func(f affinity.Field) bool { return f.Name == "Notes" })]
	status := fields[slices.IndexFunc(fields, func(f affinity.Field) bool { return f.Name == "Status" })]

	var first []webhook.Event
	for e, err := range webhook.Poll(ctx, c, webhook.PollQuery{FieldIDs: []int64{notes.ID, status.ID}}) {
		if err != nil {
			t.Fatal(err)
		}
		first = append(first, e)
	}
	if len(first) != 4 {
		t.Fatalf("%d events, want 4 (two entries, two fields)", len(first))
	}
	for i, e := range first {
		if e.Type != affinity.FieldValueCreated || e.FieldValue == nil || e.Change == nil || !e.Known() || e.SentAt.IsZero() {
			t.Errorf("event %d: %+v", i, e)
		}
		if i > 0 && e.Cursor().ChangeID <= first[i-1].Cursor().ChangeID && e.Cursor().ChangedAt.Equal(first[i-1].Cursor().ChangedAt) {
			t.Errorf("event %d out of order", i)
		}
	}
	// A value changed: from the last cursor, only that change comes.
	values, err := c.ListFieldValues(ctx, affinity.FieldValueQuery{ListEntryID: first[0].FieldValue.ListEntryID})
	if err != nil {
		t.Fatal(err)
	}
	v := values[slices.IndexFunc(values, func(v affinity.FieldValue) bool { return v.FieldID == notes.ID })]
	if _, err := c.UpdateFieldValue(ctx, v.ID, affinity.TextValue("Nöte über Zürich")); err != nil {
		t.Fatal(err)
	}
	var next []webhook.Event
	for e, err := range webhook.Poll(ctx, c, webhook.PollQuery{FieldIDs: []int64{notes.ID, status.ID}, After: first[len(first)-1].Cursor()}) {
		if err != nil {
			t.Fatal(err)
		}
		next = append(next, e)
	}
	if len(next) != 1 || next[0].Type != affinity.FieldValueUpdated || next[0].FieldValue.Value.Text != "Nöte über Zürich" || next[0].FieldValue.FieldID != notes.ID {
		t.Fatalf("after the cursor: %+v", next)
	}
	// Breaking out early stops it; no fields is a ParamError.
	for range webhook.Poll(ctx, c, webhook.PollQuery{FieldIDs: []int64{notes.ID}}) {
		break
	}
	for _, err := range webhook.Poll(ctx, c, webhook.PollQuery{}) {
		var p *apicall.ParamError
		if !errors.As(err, &p) || p.Param != "field_ids" {
			t.Errorf("no fields: %v", err)
		}
	}
}
