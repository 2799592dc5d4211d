package affinity

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"time"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// The kinds of note (Note.Type). Affinity creates NoteFromEmail and NoteAISummary
// itself; a new note is plain text or, with NewNote.HTML, HTML.
const (
	NotePlainText = 0
	NoteFromEmail = 1
	NoteHTML      = 2
	NoteAISummary = 3
)

// NoteQuery selects notes: those of a person (attached to them, or taken on a meeting
// they attended), an organization or an opportunity, or written by a user. Zero ids are
// left out; the zero value lists every note the key may read.
type NoteQuery struct {
	PersonID       int64
	OrganizationID int64
	OpportunityID  int64
	CreatorID      int64
	// PageSize is the number of notes per request, 1 to 500; 0 means 500.
	PageSize int
}

// NotePage is one page of notes, with the token of the next one.
type NotePage struct {
	Notes []Note
	// NextPageToken is empty when there are no more pages.
	NextPageToken string
}

// NotePage fetches one page of notes: the first when pageToken is empty, otherwise the
// page the token points to. q must be the query that produced the token. An answer
// that is a bare array (as Affinity's documentation shows it) is every note at once.
func (c *Client) NotePage(ctx context.Context, q NoteQuery, pageToken string, callOpts ...option.CallOption) (NotePage, error) {
	params, err := q.params()
	if err != nil {
		return NotePage{}, err
	}
	if pageToken != "" {
		params.PageToken = &pageToken
	}
	page, err := httpcore.Run(ctx, c.doer, "listNotes", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.ListNotes(ctx, params)
	}, checkNotePage)
	if err != nil {
		return NotePage{}, err
	}
	p := NotePage{Notes: page.Notes}
	if page.NextPageToken != nil {
		p.NextPageToken = *page.NextPageToken
	}
	return p, nil
}

// NotePages iterates over the pages of notes from the page startToken points to (empty
// for the first), with the guards of every listing.
func (c *Client) NotePages(ctx context.Context, q NoteQuery, startToken string, callOpts ...option.CallOption) iter.Seq2[NotePage, error] {
	return tokenPages(ctx, c, startToken, func(ctx context.Context, token string) (NotePage, error) {
		return c.NotePage(ctx, q, token, callOpts...)
	}, func(p NotePage) string { return p.NextPageToken }, func(p NotePage) int { return len(p.Notes) })
}

// Notes iterates over every note the query selects, page after page, in the order
// Affinity sends them (which it does not document: LastNote picks by time).
func (c *Client) Notes(ctx context.Context, q NoteQuery, callOpts ...option.CallOption) iter.Seq2[Note, error] {
	return items(c.NotePages(ctx, q, "", callOpts...), func(p NotePage) []Note { return p.Notes })
}

// LastNote is the most recently created note the query selects, and false when there is
// none: it reads every page (one request per 500 notes) and keeps one note.
func (c *Client) LastNote(ctx context.Context, q NoteQuery, callOpts ...option.CallOption) (Note, bool, error) {
	var last Note
	found := false
	for n, err := range c.Notes(ctx, q, callOpts...) {
		if err != nil {
			return Note{}, false, err
		}
		if !found || n.CreatedAt.After(last.CreatedAt) || (n.CreatedAt.Equal(last.CreatedAt) && n.ID > last.ID) {
			last, found = n, true
		}
	}
	return last, found, nil
}

// GetNote fetches one note by id.
func (c *Client) GetNote(ctx context.Context, id int64, callOpts ...option.CallOption) (Note, error) {
	if err := checkPositive("note_id", id); err != nil {
		return Note{}, err
	}
	return httpcore.Run(ctx, c.doer, "getNote", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.GetNote(ctx, id)
	}, checkNote)
}

// NewNote holds a note to create: its content and the entities it is attached to (at
// least one), or the note it replies to (ParentID; the entities are then ignored).
type NewNote struct {
	Content         string // required
	PersonIDs       []int64
	OrganizationIDs []int64
	OpportunityIDs  []int64
	// HTML makes an HTML note (type 2); plain text otherwise.
	HTML bool
	// ParentID makes the note a reply to that note, which must not be a reply itself.
	ParentID int64
	// CreatorID records a user of the account as the author; the key's user when 0.
	CreatorID int64
	// CreatedAt records another creation time (never in the future); now when zero.
	CreatedAt time.Time
}

// CreateNote creates a note and returns it. Affinity has no idempotency keys and does
// not refuse a second note of the same content: each successful create is one more
// note. CreateNoteIfAbsent looks first.
// Retries: the client repeats it only when the request never reached Affinity, so it
// cannot create one twice; a 2xx answer it cannot read is an *Error with Applied set
// (match ErrApplied), and a failure after the request may have arrived is an
// *apicall.UnknownOutcomeError (ErrMaybeApplied): list the entity's notes (or call
// CreateNoteIfAbsent) before calling it again.
func (c *Client) CreateNote(ctx context.Context, n NewNote, callOpts ...option.CallOption) (Note, error) {
	body, err := n.body()
	if err != nil {
		return Note{}, err
	}
	return httpcore.Run(ctx, c.doer, "createNote", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.CreateNote(ctx, body)
	}, checkNote)
}

// CreateNoteIfAbsent creates the note unless the entity it is attached to already has an
// identical one: the same content and kind (plain text or HTML), attached to every
// person, organization and opportunity n names. It returns that note and false, or the
// new note and true.
//
// Cost: one listing of the notes of the first entity n names (an organization before a
// person before an opportunity; one request per 500 notes), then the create when none
// matches. It is not safe against a race: two callers at once can both find nothing
// and both create; it guards against a re-run, not against a concurrent run. Content is
// compared as Affinity returns it: Affinity may rewrite HTML it stores, so an HTML note
// can fail to match its own earlier copy; plain text compares exactly. A reply
// (ParentID) is refused, since replies are not listed by entity.
func (c *Client) CreateNoteIfAbsent(ctx context.Context, n NewNote, callOpts ...option.CallOption) (Note, bool, error) {
	if _, err := n.body(); err != nil {
		return Note{}, false, err
	}
	if n.ParentID != 0 {
		return Note{}, false, paramError("parent_id", "CreateNoteIfAbsent looks among an entity's notes, and replies are not listed by entity; use CreateNote")
	}
	var q NoteQuery
	switch {
	case len(n.OrganizationIDs) > 0:
		q.OrganizationID = n.OrganizationIDs[0]
	case len(n.PersonIDs) > 0:
		q.PersonID = n.PersonIDs[0]
	default:
		q.OpportunityID = n.OpportunityIDs[0]
	}
	for have, err := range c.Notes(ctx, q, callOpts...) {
		if err != nil {
			return Note{}, false, err
		}
		if n.same(have) {
			return have, false, nil
		}
	}
	created, err := c.CreateNote(ctx, n, callOpts...)
	return created, err == nil, err
}

// same reports whether have is n already: the same content and kind, on every entity n
// names. A person counts when the note is attached to them directly or names them at
// all (person_ids), as Affinity's answers may carry only the latter.
func (n NewNote) same(have Note) bool {
	wantType := NotePlainText
	if n.HTML {
		wantType = NoteHTML
	}
	if have.Content != n.Content || have.Type != wantType || have.ParentID != 0 {
		return false
	}
	people := slices.Concat(have.AssociatedPersonIDs, have.PersonIDs)
	return containsAll(have.OrganizationIDs, n.OrganizationIDs) && containsAll(people, n.PersonIDs) &&
		containsAll(have.OpportunityIDs, n.OpportunityIDs)
}

func containsAll(have, want []int64) bool {
	for _, id := range want {
		if !slices.Contains(have, id) {
			return false
		}
	}
	return true
}

// UpdateNote replaces the content of a note and returns it. Affinity refuses to change a
// note with mentions or one attached to an email.
// Retries: the client repeats it after a 5xx, a 429 or a broken connection, which is
// safe, as setting the same content again changes nothing more. A 2xx answer it cannot
// read is an *Error with Applied set (match ErrApplied) and is never repeated.
func (c *Client) UpdateNote(ctx context.Context, id int64, content string, callOpts ...option.CallOption) (Note, error) {
	if err := checkPositive("note_id", id); err != nil {
		return Note{}, err
	}
	if content == "" {
		return Note{}, paramError("content", "is required")
	}
	return httpcore.Run(ctx, c.doer, "updateNote", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.UpdateNote(ctx, id, affinityapi.NoteUpdate{Content: content})
	}, checkNote)
}

// DeleteNote deletes a note; only its creator may.
// Retries: the client repeats it after a 5xx, a 429 or a broken connection, which is
// safe, as a second delete of the same note finds it gone (ErrNotFound). A 2xx answer
// it cannot read is an *Error with Applied set (match ErrApplied) and is never
// repeated.
func (c *Client) DeleteNote(ctx context.Context, id int64, callOpts ...option.CallOption) error {
	if err := checkPositive("note_id", id); err != nil {
		return err
	}
	return c.deleted(ctx, "deleteNote", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.DeleteNote(ctx, id)
	})
}

// body is the create's request body, or a ParamError naming what is wrong.
func (n NewNote) body() (affinityapi.NoteCreate, error) {
	if n.Content == "" {
		return affinityapi.NoteCreate{}, paramError("content", "is required")
	}
	for _, ids := range []struct {
		name string
		ids  []int64
	}{{"person_ids", n.PersonIDs}, {"organization_ids", n.OrganizationIDs}, {"opportunity_ids", n.OpportunityIDs}} {
		if err := checkIDs(ids.name, ids.ids); err != nil {
			return affinityapi.NoteCreate{}, err
		}
	}
	if n.ParentID < 0 {
		return affinityapi.NoteCreate{}, paramError("parent_id", fmt.Sprintf("must be positive, got %d", n.ParentID))
	}
	if n.CreatorID < 0 {
		return affinityapi.NoteCreate{}, paramError("creator_id", fmt.Sprintf("must be positive, got %d", n.CreatorID))
	}
	if n.ParentID == 0 && len(n.PersonIDs)+len(n.OrganizationIDs)+len(n.OpportunityIDs) == 0 {
		return affinityapi.NoteCreate{}, paramError("person_ids", "a note needs a person, organization or opportunity, or a parent_id")
	}
	body := affinityapi.NoteCreate{Content: n.Content, PersonIDs: n.PersonIDs, OrganizationIDs: n.OrganizationIDs, OpportunityIDs: n.OpportunityIDs,
		ParentID: positive(n.ParentID), CreatorID: positive(n.CreatorID)}
	if n.HTML {
		t := affinityapi.NoteCreateType(NoteHTML)
		body.Type = &t
	}
	if !n.CreatedAt.IsZero() {
		t := n.CreatedAt
		body.CreatedAt = &t
	}
	return body, nil
}

// wireNotePage is a page of notes as Affinity sends it: {notes, next_page_token}, or a
// bare array of every note.
type wireNotePage struct {
	Notes         []Note  `json:"notes"`
	NextPageToken *string `json:"next_page_token"`
}

// UnmarshalJSON takes either shape.
func (p *wireNotePage) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 && t[0] == '[' {
		var notes []Note
		if err := json.Unmarshal(b, &notes); err != nil {
			return err
		}
		*p = wireNotePage{Notes: notes}
		if p.Notes == nil {
			p.Notes = []Note{}
		}
		return nil
	}
	type plain wireNotePage
	return json.Unmarshal(b, (*plain)(p))
}

// checkNotePage refuses a page without its notes, or with a note that is not one.
func checkNotePage(p *wireNotePage) error {
	if p.Notes == nil {
		return &apicall.MissingMemberError{Member: "notes", Reason: "missing or null"}
	}
	for i := range p.Notes {
		if err := noteMembers(&p.Notes[i], fmt.Sprintf("notes[%d].", i)); err != nil {
			return err
		}
	}
	return nil
}

// checkNote refuses a note without an id or a creation time.
func checkNote(n *Note) error { return noteMembers(n, "") }

func noteMembers(n *Note, prefix string) error {
	if err := positiveID(prefix+"id", n.ID); err != nil {
		return err
	}
	if n.CreatedAt.IsZero() {
		return &apicall.MissingMemberError{Member: prefix + "created_at", Reason: "missing or null"}
	}
	return nil
}

func (q NoteQuery) params() (*affinityapi.ListNotesParams, error) {
	if q.PageSize < 0 || q.PageSize > MaxPageSize {
		return nil, paramError("page_size", fmt.Sprintf("must be 1 to %d (or 0 for the default), got %d", MaxPageSize, q.PageSize))
	}
	for _, id := range []struct {
		name string
		id   int64
	}{{"person_id", q.PersonID}, {"organization_id", q.OrganizationID}, {"opportunity_id", q.OpportunityID}, {"creator_id", q.CreatorID}} {
		if id.id < 0 {
			return nil, paramError(id.name, fmt.Sprintf("must be positive, got %d", id.id))
		}
	}
	p := &affinityapi.ListNotesParams{PersonID: positive(q.PersonID), OrganizationID: positive(q.OrganizationID),
		OpportunityID: positive(q.OpportunityID), CreatorID: positive(q.CreatorID)}
	if q.PageSize != 0 {
		p.PageSize = &q.PageSize
	}
	return p, nil
}
