package affinity_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// A note's life: created on an organization and a person, found by either, changed,
// deleted; its content keeps a BOM, non-ASCII letters and a null character.
func TestANoteIsFoundByEachOfItsEntities(t *testing.T) {
	c, fake := setup(t)
	ctx := t.Context()
	fake.Add(affinity.Organization{ID: 7, Name: "Acme", Domains: []string{}})
	pid := fake.AddPersons(affinity.Person{FirstName: "Zoë", OrganizationIDs: []int64{7}})[0]
	content := "\ufeffMet Zoë — she wants a demo.\x00"
	n, err := c.CreateNote(ctx, affinity.NewNote{Content: content, OrganizationIDs: []int64{7}, PersonIDs: []int64{pid}})
	if err != nil {
		t.Fatal(err)
	}
	if n.Content != content || n.Type != affinity.NotePlainText || n.CreatorID == 0 || n.CreatedAt.IsZero() || !n.UpdatedAt.IsZero() {
		t.Errorf("created %+v", n)
	}
	for _, q := range []affinity.NoteQuery{{OrganizationID: 7}, {PersonID: pid}, {CreatorID: n.CreatorID}, {}} {
		page, err := c.NotePage(ctx, q, "")
		if err != nil || len(page.Notes) != 1 || page.Notes[0].ID != n.ID {
			t.Errorf("%+v: %+v (%v)", q, page, err)
		}
	}
	if page, err := c.NotePage(ctx, affinity.NoteQuery{OrganizationID: 8}, ""); err != nil || len(page.Notes) != 0 {
		t.Errorf("another organization's notes: %+v (%v)", page, err)
	}
	got, err := c.UpdateNote(ctx, n.ID, "Met Zoë again.")
	if err != nil || got.Content != "Met Zoë again." || got.UpdatedAt.IsZero() {
		t.Fatalf("update: %+v (%v)", got, err)
	}
	if got, err = c.GetNote(ctx, n.ID); err != nil || got.Content != "Met Zoë again." {
		t.Errorf("get: %+v (%v)", got, err)
	}
	if err := c.DeleteNote(ctx, n.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetNote(ctx, n.ID); !errors.Is(err, affinity.ErrNotFound) {
		t.Errorf("after the delete: %v, want ErrNotFound", err)
	}
}

// Notes follow every page; LastNote picks the newest by creation time, whatever the
// order they come in, and says when there is none.
func TestLastNoteIsTheNewest(t *testing.T) {
	c, fake := setup(t)
	fake.Add(affinity.Organization{ID: 7, Name: "Acme", Domains: []string{}})
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	// Stored in id order, created out of it: the newest is the third.
	for i, offset := range []int{5, 1, 9, 3, 2} {
		fake.AddNotes(affinity.Note{Content: fmt.Sprint("note ", i), OrganizationIDs: []int64{7}, CreatedAt: base.Add(time.Duration(offset) * time.Hour)})
	}
	count := 0
	for _, err := range c.Notes(t.Context(), affinity.NoteQuery{OrganizationID: 7, PageSize: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		count++
	}
	if count != 5 || requestsTo(fake, "GET", "/notes") != 3 {
		t.Errorf("%d notes in %d requests, want 5 in 3", count, requestsTo(fake, "GET", "/notes"))
	}
	last, ok, err := c.LastNote(t.Context(), affinity.NoteQuery{OrganizationID: 7})
	if err != nil || !ok || last.Content != "note 2" {
		t.Errorf("LastNote = %q, %v, %v; want note 2", last.Content, ok, err)
	}
	if _, ok, err := c.LastNote(t.Context(), affinity.NoteQuery{OrganizationID: 8}); ok || err != nil {
		t.Errorf("LastNote of an organization without notes: %v, %v", ok, err)
	}
}

// CreateNoteIfAbsent creates once: a re-run finds the note (one request, a listing) and
// creates nothing; another content, another kind (HTML) or another entity is another
// note.
func TestCreateNoteIfAbsentCreatesOnce(t *testing.T) {
	c, fake := setup(t)
	ctx := t.Context()
	fake.Add(affinity.Organization{ID: 7, Name: "Acme", Domains: []string{}}, affinity.Organization{ID: 8, Name: "Beta", Domains: []string{}})
	pid := fake.AddPersons(affinity.Person{FirstName: "Zoë"})[0]
	note := affinity.NewNote{Content: "Research: Acme raised a Series B.", OrganizationIDs: []int64{7}, PersonIDs: []int64{pid}}
	first, created, err := c.CreateNoteIfAbsent(ctx, note)
	if err != nil || !created {
		t.Fatalf("first run: %v, %v", created, err)
	}
	before := len(fake.Requests())
	again, created, err := c.CreateNoteIfAbsent(ctx, note)
	if err != nil || created || again.ID != first.ID {
		t.Errorf("second run: %+v, %v, %v; want the first note, not created", again, created, err)
	}
	if n := len(fake.Requests()) - before; n != 1 || fake.NoteCount() != 1 {
		t.Errorf("the re-run cost %d requests and left %d notes, want 1 and 1", n, fake.NoteCount())
	}
	for name, other := range map[string]affinity.NewNote{
		"content": {Content: note.Content + " ", OrganizationIDs: []int64{7}},
		"html":    {Content: note.Content, OrganizationIDs: []int64{7}, PersonIDs: []int64{pid}, HTML: true},
		"entity":  {Content: note.Content, OrganizationIDs: []int64{7, 8}},
	} {
		if _, created, err := c.CreateNoteIfAbsent(ctx, other); err != nil || !created {
			t.Errorf("%s: created %v, %v; want a new note", name, created, err)
		}
	}
	// A note on fewer entities than the one stored is the same note: the stored one is
	// on every entity asked for.
	if _, created, err := c.CreateNoteIfAbsent(ctx, affinity.NewNote{Content: note.Content, PersonIDs: []int64{pid}}); err != nil || created {
		t.Errorf("on the person alone: created %v, %v; want the stored note", created, err)
	}
	if _, _, err := c.CreateNoteIfAbsent(ctx, affinity.NewNote{Content: "re", ParentID: first.ID}); !isParam(err, "parent_id") {
		t.Errorf("a reply: %v, want a ParamError naming parent_id", err)
	}
}

func isParam(err error, name string) bool {
	var p *apicall.ParamError
	return errors.As(err, &p) && p.Param == name
}

// Both sides of every bound of the notes' input, refused before anything is sent.
func TestNoteInputBounds(t *testing.T) {
	c, fake := setup(t)
	ctx := t.Context()
	fake.Add(affinity.Organization{ID: 7, Name: "Acme", Domains: []string{}})
	for _, size := range []int{0, 1, affinity.MaxPageSize} {
		if _, err := c.NotePage(ctx, affinity.NoteQuery{PageSize: size}, ""); err != nil {
			t.Errorf("page size %d: %v", size, err)
		}
	}
	parent, err := c.CreateNote(ctx, affinity.NewNote{Content: "<p>root</p>", HTML: true, OrganizationIDs: []int64{7}})
	if err != nil || parent.Type != affinity.NoteHTML {
		t.Fatalf("an HTML note: %+v (%v)", parent, err)
	}
	reply, err := c.CreateNote(ctx, affinity.NewNote{Content: "a reply", ParentID: parent.ID})
	if err != nil || reply.ParentID != parent.ID || len(reply.OrganizationIDs) != 0 {
		t.Errorf("a reply: %+v (%v)", reply, err)
	}
	sent := len(fake.Requests())
	cases := map[string]error{}
	_, cases["page_size"] = c.NotePage(ctx, affinity.NoteQuery{PageSize: affinity.MaxPageSize + 1}, "")
	_, cases["organization_id"] = c.NotePage(ctx, affinity.NoteQuery{OrganizationID: -1}, "")
	_, cases["content"] = c.CreateNote(ctx, affinity.NewNote{OrganizationIDs: []int64{7}})
	_, cases["person_ids"] = c.CreateNote(ctx, affinity.NewNote{Content: "x"})
	_, cases["opportunity_ids[0]"] = c.CreateNote(ctx, affinity.NewNote{Content: "x", OpportunityIDs: []int64{0}})
	_, cases["parent_id"] = c.CreateNote(ctx, affinity.NewNote{Content: "x", ParentID: -2})
	_, cases["note_id"] = c.GetNote(ctx, 0)
	_, cases["content "] = c.UpdateNote(ctx, 5, "")
	cases["note_id "] = c.DeleteNote(ctx, -5)
	for param, err := range cases {
		if !isParam(err, strings.TrimSpace(param)) {
			t.Errorf("%s: got %v, want a ParamError naming it", param, err)
		}
	}
	if n := len(fake.Requests()); n != sent {
		t.Errorf("%d requests were sent for refused input", n-sent)
	}
}

// A create is never repeated once it may have reached Affinity: a 500 is the error,
// sent once, and the fake holds no note; the next call is the caller's, and creates one.
func TestACreatedNoteIsNeverRepeated(t *testing.T) {
	c, fake := setup(t)
	fake.Add(affinity.Organization{ID: 7, Name: "Acme", Domains: []string{}})
	fake.Fail(affinitytest.ServerError(500))
	_, err := c.CreateNote(t.Context(), affinity.NewNote{Content: "x", OrganizationIDs: []int64{7}}, option.WithRetries(3))
	if err == nil || requestsTo(fake, "POST", "/notes") != 1 {
		t.Errorf("got %v after %d requests, want the 500 after one", err, requestsTo(fake, "POST", "/notes"))
	}
	if fake.NoteCount() != 0 {
		t.Errorf("the fake holds %d notes after the 500", fake.NoteCount())
	}
	if _, err := c.CreateNote(t.Context(), affinity.NewNote{Content: "x", OrganizationIDs: []int64{7}}); err != nil || fake.NoteCount() != 1 {
		t.Errorf("the next call: %v, %d notes", err, fake.NoteCount())
	}
}

// The documentation's answer to GET /notes is a bare array: it is every note at once,
// and a bare array with a note without an id is refused like a page.
func TestNotesTakeTheDocumentedBareArray(t *testing.T) {
	for body, want := range map[string]int{
		`[{"id":1,"creator_id":2,"person_ids":[],"organization_ids":[7],"opportunity_ids":[],"content":"a","type":0,"created_at":"2017-03-28T00:38:41.275-08:00"}]`: 1,
		` []`: 0,
		`[{"id":0,"created_at":"2017-03-28T00:38:41Z"}]`: -1,
		`[null]`: -1,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, body)
		}))
		c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		var last error
		for _, err := range c.Notes(t.Context(), affinity.NoteQuery{OrganizationID: 7}) {
			if err != nil {
				last = err
				break
			}
			n++
		}
		switch {
		case want < 0 && !errors.Is(last, affinity.ErrMalformedBody):
			t.Errorf("%s: %v, want a malformed body", body, last)
		case want >= 0 && (last != nil || n != want):
			t.Errorf("%s: %d notes (%v), want %d", body, n, last, want)
		}
		srv.Close()
	}
}
