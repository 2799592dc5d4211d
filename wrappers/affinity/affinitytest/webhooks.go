package affinitytest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/wrappers/affinity"
)

// Webhooks in the fake: it stores subscriptions as Affinity does (at most three; a
// fourth is 422, the status Affinity's other refusals of a valid request use, since
// its documentation names none), and every change of its data (an organization
// created, updated, deleted or merged into another; a person or a note created,
// updated or deleted; a field value created, updated or deleted, those of a deleted
// list entry included; a list entry created or deleted) queues one event,
// {type, body, sent_at}, for each enabled subscription to its type. SendWebhooks
// POSTs the queued events, in order, through the test's own *http.Client.
//
// The fake takes the client from the test rather than making one: every request the
// module's code sends goes through internal/httpcore (the outbound-http gate), and a
// fake playing Affinity's sender is no client of the module; with the test's client
// the test also decides where deliveries may go (a loopback receiver). Deliveries
// happen only when the test asks, so a test sees them in a fixed order without
// waiting. The fake does not retry, and does not check a URL when it is subscribed.

// MaxQueuedWebhooks is how many undelivered events the fake keeps; past it the oldest
// are dropped, so that a fake served for a long time (validate mock) with a
// subscription nobody delivers stays bounded.
const MaxQueuedWebhooks = 10000

// webhookCreator is the user the fake's subscriptions are made by (whoami's user).
const webhookCreator = 38706

// WebhookDelivery is what happened to one queued event.
type WebhookDelivery struct {
	// SubscriptionID is the subscription the event was sent for.
	SubscriptionID int64
	// Type is the event's type, such as affinity.OrganizationCreated.
	Type affinity.EventType
	// Body is the JSON the fake POSTed: {"type", "body", "sent_at"}.
	Body []byte
	// Status is the receiver's answer; 0 when the request failed (Err).
	Status int
	// Err is why the event could not be sent.
	Err error
}

// webhooks are the fake's subscriptions and queued events. Its lock is taken after
// s.mu, never before.
type webhooks struct {
	mu     sync.Mutex
	subs   []affinity.WebhookSubscription
	nextID int64
	queue  []queuedEvent
	now    func() time.Time
}

// queuedEvent is an event for one subscription, its record's JSON taken when the data
// changed; sent_at is set when it is sent.
type queuedEvent struct {
	sub  int64
	url  string
	typ  affinity.EventType
	body json.RawMessage
}

// SetWebhookClock sets the clock whose time the events' sent_at carry (time.Now until
// then), so that a test can give its receiver the same clock.
func (s *Server) SetWebhookClock(now func() time.Time) {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	s.hooks.now = now
}

// WebhookSubscriptions returns the fake's subscriptions.
func (s *Server) WebhookSubscriptions() []affinity.WebhookSubscription {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	return slices.Clone(s.hooks.subs)
}

// AddWebhookSubscription stores a subscription as it is, beyond the limit of three
// too (a test of a full instance adds three), and returns it; an id of 0 gets the
// next one, and nil Subscriptions are stored empty (every type).
func (s *Server) AddWebhookSubscription(sub affinity.WebhookSubscription) affinity.WebhookSubscription {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	s.hooks.nextID++
	if sub.ID == 0 {
		sub.ID = 1200 + s.hooks.nextID
	}
	sub.Subscriptions = append([]affinity.EventType{}, sub.Subscriptions...)
	s.hooks.subs = append(s.hooks.subs, sub)
	return sub
}

// QueuedWebhooks is how many events wait for SendWebhooks.
func (s *Server) QueuedWebhooks() int {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	return len(s.hooks.queue)
}

// SendWebhooks POSTs every queued event, in the order the data changed, to its
// subscription's URL through client, and returns what happened to each. The queue is
// empty afterwards, whatever the answers: the fake does not retry. A nil client is
// refused.
func (s *Server) SendWebhooks(ctx context.Context, client *http.Client) ([]WebhookDelivery, error) {
	if client == nil {
		return nil, fmt.Errorf("affinitytest: SendWebhooks needs the test's *http.Client")
	}
	s.hooks.mu.Lock()
	queue := s.hooks.queue
	s.hooks.queue = nil
	now := s.hooks.now
	s.hooks.mu.Unlock()
	if now == nil {
		now = time.Now
	}
	out := make([]WebhookDelivery, 0, len(queue))
	for _, e := range queue {
		body, _ := json.Marshal(struct {
			Type   affinity.EventType `json:"type"`
			Body   json.RawMessage    `json:"body"`
			SentAt int64              `json:"sent_at"`
		}{e.typ, e.body, now().Unix()})
		d := WebhookDelivery{SubscriptionID: e.sub, Type: e.typ, Body: body}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			var resp *http.Response
			if resp, err = client.Do(req); err == nil {
				_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
				_ = resp.Body.Close()
				d.Status = resp.StatusCode
			}
		}
		d.Err = err
		out = append(out, d)
	}
	return out, nil
}

// emit queues an event about v for every enabled subscription to typ. It may be
// called with s.mu held.
func (s *Server) emit(typ affinity.EventType, v any) {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	if len(s.hooks.subs) == 0 {
		return
	}
	body, err := json.Marshal(v)
	if err != nil {
		return
	}
	for _, sub := range s.hooks.subs {
		if sub.Disabled || (len(sub.Subscriptions) > 0 && !slices.Contains(sub.Subscriptions, typ)) {
			continue
		}
		if len(s.hooks.queue) >= MaxQueuedWebhooks {
			s.hooks.queue = slices.Delete(s.hooks.queue, 0, 1)
		}
		s.hooks.queue = append(s.hooks.queue, queuedEvent{sub: sub.ID, url: sub.WebhookURL, typ: typ, body: body})
	}
}

// emitValue queues the event of a field value change (action 0 create, 1 delete, 2
// update), with the field's value_type when the fake knows the field. It needs s.mu.
func (s *Server) emitValue(v fieldValue, action int) {
	s.hooks.mu.Lock()
	none := len(s.hooks.subs) == 0
	s.hooks.mu.Unlock()
	if none {
		return
	}
	typ := map[int]affinity.EventType{0: affinity.FieldValueCreated, 1: affinity.FieldValueDeleted, 2: affinity.FieldValueUpdated}[action]
	body := struct {
		fieldValue
		ValueType *int `json:"value_type,omitempty"`
	}{fieldValue: v}
	if f, ok := s.field(v.FieldID); ok {
		t := f.ValueType
		body.ValueType = &t
	}
	s.emit(typ, body)
}

// webhookRoutes adds the subscription endpoints.
func (s *Server) webhookRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /webhook", func(w http.ResponseWriter, r *http.Request) {
		out := s.WebhookSubscriptions()
		if out == nil {
			out = []affinity.WebhookSubscription{}
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /webhook/subscribe", s.subscribe)
	mux.HandleFunc("GET /webhook/{webhook_subscription_id}", s.withSubscription(func(w http.ResponseWriter, _ *http.Request, i int) {
		writeJSON(w, http.StatusOK, s.hooks.subs[i])
	}))
	mux.HandleFunc("PUT /webhook/{webhook_subscription_id}", s.withSubscription(s.updateSubscription))
	mux.HandleFunc("DELETE /webhook/{webhook_subscription_id}", s.withSubscription(func(w http.ResponseWriter, _ *http.Request, i int) {
		s.hooks.subs = slices.Delete(s.hooks.subs, i, i+1)
		writeJSON(w, http.StatusOK, affinityapi.Success{Success: true})
	}))
}

// withSubscription finds the route's subscription and calls f with its index, holding
// the webhooks' lock; an unknown id is 404.
func (s *Server) withSubscription(f func(http.ResponseWriter, *http.Request, int)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("webhook_subscription_id"), 10, 64)
		s.hooks.mu.Lock()
		defer s.hooks.mu.Unlock()
		i := slices.IndexFunc(s.hooks.subs, func(sub affinity.WebhookSubscription) bool { return sub.ID == id })
		if err != nil || i < 0 {
			notFound(w, "Webhook subscription not found")
			return
		}
		f(w, r, i)
	}
}

// subscriptionBody is a create's or an update's members, JSON or form; absent members
// stay nil.
type subscriptionBody struct {
	WebhookURL    *string               `json:"webhook_url"`
	Subscriptions *[]affinity.EventType `json:"subscriptions"`
	Disabled      *bool                 `json:"disabled"`
}

func decodeSubscription(r *http.Request) (subscriptionBody, string) {
	var b subscriptionBody
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if err := r.ParseForm(); err != nil {
			return b, "the form does not parse"
		}
		if r.PostForm.Has("webhook_url") {
			v := r.PostForm.Get("webhook_url")
			b.WebhookURL = &v
		}
		if vs, ok := r.PostForm["subscriptions[]"]; ok {
			ts := make([]affinity.EventType, len(vs))
			for i, v := range vs {
				ts[i] = affinity.EventType(v)
			}
			b.Subscriptions = &ts
		}
		if r.PostForm.Has("disabled") {
			v, err := strconv.ParseBool(r.PostForm.Get("disabled"))
			if err != nil {
				return b, "disabled must be true or false"
			}
			b.Disabled = &v
		}
		return b, ""
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		return b, "the body is not a subscription"
	}
	return b, ""
}

// checkSubscription says why the members cannot be a subscription, or "": a URL that
// is not absolute http or https, or an event type Affinity does not document.
func checkSubscription(b subscriptionBody) (param, msg string) {
	if b.WebhookURL != nil {
		u, err := url.Parse(*b.WebhookURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "webhook_url", "webhook_url must be an http or https URL"
		}
	}
	if b.Subscriptions != nil {
		for _, t := range *b.Subscriptions {
			if !slices.Contains(affinity.EventTypes(), t) {
				return "subscriptions", "subscriptions holds an unknown event type"
			}
		}
	}
	return "", ""
}

func (s *Server) subscribe(w http.ResponseWriter, r *http.Request) {
	b, msg := decodeSubscription(r)
	if msg != "" {
		unprocessable(w, "", msg)
		return
	}
	if b.WebhookURL == nil || *b.WebhookURL == "" {
		unprocessable(w, "webhook_url", "webhook_url is required")
		return
	}
	if param, msg := checkSubscription(b); msg != "" {
		unprocessable(w, param, msg)
		return
	}
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	if len(s.hooks.subs) >= affinity.MaxWebhookSubscriptions {
		unprocessable(w, "", "There is a limit of three webhook subscriptions per Affinity instance")
		return
	}
	s.hooks.nextID++
	sub := affinity.WebhookSubscription{ID: 1200 + s.hooks.nextID, WebhookURL: *b.WebhookURL, Subscriptions: []affinity.EventType{}, CreatedBy: webhookCreator}
	if b.Subscriptions != nil {
		sub.Subscriptions = append(sub.Subscriptions, *b.Subscriptions...)
	}
	s.hooks.subs = append(s.hooks.subs, sub)
	writeJSON(w, http.StatusCreated, sub) // as the fake's other creates answer
}

// updateSubscription changes the members given; it holds the webhooks' lock.
func (s *Server) updateSubscription(w http.ResponseWriter, r *http.Request, i int) {
	b, msg := decodeSubscription(r)
	if msg != "" {
		unprocessable(w, "", msg)
		return
	}
	if param, msg := checkSubscription(b); msg != "" {
		unprocessable(w, param, msg)
		return
	}
	sub := &s.hooks.subs[i]
	if b.WebhookURL != nil {
		sub.WebhookURL = *b.WebhookURL
	}
	if b.Subscriptions != nil {
		sub.Subscriptions = append([]affinity.EventType{}, *b.Subscriptions...)
	}
	if b.Disabled != nil {
		sub.Disabled = *b.Disabled
	}
	writeJSON(w, http.StatusOK, *sub)
}
