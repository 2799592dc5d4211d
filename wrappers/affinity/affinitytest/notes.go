package affinitytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/wrappers/affinity"
)

// AddNotes stores notes as they are (a zero id gets the next free one, a zero creator
// the key's user, a zero creation time the present), and returns their ids.
func (s *Server) AddNotes(notes ...affinity.Note) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int64, 0, len(notes))
	for _, n := range notes {
		g, err := convert[affinityapi.Note](n)
		if err != nil {
			g = affinityapi.Note{Content: n.Content, PersonIDs: n.PersonIDs, OrganizationIDs: n.OrganizationIDs, OpportunityIDs: n.OpportunityIDs}
		}
		if g.ID <= 0 {
			g.ID = s.newNoteID()
		} else if g.ID > s.people.nextNoteID {
			s.people.nextNoteID = g.ID
		}
		if g.CreatorID <= 0 {
			g.CreatorID = keyUser
		}
		if g.CreatedAt.IsZero() {
			g.CreatedAt = time.Now().UTC()
		}
		if g.AssociatedPersonIDs == nil {
			g.AssociatedPersonIDs = slices.Clone(g.PersonIDs)
		}
		s.putNote(g)
		ids = append(ids, g.ID)
	}
	return ids
}

// Note returns the stored note with id.
func (s *Server) Note(id int64) (affinity.Note, bool) {
	s.mu.Lock()
	n, ok := s.people.notes[id]
	s.mu.Unlock()
	if !ok {
		return affinity.Note{}, false
	}
	r, err := convert[affinity.Note](n)
	return r, err == nil
}

// NoteCount is the number of stored notes.
func (s *Server) NoteCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.people.notes)
}

// newNoteID is the next note id (above 22,000, as the documentation's are); it needs s.mu.
func (s *Server) newNoteID() int64 {
	if s.people.nextNoteID < 22000 {
		s.people.nextNoteID = 22000
	}
	s.people.nextNoteID++
	return s.people.nextNoteID
}

// putNote stores n with every array the spec requires present; it needs s.mu.
func (s *Server) putNote(n affinityapi.Note) {
	if s.people.notes == nil {
		s.people.notes = map[int64]affinityapi.Note{}
	}
	for _, a := range []*[]int64{&n.PersonIDs, &n.AssociatedPersonIDs, &n.InteractionPersonIDs, &n.MentionedPersonIDs, &n.OrganizationIDs, &n.OpportunityIDs} {
		if *a == nil {
			*a = []int64{}
		}
	}
	if n.IsMeeting == nil {
		n.IsMeeting = new(bool)
	}
	if _, ok := s.people.notes[n.ID]; !ok {
		s.people.noteOrder = append(s.people.noteOrder, n.ID)
		slices.Sort(s.people.noteOrder)
	}
	s.people.notes[n.ID] = n
}

// noteRoutes adds the routes of notes, v1 and v2.
func (s *Server) noteRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /notes", s.listNotes)
	mux.HandleFunc("POST /notes", s.createNote)
	mux.HandleFunc("GET /notes/{note_id}", s.withNote(func(w http.ResponseWriter, _ *http.Request, n affinityapi.Note) { writeJSON(w, http.StatusOK, n) }))
	mux.HandleFunc("PUT /notes/{note_id}", s.withNote(s.updateNote))
	mux.HandleFunc("DELETE /notes/{note_id}", s.withNote(s.deleteNote))
	mux.HandleFunc("GET /v2/persons/{personId}/notes", s.v2WithPerson(func(w http.ResponseWriter, r *http.Request, p affinityapi.Person) {
		s.v2NotesOf(w, r, func(n affinityapi.Note) bool { return slices.Contains(n.PersonIDs, *p.ID) })
	}))
	mux.HandleFunc("GET /v2/companies/{companyId}/notes", func(w http.ResponseWriter, r *http.Request) {
		s.v2WithCompany(w, r, func(o affinityapi.Organization) {
			s.v2NotesOf(w, r, func(n affinityapi.Note) bool { return slices.Contains(n.OrganizationIDs, o.ID) })
		})
	})
}

// withNote runs f with the note of the route, under s.mu; an unknown one is 404.
func (s *Server) withNote(f func(http.ResponseWriter, *http.Request, affinityapi.Note)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("note_id"), 10, 64)
		s.mu.Lock()
		defer s.mu.Unlock()
		n, ok := s.people.notes[id]
		if err != nil || !ok {
			notFound(w, fmt.Sprintf("Note %s not found", r.PathValue("note_id")))
			return
		}
		f(w, r, n)
	}
}

// listNotes pages through the notes the query selects, oldest first, with page tokens
// bound to the query as the other v1 searches'.
func (s *Server) listNotes(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	filters := map[string]int64{}
	for _, name := range []string{"person_id", "organization_id", "opportunity_id", "creator_id"} {
		if v := q.Get(name); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id < 1 {
				unprocessable(w, name, name+" must be a positive id")
				return
			}
			filters[name] = id
		}
	}
	pg, ok := readV1Paging(w, q)
	if !ok {
		return
	}
	offset, size := pg.offset, pg.size
	s.mu.Lock()
	page := []affinityapi.Note{}
	matched, more := 0, false
	for _, id := range s.people.noteOrder {
		n := s.people.notes[id]
		if !noteMatches(n, filters) {
			continue
		}
		if matched >= offset {
			if len(page) == size {
				more = true
				break
			}
			page = append(page, n)
		}
		matched++
	}
	s.mu.Unlock()
	out := affinityapi.NotePage{Notes: page}
	if more {
		out.NextPageToken = pg.next()
	}
	writeJSON(w, http.StatusOK, out)
}

func noteMatches(n affinityapi.Note, filters map[string]int64) bool {
	for name, id := range filters {
		var ok bool
		switch name {
		case "person_id":
			ok = slices.Contains(n.PersonIDs, id)
		case "organization_id":
			ok = slices.Contains(n.OrganizationIDs, id)
		case "opportunity_id":
			ok = slices.Contains(n.OpportunityIDs, id)
		case "creator_id":
			ok = n.CreatorID == id
		}
		if !ok {
			return false
		}
	}
	return true
}

func (s *Server) createNote(w http.ResponseWriter, r *http.Request) {
	var b affinityapi.NoteCreate
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil || b.Content == "" {
		unprocessable(w, "content", "content is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := affinityapi.Note{ID: 0, CreatorID: keyUser, Content: b.Content, CreatedAt: time.Now().UTC()}
	if b.Type != nil {
		if *b.Type != 0 && *b.Type != 2 {
			unprocessable(w, "type", "type must be 0 (plain text) or 2 (HTML)")
			return
		}
		n.Type = int(*b.Type)
	}
	if b.CreatorID != nil {
		n.CreatorID = *b.CreatorID
	}
	if b.CreatedAt != nil {
		if b.CreatedAt.After(time.Now()) {
			unprocessable(w, "created_at", "created_at cannot be in the future")
			return
		}
		n.CreatedAt = b.CreatedAt.UTC()
	}
	switch {
	case b.ParentID != nil:
		parent, ok := s.people.notes[*b.ParentID]
		if !ok || parent.ParentID != nil {
			unprocessable(w, "parent_id", "parent_id must name a note that is not a reply")
			return
		}
		n.ParentID = b.ParentID // the entities are ignored: only the parent is attached
	case len(b.PersonIDs)+len(b.OrganizationIDs)+len(b.OpportunityIDs) == 0:
		unprocessable(w, "person_ids", "At least one person_id, organization_id, opportunity_id or parent_id is required")
		return
	default:
		for _, id := range b.OrganizationIDs {
			if _, ok := s.orgs[id]; !ok {
				unprocessable(w, "organization_ids", fmt.Sprintf("Organization %d not found", id))
				return
			}
		}
		for _, id := range b.PersonIDs {
			if _, ok := s.people.persons[id]; !ok && !s.listedPerson(id) {
				unprocessable(w, "person_ids", fmt.Sprintf("Person %d not found", id))
				return
			}
		}
		n.PersonIDs, n.AssociatedPersonIDs = slices.Clone(b.PersonIDs), slices.Clone(b.PersonIDs)
		n.OrganizationIDs, n.OpportunityIDs = slices.Clone(b.OrganizationIDs), slices.Clone(b.OpportunityIDs)
	}
	n.ID = s.newNoteID()
	s.putNote(n)
	s.emit(affinity.NoteCreated, s.people.notes[n.ID])
	writeJSON(w, http.StatusCreated, s.people.notes[n.ID])
}

// listedPerson: a person the fake knows only as an entry of a person list
// (GeneratePersonList's); it needs s.mu.
func (s *Server) listedPerson(id int64) bool {
	for _, l := range s.lists {
		if l.list.Type == 0 && slices.ContainsFunc(l.entries, func(e affinityapi.ListEntry) bool { return e.EntityID == id }) {
			return true
		}
	}
	return false
}

func (s *Server) updateNote(w http.ResponseWriter, r *http.Request, n affinityapi.Note) {
	var b affinityapi.NoteUpdate
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil || b.Content == "" {
		unprocessable(w, "content", "content is required")
		return
	}
	if len(n.MentionedPersonIDs) > 0 {
		unprocessable(w, "content", "The content of a note with mentions cannot be changed")
		return
	}
	now := time.Now().UTC()
	n.Content, n.UpdatedAt = b.Content, &now
	s.putNote(n)
	s.emit(affinity.NoteUpdated, n)
	writeJSON(w, http.StatusOK, n)
}

// deleteNote deletes a note of the key's user; another's is 403, as only a note's
// creator may delete it.
func (s *Server) deleteNote(w http.ResponseWriter, _ *http.Request, n affinityapi.Note) {
	if n.CreatorID != keyUser {
		writeJSON(w, http.StatusForbidden, map[string]string{"message": "Only the creator of a note can delete it"})
		return
	}
	delete(s.people.notes, n.ID)
	s.emit(affinity.NoteDeleted, n)
	s.people.noteOrder = slices.DeleteFunc(s.people.noteOrder, func(x int64) bool { return x == n.ID })
	writeJSON(w, http.StatusOK, affinityapi.Success{Success: true})
}

// v2NotesOf pages through the notes keep selects, in v2's shape; it needs s.mu.
func (s *Server) v2NotesOf(w http.ResponseWriter, r *http.Request, keep func(affinityapi.Note) bool) {
	s.v2PagedLocked(w, r, every(func() []any {
		var out []any
		for _, id := range s.people.noteOrder {
			n := s.people.notes[id]
			if !keep(n) {
				continue
			}
			kind := "entities"
			if n.ParentID != nil {
				kind = "user-reply"
			}
			creator := map[string]any{"id": n.CreatorID, "firstName": nil, "lastName": nil, "primaryEmailAddress": nil, "type": "internal"}
			if n.CreatorID == keyUser {
				creator["firstName"], creator["lastName"], creator["primaryEmailAddress"] = "Jane", "Doe", "jane@fake.example"
			}
			out = append(out, map[string]any{"id": n.ID, "type": kind, "content": map[string]any{"html": n.Content}, "creator": creator,
				"createdAt": n.CreatedAt, "updatedAt": n.UpdatedAt})
		}
		return out
	}))
}
