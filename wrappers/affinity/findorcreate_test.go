package affinity_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// creates counts the organization creates the fake received.
func creates(fake *affinitytest.Server) int {
	n := 0
	for _, r := range fake.Requests() {
		if r.Method == http.MethodPost && r.Path == "/organizations" {
			n++
		}
	}
	return n
}

// asConflict is err's *DomainConflictError, failing the test when it has none.
func asConflict(t *testing.T, err error) *affinity.DomainConflictError {
	t.Helper()
	var ce *affinity.DomainConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not a *DomainConflictError", err)
	}
	return ce
}

// Decoys a search by "acme.com" finds by part of a name or domain, none of them of
// the domain acme.com.
func addDecoys(fake *affinitytest.Server) {
	fake.Add(
		affinity.Organization{ID: 11, Name: "Not Acme", Domain: "notacme.com", Domains: []string{"notacme.com"}},
		affinity.Organization{ID: 12, Name: "Acme UK", Domain: "acme.co.uk", Domains: []string{"acme.co.uk"}},
		affinity.Organization{ID: 13, Name: "Acme DE", Domain: "acme.de", Domains: []string{"acme.de"}},
		affinity.Organization{ID: 14, Name: "acme.com fans"},
		affinity.Organization{ID: 15, Name: "Acme lookalike", Domain: "acme.com.evil.example", Domains: []string{"acme.com.evil.example"}},
	)
}

func TestFindOrCreateNoneCreatesOnceThenFinds(t *testing.T) {
	c, fake := setup(t)
	addDecoys(fake)
	org, created, err := c.FindOrCreateOrganization(t.Context(), "https://www.Acme.com/about", affinity.NewOrganization{})
	if err != nil || !created {
		t.Fatalf("first call: created %v, %v; want a create", created, err)
	}
	if org.Name != "acme.com" || org.Domain != "acme.com" {
		t.Errorf("created %q of domain %q; want the name to default to the normalised domain", org.Name, org.Domain)
	}
	if stored, ok := fake.Organization(org.ID); !ok || stored.Domain != "acme.com" {
		t.Errorf("the fake holds %+v, %v", stored, ok)
	}
	again, created, err := c.FindOrCreateOrganization(t.Context(), "ACME.com.", affinity.NewOrganization{Name: "Acme"})
	if err != nil || created || again.ID != org.ID {
		t.Fatalf("second call: %d, created %v, %v; want %d found", again.ID, created, err, org.ID)
	}
	if n := creates(fake); n != 1 {
		t.Errorf("%d creates; want 1", n)
	}
}

func TestFindOrCreateOneMatchByAnyDomain(t *testing.T) {
	c, fake := setup(t)
	addDecoys(fake)
	fake.Add(affinity.Organization{ID: 20, Name: "Acme", Domain: "acme.com", Domains: []string{"acme.com", "WWW.Acme-Labs.io"}})
	for _, in := range []string{"acme.com", "shop.acme.com", "acme-labs.io", "https://acme-labs.io:443/x"} {
		org, created, err := c.FindOrCreateOrganization(t.Context(), in, affinity.NewOrganization{Name: "Acme"})
		if err != nil || created || org.ID != 20 {
			t.Errorf("%q: %d, created %v, %v; want 20 found", in, org.ID, created, err)
		}
	}
	if n := creates(fake); n != 0 {
		t.Errorf("%d creates; want none", n)
	}
}

func TestFindOrCreateSeveralMatchesCreatesNothing(t *testing.T) {
	c, fake := setup(t)
	addDecoys(fake)
	fake.Add(affinity.Organization{ID: 30, Name: "Acme", Domain: "acme.com", Domains: []string{"acme.com"}},
		affinity.Organization{ID: 31, Name: "Acme Inc.", Domains: []string{"www.acme.com"}})
	org, created, err := c.FindOrCreateOrganization(t.Context(), "acme.com", affinity.NewOrganization{})
	ce := asConflict(t, err)
	if created || org.ID != 0 {
		t.Errorf("returned %d, created %v; want nothing", org.ID, created)
	}
	if ce.CreatedID != 0 || !slices.Equal(ce.IDs, []int64{30, 31}) || !slices.Equal(ce.Names, []string{"Acme", "Acme Inc."}) {
		t.Errorf("conflict %+v", ce)
	}
	if errors.Is(err, affinity.ErrApplied) {
		t.Error("a conflict before any create matches ErrApplied")
	}
	for _, want := range []string{"2 organizations", "acme.com", `"Acme" (id 30)`, `"Acme Inc." (id 31)`, "nothing was created"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	if n := creates(fake); n != 0 {
		t.Errorf("%d creates; want none", n)
	}
}

func TestFindOrCreateRegionalDomainsStayApart(t *testing.T) {
	c, fake := setup(t)
	fake.Add(affinity.Organization{ID: 40, Name: "Acme", Domain: "acme.com", Domains: []string{"acme.com"}},
		affinity.Organization{ID: 41, Name: "Acme DE", Domain: "acme.de", Domains: []string{"acme.de"}})
	org, created, err := c.FindOrCreateOrganization(t.Context(), "www.shop.acme.co.uk", affinity.NewOrganization{Name: "Acme UK"})
	if err != nil || !created || org.Domain != "acme.co.uk" {
		t.Fatalf("acme.co.uk: %+v, created %v, %v; want a new organization of acme.co.uk", org, created, err)
	}
	de, created, err := c.FindOrCreateOrganization(t.Context(), "ACME.de", affinity.NewOrganization{})
	if err != nil || created || de.ID != 41 {
		t.Errorf("acme.de: %d, created %v, %v; want 41 found", de.ID, created, err)
	}
	uk, created, err := c.FindOrCreateOrganization(t.Context(), "acme.co.uk", affinity.NewOrganization{})
	if err != nil || created || uk.ID != org.ID {
		t.Errorf("acme.co.uk again: %d, created %v, %v; want %d found", uk.ID, created, err, org.ID)
	}
}

func TestFindOrCreateNonASCIIDomain(t *testing.T) {
	c, fake := setup(t)
	fake.Add(affinity.Organization{ID: 50, Name: "Bücher", Domain: "xn--bcher-kva.de", Domains: []string{"xn--bcher-kva.de"}})
	org, created, err := c.FindOrCreateOrganization(t.Context(), "https://BÜCHER.de/", affinity.NewOrganization{})
	if err != nil || created || org.ID != 50 {
		t.Errorf("%d, created %v, %v; want 50 found", org.ID, created, err)
	}
}

func TestFindOrCreateRefusesBadInputBeforeSending(t *testing.T) {
	c, fake := setup(t)
	for _, in := range []string{"", "co.uk", "192.168.1.1", "acme .com", "acme.com\x00", "\ufeff"} {
		_, _, err := c.FindOrCreateOrganization(t.Context(), in, affinity.NewOrganization{})
		var pe *apicall.ParamError
		if !errors.As(err, &pe) || pe.Param != "domain" || !strings.Contains(pe.Reason, strings.TrimSpace(strings.Trim(in, "\x00\ufeff"))) {
			t.Errorf("%q: %v; want a ParamError for domain quoting the input", in, err)
		}
	}
	_, _, err := c.FindOrCreateOrganization(t.Context(), "acme.com", affinity.NewOrganization{Domain: "acme.de"})
	var pe *apicall.ParamError
	if !errors.As(err, &pe) || pe.Param != "create.domain" {
		t.Errorf("a create of another domain: %v; want a ParamError for create.domain", err)
	}
	// The same domain written another way is fine.
	if _, _, err := c.FindOrCreateOrganization(t.Context(), "acme.com", affinity.NewOrganization{Domain: "https://www.acme.com"}); err != nil {
		t.Errorf("a create of the same domain: %v", err)
	}
	if n := fake.Hits(); n != 3 {
		t.Errorf("%d requests; want 3, all of the last call (the refused ones send nothing)", n)
	}
}

// gate serves the fake with a hook before each request, so that a test can interleave
// two callers deterministically.
func gate(t *testing.T, hook func(w http.ResponseWriter, r *http.Request, serve func())) (*affinity.Client, *affinitytest.Server) {
	t.Helper()
	fake := affinitytest.NewUnstartedServer(key, affinitytest.WithTest(t))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hook(w, r, func() { fake.Handler().ServeHTTP(w, r) })
	}))
	t.Cleanup(srv.Close)
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), option.WithHTTPClient(srv.Client()), option.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return c, fake
}

// Two callers both find nothing, both create, and only then look again: each must
// report the other's organization, and say that its own create was applied.
func TestFindOrCreateRaceBothCreateBothReport(t *testing.T) {
	var mu sync.Mutex
	searches, searched, made := 0, 0, 0 // searches begun, first searches answered, creates
	bothSearched, bothCreated := make(chan struct{}), make(chan struct{})
	c, fake := gate(t, func(w http.ResponseWriter, r *http.Request, serve func()) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/organizations":
			mu.Lock()
			searches++
			first := searches <= 2
			mu.Unlock()
			if !first {
				<-bothCreated // a look after a create waits for the other create
			}
			serve()
			if first {
				// Counted apart from searches begun: both first searches may finish
				// after the second has begun, and only the one that finishes last
				// may close the channel.
				mu.Lock()
				if searched++; searched == 2 {
					close(bothSearched)
				}
				mu.Unlock()
			}
		case r.Method == http.MethodPost && r.URL.Path == "/organizations":
			<-bothSearched // neither creates before both have looked
			serve()
			mu.Lock()
			if made++; made == 2 {
				close(bothCreated)
			}
			mu.Unlock()
		default:
			serve()
		}
	})
	type result struct {
		org     affinity.Organization
		created bool
		err     error
	}
	results := make([]result, 2)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			o, created, err := c.FindOrCreateOrganization(t.Context(), "acme.com", affinity.NewOrganization{Name: "Acme"})
			results[i] = result{o, created, err}
		})
	}
	wg.Wait()
	if fake.Len() != 2 {
		t.Fatalf("the fake holds %d organizations; the interleaving should have made 2", fake.Len())
	}
	for i, r := range results {
		if !r.created || r.org.ID == 0 {
			t.Errorf("caller %d: created %v, id %d; the create was applied and must be reported so", i, r.created, r.org.ID)
		}
		ce := asConflict(t, r.err)
		if ce.CreatedID != r.org.ID || len(ce.IDs) != 2 || ce.IDs[0] != r.org.ID {
			t.Errorf("caller %d: conflict %+v; want its own id first, then the other", i, ce)
		}
		if !errors.Is(r.err, affinity.ErrApplied) {
			t.Errorf("caller %d: %v does not match ErrApplied", i, r.err)
		}
	}
	if results[0].org.ID == results[1].org.ID {
		t.Error("both callers report the same organization")
	}
}

// Without a forced interleaving, two callers leave one organization, or two with at
// least one of them reported: never two in silence.
func TestFindOrCreateRaceNeverTwoSilently(t *testing.T) {
	for range 20 {
		c, fake := setup(t)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				_, _, errs[i] = c.FindOrCreateOrganization(t.Context(), "acme.com", affinity.NewOrganization{})
			})
		}
		wg.Wait()
		reported := 0
		for _, err := range errs {
			var ce *affinity.DomainConflictError
			switch {
			case errors.As(err, &ce):
				reported++
			case err != nil:
				t.Fatal(err)
			}
		}
		switch n := fake.Len(); {
		case n == 1 && reported == 0:
		case n == 2 && reported > 0:
		default:
			t.Fatalf("%d organizations, %d conflicts reported", n, reported)
		}
	}
}

// A failure of the look after a create still returns the organization created, and
// says that it was.
func TestFindOrCreateRecheckFailureKeepsTheCreate(t *testing.T) {
	var mu sync.Mutex
	searches := 0
	c, fake := gate(t, func(w http.ResponseWriter, r *http.Request, serve func()) {
		if r.Method == http.MethodGet && r.URL.Path == "/organizations" {
			mu.Lock()
			searches++
			second := searches == 2
			mu.Unlock()
			if second {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"message": "down"}`))
				return
			}
		}
		serve()
	})
	org, created, err := c.FindOrCreateOrganization(t.Context(), "acme.com", affinity.NewOrganization{})
	if !created || org.ID == 0 {
		t.Fatalf("created %v, id %d; the create was applied", created, org.ID)
	}
	if err == nil || !strings.Contains(err.Error(), "created organization") {
		t.Errorf("%v; want the search's failure, saying the organization was created", err)
	}
	var apiErr *affinity.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("%v does not wrap the 503", err)
	}
	if fake.Len() != 1 {
		t.Errorf("the fake holds %d organizations; want 1", fake.Len())
	}
}
