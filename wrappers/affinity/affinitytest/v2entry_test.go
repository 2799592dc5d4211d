package affinitytest

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
)

// The entry reads filter as the service does, and as the spec says: one entry carries
// the fields fieldIds and fieldTypes ask for and none without them; an entry's fields
// read names its filters ids and types, and gives every field without them. The spec
// check (WithTest) holds each answer and request to the spec.
func TestEntryReadsFilterByTheirOwnParameters(t *testing.T) {
	s := NewServer("k", WithTest(t))
	t.Cleanup(s.Close)
	list := s.GenerateList("Deal Flow", 3, 4)
	c, err := s.Client()
	if err != nil {
		t.Fatal(err)
	}
	type field struct{ ID, Type string }
	type entry struct {
		ID     int64 `json:"id"`
		Entity struct {
			Fields []field `json:"fields"`
		} `json:"entity"`
	}
	var page struct {
		Data []entry `json:"data"`
	}
	if err := c.Do(t.Context(), "GET", fmt.Sprintf("/v2/lists/%d/list-entries", list), nil, nil, &page); err != nil || len(page.Data) == 0 {
		t.Fatalf("entries: %v, %d", err, len(page.Data))
	}
	id := page.Data[0].ID
	one := func(q url.Values) []field {
		var e entry
		if err := c.Do(t.Context(), "GET", fmt.Sprintf("/v2/lists/%d/list-entries/%d", list, id), q, nil, &e); err != nil {
			t.Fatal(err)
		}
		return e.Entity.Fields
	}
	fields := func(q url.Values) []field {
		var p struct {
			Data []field `json:"data"`
		}
		if err := c.Do(t.Context(), "GET", fmt.Sprintf("/v2/lists/%d/list-entries/%d/fields", list, id), q, nil, &p); err != nil {
			t.Fatal(err)
		}
		return p.Data
	}
	all := fields(nil)
	if len(all) < 4 {
		t.Fatalf("an entry's fields without a filter: %d, want every one of its 4 list fields at least", len(all))
	}
	if got := one(nil); len(got) != 0 {
		t.Errorf("one entry without fieldIds or fieldTypes carries %d fields, want none", len(got))
	}
	if got := one(url.Values{"fieldTypes": {"list"}}); len(got) < 4 || slices.ContainsFunc(got, func(f field) bool { return f.Type != "list" }) {
		t.Errorf("one entry with fieldTypes=list: %v", got)
	}
	first := all[0].ID
	if got := one(url.Values{"fieldIds": {first}}); len(got) != 1 || got[0].ID != first {
		t.Errorf("one entry with fieldIds=%s: %v", first, got)
	}
	if got := fields(url.Values{"ids": {first}}); len(got) != 1 || got[0].ID != first {
		t.Errorf("an entry's fields with ids=%s: %v", first, got)
	}
	if got := fields(url.Values{"types": {"global"}}); slices.ContainsFunc(got, func(f field) bool { return f.Type != "global" }) {
		t.Errorf("an entry's fields with types=global: %v", got)
	}
}
