package affinity

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/internal/redact"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// MaxWebhookSubscriptions is how many webhook subscriptions one Affinity instance may
// have, as Affinity documents.
const MaxWebhookSubscriptions = 3

// EventType is the kind of a webhook event, "<object>.<action>". Affinity adds types
// now and then (organization.merged and the reminder events came later): any string
// is a valid EventType, and the constants are the ones Affinity documents.
type EventType string

// The event types Affinity documents.
const (
	ListCreated         EventType = "list.created"
	ListUpdated         EventType = "list.updated"
	ListDeleted         EventType = "list.deleted"
	ListEntryCreated    EventType = "list_entry.created"
	ListEntryDeleted    EventType = "list_entry.deleted"
	NoteCreated         EventType = "note.created"
	NoteUpdated         EventType = "note.updated"
	NoteDeleted         EventType = "note.deleted"
	FieldCreated        EventType = "field.created"
	FieldUpdated        EventType = "field.updated"
	FieldDeleted        EventType = "field.deleted"
	FieldValueCreated   EventType = "field_value.created"
	FieldValueUpdated   EventType = "field_value.updated"
	FieldValueDeleted   EventType = "field_value.deleted"
	PersonCreated       EventType = "person.created"
	PersonUpdated       EventType = "person.updated"
	PersonDeleted       EventType = "person.deleted"
	OrganizationCreated EventType = "organization.created"
	OrganizationUpdated EventType = "organization.updated"
	OrganizationDeleted EventType = "organization.deleted"
	OrganizationMerged  EventType = "organization.merged"
	OpportunityCreated  EventType = "opportunity.created"
	OpportunityUpdated  EventType = "opportunity.updated"
	OpportunityDeleted  EventType = "opportunity.deleted"
	FileCreated         EventType = "file.created"
	FileDeleted         EventType = "file.deleted"
	ReminderCreated     EventType = "reminder.created"
	ReminderUpdated     EventType = "reminder.updated"
	ReminderDeleted     EventType = "reminder.deleted"
)

// EventTypes returns every event type Affinity documents, in the order of its
// documentation. The slice is the caller's.
func EventTypes() []EventType {
	return []EventType{ListCreated, ListUpdated, ListDeleted, ListEntryCreated, ListEntryDeleted,
		NoteCreated, NoteUpdated, NoteDeleted, FieldCreated, FieldUpdated, FieldDeleted,
		FieldValueCreated, FieldValueUpdated, FieldValueDeleted, PersonCreated, PersonUpdated, PersonDeleted,
		OrganizationCreated, OrganizationUpdated, OrganizationDeleted, OrganizationMerged,
		OpportunityCreated, OpportunityUpdated, OpportunityDeleted, FileCreated, FileDeleted,
		ReminderCreated, ReminderUpdated, ReminderDeleted}
}

// Object is the kind of record the event concerns: "organization" for
// "organization.created".
func (t EventType) Object() string {
	object, _, _ := strings.Cut(string(t), ".")
	return object
}

// Action is what happened to the record: "created" for "organization.created"; "" for
// a type without a dot.
func (t EventType) Action() string {
	_, action, _ := strings.Cut(string(t), ".")
	return action
}

// WebhookSubscription is a URL Affinity POSTs events to. Its String hides the URL's
// path and query, where the receiver's secret is.
type WebhookSubscription struct {
	ID int64 `json:"id"`
	// WebhookURL is where the events go. It holds the receiver's secret: keep it out
	// of logs.
	WebhookURL string `json:"webhook_url"`
	// Subscriptions are the event types sent; empty means every type.
	Subscriptions []EventType `json:"subscriptions"`
	// Disabled is true when no events are sent: a user turned the subscription off,
	// or Affinity did after 10 hours of failed deliveries. UpdateWebhookSubscription
	// with Disabled false turns it back on.
	Disabled bool `json:"disabled"`
	// CreatedBy is the user who made it; only they may change it.
	CreatedBy int64 `json:"created_by"`
}

// String shows the subscription with its URL cut to scheme and host.
func (s WebhookSubscription) String() string {
	return fmt.Sprintf("WebhookSubscription{ID: %d, WebhookURL: %s, Subscriptions: %v, Disabled: %t, CreatedBy: %d}",
		s.ID, hideURLSecret(s.WebhookURL), s.Subscriptions, s.Disabled, s.CreatedBy)
}

// GoString is String, so that %#v hides the URL's secret too.
func (s WebhookSubscription) GoString() string { return s.String() }

// WebhookSubscriptions returns every webhook subscription of the instance. Affinity
// does not page them (an instance has at most MaxWebhookSubscriptions), so this is a
// slice, not an iterator.
func (c *Client) WebhookSubscriptions(ctx context.Context, callOpts ...option.CallOption) ([]WebhookSubscription, error) {
	return httpcore.Run(ctx, c.doer, "listWebhookSubscriptions", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.ListWebhookSubscriptions(ctx)
	}, notNull[WebhookSubscription], func(s *[]WebhookSubscription) error {
		return eachID(*s, "", func(s *WebhookSubscription) int64 { return s.ID })
	})
}

// GetWebhookSubscription returns one webhook subscription.
func (c *Client) GetWebhookSubscription(ctx context.Context, id int64, callOpts ...option.CallOption) (WebhookSubscription, error) {
	if err := checkPositive("webhook_subscription_id", id); err != nil {
		return WebhookSubscription{}, err
	}
	return httpcore.Run(ctx, c.doer, "getWebhookSubscription", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.GetWebhookSubscription(ctx, id)
	}, checkSubscription)
}

// NewWebhookSubscription is a subscription to make.
type NewWebhookSubscription struct {
	// WebhookURL is where Affinity will POST the events: an absolute http or https
	// URL, required. Put the receiver's secret in it (webhook.NewSecret); Affinity
	// checks the URL answers before it subscribes it.
	WebhookURL string
	// Subscriptions are the event types to send; empty for every type.
	Subscriptions []EventType
	// SkipLimitCheck leaves out the count of existing subscriptions that
	// CreateWebhookSubscription makes first (one request), for a caller that knows.
	SkipLimitCheck bool
}

// WebhookLimitError is CreateWebhookSubscription's refusal, before anything is sent,
// to make a subscription when the instance already has MaxWebhookSubscriptions.
type WebhookLimitError struct {
	// Existing are the subscriptions found; delete one to make room.
	Existing []WebhookSubscription
}

func (e *WebhookLimitError) Error() string {
	return fmt.Sprintf("affinity: the instance has %d webhook subscriptions, the most Affinity allows (%d): delete one first",
		len(e.Existing), MaxWebhookSubscriptions)
}

// CreateWebhookSubscription subscribes a URL to events and returns the subscription.
//
// An instance has at most MaxWebhookSubscriptions. Unless SkipLimitCheck is set, the
// subscriptions are counted first (WebhookSubscriptions, one request), and a full
// instance is refused with a *WebhookLimitError before the create is sent. The check
// is advisory: another process may subscribe between the count and the create, and
// then Affinity's own refusal (an *Error, 422 as far as is known: Affinity documents
// no status for it) is what comes back.
//
// Retries: the client repeats the create only when the request never reached
// Affinity, so it cannot subscribe twice; a 2xx answer it cannot read is an *Error
// with Applied set (match ErrApplied), and a failure after the request may have
// arrived is an *apicall.UnknownOutcomeError (ErrMaybeApplied): list the
// subscriptions before calling it again, since Affinity accepts the same URL twice and
// has no idempotency keys. Errors never carry the URL's path or query, where the
// receiver's secret is, even when Affinity's message repeats the URL.
func (c *Client) CreateWebhookSubscription(ctx context.Context, s NewWebhookSubscription, callOpts ...option.CallOption) (WebhookSubscription, error) {
	if err := checkWebhookURL(s.WebhookURL); err != nil {
		return WebhookSubscription{}, err
	}
	if !s.SkipLimitCheck {
		existing, err := c.WebhookSubscriptions(ctx, callOpts...)
		if err != nil {
			return WebhookSubscription{}, err
		}
		if len(existing) >= MaxWebhookSubscriptions {
			return WebhookSubscription{}, &WebhookLimitError{Existing: existing}
		}
	}
	body := affinityapi.WebhookSubscriptionCreate{WebhookURL: s.WebhookURL, Subscriptions: eventStrings(s.Subscriptions)}
	sub, err := httpcore.Run(ctx, c.doer, "createWebhookSubscription", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.CreateWebhookSubscription(ctx, body)
	}, checkSubscription)
	return sub, scrubURL(err, s.WebhookURL)
}

// WebhookSubscriptionUpdate holds the changes to a subscription; zero members leave
// it as it is.
type WebhookSubscriptionUpdate struct {
	// WebhookURL, when not empty, is the new URL (absolute http or https).
	WebhookURL string
	// Subscriptions, when not nil, replaces the event types; a non-nil empty slice
	// means every type.
	Subscriptions []EventType
	// Disabled, when not nil, turns the subscription off (true) or back on (false).
	Disabled *bool
}

// UpdateWebhookSubscription changes a subscription and returns it. Only its creator
// may (ErrForbidden otherwise).
// Retries: the client repeats it after a 5xx, a 429 or a broken connection, which is
// safe, as setting the same members again changes nothing more. A 2xx answer it
// cannot read is an *Error with Applied set (match ErrApplied) and is never repeated.
// Errors never carry the new URL's path or query.
func (c *Client) UpdateWebhookSubscription(ctx context.Context, id int64, u WebhookSubscriptionUpdate, callOpts ...option.CallOption) (WebhookSubscription, error) {
	if err := checkPositive("webhook_subscription_id", id); err != nil {
		return WebhookSubscription{}, err
	}
	var body affinityapi.WebhookSubscriptionUpdate
	if u.WebhookURL != "" {
		if err := checkWebhookURL(u.WebhookURL); err != nil {
			return WebhookSubscription{}, err
		}
		body.WebhookURL = &u.WebhookURL
	}
	body.Disabled = u.Disabled
	var send any = body
	if u.Subscriptions != nil {
		// Not the generated type alone: its subscriptions are left out when empty, and
		// an empty array is how every type is asked for.
		send = struct {
			affinityapi.WebhookSubscriptionUpdate
			Subscriptions []string `json:"subscriptions"`
		}{body, eventStrings(u.Subscriptions)}
	} else if body.WebhookURL == nil && body.Disabled == nil {
		return WebhookSubscription{}, paramError("update", "changes nothing")
	}
	sub, err := httpcore.Run(ctx, c.doer, "updateWebhookSubscription", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.UpdateWebhookSubscriptionWithBody(ctx, id, "application/json", jsonBody(send))
	}, checkSubscription)
	return sub, scrubURL(err, u.WebhookURL)
}

// DeleteWebhookSubscription deletes a subscription; Affinity stops sending to its URL.
// Only its creator or an admin may (ErrForbidden otherwise).
// Retries: the client repeats it after a 5xx, a 429 or a broken connection, which is
// safe, as a second delete finds the subscription gone (ErrNotFound). A 2xx answer it
// cannot read is an *Error with Applied set (match ErrApplied) and is never repeated.
func (c *Client) DeleteWebhookSubscription(ctx context.Context, id int64, callOpts ...option.CallOption) error {
	if err := checkPositive("webhook_subscription_id", id); err != nil {
		return err
	}
	return c.deleted(ctx, "deleteWebhookSubscription", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.DeleteWebhookSubscription(ctx, id)
	})
}

// checkSubscription refuses a subscription without an id, or with a null
// subscriptions array (absent would read as "every event").
func checkSubscription(s *WebhookSubscription) error {
	if err := positiveID("id", s.ID); err != nil {
		return err
	}
	if s.Subscriptions == nil {
		return &apicall.MissingMemberError{Member: "subscriptions", Reason: "missing or null"}
	}
	return nil
}

// checkWebhookURL refuses what Affinity could not POST to. The reason never repeats
// the URL: it holds the receiver's secret.
func checkWebhookURL(raw string) error {
	if raw == "" {
		return paramError("webhook_url", "is required")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return paramError("webhook_url", "is not a URL")
	case u.Scheme != "https" && u.Scheme != "http":
		return paramError("webhook_url", "must be an http or https URL")
	case u.Host == "":
		return paramError("webhook_url", "has no host")
	case u.User != nil:
		return paramError("webhook_url", "must not carry user information")
	}
	return nil
}

// scrubURL takes the URL, its path and its query values out of err: Affinity may
// repeat the URL in its message, and the URL holds the receiver's secret.
func scrubURL(err error, raw string) error {
	if err == nil || raw == "" {
		return err
	}
	secrets := []string{raw}
	if u, perr := url.Parse(raw); perr == nil {
		secrets = append(secrets, u.Path, u.EscapedPath(), u.RawQuery)
		secrets = append(secrets, strings.Split(u.Path, "/")...)
		for _, vs := range u.Query() {
			secrets = append(secrets, vs...)
		}
	}
	return redact.NewScrubber(secrets...).Error(err)
}

// hideURLSecret is the URL's scheme and host, with "/…" when it had more.
func hideURLSecret(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		if raw == "" {
			return `""`
		}
		return "(hidden)"
	}
	out := u.Scheme + "://" + u.Host
	if u.Path != "" || u.RawQuery != "" {
		out += "/…"
	}
	return out
}

func eventStrings(ts []EventType) []string {
	if ts == nil {
		return nil
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

// ValueUnknown is the Type of a Value read without its field's type (a webhook's
// field value that does not say value_type): only Raw holds it. DecodeValue reads it
// once the field's type is known (ListFields).
const ValueUnknown = valueTypeNotYetKnown

// DecodeValue decodes a v1 value, as Affinity sends it, for a field of type t. A null
// value (Crunchbase fields) is a Value with only Type and Raw; a value of a shape t
// does not allow is an error.
func DecodeValue(raw []byte, t ValueType) (Value, error) {
	if t == ValueUnknown {
		return Value{}, paramError("value_type", "is not known")
	}
	return decodeValue(raw, t)
}

// DecodeFieldValue decodes one v1 field value as Affinity sends it outside an answer
// of this client: in a webhook event's body. Its Value is decoded when the body says
// its value_type; otherwise its Type is ValueUnknown and Raw holds it for DecodeValue.
// A body without a positive id or field_id is an error.
func DecodeFieldValue(body []byte) (FieldValue, error) {
	var w wireFieldValue
	if err := json.Unmarshal(body, &w); err != nil {
		return FieldValue{}, fmt.Errorf("affinity: a field value: %w", err)
	}
	if err := positiveID("id", w.ID); err != nil {
		return FieldValue{}, err
	}
	if err := positiveID("field_id", w.FieldID); err != nil {
		return FieldValue{}, err
	}
	fv := FieldValue{ID: w.ID, FieldID: w.FieldID, EntityID: w.EntityID, Value: Value{Type: ValueUnknown, Raw: w.Value}}
	if w.ListEntryID != nil {
		fv.ListEntryID = *w.ListEntryID
	}
	if w.CreatedAt != nil {
		fv.CreatedAt = *w.CreatedAt
	}
	if w.UpdatedAt != nil {
		fv.UpdatedAt = *w.UpdatedAt
	}
	if w.ValueType != nil {
		v, err := decodeValue(w.Value, ValueType(*w.ValueType))
		if err != nil {
			return FieldValue{}, &apicall.MissingMemberError{Member: "value", Reason: err.Error()}
		}
		fv.Value = v
	}
	return fv, nil
}
