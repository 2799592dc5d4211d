package webhook_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/affinity/webhook"
)

const secret = "s3cr3t-t0ken-0f-the-rece1ver_xyz"

// clock is a fixed time both the fake (sent_at) and the receiver read.
var epoch = time.Date(2026, 12, 6, 1, 0, 0, 0, time.UTC)

// receiver is a Handler on a loopback server that keeps what it was handed.
type receiver struct {
	mu     sync.Mutex
	events []webhook.Event
	drops  []webhook.Drop
	srv    *httptest.Server
}

func newReceiver(t *testing.T, opts ...webhook.Option) *receiver {
	t.Helper()
	r := &receiver{}
	opts = append([]webhook.Option{webhook.WithClock(func() time.Time { return epoch }),
		webhook.WithDropHandler(func(_ context.Context, d webhook.Drop) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.drops = append(r.drops, d)
		})}, opts...)
	h, err := webhook.NewHandler(secret, func(_ context.Context, e webhook.Event) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.events = append(r.events, e)
		return nil
	}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	r.srv = httptest.NewServer(h)
	t.Cleanup(r.srv.Close)
	return r
}

// From a change of the fake's data to a typed event at the receiver: an organization
// created and updated, a list entry created, a value set on it and changed, the entry
// deleted (its values with it), the organization deleted; each subscription gets the
// types it asked for, and a disabled one gets nothing.
func TestEndToEndFromTheFakesChangeToATypedEvent(t *testing.T) {
	ctx := t.Context()
	fake := affinitytest.NewServer("key", affinitytest.WithTest(t))
	fake.SetWebhookClock(func() time.Time { return epoch })
	c, err := fake.Client()
	if err != nil {
		t.Fatal(err)
	}
	rcv := newReceiver(t)
	all, err := c.CreateWebhookSubscription(ctx, affinity.NewWebhookSubscription{WebhookURL: rcv.srv.URL + "/hooks/affinity/" + secret})
	if err != nil {
		t.Fatal(err)
	}
	orgsOnly := newReceiver(t)
	if _, err := c.CreateWebhookSubscription(ctx, affinity.NewWebhookSubscription{WebhookURL: orgsOnly.srv.URL + "/hooks?token=" + secret,
		Subscriptions: []affinity.EventType{affinity.OrganizationCreated}}); err != nil {
		t.Fatal(err)
	}
	off := newReceiver(t)
	disabled, err := c.CreateWebhookSubscription(ctx, affinity.NewWebhookSubscription{WebhookURL: off.srv.URL + "/" + secret})
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	if _, err := c.UpdateWebhookSubscription(ctx, disabled.ID, affinity.WebhookSubscriptionUpdate{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}

	listID := fake.GenerateList("Deal Flow", 0, 5)
	org, err := c.CreateOrganization(ctx, affinity.NewOrganization{Name: "Zürich Ventures ☕", Domain: "zürich.example"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateOrganization(ctx, org.ID, affinity.OrganizationUpdate{Name: "Zürich Ventures AG"}); err != nil {
		t.Fatal(err)
	}
	entry, err := c.CreateListEntry(ctx, listID, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	fields, err := c.ListFields(ctx, affinity.FieldQuery{ListID: listID})
	if err != nil {
		t.Fatal(err)
	}
	notes := fields[slices.IndexFunc(fields, func(f affinity.Field) bool { return f.Name == "Notes" })]
	v, err := c.CreateFieldValue(ctx, affinity.NewFieldValue{FieldID: notes.ID, EntityID: org.ID, ListEntryID: entry.ID, Value: affinity.TextValue("Café, 東京")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateFieldValue(ctx, v.ID, affinity.TextValue("Ünterschrift")); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteListEntry(ctx, listID, entry.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteOrganization(ctx, org.ID); err != nil {
		t.Fatal(err)
	}

	deliveries, err := fake.SendWebhooks(ctx, rcv.srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range deliveries {
		if d.Err != nil || d.Status != 200 {
			t.Errorf("%s to %d: status %d, %v", d.Type, d.SubscriptionID, d.Status, d.Err)
		}
	}
	want := []affinity.EventType{affinity.OrganizationCreated, affinity.OrganizationUpdated, affinity.ListEntryCreated,
		affinity.FieldValueCreated, affinity.FieldValueUpdated, affinity.ListEntryDeleted, affinity.FieldValueDeleted, affinity.OrganizationDeleted}
	var got []affinity.EventType
	for _, e := range rcv.events {
		got = append(got, e.Type)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v (drops %v)", got, want, rcv.drops)
	}
	e := rcv.events
	if o := e[0].Organization; o == nil || o.ID != org.ID || o.Name != "Zürich Ventures ☕" || o.Domain != "zürich.example" || e[0].ID != org.ID || !e[0].SentAt.Equal(epoch) {
		t.Errorf("organization.created = %+v %+v", e[0], o)
	}
	if o := e[1].Organization; o == nil || o.Name != "Zürich Ventures AG" {
		t.Errorf("organization.updated = %+v", o)
	}
	if le := e[2].ListEntry; le == nil || le.ID != entry.ID || le.ListID != listID || le.EntityID != org.ID {
		t.Errorf("list_entry.created = %+v", le)
	}
	if fv := e[3].FieldValue; fv == nil || fv.ID != v.ID || fv.FieldID != notes.ID || fv.ListEntryID != entry.ID || fv.Value.Type != affinity.ValueText || fv.Value.Text != "Café, 東京" {
		t.Errorf("field_value.created = %+v", fv)
	}
	if fv := e[4].FieldValue; fv == nil || fv.Value.Text != "Ünterschrift" || fv.UpdatedAt.IsZero() {
		t.Errorf("field_value.updated = %+v", fv)
	}
	if fv := e[6].FieldValue; fv == nil || fv.ID != v.ID {
		t.Errorf("field_value.deleted = %+v", fv)
	}
	for _, ev := range e {
		if !ev.Known() {
			t.Errorf("%s is not known", ev.Type)
		}
	}
	if len(rcv.drops) != 0 {
		t.Errorf("drops %v", rcv.drops)
	}
	// The subscription to organization.created got that one event, through the token
	// in its query; the disabled one got nothing.
	if len(orgsOnly.events) != 1 || orgsOnly.events[0].Type != affinity.OrganizationCreated {
		t.Errorf("organization.created only: %v", orgsOnly.events)
	}
	if len(off.events) != 0 {
		t.Errorf("disabled subscription got %d events", len(off.events))
	}
	if fake.QueuedWebhooks() != 0 {
		t.Errorf("%d events still queued", fake.QueuedWebhooks())
	}
	// Sent again, the same deliveries are repeats, dropped with 200.
	for _, d := range deliveries[:2] {
		resp, err := rcv.srv.Client().Post(rcv.srv.URL+"/hooks/affinity/"+secret, "application/json", strings.NewReader(string(d.Body)))
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("repeat: %d", resp.StatusCode)
		}
	}
	if len(rcv.events) != len(want) || len(rcv.drops) != 2 || rcv.drops[0].Reason != webhook.DropDuplicate {
		t.Errorf("after repeats: %d events, drops %v", len(rcv.events), rcv.drops)
	}
	_ = all
}

// The fake holds an instance to three subscriptions as the service does: the client
// says so before sending, and the fake refuses a fourth sent anyway with 422.
func TestTheFourthSubscriptionIsRefused(t *testing.T) {
	ctx := t.Context()
	fake := affinitytest.NewServer("key", affinitytest.WithTest(t))
	c, err := fake.Client()
	if err != nil {
		t.Fatal(err)
	}
	for i := range affinity.MaxWebhookSubscriptions {
		if _, err := c.CreateWebhookSubscription(ctx, affinity.NewWebhookSubscription{WebhookURL: "https://hooks.example.com/" + secret + string(rune('a'+i))}); err != nil {
			t.Fatalf("subscription %d: %v", i+1, err)
		}
	}
	before := len(fake.Requests())
	_, err = c.CreateWebhookSubscription(ctx, affinity.NewWebhookSubscription{WebhookURL: "https://hooks.example.com/" + secret})
	var limit *affinity.WebhookLimitError
	if !asLimit(err, &limit) || len(limit.Existing) != 3 {
		t.Fatalf("fourth: %v", err)
	}
	if reqs := fake.Requests()[before:]; len(reqs) != 1 || reqs[0].Method != "GET" {
		t.Errorf("the refused create sent %v", reqs)
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(limit.Existing[0].String(), secret) {
		t.Errorf("the secret shows: %v / %v", err, limit.Existing[0])
	}
	// Sent without the check, the fake refuses it as the service does; the error does
	// not carry the URL's secret.
	_, err = c.CreateWebhookSubscription(ctx, affinity.NewWebhookSubscription{WebhookURL: "https://hooks.example.com/" + secret, SkipLimitCheck: true})
	var apiErr *affinity.Error
	if !asError(err, &apiErr) || apiErr.StatusCode != 422 || len(fake.WebhookSubscriptions()) != 3 {
		t.Fatalf("unchecked fourth: %v", err)
	}
	// Room made, the next create goes through.
	if err := c.DeleteWebhookSubscription(ctx, fake.WebhookSubscriptions()[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateWebhookSubscription(ctx, affinity.NewWebhookSubscription{WebhookURL: "https://hooks.example.com/" + secret}); err != nil {
		t.Errorf("after a delete: %v", err)
	}
}

func asLimit(err error, target **affinity.WebhookLimitError) bool { return errorsAs(err, target) }
func asError(err error, target **affinity.Error) bool             { return errorsAs(err, target) }
