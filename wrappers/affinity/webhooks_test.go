package affinity_test

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

const hookSecret = "Zq9-webhook-s3cret_0123456789"

// An update sends only what it changes; an empty Subscriptions (every type) is sent,
// not left out; an update of nothing is refused before sending.
func TestUpdateWebhookSubscription(t *testing.T) {
	ctx := t.Context()
	fake := affinitytest.NewServer("key", affinitytest.WithTest(t))
	c, err := fake.Client()
	if err != nil {
		t.Fatal(err)
	}
	sub, err := c.CreateWebhookSubscription(ctx, affinity.NewWebhookSubscription{WebhookURL: "https://hooks.example.com/" + hookSecret,
		Subscriptions: []affinity.EventType{affinity.PersonCreated, affinity.NoteCreated}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sub.Subscriptions, []affinity.EventType{affinity.PersonCreated, affinity.NoteCreated}) || sub.Disabled || sub.CreatedBy == 0 {
		t.Fatalf("created %+v", sub)
	}
	yes := true
	got, err := c.UpdateWebhookSubscription(ctx, sub.ID, affinity.WebhookSubscriptionUpdate{Disabled: &yes})
	if err != nil || !got.Disabled || len(got.Subscriptions) != 2 || got.WebhookURL != sub.WebhookURL {
		t.Fatalf("disabled: %+v %v", got, err)
	}
	got, err = c.UpdateWebhookSubscription(ctx, sub.ID, affinity.WebhookSubscriptionUpdate{Subscriptions: []affinity.EventType{}})
	if err != nil || len(got.Subscriptions) != 0 || !got.Disabled {
		t.Fatalf("every type: %+v %v", got, err)
	}
	if again, err := c.GetWebhookSubscription(ctx, sub.ID); err != nil || fmt.Sprint(again) != fmt.Sprint(got) {
		t.Errorf("get %v %v", again, err)
	}
	before := fake.Hits()
	_, err = c.UpdateWebhookSubscription(ctx, sub.ID, affinity.WebhookSubscriptionUpdate{})
	var p *apicall.ParamError
	if !errors.As(err, &p) || p.Param != "update" || fake.Hits() != before {
		t.Errorf("nothing: %v", err)
	}
	if err := c.DeleteWebhookSubscription(ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetWebhookSubscription(ctx, sub.ID); !errors.Is(err, affinity.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
	if subs, err := c.WebhookSubscriptions(ctx); err != nil || subs == nil || len(subs) != 0 {
		t.Errorf("none left: %#v %v", subs, err)
	}
}

// The URL holds the receiver's secret: it is refused without being repeated, it does
// not print, and an error whose message repeats it (as Affinity's may) loses it.
func TestTheWebhookURLsSecretStaysOut(t *testing.T) {
	ctx := t.Context()
	fake := affinitytest.NewServer("key", affinitytest.WithTest(t))
	c, err := fake.Client()
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "ftp://hooks.example.com/" + hookSecret, "/hooks/" + hookSecret, "https://user:" + hookSecret + "@hooks.example.com/",
		"https://hooks.example.com/%zz" + hookSecret, "hooks.example.com/" + hookSecret} {
		_, err := c.CreateWebhookSubscription(ctx, affinity.NewWebhookSubscription{WebhookURL: bad})
		var p *apicall.ParamError
		if !errors.As(err, &p) || p.Param != "webhook_url" || strings.Contains(err.Error(), hookSecret) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if fake.Hits() != 0 {
		t.Errorf("%d requests sent for bad URLs", fake.Hits())
	}
	raw := "https://hooks.example.com/affinity/" + hookSecret + "?token=" + hookSecret
	sub := affinity.WebhookSubscription{ID: 3, WebhookURL: raw}
	for _, s := range []string{fmt.Sprint(sub), fmt.Sprintf("%+v", sub), fmt.Sprintf("%#v", sub), fmt.Sprint([]affinity.WebhookSubscription{sub})} {
		if strings.Contains(s, hookSecret) || !strings.Contains(s, "https://hooks.example.com/…") {
			t.Errorf("prints %q", s)
		}
	}
	fake.Fail(affinitytest.Fault{Status: 422, Body: `{"message": "` + raw + ` returned an invalid response (` + url.PathEscape(hookSecret) + `)"}`})
	_, err = c.CreateWebhookSubscription(ctx, affinity.NewWebhookSubscription{WebhookURL: raw, SkipLimitCheck: true})
	var apiErr *affinity.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 422 || strings.Contains(err.Error(), hookSecret) || strings.Contains(apiErr.Message, hookSecret) {
		t.Errorf("echoed: %v", err)
	}
	if !strings.Contains(err.Error(), "invalid response") {
		t.Errorf("the rest of the message is gone: %v", err)
	}
}

// The documented event types, with their object and action.
func TestEventTypes(t *testing.T) {
	types := affinity.EventTypes()
	if len(types) != 29 || types[0] != affinity.ListCreated || types[len(types)-1] != affinity.ReminderDeleted {
		t.Fatalf("%d types: %v", len(types), types)
	}
	if affinity.OrganizationMerged.Object() != "organization" || affinity.OrganizationMerged.Action() != "merged" ||
		affinity.EventType("nodot").Action() != "" || affinity.EventType("nodot").Object() != "nodot" {
		t.Error("Object or Action")
	}
	types[0] = "changed"
	if affinity.EventTypes()[0] != affinity.ListCreated {
		t.Error("EventTypes shares its slice")
	}
}

// DecodeValue and DecodeFieldValue read a field value from outside an answer.
func TestDecodeFieldValue(t *testing.T) {
	fv, err := affinity.DecodeFieldValue([]byte(`{"id": 2634897436, "field_id": 5, "entity_id": 9, "list_entry_id": null, "value": {"id": 3, "text": "Wön", "rank": 1, "color": 0}}`))
	if err != nil || fv.ID != 2634897436 || fv.Value.Type != affinity.ValueUnknown || fv.ListEntryID != 0 {
		t.Fatalf("%+v %v", fv, err)
	}
	v, err := affinity.DecodeValue(fv.Value.Raw, affinity.ValueRankedDropdown)
	if err != nil || v.Option == nil || v.Option.Text != "Wön" {
		t.Errorf("%+v %v", v, err)
	}
	if _, err := affinity.DecodeValue(fv.Value.Raw, affinity.ValueNumber); err == nil {
		t.Error("an option read as a number")
	}
	if _, err := affinity.DecodeValue(fv.Value.Raw, affinity.ValueUnknown); err == nil {
		t.Error("decoded without a type")
	}
	for _, bad := range []string{`[]`, `{"id": 0, "field_id": 5}`, `{"id": 1}`, `{"id": 1, "field_id": 2, "value_type": 3, "value": "x"}`} {
		if _, err := affinity.DecodeFieldValue([]byte(bad)); err == nil {
			t.Errorf("%s decoded", bad)
		}
	}
}
