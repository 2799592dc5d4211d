package contract_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/specs"
)

// vendorExchange is a GET of rawURL answered with status and body, as the service
// sends it (JSON with the rate-limit headers every answer carries).
func vendorExchange(t *testing.T, rawURL string, status int, body string) contract.Exchange {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{"Content-Type": {"application/json"}}
	for _, k := range []string{"X-Ratelimit-Limit-User", "X-Ratelimit-Limit-User-Remaining", "X-Ratelimit-Limit-User-Reset",
		"X-Ratelimit-Limit-Org", "X-Ratelimit-Limit-Org-Remaining", "X-Ratelimit-Limit-Org-Reset"} {
		h.Set(k, "1")
	}
	return contract.Exchange{Source: "vendor", Method: http.MethodGet, URL: u, RequestHeader: http.Header{"Authorization": {"Bearer k"}},
		Status: status, ResponseHeader: h, ResponseBody: []byte(body)}
}

// The exchanges the vendors' documents and live traffic show, which the specs refused
// before: each passes strict checking with requests checked, and its near miss (the
// filter by its other name, a member of a type the vendor does not give) still fails.
func TestVendorShapesPass(t *testing.T) {
	ctx := t.Context()
	affinity, err := contract.NewEmbedded(ctx, specs.Affinity, contract.Strict(), contract.CheckRequests())
	if err != nil {
		t.Fatal(err)
	}
	apollo, err := contract.NewEmbedded(ctx, specs.Apollo, contract.Strict(), contract.CheckRequests())
	if err != nil {
		t.Fatal(err)
	}
	const page = `{"data": [], "pagination": {"prevUrl": null, "nextUrl": null}}`
	const email = `{"id": "last-email", "name": "Last Email", "type": "relationship-intelligence", "enrichmentSource": null,
		"value": {"type": "interaction", "data": {"type": "email", "id": 88, "sentAt": "2025-03-04T09:00:00Z", "subject": null,
			"from": {"emailAddress": "jane@contoso.com", "person": {"id": 38706, "firstName": "Jane", "lastName": "Doe", "primaryEmailAddress": "jane@contoso.com", "type": "internal"}},
			"to": [{"emailAddress": "noël@acme.example", "person": null}], "cc": []}}}`
	const meeting = `{"id": "last-meeting", "name": "Last Meeting", "type": "relationship-intelligence", "enrichmentSource": null,
		"value": {"type": "interaction", "data": {"type": "meeting", "id": 91, "startTime": "2025-03-05T10:00:00Z", "endTime": null, "title": null,
			"allDay": true, "attendees": [{"emailAddress": null, "person": {"id": 38707, "firstName": null, "lastName": null, "primaryEmailAddress": null, "type": "collaborator"}}]}}}`
	const chat = `{"id": "last-chat", "name": "Last Chat Message", "type": "relationship-intelligence", "enrichmentSource": null,
		"value": {"type": "interaction", "data": {"type": "chat-message", "id": 7, "sentAt": "2025-03-06T10:00:00Z", "direction": "received",
			"manualCreator": {"id": 38706, "firstName": "Jane", "lastName": "Doe", "primaryEmailAddress": null, "type": "internal"},
			"participants": [{"id": 38706, "firstName": "Jane", "lastName": "Doe", "primaryEmailAddress": null, "type": "internal"}]}}}`
	fieldsPage := func(fields ...string) string {
		return `{"data": [` + strings.Join(fields, ",") + `], "pagination": {"prevUrl": null, "nextUrl": null}}`
	}
	const org = `{"organizations": [{"id": "5e66b6381e05b4008c8331b8", "name": "Apollo.io", "primary_phone": {"number": "+1 415-640-9303 ext. 0", "source": "Account", "sanitized_number": null}}],
		"accounts": [], "pagination": {"page": 1, "per_page": 10, "total_entries": 1, "total_pages": 1}}`
	for _, c := range []struct {
		name string
		v    *contract.Validator
		ex   contract.Exchange
		want string // a finding's text, or none
	}{
		{"an entry's fields filtered by ids and types", affinity,
			vendorExchange(t, "https://api.affinity.co/v2/lists/451/list-entries/16368/fields?ids=field-1&types=list&types=enriched", 200, page), ""},
		{"an entry's fields filtered by the other reads' names", affinity,
			vendorExchange(t, "https://api.affinity.co/v2/lists/451/list-entries/16368/fields?fieldIds=field-1", 200, page), "fieldIds"},
		{"one entry with fieldIds and fieldTypes", affinity,
			vendorExchange(t, "https://api.affinity.co/v2/lists/451/list-entries/16368?fieldIds=field-1&fieldTypes=global", 200,
				`{"id": 16368, "listId": 451, "createdAt": "2025-03-01T00:00:00Z", "creatorId": null, "type": "company",
				  "entity": {"id": 1, "name": "Acme", "domain": null, "domains": [], "isGlobal": false, "fields": []}}`), ""},
		{"one entry with a type the filter has not", affinity,
			vendorExchange(t, "https://api.affinity.co/v2/lists/451/list-entries/16368?fieldTypes=notes", 200, `{}`), "fieldTypes"},
		{"whoami's 404", affinity,
			vendorExchange(t, "https://api.affinity.co/v2/auth/whoami", 404, `{"errors": [{"code": "not-found", "message": "Not found"}]}`), ""},
		{"interactions with every member the vendor gives", affinity,
			vendorExchange(t, "https://api.affinity.co/v2/lists/451/list-entries/16368/fields", 200, fieldsPage(email, meeting, chat)), ""},
		{"a chat's direction the vendor does not give", affinity,
			vendorExchange(t, "https://api.affinity.co/v2/lists/451/list-entries/16368/fields", 200,
				fieldsPage(strings.Replace(chat, `"received"`, `"forwarded"`, 1))), "direction"},
		{"an attendee without its person member", affinity,
			vendorExchange(t, "https://api.affinity.co/v2/lists/451/list-entries/16368/fields", 200,
				fieldsPage(strings.Replace(meeting, `"emailAddress": null, "person": {"id": 38707, "firstName": null, "lastName": null, "primaryEmailAddress": null, "type": "collaborator"}`, `"emailAddress": null`, 1))), "person"},
		{"a phone number Apollo could not normalise", apollo,
			vendorExchange(t, "https://api.apollo.io/api/v1/mixed_companies/search", 200, org), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if strings.Contains(c.ex.URL.Path, "mixed_companies") {
				c.ex.Method = http.MethodPost
				c.ex.RequestHeader = http.Header{"X-Api-Key": {"k"}, "Content-Type": {"application/json"}}
				c.ex.RequestBody = []byte(`{}`)
			}
			fs := c.v.Validate(c.ex)
			var texts []string
			for _, f := range fs {
				texts = append(texts, f.Kind+" "+f.Location+" "+f.Pointer+": "+f.Expected+"; "+f.Found)
			}
			all := strings.Join(texts, "\n")
			switch {
			case c.want == "" && len(fs) > 0:
				t.Errorf("findings, want none:\n%s", all)
			case c.want != "" && !strings.Contains(all, c.want):
				t.Errorf("findings %q, want one naming %s", all, c.want)
			}
		})
	}
}
