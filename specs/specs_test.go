package specs_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/specs"
)

// The README's operation table and the wrappers rely on exactly these operations.
func TestEverySeedOperationIsDescribed(t *testing.T) {
	want := map[specs.API][]string{
		specs.Apollo: {"GET /organizations/{organization_id}/job_postings listOrganizationJobPostings",
			"POST /mixed_companies/search searchMixedCompanies",
			"GET /organizations/enrich enrichOrganization",
			"POST /organizations/bulk_enrich bulkEnrichOrganizations",
			"GET /organizations/{organization_id} getOrganization",
			"POST /accounts createAccount", "GET /accounts/{account_id} getAccount", "PATCH /accounts/{account_id} updateAccount",
			"POST /accounts/search searchAccounts", "POST /accounts/bulk_create bulkCreateAccounts",
			"POST /accounts/bulk_update bulkUpdateAccounts", "POST /accounts/update_owners updateAccountOwners",
			"GET /account_stages listAccountStages",
			// People at an organization, what calls cost, and news (issue 32).
			"POST /mixed_people/api_search searchPeople", "POST /people/match matchPerson",
			"POST /people/bulk_match bulkMatchPeople", "POST /usage_stats/api_usage_stats getAPIUsageStats",
			"POST /usage_stats/credit_usage_stats getCreditUsageStats", "POST /news_articles/search searchNewsArticles"},
		specs.Affinity: {
			"GET /organizations searchOrganizations", "GET /organizations/{organization_id} getOrganization",
			"POST /organizations createOrganization", "PUT /organizations/{organization_id} updateOrganization",
			"DELETE /organizations/{organization_id} deleteOrganization", "GET /organizations/fields listOrganizationFields",
			"GET /lists listLists", "GET /lists/{list_id} getList",
			"GET /lists/{list_id}/list-entries listListEntries", "POST /lists/{list_id}/list-entries createListEntry",
			"GET /lists/{list_id}/list-entries/{list_entry_id} getListEntry", "DELETE /lists/{list_id}/list-entries/{list_entry_id} deleteListEntry",
			"GET /fields listFields", "GET /field-values listFieldValues", "POST /field-values createFieldValue",
			"PUT /field-values/{field_value_id} updateFieldValue", "DELETE /field-values/{field_value_id} deleteFieldValue",
			"GET /field-value-changes listFieldValueChanges", "GET /rate-limit getRateLimit", "GET /auth/whoami whoAmI",
			// Persons and notes (issue 31).
			"GET /persons searchPersons", "POST /persons createPerson", "GET /persons/fields listPersonFields",
			"GET /persons/{person_id} getPerson", "PUT /persons/{person_id} updatePerson", "DELETE /persons/{person_id} deletePerson",
			"GET /notes listNotes", "POST /notes createNote", "GET /notes/{note_id} getNote", "PUT /notes/{note_id} updateNote",
			"DELETE /notes/{note_id} deleteNote",
			"GET /v2/persons listPersonsV2", "GET /v2/persons/{personId} getPersonV2",
			"GET /v2/persons/{personId}/list-entries listPersonListEntriesV2", "GET /v2/persons/{personId}/notes listPersonNotesV2",
			"GET /v2/companies/{companyId}/notes listCompanyNotesV2",
			"GET /webhook listWebhookSubscriptions", "POST /webhook/subscribe createWebhookSubscription",
			"GET /webhook/{webhook_subscription_id} getWebhookSubscription",
			"PUT /webhook/{webhook_subscription_id} updateWebhookSubscription",
			"DELETE /webhook/{webhook_subscription_id} deleteWebhookSubscription",
			// v2: reads of companies, lists and list entries, and the list-entry field writes.
			"GET /v2/auth/whoami getWhoAmIV2", "GET /v2/companies listCompaniesV2", "GET /v2/companies/fields listCompanyFieldsV2",
			"GET /v2/companies/{companyId} getCompanyV2", "GET /v2/companies/{companyId}/lists listCompanyListsV2",
			"GET /v2/companies/{companyId}/list-entries listCompanyListEntriesV2", "GET /v2/lists listListsV2",
			"GET /v2/lists/{listId} getListV2", "GET /v2/lists/{listId}/fields listListFieldsV2",
			"GET /v2/lists/{listId}/saved-views listSavedViewsV2", "GET /v2/lists/{listId}/saved-views/{viewId} getSavedViewV2",
			"GET /v2/lists/{listId}/saved-views/{viewId}/list-entries listSavedViewListEntriesV2",
			"GET /v2/lists/{listId}/list-entries listListEntriesV2", "GET /v2/lists/{listId}/list-entries/{listEntryId} getListEntryV2",
			"GET /v2/lists/{listId}/list-entries/{listEntryId}/fields listListEntryFieldsV2",
			"PATCH /v2/lists/{listId}/list-entries/{listEntryId}/fields updateListEntryFieldsV2",
			"POST /v2/lists/{listId}/list-entries/{listEntryId}/fields/{fieldId} updateListEntryFieldV2",
			// v2: company duplicate suggestions (beta), merges and the merge task.
			"GET /v2/duplicates/company-suggestions listCompanyDuplicateSuggestionsV2",
			"POST /v2/company-merges mergeCompaniesV2", "GET /v2/tasks/company-merges/{taskId} getCompanyMergeTaskV2",
		},
	}
	for api, ops := range want {
		doc, err := specs.Load(context.Background(), api)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				got = append(got, method+" "+path+" "+op.OperationID)
			}
		}
		sort.Strings(got)
		sort.Strings(ops)
		if len(got) != len(ops) {
			t.Fatalf("%s operations = %q, want %q", api, got, ops)
		}
		for i := range ops {
			if got[i] != ops[i] {
				t.Errorf("%s operation %d = %q, want %q", api, i, got[i], ops[i])
			}
		}
	}
}

func TestAffinitySearchHasEveryDocumentedParameter(t *testing.T) {
	doc, err := specs.Load(context.Background(), specs.Affinity)
	if err != nil {
		t.Fatal(err)
	}
	op := doc.Paths.Value("/organizations").Get
	have := map[string]string{}
	for _, p := range op.Parameters {
		have[p.Value.Name] = p.Value.Schema.Value.Format
	}
	for _, kind := range []string{"first_email", "last_email", "last_interaction", "last_event", "first_event", "next_event"} {
		for _, bound := range []string{"min_", "max_"} {
			name := bound + kind + "_date"
			if f, ok := have[name]; !ok || f != "date-time" {
				t.Errorf("parameter %s: present %v, format %q", name, ok, f)
			}
		}
	}
	for _, name := range []string{"term", "with_interaction_dates", "with_interaction_persons", "page_size", "page_token"} {
		if _, ok := have[name]; !ok {
			t.Errorf("parameter %s missing", name)
		}
	}
	size := doc.Components.Parameters["PageSize"].Value.Schema.Value
	if size.Min == nil || *size.Min != 1 || size.Max == nil || *size.Max != 500 {
		t.Errorf("page_size bounds = %v..%v, want 1..500", size.Min, size.Max)
	}
}

// The embedded copy is what the binaries use; it must be the file in the repository.
func TestEmbeddedMatchesFiles(t *testing.T) {
	for _, api := range specs.APIs() {
		embedded, err := specs.Source(api)
		if err != nil {
			t.Fatal(err)
		}
		onDisk, err := os.ReadFile(filepath.Join(".", api.File()))
		if err != nil {
			t.Fatal(err)
		}
		if string(embedded) != string(onDisk) {
			t.Errorf("%s: embedded document differs from the file", api)
		}
	}
}

func TestParseAPI(t *testing.T) {
	if a, err := specs.ParseAPI("affinity"); err != nil || a != specs.Affinity {
		t.Errorf("ParseAPI(affinity) = %q, %v", a, err)
	}
	if _, err := specs.ParseAPI("hubspot"); err == nil {
		t.Error("ParseAPI(hubspot) accepted an unknown API")
	}
	if _, err := specs.Load(context.Background(), "hubspot"); err == nil {
		t.Error("Load(hubspot) accepted an unknown API")
	}
}

func TestLoadFileNamesTheFile(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "broken.yaml")
	if err := os.WriteFile(bad, []byte("openapi: 3.0.3\ninfo: [oops"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := specs.LoadFile(context.Background(), bad)
	if err == nil || !strings.Contains(err.Error(), "broken.yaml") {
		t.Errorf("LoadFile error = %v, want it to name the file", err)
	}
}
