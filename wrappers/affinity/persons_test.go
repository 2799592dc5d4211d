package affinity_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// requestsTo counts the fake's requests of method to paths starting with prefix.
func requestsTo(fake *affinitytest.Server, method, prefix string) int {
	n := 0
	for _, r := range fake.Requests() {
		if r.Method == method && strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

// A person's life through the wrapper: created on an organization, the organization's
// person_ids and the person's organization_ids are one fact in v1 and v2, an update
// replaces it, a delete ends it; names and addresses keep their non-ASCII letters.
func TestAPersonAndTheirOrganizationStayInStep(t *testing.T) {
	c, fake := setup(t)
	ctx := t.Context()
	acme, err := c.CreateOrganization(ctx, affinity.NewOrganization{Name: "Acme", Domain: "acme.com"})
	if err != nil {
		t.Fatal(err)
	}
	zoe, err := c.CreatePerson(ctx, affinity.NewPerson{FirstName: "Zoë", LastName: "Ångström", Emails: []string{"zoë@acme.com"}, OrganizationIDs: []int64{acme.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if zoe.FirstName != "Zoë" || zoe.PrimaryEmail != "zoë@acme.com" || !slices.Equal(zoe.OrganizationIDs, []int64{acme.ID}) {
		t.Errorf("created %+v", zoe)
	}
	org, err := c.GetOrganization(ctx, acme.ID, affinity.GetOrganizationOptions{})
	if err != nil || !slices.Equal(org.PersonIDs, []int64{zoe.ID}) {
		t.Fatalf("the organization names %v (%v), want the person", org.PersonIDs, err)
	}
	var people []affinity.Person
	for p, err := range c.OrganizationPersons(ctx, acme.ID) {
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, p)
	}
	if len(people) != 1 || people[0].ID != zoe.ID || people[0].LastName != "Ångström" || people[0].Type == nil || *people[0].Type != affinity.PersonExternal {
		t.Errorf("the organization's persons through v2: %+v", people)
	}
	// The organization's own update replaces person_ids: the person sees it.
	if _, err := c.UpdateOrganization(ctx, acme.ID, affinity.OrganizationUpdate{PersonIDs: []int64{}}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetPerson(ctx, zoe.ID, affinity.GetPersonOptions{WithCurrentOrganizations: true, WithOpportunities: true})
	if err != nil || len(got.OrganizationIDs) != 0 || got.CurrentOrganizationIDs == nil || got.OpportunityIDs == nil {
		t.Fatalf("after the organization dropped them: %+v (%v)", got, err)
	}
	// The person's update puts them back, with an address more.
	got, err = c.UpdatePerson(ctx, zoe.ID, affinity.PersonUpdate{Emails: []string{"zoë@acme.com", "z@ångström.se"}, OrganizationIDs: []int64{acme.ID}})
	if err != nil || len(got.Emails) != 2 || !slices.Equal(got.OrganizationIDs, []int64{acme.ID}) {
		t.Fatalf("update: %+v (%v)", got, err)
	}
	if o, _ := fake.Organization(acme.ID); !slices.Equal(o.PersonIDs, []int64{zoe.ID}) {
		t.Errorf("the fake's organization names %v", o.PersonIDs)
	}
	var orgs []affinity.Organization
	for o, err := range c.PersonOrganizations(ctx, zoe.ID) {
		if err != nil {
			t.Fatal(err)
		}
		orgs = append(orgs, o)
	}
	if len(orgs) != 1 || orgs[0].Name != "Acme" || orgs[0].Domain != "acme.com" {
		t.Errorf("the person's organizations: %+v", orgs)
	}
	if err := c.DeletePerson(ctx, zoe.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeletePerson(ctx, zoe.ID); !errors.Is(err, affinity.ErrNotFound) {
		t.Errorf("a second delete: %v, want ErrNotFound", err)
	}
	if o, _ := fake.Organization(acme.ID); len(o.PersonIDs) != 0 {
		t.Errorf("the deleted person is still on the organization: %v", o.PersonIDs)
	}
}

// Search pages by the size asked for, follows every token, and matches a term in names
// and addresses, case folded.
func TestPersonsFollowsEveryPage(t *testing.T) {
	c, fake := setup(t)
	for i := range 7 {
		fake.AddPersons(affinity.Person{FirstName: "Ada", LastName: fmt.Sprint("Lovelace ", i), Emails: []string{fmt.Sprintf("ada%d@example.com", i)}})
	}
	fake.AddPersons(affinity.Person{FirstName: "Grace", LastName: "Hopper", Emails: []string{"GRACE@navy.example"}})
	var names []string
	for p, err := range c.Persons(t.Context(), affinity.PersonQuery{Term: "ada", PageSize: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		if p.OrganizationIDs != nil {
			t.Errorf("a search result carries organization_ids: %+v", p)
		}
		names = append(names, p.LastName)
	}
	if len(names) != 7 || requestsTo(fake, "GET", "/persons") != 3 {
		t.Errorf("got %d persons in %d requests, want 7 in 3", len(names), requestsTo(fake, "GET", "/persons"))
	}
	page, err := c.PersonPage(t.Context(), affinity.PersonQuery{Term: "grace@"}, "")
	if err != nil || len(page.Persons) != 1 || page.NextPageToken != "" {
		t.Errorf("by address: %+v (%v)", page, err)
	}
}

// Both sides of every bound of the persons' input: the request that must pass and the
// one refused, naming its parameter, before anything is sent.
func TestPersonInputBounds(t *testing.T) {
	c, fake := setup(t)
	ctx := t.Context()
	for _, size := range []int{0, 1, affinity.MaxPageSize} {
		if _, err := c.PersonPage(ctx, affinity.PersonQuery{PageSize: size}, ""); err != nil {
			t.Errorf("page size %d: %v", size, err)
		}
	}
	sent := len(fake.Requests())
	refused := map[string]error{}
	_, refused["page_size"] = c.PersonPage(ctx, affinity.PersonQuery{PageSize: affinity.MaxPageSize + 1}, "")
	_, refused["page_size "] = c.PersonPage(ctx, affinity.PersonQuery{PageSize: -1}, "")
	_, refused["with_interaction_persons"] = c.PersonPage(ctx, affinity.PersonQuery{WithInteractionPersons: true}, "")
	_, refused["person_id"] = c.GetPerson(ctx, 0, affinity.GetPersonOptions{})
	_, refused["first_name"] = c.CreatePerson(ctx, affinity.NewPerson{LastName: "Doe"})
	_, refused["emails[1]"] = c.CreatePerson(ctx, affinity.NewPerson{FirstName: "A", Emails: []string{"a@b.c", ""}})
	_, refused["organization_ids[0]"] = c.CreatePerson(ctx, affinity.NewPerson{FirstName: "A", OrganizationIDs: []int64{-3}})
	_, refused["update"] = c.UpdatePerson(ctx, 5, affinity.PersonUpdate{})
	_, refused["person_id  "] = c.UpdatePerson(ctx, -1, affinity.PersonUpdate{FirstName: "A"})
	refused["person_id   "] = c.DeletePerson(ctx, 0)
	for param, err := range refused {
		var p *apicall.ParamError
		if !errors.As(err, &p) || p.Param != strings.TrimSpace(param) {
			t.Errorf("%s: got %v, want a ParamError naming it", param, err)
		}
	}
	if n := len(fake.Requests()); n != sent {
		t.Errorf("%d requests were sent for refused input", n-sent)
	}
	// A person with no address at all is created with an empty array, as required.
	p, err := c.CreatePerson(ctx, affinity.NewPerson{FirstName: "Nobody"})
	if err != nil || len(p.Emails) != 0 {
		t.Errorf("without addresses: %+v (%v)", p, err)
	}
	// An update can remove every address: an empty, non-nil slice is sent.
	if p, err = c.UpdatePerson(ctx, p.ID, affinity.PersonUpdate{Emails: []string{}}); err != nil || len(p.Emails) != 0 {
		t.Errorf("removing every address: %+v (%v)", p, err)
	}
}

// Affinity keeps one person per address: the second create is refused, as an *Error of
// 422, and the fake holds one person.
func TestASecondPersonOfAnAddressIsRefused(t *testing.T) {
	c, fake := setup(t)
	if _, err := c.CreatePerson(t.Context(), affinity.NewPerson{FirstName: "A", Emails: []string{"a@acme.com"}}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreatePerson(t.Context(), affinity.NewPerson{FirstName: "B", Emails: []string{"A@acme.com"}})
	var apiErr *affinity.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("got %v, want a 422", err)
	}
	if _, ok := fake.Person(3000002); ok {
		t.Error("the fake holds a second person")
	}
}

// An organization's persons come through v2 a hundred to a request, in the order of
// person_ids, each once: 100 persons are one request, 101 two, 250 three; and through
// v1 alone (WithV1Only) one request each, none to v2.
func TestOrganizationPersonsBatchesByAHundred(t *testing.T) {
	for _, n := range []int{0, 1, 100, 101, 250} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			c, fake := setup(t)
			fake.Add(affinity.Organization{ID: 7, Name: "Acme", Domains: []string{}})
			var ids []int64
			for i := range n {
				ids = append(ids, fake.AddPersons(affinity.Person{FirstName: "P", LastName: fmt.Sprint(i), OrganizationIDs: []int64{7}})...)
			}
			// person_ids in another order than the ids, with a repeat.
			slices.Reverse(ids)
			if n > 0 {
				o, _ := fake.Organization(7)
				o.PersonIDs = append(slices.Clone(ids), ids[0])
				fake.Add(o)
			}
			var got []int64
			for p, err := range c.OrganizationPersons(t.Context(), 7) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, p.ID)
			}
			if !slices.Equal(got, ids) {
				t.Errorf("got %d persons, want %d in person_ids' order", len(got), len(ids))
			}
			if want := (n + 99) / 100; requestsTo(fake, "GET", "/v2/persons") != want {
				t.Errorf("%d requests to v2, want %d", requestsTo(fake, "GET", "/v2/persons"), want)
			}
			if n > 101 {
				return
			}
			v1, err := fake.Client(affinity.WithV1Only())
			if err != nil {
				t.Fatal(err)
			}
			before := requestsTo(fake, "GET", "/persons/")
			got = got[:0]
			for p, err := range v1.OrganizationPersons(t.Context(), 7) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, p.ID)
			}
			if !slices.Equal(got, ids) || requestsTo(fake, "GET", "/persons/")-before != n {
				t.Errorf("through v1: %d persons in %d requests, want %d in %d", len(got), requestsTo(fake, "GET", "/persons/")-before, n, n)
			}
		})
	}
}

// Breaking out of the loop stops the requests: the first person of 250 costs the
// organization and one batch.
func TestOrganizationPersonsStopsWhenTheLoopDoes(t *testing.T) {
	c, fake := setup(t)
	fake.Add(affinity.Organization{ID: 7, Name: "Acme", Domains: []string{}})
	for range 250 {
		fake.AddPersons(affinity.Person{FirstName: "P", OrganizationIDs: []int64{7}})
	}
	for _, err := range c.OrganizationPersons(t.Context(), 7) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	if n := len(fake.Requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// An organization that does not exist is the organization's ErrNotFound; a bad id is
// refused before anything is sent.
func TestOrganizationPersonsOfNoOrganization(t *testing.T) {
	c, fake := setup(t)
	for _, err := range c.OrganizationPersons(t.Context(), 404) {
		if !errors.Is(err, affinity.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	}
	for _, err := range c.PersonOrganizations(t.Context(), 0) {
		var p *apicall.ParamError
		if !errors.As(err, &p) || p.Param != "person_id" {
			t.Errorf("got %v, want a ParamError", err)
		}
	}
	if n := len(fake.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// A call option is the call's: WithRetries(0) on one OrganizationPersons leaves the
// next call with the client's retries.
func TestOrganizationPersonsCallOptionsAreTheCallsOwn(t *testing.T) {
	c, fake := setup(t)
	fake.Add(affinity.Organization{ID: 7, Name: "Acme", Domains: []string{}})
	fake.AddPersons(affinity.Person{FirstName: "P", OrganizationIDs: []int64{7}})
	fake.Fail(affinitytest.Fault{}, affinitytest.ServerError(503))
	for _, err := range c.OrganizationPersons(t.Context(), 7, option.WithRetries(0)) {
		if err == nil {
			t.Error("the 503 of the v2 batch was retried despite WithRetries(0)")
		}
	}
	fake.Fail(affinitytest.Fault{}, affinitytest.ServerError(503))
	for _, err := range c.OrganizationPersons(t.Context(), 7) {
		if err != nil {
			t.Errorf("with the client's retries: %v", err)
		}
	}
}

// person_ids as a hostile server may send them, with a null, a repeat and a negative
// id: only the real id is asked for, once, and a person the request did not ask for is
// not added to the organization's people.
func TestOrganizationPersonsAsksOnlyForRealIDs(t *testing.T) {
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/organizations/7":
			fmt.Fprint(w, `{"id":7,"name":"Acme","domain":null,"domains":[],"global":false,"person_ids":[null,5,5,-1]}`)
		case "/v2/persons":
			asked = append(asked, r.URL.Query()["ids"]...)
			fmt.Fprint(w, `{"data":[{"id":5,"firstName":"Zoë","lastName":null,"primaryEmailAddress":null,"emailAddresses":[],"type":"internal"},`+
				`{"id":6,"firstName":"Stranger","lastName":null,"primaryEmailAddress":null,"emailAddresses":[],"type":"external"}],"pagination":{"prevUrl":null,"nextUrl":null}}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	var got []affinity.Person
	for p, err := range c.OrganizationPersons(t.Context(), 7) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p)
	}
	if !slices.Equal(asked, []string{"5"}) || len(got) != 1 || got[0].FirstName != "Zoë" || got[0].Type == nil || *got[0].Type != affinity.PersonInternal {
		t.Errorf("asked for %v, got %+v", asked, got)
	}
}
