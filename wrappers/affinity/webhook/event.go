// Package webhook receives Affinity's webhook events: Handler is an http.Handler to
// mount at the URL given to affinity.Client.CreateWebhookSubscription, which checks the
// secret in that URL, bounds what it reads, drops stale and repeated deliveries, and
// hands each event, decoded into a typed Event, to a function of the caller's. Poll
// reads field value changes as Events of the same type, for a program that cannot
// expose a URL.
//
// Affinity signs nothing: whoever knows the URL can send events. The secret in the
// URL (NewSecret), a window on sent_at and the set of events already seen are the
// defences; treat an event as a hint to read the record through the API when what it
// triggers matters.
package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// Event is one webhook event. For a type Affinity documents (affinity.EventTypes),
// exactly one of the typed members is set and ID is the record's id; for another
// type none is, and Body holds what Affinity sent. Notes, files and reminders have no
// typed member yet: their ID is set and Body holds the rest.
type Event struct {
	Type affinity.EventType
	// SentAt is when Affinity sent the event (for a polled change, when it was made).
	SentAt time.Time
	// ID is the id of the record the event concerns; 0 when the body had none (an
	// unknown type, or a polled change, whose field value id Affinity does not give).
	ID int64
	// Body is the record as Affinity sent it, compacted JSON; nil for a polled change.
	Body json.RawMessage

	Organization *affinity.Organization // organization.*
	Person       *affinity.Person       // person.*
	ListEntry    *affinity.ListEntry    // list_entry.*
	FieldValue   *affinity.FieldValue   // field_value.*, and every polled change
	List         *affinity.List         // list.*
	Field        *affinity.Field        // field.*
	Opportunity  *affinity.Opportunity  // opportunity.*
	// Change is the field value change a poll read (Poll); nil for a webhook event.
	Change *affinity.FieldValueChange
}

// Known reports whether the event's type is one Affinity documents, whose typed
// member is then set, or the event is a polled change (Change and FieldValue set).
func (e Event) Known() bool {
	_, ok := decoder(e.Type)
	return ok || e.Change != nil
}

// ErrMalformed is an event that cannot be read: not a JSON object, without a type or
// a sent_at, or with a body its documented type cannot have. Match it with errors.Is.
var ErrMalformed = errors.New("webhook: malformed event")

// envelope is what Affinity POSTs.
type envelope struct {
	Type   *affinity.EventType `json:"type"`
	Body   json.RawMessage     `json:"body"`
	SentAt *int64              `json:"sent_at"`
}

// ParseEvent decodes one event as Affinity POSTs it, {type, body, sent_at}, for a
// program that receives it another way than through Handler (a queue, a serverless
// function). An event of a type it does not know is returned with Type and Body and no
// error; anything unreadable is an error matching ErrMalformed, whose text never
// repeats the body.
func ParseEvent(raw []byte) (Event, error) {
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return Event{}, fmt.Errorf("%w: not a JSON object of type, body and sent_at", ErrMalformed)
	}
	switch {
	case env.Type == nil || *env.Type == "":
		return Event{}, fmt.Errorf("%w: no type", ErrMalformed)
	case env.SentAt == nil:
		return Event{}, fmt.Errorf("%w: no sent_at", ErrMalformed)
	case len(env.Body) == 0 || bytes.Equal(env.Body, []byte("null")):
		return Event{}, fmt.Errorf("%w: no body", ErrMalformed)
	}
	var body bytes.Buffer
	if err := json.Compact(&body, env.Body); err != nil {
		return Event{}, fmt.Errorf("%w: the body is not JSON", ErrMalformed)
	}
	e := Event{Type: *env.Type, SentAt: time.Unix(*env.SentAt, 0).UTC(), Body: body.Bytes()}
	var id struct {
		ID int64 `json:"id"`
	}
	_ = json.Unmarshal(e.Body, &id) // a body that is not an object has no id
	e.ID = id.ID
	decode, ok := decoder(e.Type)
	if !ok {
		return e, nil
	}
	if e.ID <= 0 {
		return Event{}, fmt.Errorf("%w: a %s event's body has no positive id", ErrMalformed, e.Type)
	}
	if err := decode(&e); err != nil {
		// The cause names a member, never a value of the body.
		return Event{}, fmt.Errorf("%w: a %s event's body: %s", ErrMalformed, e.Type, typeOnly(err))
	}
	return e, nil
}

// typeOnly is the part of a decoding error that names what was wrong, not the value.
func typeOnly(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s is a JSON %s", te.Field, te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return "not JSON"
	}
	var me *apicall.MissingMemberError
	if errors.As(err, &me) {
		return me.Member + " is missing or of the wrong shape"
	}
	return "does not decode"
}

// into decodes the event's body into a new T and stores it with set.
func into[T any](set func(*Event, *T)) func(*Event) error {
	return func(e *Event) error {
		v := new(T)
		if err := json.Unmarshal(e.Body, v); err != nil {
			return err
		}
		set(e, v)
		return nil
	}
}

// decoder is the typed reader of a documented type, and false for another. Notes,
// files and reminders have no record type of their own yet: their body stays raw,
// with the id read.
func decoder(t affinity.EventType) (func(*Event) error, bool) {
	if !slices.Contains(affinity.EventTypes(), t) {
		return nil, false
	}
	switch t.Object() {
	case "organization":
		return into(func(e *Event, v *affinity.Organization) { e.Organization = v }), true
	case "person":
		return into(func(e *Event, v *affinity.Person) { e.Person = v }), true
	case "list_entry":
		return into(func(e *Event, v *affinity.ListEntry) { e.ListEntry = v }), true
	case "list":
		return into(func(e *Event, v *affinity.List) { e.List = v }), true
	case "field":
		return into(func(e *Event, v *affinity.Field) { e.Field = v }), true
	case "opportunity":
		return into(func(e *Event, v *affinity.Opportunity) { e.Opportunity = v }), true
	case "field_value":
		return func(e *Event) error {
			fv, err := affinity.DecodeFieldValue(e.Body)
			if err != nil {
				return err
			}
			e.FieldValue = &fv
			return nil
		}, true
	}
	return func(*Event) error { return nil }, true // note, file, reminder
}
