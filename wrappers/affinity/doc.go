// Package affinity is a client for Affinity, the relationship CRM: its organizations,
// persons, notes, lists, fields and field values, webhook subscriptions and its account
// (rate limits, whoami), through its v1 API and through v2 where v2 does it better
// (ListRows, one request a page of entries with their values; companies with their
// field data; persons in hundreds; the list-entry field writes), with WithV1Only to
// keep to v1. It adds authentication, auto-pagination, retries that respect rate
// limits, lookups by name and typed errors, on top of the generated client in
// generated/affinityapi; Do reaches an endpoint it lacks. Every v2 request names the
// version of v2 the package is written for (APIVersion, in the X-Affinity-Api-Version
// header), whatever default the key's owner chose in Affinity's settings;
// WithAPIVersion names another.
//
// # Naming
//
// Listings follow one naming scheme in this package and in package apollo:
// Organizations iterates over every item, OrganizationPages over pages, and
// OrganizationPage fetches one page; single records use GetX, CreateX, UpdateX and
// DeleteX, and unpaginated lists ListX. Every call is a method of Client, named after
// its resource first, so that the method set, sorted by name, falls into the groups
// below; the API is small enough (about seventy calls) that services in the manner of
// go-github would add a step to every call without making any easier to find.
//
// # A map of the calls
//
// Organizations: Organizations, OrganizationPages, OrganizationPage, GetOrganization,
// CreateOrganization, UpdateOrganization, DeleteOrganization, ListOrganizationFields,
// OrganizationFieldByName; by domain: NormalizeDomain, OrganizationsByDomain,
// FindOrCreateOrganization; v2: Companies, CompanyPages, CompanyPage, GetCompany.
//
// Duplicates (v2): CompanyDuplicateSuggestions, CompanyDuplicateSuggestionPages,
// CompanyDuplicateSuggestionPage, MergeCompanies, GetCompanyMerge.
//
// Persons: Persons, PersonPages, PersonPage, GetPerson, CreatePerson, UpdatePerson,
// DeletePerson, ListPersonFields; OrganizationPersons (an organization's people, through
// v2) and PersonOrganizations.
//
// Notes: Notes, NotePages, NotePage, GetNote, CreateNote, CreateNoteIfAbsent,
// UpdateNote, DeleteNote, LastNote.
//
// Lists and their entries: ListLists, GetList, ListByName, ListEntries,
// ListEntryPages, ListEntryPage, GetListEntry, CreateListEntry, DeleteListEntry,
// EnsureOrganizationsOnList; ListRows, every entry of a list with its values.
//
// Fields and values: ListFields, FieldByName, ListFieldValues, CreateFieldValue,
// UpdateFieldValue, DeleteFieldValue, ListFieldValueChanges; v2 writes of a list
// entry's fields: SetListEntryField, SetListEntryFields, ClearListEntryField. A value
// is built with TextValue, NumberValue, DateValue, OptionValue, EntityValue or
// LocationValue, and read from outside an answer with DecodeValue and DecodeFieldValue.
//
// Webhooks: WebhookSubscriptions, GetWebhookSubscription, CreateWebhookSubscription,
// UpdateWebhookSubscription, DeleteWebhookSubscription, EventType and EventTypes; the
// events themselves are received by package webhook (a subpackage), an http.Handler.
//
// Account: GetQuotas, WhoAmI, RateLimit.
//
// Anything else: Do, with the client's authentication, retries and limits.
//
// The fake in package affinitytest serves all of it, held to specs/affinity.yaml.
package affinity
