package affinity_test

import (
	"context"
	"errors"
	"regexp"
	"testing"

	"github.com/orgapis/orgapis/internal/spectest"
	"github.com/orgapis/orgapis/specs"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Every operation of the spec meets a hostile server with each fault of spectest's
// suite; an operation the spec gains without an entry here fails the test.
func TestEveryOperationMeetsAHostileServer(t *testing.T) {
	type c = *affinity.Client
	type a = spectest.Answer
	ops := []spectest.Operation[c]{
		{ID: "searchOrganizations", Required: "/organizations/0/id", BadID: -5, Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.OrganizationPage(ctx, affinity.OrganizationQuery{}, "")
			return err
		}},
		{ID: "createOrganization", Required: "/id", BadID: -5, Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.CreateOrganization(ctx, affinity.NewOrganization{Name: "Acme"})
			return err
		}},
		{ID: "getOrganization", Required: "/id", BadID: -5, Call: func(ctx context.Context, c c, a a) error {
			_, err := c.GetOrganization(ctx, a.Int("/id"), affinity.GetOrganizationOptions{})
			return err
		}},
		{ID: "updateOrganization", Required: "/id", BadID: -5, Call: func(ctx context.Context, c c, a a) error {
			_, err := c.UpdateOrganization(ctx, a.Int("/id"), affinity.OrganizationUpdate{Name: "Acme"})
			return err
		}},
		{ID: "deleteOrganization", Required: "/success", Call: func(ctx context.Context, c c, _ a) error {
			return c.DeleteOrganization(ctx, 7)
		}},
		{ID: "listOrganizationFields", Required: "/0/id", BadID: -5, Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.ListOrganizationFields(ctx)
			return err
		}},
		{ID: "listLists", Required: "/0/id", BadID: -5, Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.ListLists(ctx)
			return err
		}},
		{ID: "getList", Required: "/id", BadID: -5, Call: func(ctx context.Context, c c, a a) error {
			_, err := c.GetList(ctx, a.Int("/id"))
			return err
		}},
		{ID: "listListEntries", Example: "paginated", Required: "/list_entries/0/entity_id", BadID: -5, Call: func(ctx context.Context, c c, a a) error {
			_, err := c.ListEntryPage(ctx, affinity.ListEntryQuery{ListID: a.Int("/list_entries/0/list_id")}, "")
			return err
		}},
		{ID: "getListEntry", Required: "/id", BadID: -5, Call: func(ctx context.Context, c c, a a) error {
			_, err := c.GetListEntry(ctx, a.Int("/list_id"), a.Int("/id"))
			return err
		}},
		{ID: "createListEntry", Required: "/id", BadID: -5, Call: func(ctx context.Context, c c, a a) error {
			_, err := c.CreateListEntry(ctx, a.Int("/list_id"), a.Int("/entity_id"))
			return err
		}},
		{ID: "deleteListEntry", Required: "/success", Call: func(ctx context.Context, c c, _ a) error {
			return c.DeleteListEntry(ctx, 3, 4)
		}},
		{ID: "listFields", Required: "/0/id", BadID: -5, Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.ListFields(ctx, affinity.FieldQuery{})
			return err
		}},
		{ID: "listFieldValues", Required: "/0/field_id", BadID: -5, Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.ListFieldValues(ctx, affinity.FieldValueQuery{OrganizationID: 9})
			return err
		}},
		{ID: "createFieldValue", Required: "/id", BadID: -5, Call: func(ctx context.Context, c c, a a) error {
			_, err := c.CreateFieldValue(ctx, affinity.NewFieldValue{FieldID: a.Int("/field_id"), EntityID: a.Int("/entity_id"), Value: affinity.TextValue("x")})
			return err
		}},
		{ID: "updateFieldValue", Required: "/id", BadID: -5, Call: func(ctx context.Context, c c, a a) error {
			_, err := c.UpdateFieldValue(ctx, a.Int("/id"), affinity.TextValue("x"))
			return err
		}},
		{ID: "deleteFieldValue", Required: "/success", Call: func(ctx context.Context, c c, _ a) error {
			return c.DeleteFieldValue(ctx, 5)
		}},
		{ID: "listFieldValueChanges", Required: "/0/changed_at", Call: func(ctx context.Context, c c, a a) error {
			_, err := c.ListFieldValueChanges(ctx, affinity.FieldValueChangeQuery{FieldID: a.Int("/0/field_id")})
			return err
		}},
		{ID: "getRateLimit", Required: "/rate/org_monthly/limit", BadID: -5, Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.GetQuotas(ctx)
			return err
		}},
		{ID: "whoAmI", Required: "/user/id", BadID: -5, Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.WhoAmI(ctx)
			return err
		}},
		// Persons and notes (issue 31).
		{ID: "searchPersons", Required: "/persons/0/id", BadID: -5, Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.PersonPage(ctx, affinity.PersonQuery{Term: "doe"}, "")
			return err
		}},
		{ID: "createPerson", Required: "/id", BadID: -5, Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.CreatePerson(ctx, affinity.NewPerson{FirstName: "Alice", Emails: []string{"alice@acme.com"}})
			return err
		}},
		{ID: "getPerson", Required: "/id", BadID: -5, Call: func(ctx context.Context, c c, a a) error {
			_, err := c.GetPerson(ctx, a.Int("/id"), affinity.GetPersonOptions{})
			return err
		}},
		{ID: "updatePerson", Required: "/id", BadID: -5, Call: func(ctx context.Context, c c, a a) error {
			_, err := c.UpdatePerson(ctx, a.Int("/id"), affinity.PersonUpdate{FirstName: "Allison"})
			return err
		}},
		{ID: "deletePerson", Required: "/success", Call: func(ctx context.Context, c c, _ a) error {
			return c.DeletePerson(ctx, 7)
		}},
		{ID: "listPersonFields", Required: "/0/id", BadID: -5, Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.ListPersonFields(ctx)
			return err
		}},
		{ID: "listNotes", Example: "paginated", Required: "/notes/0/id", BadID: -5, Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.NotePage(ctx, affinity.NoteQuery{OrganizationID: 64779194}, "")
			return err
		}},
		{ID: "createNote", Required: "/id", BadID: -5, Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.CreateNote(ctx, affinity.NewNote{Content: "Met the founders.", OrganizationIDs: []int64{120611418}})
			return err
		}},
		{ID: "getNote", Required: "/id", BadID: -5, Call: func(ctx context.Context, c c, a a) error {
			_, err := c.GetNote(ctx, a.Int("/id"))
			return err
		}},
		{ID: "updateNote", Required: "/id", BadID: -5, Call: func(ctx context.Context, c c, a a) error {
			_, err := c.UpdateNote(ctx, a.Int("/id"), "Met them again.")
			return err
		}},
		{ID: "deleteNote", Required: "/success", Call: func(ctx context.Context, c c, _ a) error {
			return c.DeleteNote(ctx, 7)
		}},
		// v2 persons: an organization's people are read through them.
		{ID: "listPersonsV2", Required: "/data/0/id", BadID: -5, Call: func(ctx context.Context, c c, _ a) error {
			for _, err := range c.OrganizationPersons(ctx, 64779194) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
		{ID: "listWebhookSubscriptions", Required: "/0/id", BadID: -5, Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.WebhookSubscriptions(ctx)
			return err
		}},
		{ID: "getWebhookSubscription", Required: "/subscriptions", BadID: -5, Call: func(ctx context.Context, c c, a a) error {
			_, err := c.GetWebhookSubscription(ctx, a.Int("/id"))
			return err
		}},
		{ID: "createWebhookSubscription", Required: "/id", BadID: -5, Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.CreateWebhookSubscription(ctx, affinity.NewWebhookSubscription{WebhookURL: "https://hooks.example.com/s3cr3t-path-token", SkipLimitCheck: true})
			return err
		}},
		{ID: "updateWebhookSubscription", Required: "/id", BadID: -5, Call: func(ctx context.Context, c c, a a) error {
			_, err := c.UpdateWebhookSubscription(ctx, a.Int("/id"), affinity.WebhookSubscriptionUpdate{Subscriptions: []affinity.EventType{}})
			return err
		}},
		{ID: "deleteWebhookSubscription", Required: "/success", Call: func(ctx context.Context, c c, _ a) error {
			return c.DeleteWebhookSubscription(ctx, 7)
		}},
		// v2: ListRows and the companies read through it.
		{ID: "listListEntriesV2", Required: "/data/0/id", BadID: -5, Call: func(ctx context.Context, c c, a a) error {
			for _, err := range c.ListRows(ctx, a.Int("/data/0/listId"), affinity.RowOptions{}) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
		{ID: "listCompaniesV2", Required: "/data/0/id", BadID: -5, Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.CompanyPage(ctx, affinity.CompanyQuery{Fields: affinity.FieldSelection{Kinds: []affinity.FieldKind{affinity.FieldGlobal}}}, "")
			return err
		}},
		{ID: "getCompanyV2", Required: "/id", BadID: -5, Call: func(ctx context.Context, c c, a a) error {
			_, err := c.GetCompany(ctx, a.Int("/id"), affinity.FieldSelection{Kinds: []affinity.FieldKind{affinity.FieldEnriched}})
			return err
		}},
		{ID: "updateListEntryFieldsV2", Required: "/operation", Call: func(ctx context.Context, c c, _ a) error {
			return c.SetListEntryFields(ctx, 3, 4, []affinity.FieldSet{{Field: affinity.Field{ID: 5, ValueType: affinity.ValueText}, Values: []affinity.SetValue{affinity.TextValue("x")}}})
		}},
		{ID: "updateListEntryFieldV2", OwnSegment: "the field id is field- and the Field's int64 id", Call: func(ctx context.Context, c c, _ a) error {
			return c.SetListEntryField(ctx, 3, 4, affinity.Field{ID: 5, ValueType: affinity.ValueText}, []affinity.SetValue{affinity.TextValue("x")})
		}},
		// v2: duplicate suggestions and merges.
		{ID: "listCompanyDuplicateSuggestionsV2", Required: "/data/0/primaryProfile/id", BadID: -5, Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.CompanyDuplicateSuggestionPage(ctx, affinity.DuplicateSuggestionQuery{Match: affinity.MatchDomain}, "")
			return err
		}},
		{ID: "mergeCompaniesV2", Required: "/taskUrl", BadID: "", Call: func(ctx context.Context, c c, _ a) error {
			_, err := c.MergeCompanies(ctx, 1000, 1001)
			return err
		}},
		{ID: "getCompanyMergeTaskV2", Required: "/id", BadID: "", Call: func(ctx context.Context, c c, a a) error {
			_, err := c.GetCompanyMerge(ctx, a.String("/id"))
			return err
		}, OwnSegment: "the task id is parsed as a UUID and sent in its canonical form; anything else is a ParamError before sending"},
	}
	// v2's other operations are the generated client's: the wrapper reads lists and
	// entries through v1's methods and ListRows, and writes its list-entry fields.
	for _, id := range []string{"getWhoAmIV2", "listCompanyFieldsV2", "listCompanyListsV2", "listCompanyListEntriesV2", "listListsV2",
		"getListV2", "listListFieldsV2", "listSavedViewsV2", "getSavedViewV2", "listSavedViewListEntriesV2", "getListEntryV2",
		"listListEntryFieldsV2", "getPersonV2", "listPersonListEntriesV2", "listPersonNotesV2", "listCompanyNotesV2"} {
		ops = append(ops, spectest.Operation[c]{ID: id, Unwrapped: "v2 operation the wrapper has no method for; affinityapi has it"})
	}
	newClient := func(t *testing.T, o spectest.ClientOptions) c {
		opts := []option.ClientOption{option.WithBaseURL(o.BaseURL), option.WithRetries(o.Retries)}
		if o.MaxBodyBytes > 0 {
			opts = append(opts, option.WithMaxBodyBytes(o.MaxBodyBytes))
		}
		if o.Sleep != nil {
			opts = append(opts, affinity.WithSleep(o.Sleep))
		}
		if o.Logger != nil {
			opts = append(opts, option.WithLogger(o.Logger))
		}
		client, err := affinity.NewClient(spectest.HostileKey, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return client
	}
	spectest.Hostile(t, specs.Affinity, ops, newClient, spectest.Expect{Prefix: "affinity: ", UserAgent: regexp.MustCompile(`^orgapis-affinity-go/[^ ()]+$`),
		Malformed: affinity.ErrMalformedBody, TooLarge: affinity.ErrBodyTooLarge, RateLimited: affinity.ErrRateLimited,
		Redirect: func(err error) bool { var r *apicall.RedirectError; return errors.As(err, &r) },
		Param:    func(err error) bool { var p *apicall.ParamError; return errors.As(err, &p) },
	})
}
