package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/webhook"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// fixture is a Handler served in process, with what it handed on and dropped.
type fixture struct {
	h      *webhook.Handler
	events []webhook.Event
	drops  []webhook.Drop
	fail   error // what the function returns
}

func newFixture(t *testing.T, opts ...webhook.Option) *fixture {
	t.Helper()
	f := &fixture{}
	opts = append([]webhook.Option{webhook.WithClock(func() time.Time { return epoch }),
		webhook.WithDropHandler(func(_ context.Context, d webhook.Drop) { f.drops = append(f.drops, d) })}, opts...)
	h, err := webhook.NewHandler(secret, func(_ context.Context, e webhook.Event) error {
		if f.fail != nil {
			return f.fail
		}
		f.events = append(f.events, e)
		return nil
	}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	f.h = h
	return f
}

// post sends body to target and returns the status and answer.
func (f *fixture) post(target, body string) (int, string) {
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, target, strings.NewReader(body)))
	return w.Code, w.Body.String()
}

func event(typ string, sentAt time.Time, body string) string {
	return fmt.Sprintf(`{"type": %q, "body": %s, "sent_at": %d}`, typ, body, sentAt.Unix())
}

const orgBody = `{"id": 7, "name": "Ærøskøbing Ħolding", "domain": null, "domains": [], "global": false}`

func TestAnEventIsHandedOnOnce(t *testing.T) {
	f := newFixture(t)
	ev := event("organization.created", epoch, orgBody)
	if code, out := f.post("/hooks/"+secret, ev); code != 200 || out != "ok\n" {
		t.Fatalf("first: %d %q", code, out)
	}
	if len(f.events) != 1 || f.events[0].Organization == nil || f.events[0].Organization.Name != "Ærøskøbing Ħolding" || f.events[0].ID != 7 {
		t.Fatalf("events %+v", f.events)
	}
	// Replayed byte for byte, and replayed with a fresh sent_at: both the same event.
	for _, again := range []string{ev, event("organization.created", epoch.Add(time.Minute), orgBody),
		event("organization.created", epoch, `{"id":7,"name":"Ærøskøbing Ħolding","domain":null,"domains":[],"global":false}`)} {
		if code, out := f.post("/hooks/"+secret, again); code != 200 || out != "dropped: duplicate\n" {
			t.Errorf("replay: %d %q", code, out)
		}
	}
	// Another type with the same body, or another body, is another event.
	f.post("/hooks/"+secret, event("organization.updated", epoch, orgBody))
	f.post("/hooks/"+secret, event("organization.created", epoch, strings.Replace(orgBody, `"id": 7`, `"id": 8`, 1)))
	if len(f.events) != 3 || len(f.drops) != 3 {
		t.Errorf("%d events, drops %v", len(f.events), f.drops)
	}
}

// sent_at is held to the window on both sides: as old as the window passes, a second
// older is stale; MaxClockSkew ahead passes, a second more is from the future.
func TestTheWindowOnSentAt(t *testing.T) {
	f := newFixture(t, webhook.WithMaxAge(10*time.Minute))
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{epoch.Add(-10 * time.Minute), "ok\n"},
		{epoch.Add(-10*time.Minute - time.Second), "dropped: stale\n"},
		{epoch.Add(-10 * 24 * time.Hour), "dropped: stale\n"},
		{epoch.Add(webhook.MaxClockSkew), "ok\n"},
		{epoch.Add(webhook.MaxClockSkew + time.Second), "dropped: from the future\n"},
	} {
		body := fmt.Sprintf(`{"id": %d, "name": "x", "domain": null, "domains": [], "global": false}`, c.at.Unix())
		if code, out := f.post("/"+secret, event("organization.updated", c.at, body)); code != 200 || out != c.want {
			t.Errorf("sent_at %s: %d %q, want %q", c.at.Sub(epoch), code, out, c.want)
		}
	}
	if len(f.events) != 2 || f.drops[0].Reason != webhook.DropStale || f.drops[0].Type != affinity.OrganizationUpdated || f.drops[2].Reason != webhook.DropFuture {
		t.Errorf("events %d, drops %+v", len(f.events), f.drops)
	}
}

// The body limit on both sides: a body of exactly the limit is read, one byte more is
// dropped (200, so that Affinity does not retry it for ten hours).
func TestTheBodyLimit(t *testing.T) {
	ev := event("note.created", epoch, `{"id": 3, "content": "`+strings.Repeat("ü", 100)+`"}`)
	f := newFixture(t, webhook.WithMaxBodyBytes(int64(len(ev))))
	if code, out := f.post("/"+secret, ev); code != 200 || out != "ok\n" {
		t.Errorf("at the limit: %d %q", code, out)
	}
	g := newFixture(t, webhook.WithMaxBodyBytes(int64(len(ev)-1)))
	if code, out := g.post("/"+secret, ev); code != 200 || out != "dropped: too large\n" || len(g.events) != 0 || g.drops[0].Reason != webhook.DropTooLarge {
		t.Errorf("over the limit: %d %q %v", code, out, g.drops)
	}
	if len(f.events) != 1 || f.events[0].ID != 3 || !strings.Contains(string(f.events[0].Body), "üüü") {
		t.Errorf("note: %+v", f.events)
	}
}

// A type Affinity does not document is handed on with its type and body, never
// refused; so are the types without a record type of their own (notes, files,
// reminders), with their id.
func TestAnUnknownTypeIsKeptRaw(t *testing.T) {
	f := newFixture(t)
	for _, ev := range []string{
		event("deal_room.opened", epoch, `{"room": "café", "n": [1, null]}`),
		event("organization.renamed", epoch, `"not even an object"`),
		event("reminder.created", epoch, `{"id": 12, "content": "Rappel: café"}`),
	} {
		if code, out := f.post("/"+secret, ev); code != 200 || out != "ok\n" {
			t.Errorf("%s: %d %q", ev, code, out)
		}
	}
	if len(f.events) != 3 {
		t.Fatalf("events %+v", f.events)
	}
	u := f.events[0]
	if u.Type != "deal_room.opened" || u.Known() || string(u.Body) != `{"room":"café","n":[1,null]}` || u.Organization != nil || u.ID != 0 {
		t.Errorf("unknown: %+v", u)
	}
	if f.events[1].Known() || string(f.events[1].Body) != `"not even an object"` {
		t.Errorf("unknown, not an object: %+v", f.events[1])
	}
	if r := f.events[2]; !r.Known() || r.ID != 12 || r.Type.Object() != "reminder" || r.Type.Action() != "created" {
		t.Errorf("reminder: %+v", r)
	}
}

// What is not an event is dropped with 200 and a reason naming what was wrong, never
// the body's values.
func TestMalformedEventsAreDropped(t *testing.T) {
	f := newFixture(t)
	for _, body := range []string{
		``,
		`not json at all: p4ssw0rd-in-body`,
		`{"type": "organization.created", "sent_at": 1}`,
		`{"body": {"id": 1}, "sent_at": 1}`,
		`{"type": "organization.created", "body": {"id": 1}}`,
		`{"type": "organization.created", "body": null, "sent_at": 1}`,
		"\ufeff" + event("organization.created", epoch, orgBody), // a BOM is not JSON
		event("organization.created", epoch, `{"name": "no id"}`),
		event("organization.created", epoch, `{"id": 9, "name": ["p4ssw0rd-in-body"]}`),
		event("field_value.updated", epoch, `{"id": 9, "field_id": 0, "value": "p4ssw0rd-in-body"}`),
		event("field_value.updated", epoch, `{"id": 9, "field_id": 4, "value_type": 3, "value": "p4ssw0rd-in-body"}`),
		event("list_entry.created", epoch, `{"id": -4, "list_id": 1}`),
	} {
		code, out := f.post("/"+secret, body)
		if code != 200 || out != "dropped: malformed\n" {
			t.Errorf("%q: %d %q", body, code, out)
		}
	}
	if len(f.events) != 0 || len(f.drops) != 12 {
		t.Fatalf("events %+v, %d drops", f.events, len(f.drops))
	}
	for _, d := range f.drops {
		if !errors.Is(d.Err, webhook.ErrMalformed) || strings.Contains(d.Err.Error(), "p4ssw0rd") {
			t.Errorf("drop %v", d.Err)
		}
	}
}

// The secret is checked before anything is read: in the path's last segment or the
// token parameter; anything else is 404, and never echoed.
func TestTheToken(t *testing.T) {
	f := newFixture(t)
	ev := event("organization.created", epoch, orgBody)
	for _, target := range []string{"/", "/hooks", "/hooks/" + secret[:len(secret)-1], "/hooks/" + secret + "x", "/hooks/" + strings.ToUpper(secret),
		"/" + secret + "/", "/hooks?token=" + secret[1:], "/hooks?Token=" + secret, "/hooks/%00" + secret, "/hooks/" + secret + "%20"} {
		code, out := f.post(target, ev)
		if code != 404 || strings.Contains(out, secret[4:12]) {
			t.Errorf("%s: %d %q", target, code, out)
		}
	}
	if len(f.events) != 0 || len(f.drops) != 10 || f.drops[0].Reason != webhook.DropBadToken {
		t.Fatalf("events %d, drops %d", len(f.events), len(f.drops))
	}
	if code, _ := f.post("/hooks?token="+secret, ev); code != 200 || len(f.events) != 1 {
		t.Errorf("token in the query: %d", code)
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/"+secret, nil))
	if w.Code != 405 || w.Header().Get("Allow") != "POST" {
		t.Errorf("GET: %d %v", w.Code, w.Header())
	}
	for _, s := range []string{fmt.Sprint(f.h), fmt.Sprintf("%+v", f.h), fmt.Sprintf("%#v", f.h)} {
		if strings.Contains(s, secret) || strings.Contains(s, "0x") {
			t.Errorf("the handler prints %q", s)
		}
	}
}

// A function's error is a 500 without its text, and the event is forgotten, so that
// Affinity's retry is handed on rather than dropped as a repeat.
func TestAFailedHandlerAsksForARetry(t *testing.T) {
	f := newFixture(t)
	f.fail = errors.New("database down: p4ssw0rd")
	ev := event("person.created", epoch, `{"id": 5, "first_name": "Zoë", "last_name": "Ångström", "emails": []}`)
	code, out := f.post("/"+secret, ev)
	if code != 500 || strings.Contains(out, "p4ssw0rd") {
		t.Fatalf("failed: %d %q", code, out)
	}
	f.fail = nil
	if code, _ := f.post("/"+secret, ev); code != 200 || len(f.events) != 1 || f.events[0].Person.FirstName != "Zoë" {
		t.Errorf("retry: %d %+v", code, f.events)
	}
	if code, out := f.post("/"+secret, ev); out != "dropped: duplicate\n" {
		t.Errorf("after the retry: %d %q", code, out)
	}
}

// The events remembered are bounded: past the limit the oldest is forgotten, and a
// repeat of it is handed on again; a repeat of one still remembered is not.
func TestRememberedEventsAreBounded(t *testing.T) {
	f := newFixture(t, webhook.WithMaxRemembered(2))
	evs := make([]string, 3)
	for i := range evs {
		evs[i] = event("organization.updated", epoch, fmt.Sprintf(`{"id": %d, "name": "n", "domain": null, "domains": [], "global": false}`, i+1))
		f.post("/"+secret, evs[i])
	}
	if _, out := f.post("/"+secret, evs[2]); out != "dropped: duplicate\n" {
		t.Errorf("the newest: %q", out)
	}
	if _, out := f.post("/"+secret, evs[0]); out != "ok\n" {
		t.Errorf("the oldest, forgotten: %q", out)
	}
	if len(f.events) != 4 {
		t.Errorf("%d events", len(f.events))
	}
}

// Bad configuration is a ParamError naming what is wrong, and never shows the secret.
func TestNewHandlerRefusesBadInput(t *testing.T) {
	fn := func(context.Context, webhook.Event) error { return nil }
	for _, c := range []struct {
		secret string
		fn     func(context.Context, webhook.Event) error
		opts   []webhook.Option
		param  string
	}{
		{"short-s3cret", fn, nil, "secret"},
		{"a-secret-with/slash-in-it", fn, nil, "secret"},
		{"a-secret-with-ümlaut-in-it", fn, nil, "secret"},
		{secret, nil, nil, "fn"},
		{secret, fn, []webhook.Option{webhook.WithMaxBodyBytes(0)}, "WithMaxBodyBytes"},
		{secret, fn, []webhook.Option{webhook.WithMaxAge(-time.Second)}, "WithMaxAge"},
		{secret, fn, []webhook.Option{webhook.WithMaxRemembered(0)}, "WithMaxRemembered"},
		{secret, fn, []webhook.Option{webhook.WithClock(nil)}, "WithClock"},
		{secret, fn, []webhook.Option{webhook.WithDropHandler(nil)}, "WithDropHandler"},
		{secret, fn, []webhook.Option{nil}, "option 0"},
	} {
		_, err := webhook.NewHandler(c.secret, c.fn, c.opts...)
		var p *apicall.ParamError
		if !errors.As(err, &p) || p.Param != c.param || strings.Contains(err.Error(), c.secret[3:]) {
			t.Errorf("%q %s: %v", c.secret, c.param, err)
		}
	}
	s, err := webhook.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := webhook.NewHandler(s, fn); err != nil || len(s) != 43 {
		t.Errorf("NewSecret %d bytes: %v", len(s), err)
	}
	if s2, _ := webhook.NewSecret(); s2 == s {
		t.Error("two secrets alike")
	}
}
