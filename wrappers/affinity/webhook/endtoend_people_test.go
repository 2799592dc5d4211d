package webhook_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
)

// Persons, notes and merges reach the receiver too: a person created on an
// organization, renamed and deleted; a note created, edited and deleted; two
// organizations merged. A person's event is typed (Person), a note's keeps its body
// with the id read, a merge carries the organization that survived; a subscription
// to person.created alone gets that one event.
func TestEndToEndPersonsNotesAndMerges(t *testing.T) {
	ctx := t.Context()
	fake := affinitytest.NewServer("key", affinitytest.WithTest(t))
	fake.SetWebhookClock(func() time.Time { return epoch })
	c, err := fake.Client()
	if err != nil {
		t.Fatal(err)
	}
	rcv := newReceiver(t)
	if _, err := c.CreateWebhookSubscription(ctx, affinity.NewWebhookSubscription{WebhookURL: rcv.srv.URL + "/" + secret}); err != nil {
		t.Fatal(err)
	}
	personsOnly := newReceiver(t)
	if _, err := c.CreateWebhookSubscription(ctx, affinity.NewWebhookSubscription{WebhookURL: personsOnly.srv.URL + "/" + secret,
		Subscriptions: []affinity.EventType{affinity.PersonCreated}}); err != nil {
		t.Fatal(err)
	}

	primary, err := c.CreateOrganization(ctx, affinity.NewOrganization{Name: "Ångström Labs", Domain: "angstrom.example"})
	if err != nil {
		t.Fatal(err)
	}
	dup, err := c.CreateOrganization(ctx, affinity.NewOrganization{Name: "Angstrom Labs", Domain: "angstrom.example"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.CreatePerson(ctx, affinity.NewPerson{FirstName: "Zoë", LastName: "Ørsted", Emails: []string{"zoe@angstrom.example"}, OrganizationIDs: []int64{primary.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdatePerson(ctx, p.ID, affinity.PersonUpdate{FirstName: "Zoé"}); err != nil {
		t.Fatal(err)
	}
	n, err := c.CreateNote(ctx, affinity.NewNote{Content: "Met at the café ☕", OrganizationIDs: []int64{primary.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateNote(ctx, n.ID, "Met again"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteNote(ctx, n.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeletePerson(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.MergeCompanies(ctx, primary.ID, dup.ID); err != nil {
		t.Fatal(err)
	}

	if _, err := fake.SendWebhooks(ctx, rcv.srv.Client()); err != nil {
		t.Fatal(err)
	}
	want := []affinity.EventType{affinity.OrganizationCreated, affinity.OrganizationCreated,
		affinity.PersonCreated, affinity.PersonUpdated, affinity.NoteCreated, affinity.NoteUpdated, affinity.NoteDeleted,
		affinity.PersonDeleted, affinity.OrganizationMerged}
	var got []affinity.EventType
	for _, e := range rcv.events {
		got = append(got, e.Type)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v (drops %v)", got, want, rcv.drops)
	}
	e := rcv.events
	if ps := e[2].Person; ps == nil || ps.ID != p.ID || e[2].ID != p.ID || ps.FirstName != "Zoë" || ps.LastName != "Ørsted" ||
		!slices.Equal(ps.OrganizationIDs, []int64{primary.ID}) {
		t.Errorf("person.created = %+v %+v", e[2], ps)
	}
	if ps := e[3].Person; ps == nil || ps.FirstName != "Zoé" {
		t.Errorf("person.updated = %+v", ps)
	}
	if ps := e[7].Person; ps == nil || ps.ID != p.ID {
		t.Errorf("person.deleted = %+v", ps)
	}
	for i, content := range map[int]string{4: "Met at the café ☕", 5: "Met again", 6: "Met again"} {
		var body struct {
			ID      int64  `json:"id"`
			Content string `json:"content"`
		}
		if err := json.Unmarshal(e[i].Body, &body); err != nil || e[i].ID != n.ID || body.ID != n.ID || body.Content != content {
			t.Errorf("%s: id %d, body %s (%v), want note %d %q", e[i].Type, e[i].ID, e[i].Body, err, n.ID, content)
		}
	}
	if o := e[8].Organization; o == nil || o.ID != primary.ID || e[8].ID != primary.ID {
		t.Errorf("organization.merged = %+v %+v", e[8], o)
	}
	for _, ev := range e {
		if !ev.Known() {
			t.Errorf("%s is not known", ev.Type)
		}
	}
	// One delivery sends every subscription's queue, each to its own URL.
	if len(personsOnly.events) != 1 || personsOnly.events[0].Type != affinity.PersonCreated || personsOnly.events[0].Person == nil ||
		personsOnly.events[0].Person.ID != p.ID {
		t.Errorf("person.created only: %v", personsOnly.events)
	}
	if fake.QueuedWebhooks() != 0 {
		t.Errorf("%d events still queued", fake.QueuedWebhooks())
	}
}
