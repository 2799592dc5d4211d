package affinity_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// dealFlow is a fake with a Deal Flow list of two entries and its Status field, a
// ranked dropdown of New, In Progress and Won; the first entry is New.
func dealFlow(t *testing.T) (*affinitytest.Server, *affinity.Client, affinity.List, []affinity.ListEntry, affinity.Field) {
	t.Helper()
	c, fake := setup(t)
	fake.GenerateList("Deal Flow", 2, 1)
	list, err := c.ListByName(t.Context(), "Deal Flow")
	if err != nil {
		t.Fatal(err)
	}
	status, err := list.Field("Status")
	if err != nil {
		t.Fatal(err)
	}
	var entries []affinity.ListEntry
	for e, err := range c.ListEntries(t.Context(), affinity.ListEntryQuery{ListID: list.ID}) {
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
	return fake, c, list, entries, status
}

// statusOf is the Status each entry of the list reads through ListRows, by entry id.
func statusOf(t *testing.T, c *affinity.Client, list int64) map[int64]string {
	t.Helper()
	out := map[int64]string{}
	for row, err := range c.ListRows(t.Context(), list, affinity.RowOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, v := range row.Values["Status"] {
			texts = append(texts, v.String())
		}
		out[row.Entry.ID] = strings.Join(texts, "+")
	}
	return out
}

// A v2 write is checked before anything is sent: each bad argument is a
// *apicall.ParamError naming it, and the fake sees no request.
func TestV2WritesRefuseBadInputBeforeSending(t *testing.T) {
	fake, c, list, entries, status := dealFlow(t)
	ctx := t.Context()
	won, _ := status.Option("Won")
	multi, err := fake.AddField(list.ID, "Sectors", affinity.ValueDropdown, true, "Software", "Fintech")
	if err != nil {
		t.Fatal(err)
	}
	other := status
	other.ListID = list.ID + 1
	e := entries[0].ID
	many := make([]affinity.SetValue, affinity.MaxFieldValues+1)
	for i := range many {
		many[i] = affinity.TextValue("Software")
	}
	v1, _ := fake.Client(affinity.WithV1Only())
	before := len(fake.Requests())
	for _, bad := range []struct {
		name, param, reason string
		call                func() error
	}{
		{"no values", "value", "ClearListEntryField", func() error { return c.SetListEntryField(ctx, list.ID, e, status, nil) }},
		{"a list id that is not positive", "list_id", "positive", func() error {
			return c.SetListEntryField(ctx, 0, e, status, []affinity.SetValue{affinity.OptionValue(won.ID)})
		}},
		{"an entry id that is not positive", "list_entry_id", "positive", func() error { return c.ClearListEntryField(ctx, list.ID, -1, status) }},
		{"a field of another list", "field", "belongs to list", func() error { return c.ClearListEntryField(ctx, list.ID, e, other) }},
		{"a field without an id", "field", "no id", func() error { return c.ClearListEntryField(ctx, list.ID, e, affinity.Field{Name: "Status"}) }},
		{"a zero value", "value", "TextValue", func() error { return c.SetListEntryField(ctx, list.ID, e, status, []affinity.SetValue{{}}) }},
		{"an option's text for a ranked dropdown", "value", "OptionValue", func() error {
			return c.SetListEntryField(ctx, list.ID, e, status, []affinity.SetValue{affinity.TextValue("Won")})
		}},
		{"an option of another field", "value", "not an option", func() error {
			return c.SetListEntryField(ctx, list.ID, e, status, []affinity.SetValue{affinity.OptionValue(won.ID + 1000)})
		}},
		{"two values for a field of one", "value", "holds one value, got 2", func() error {
			return c.SetListEntryField(ctx, list.ID, e, status, []affinity.SetValue{affinity.OptionValue(won.ID), affinity.OptionValue(won.ID)})
		}},
		{"a dropdown text that is no option", "value[1]", `no dropdown option named "Health"`, func() error {
			return c.SetListEntryField(ctx, list.ID, e, multi, []affinity.SetValue{affinity.TextValue("Software"), affinity.TextValue("Health")})
		}},
		{"more values than v2 takes", "value", "at most 100", func() error { return c.SetListEntryField(ctx, list.ID, e, multi, many) }},
		{"a number for a dropdown's text", "value[0]", "not an option", func() error {
			return c.SetListEntryField(ctx, list.ID, e, multi, []affinity.SetValue{affinity.NumberValue(3)})
		}},
		{"no fields in a batch", "updates", "1 to 100", func() error { return c.SetListEntryFields(ctx, list.ID, e, nil) }},
		{"a field twice in a batch", "updates[1].field", "already updates[0]", func() error {
			return c.SetListEntryFields(ctx, list.ID, e, []affinity.FieldSet{{Field: status, Clear: true}, {Field: status, Clear: true}})
		}},
		{"a batch set with no values and no Clear", "updates[1].value", "set Clear", func() error {
			return c.SetListEntryFields(ctx, list.ID, e, []affinity.FieldSet{{Field: multi, Clear: true}, {Field: status}})
		}},
		{"Clear with values", "updates[0].value", "one or the other", func() error {
			return c.SetListEntryFields(ctx, list.ID, e, []affinity.FieldSet{{Field: status, Clear: true, Values: []affinity.SetValue{affinity.OptionValue(won.ID)}}})
		}},
		{"a client kept on v1", "WithV1Only", "UpdateFieldValue", func() error {
			return v1.SetListEntryField(ctx, list.ID, e, status, []affinity.SetValue{affinity.OptionValue(won.ID)})
		}},
	} {
		t.Run(bad.name, func(t *testing.T) {
			err := bad.call()
			var pe *apicall.ParamError
			if !errors.As(err, &pe) || pe.Param != bad.param || !strings.Contains(pe.Reason, bad.reason) {
				t.Errorf("got %v, want a ParamError of %s saying %q", err, bad.param, bad.reason)
			}
		})
	}
	if n := len(fake.Requests()) - before; n != 0 {
		t.Errorf("%d requests reached the fake, want none", n)
	}
	// And the field is as it was.
	if got := statusOf(t, c, list.ID)[e]; got != "New" {
		t.Errorf("Status %q after refused writes, want New", got)
	}
}

// A dropdown's value may be its option's text, as v1 takes it, or its id; the same
// TextValue then means the same through v1's CreateFieldValue and v2's writes.
func TestV2WritesTakeADropdownByTextOrID(t *testing.T) {
	fake, c, list, entries, _ := dealFlow(t)
	sectors, err := fake.AddField(list.ID, "Sectors", affinity.ValueDropdown, true, "Software", "Fintech", "Гео ü")
	if err != nil {
		t.Fatal(err)
	}
	geo, _ := sectors.Option("Гео ü")
	err = c.SetListEntryField(t.Context(), list.ID, entries[0].ID, sectors, []affinity.SetValue{affinity.TextValue("fintech"), affinity.OptionValue(geo.ID)})
	if err != nil {
		t.Fatal(err)
	}
	values, err := c.ListFieldValues(t.Context(), affinity.FieldValueQuery{ListEntryID: entries[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, v := range values {
		if v.FieldID == sectors.ID {
			texts = append(texts, v.Value.Text)
		}
	}
	if strings.Join(texts, "|") != "Fintech|Гео ü" {
		t.Errorf("Sectors %q, want Fintech and Гео ü (text folded to the option's)", texts)
	}
}

// A batch sets several fields at once; one the fake refuses (an option it does not
// have, sent as the caller gave it: the field's options were not listed) leaves every
// field as it was, and the error is v2's 400 naming the update.
func TestSetListEntryFieldsSetsSeveralOrNone(t *testing.T) {
	fake, c, list, entries, status := dealFlow(t)
	amount, err := fake.AddField(list.ID, "Amount", affinity.ValueNumber, false)
	if err != nil {
		t.Fatal(err)
	}
	won, _ := status.Option("Won")
	e := entries[0].ID
	err = c.SetListEntryFields(t.Context(), list.ID, e, []affinity.FieldSet{
		{Field: status, Values: []affinity.SetValue{affinity.OptionValue(won.ID)}},
		{Field: amount, Values: []affinity.SetValue{affinity.NumberValue(250000.5)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	rows := map[int64]affinity.Row{}
	for row, err := range c.ListRows(t.Context(), list.ID, affinity.RowOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		rows[row.Entry.ID] = row
	}
	if s, a := rows[e].Values["Status"], rows[e].Values["Amount"]; len(s) != 1 || s[0].String() != "Won" || len(a) != 1 || a[0].Number != 250000.5 {
		t.Errorf("after the batch: Status %v, Amount %v", s, a)
	}
	if s := rows[entries[1].ID].Values["Status"]; len(s) != 1 || s[0].String() != "In Progress" {
		t.Errorf("the other entry's Status is %v, want In Progress untouched", s)
	}

	unlisted := status
	unlisted.DropdownOptions = nil // as ListFields with ExcludeDropdownOptions gives it
	err = c.SetListEntryFields(t.Context(), list.ID, e, []affinity.FieldSet{
		{Field: amount, Values: []affinity.SetValue{affinity.NumberValue(1)}},
		{Field: unlisted, Values: []affinity.SetValue{affinity.OptionValue(987654)}},
	}, option.WithRetries(0))
	var apiErr *affinity.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || apiErr.Applied || !strings.Contains(err.Error(), "987654") {
		t.Fatalf("got %v, want v2's 400 naming the option", err)
	}
	values, err := c.ListFieldValues(t.Context(), affinity.FieldValueQuery{ListEntryID: e})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range values {
		if v.FieldID == amount.ID && v.Value.Number != 250000.5 {
			t.Errorf("Amount %v after a refused batch, want 250000.5", v.Value.Number)
		}
	}
}

// A field the entry does not have (another list's) is v2's 404 for the single write,
// not a success.
func TestSetListEntryFieldOfAFieldTheEntryLacks(t *testing.T) {
	fake, c, list, entries, _ := dealFlow(t)
	otherList := fake.GenerateList("Portfolio", 1, 1)
	otherStatus, err := fake.AddField(otherList, "Stage", affinity.ValueText, false)
	if err != nil {
		t.Fatal(err)
	}
	otherStatus.ListID = 0 // as a caller who built the field by hand might
	err = c.SetListEntryField(t.Context(), list.ID, entries[0].ID, otherStatus, []affinity.SetValue{affinity.TextValue("x")})
	if !errors.Is(err, affinity.ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound", err)
	}
}

// breakV2Writes serves the fake behind a proxy that lets it apply each v2 write and
// then breaks the answer: "cut" declares a body longer than it sends (a 200 with a
// body for the single write, which the service answers 204), "shape" answers the
// batch with another operation, "drop" closes the connection without an answer.
func breakV2Writes(t *testing.T, fake *affinitytest.Server, how string) *affinity.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		fake.Handler().ServeHTTP(rec, r)
		if r.Method == http.MethodGet || rec.Code >= 300 {
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
			return
		}
		body := rec.Body.Bytes()
		switch how {
		case "cut":
			if len(body) == 0 {
				body = []byte(`{"done": true}`)
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(http.StatusOK)
			w.Write(body[:len(body)/2])
			return
		case "shape":
			body = bytes.Replace(body, []byte(`"update-fields"`), []byte(`"delete-fields"`), 1)
		case "drop":
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		w.WriteHeader(rec.Code)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), option.WithBackoff(time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A v2 write whose 2xx answer cannot be read is reported as applied and is never
// repeated; one whose connection breaks may have been applied: the single write, a
// POST, is sent once, and the batch, a PATCH that is safe to repeat, is repeated. In
// every case the next read finds the write done, and writing it again is harmless.
func TestAV2WriteWhoseAnswerBreaks(t *testing.T) {
	type write struct {
		name string
		do   func(ctx context.Context, c *affinity.Client, list, entry int64, status affinity.Field, won affinity.DropdownOption, opts ...option.CallOption) error
	}
	single := write{"SetListEntryField", func(ctx context.Context, c *affinity.Client, list, entry int64, status affinity.Field, won affinity.DropdownOption, opts ...option.CallOption) error {
		return c.SetListEntryField(ctx, list, entry, status, []affinity.SetValue{affinity.OptionValue(won.ID)}, opts...)
	}}
	batch := write{"SetListEntryFields", func(ctx context.Context, c *affinity.Client, list, entry int64, status affinity.Field, won affinity.DropdownOption, opts ...option.CallOption) error {
		return c.SetListEntryFields(ctx, list, entry, []affinity.FieldSet{{Field: status, Values: []affinity.SetValue{affinity.OptionValue(won.ID)}}}, opts...)
	}}
	for _, c := range []struct {
		w        write
		how      string
		applied  bool // else maybe applied
		attempts int
	}{
		{single, "cut", true, 1},
		{batch, "cut", true, 1},
		{batch, "shape", true, 1},
		{single, "drop", false, 1},
		{batch, "drop", false, 3},
	} {
		t.Run(c.w.name+" "+c.how, func(t *testing.T) {
			fake, good, list, entries, status := dealFlow(t)
			won, _ := status.Option("Won")
			broken := breakV2Writes(t, fake, c.how)
			before := writes(fake)
			err := c.w.do(t.Context(), broken, list.ID, entries[0].ID, status, won, option.WithRetries(2))
			var apiErr *affinity.Error
			var unknown *apicall.UnknownOutcomeError
			switch {
			case c.applied && (!errors.Is(err, affinity.ErrApplied) || !errors.As(err, &apiErr) || !apiErr.Applied || errors.Is(err, affinity.ErrMaybeApplied)):
				t.Fatalf("got %v, want an error saying the write was applied", err)
			case !c.applied && (!errors.Is(err, affinity.ErrMaybeApplied) || !errors.As(err, &unknown) || errors.Is(err, affinity.ErrApplied)):
				t.Fatalf("got %v, want an unknown outcome", err)
			}
			if n := writes(fake) - before; n != c.attempts {
				t.Errorf("the fake received the write %d times, want %d", n, c.attempts)
			}
			if got := statusOf(t, good, list.ID); got[entries[0].ID] != "Won" || got[entries[1].ID] != "In Progress" {
				t.Errorf("the next read finds %v, want the first entry Won and the second untouched", got)
			}
			if err := c.w.do(t.Context(), good, list.ID, entries[0].ID, status, won); err != nil {
				t.Fatal(err)
			}
			if got := statusOf(t, good, list.ID); got[entries[0].ID] != "Won" {
				t.Errorf("after writing it again the Status is %q, want Won once", got[entries[0].ID])
			}
		})
	}
}
