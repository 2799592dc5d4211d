package affinity_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
)

// A domain is a string: "" for none, the domain otherwise, the same in an organization
// as in a company; the fake still serves the null the spec asks for.
func TestDomainIsAStringEverywhere(t *testing.T) {
	c, fake := setup(t)
	ctx := t.Context()
	fake.Add(affinity.Organization{ID: 7, Name: "No Domain"}, affinity.Organization{ID: 8, Name: "Acme", Domain: "acme.example", Domains: []string{"acme.example"}})
	for id, want := range map[int64]string{7: "", 8: "acme.example"} {
		org, err := c.GetOrganization(ctx, id, affinity.GetOrganizationOptions{})
		if err != nil || org.Domain != want {
			t.Errorf("organization %d: domain %q, %v; want %q", id, org.Domain, err, want)
		}
		co, err := c.GetCompany(ctx, id, affinity.FieldSelection{})
		if err != nil || co.Domain != want {
			t.Errorf("company %d: domain %q, %v; want %q", id, co.Domain, err, want)
		}
		if stored, ok := fake.Organization(id); !ok || stored.Domain != want {
			t.Errorf("fake's organization %d: domain %q, %v", id, stored.Domain, ok)
		}
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fake.URL+"/organizations/7", nil)
	req.SetBasicAuth("", key)
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), `"domain":null`) {
		t.Errorf("the fake serves an organization without a domain as %s, want domain null", body)
	}
}

// A nullable id, string or time of a record is its plain value, zero when null; a
// list entry's entity decodes as the record its type says; kinds are the package's.
func TestRecordsHoldPlainValues(t *testing.T) {
	var e affinity.ListEntry
	raw := `{"id": 5, "list_id": 3, "creator_id": null, "entity_id": 9, "entity_type": 0, "created_at": "2026-01-02T03:04:05Z",
		"entity": {"id": 9, "first_name": "Zoë", "last_name": null, "primary_email": "zoe@example.com", "emails": []}}`
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		t.Fatal(err)
	}
	if e.CreatorID != 0 || e.EntityType == nil || *e.EntityType != affinity.EntityPerson || e.Entity == nil {
		t.Fatalf("entry = %+v", e)
	}
	p, err := e.Entity.Person()
	if err != nil || p.ID != 9 || p.FirstName != "Zoë" || p.LastName != "" || p.PrimaryEmail != "zoe@example.com" {
		t.Errorf("person = %+v, %v", p, err)
	}
	back, err := json.Marshal(e.Entity)
	if err != nil || !strings.Contains(string(back), `"last_name":null`) {
		t.Errorf("the entity's JSON is not kept as sent: %s, %v", back, err)
	}
	var none affinity.Entity
	if _, err := none.Organization(); err == nil {
		t.Error("an empty entity decoded as an organization")
	}
	if err := json.Unmarshal([]byte(`{"entity": {"id": 1,}}`), &e); err == nil {
		t.Error("an entity that is not JSON was kept")
	}

	var f affinity.Field
	if err := json.Unmarshal([]byte(`{"id": 1, "name": "Status", "value_type": 7, "list_id": null, "enrichment_source": null, "allows_multiple": false,
		"dropdown_options": [{"id": 2, "text": "Won", "rank": 0}]}`), &f); err != nil {
		t.Fatal(err)
	}
	if f.ValueType != affinity.ValueRankedDropdown || f.ListID != 0 || f.EnrichmentSource != "" || f.DropdownOptions[0].Text != "Won" {
		t.Errorf("field = %+v", f)
	}
	var o affinity.Organization
	if err := json.Unmarshal([]byte(`{"id": 1, "name": "A", "domain": null, "domains": [], "global": false,
		"interaction_dates": {"last_email_date": "2026-02-03T00:00:00Z", "next_event_date": null}}`), &o); err != nil {
		t.Fatal(err)
	}
	if o.Domain != "" || !o.InteractionDates.LastEmailDate.Equal(time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC)) || !o.InteractionDates.NextEventDate.IsZero() {
		t.Errorf("organization = %+v", o)
	}
}

// GetListEntry through v1 gives the entity as sent, decoded by its type.
func TestListEntryEntityThroughV1(t *testing.T) {
	c, fake := setup(t)
	listID := fake.GenerateList("Deal Flow", 2, 1)
	var first affinity.ListEntry
	for e, err := range c.ListEntries(t.Context(), affinity.ListEntryQuery{ListID: listID}) {
		if err != nil {
			t.Fatal(err)
		}
		first = e
		break
	}
	e, err := c.GetListEntry(t.Context(), listID, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	org, err := e.Entity.Organization()
	if err != nil || org.ID != e.EntityID || org.Domain == "" || !strings.HasSuffix(org.Domain, ".example") {
		t.Errorf("entity = %+v, %v", org, err)
	}
}
