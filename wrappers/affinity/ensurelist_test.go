package affinity_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// writesSince counts the requests from the from-th on that change something.
func writesSince(fake *affinitytest.Server, from int) int {
	n := 0
	for _, r := range fake.Requests()[from:] {
		if r.Method != http.MethodGet {
			n++
		}
	}
	return n
}

func ensure(t testing.TB, c *affinity.Client, list int64, domains []string) (results []affinity.OnList, errs []error) {
	t.Helper()
	for r, err := range c.EnsureOrganizationsOnList(t.Context(), list, domains) {
		results = append(results, r)
		errs = append(errs, err)
	}
	return results, errs
}

func TestEnsureOnListTwiceCreatesNothingTheSecondTime(t *testing.T) {
	c, fake := setup(t)
	list := fake.GenerateList("Deal Flow", 3, 2) // three organizations already on it
	fake.Add(affinity.Organization{ID: 80, Name: "Known", Domain: "known.com", Domains: []string{"known.com"}})
	domains := []string{"https://www.known.com", "new.io", "bücher.de", "NEW.io/pricing", "acme.co.uk", "not a domain"}

	first, errs := ensure(t, c, list, domains)
	if len(first) != 5 { // new.io twice is done once
		t.Fatalf("%d results; want 5: %+v", len(first), first)
	}
	var pe *apicall.ParamError
	if !errors.As(errs[4], &pe) || first[4].Domain != "not a domain" {
		t.Errorf("the bad domain: %+v, %v", first[4], errs[4])
	}
	for i, r := range first[:4] {
		if errs[i] != nil || !r.CreatedEntry || r.Entry.ListID != list || r.Entry.EntityID != r.Organization.ID {
			t.Errorf("%s: %+v, %v; want it added to the list", r.Domain, r, errs[i])
		}
	}
	if first[0].CreatedOrganization || first[0].Organization.ID != 80 || !first[1].CreatedOrganization || first[2].Normalized != "xn--bcher-kva.de" {
		t.Errorf("first run: %+v", first)
	}

	from := len(fake.Requests())
	second, errs := ensure(t, c, list, domains)
	if n := writesSince(fake, from); n != 0 {
		t.Errorf("the second run wrote %d times", n)
	}
	for i, r := range second[:4] {
		if errs[i] != nil || r.CreatedOrganization || r.CreatedEntry || r.Organization.ID != first[i].Organization.ID || r.Entry.ID != first[i].Entry.ID {
			t.Errorf("second run, %s: %+v, %v; want the same organization and entry, found", r.Domain, r, errs[i])
		}
	}
	// 1 read of the list, and 1 search for each of the 4 domains.
	if n := len(fake.Requests()) - from; n != 5 {
		t.Errorf("the second run sent %d requests; want 5", n)
	}
}

func TestEnsureOnListLeavesAConflictAlone(t *testing.T) {
	c, fake := setup(t)
	list := fake.GenerateList("Deal Flow", 0, 0)
	fake.Add(affinity.Organization{ID: 90, Name: "Acme", Domain: "acme.com", Domains: []string{"acme.com"}},
		affinity.Organization{ID: 91, Name: "Acme 2", Domain: "acme.com", Domains: []string{"acme.com"}})
	results, errs := ensure(t, c, list, []string{"acme.com", "beta.com"})
	if asConflict(t, errs[0]); results[0].CreatedEntry || errs[1] != nil || !results[1].CreatedEntry {
		t.Errorf("%+v %v", results, errs)
	}
	if n := writesSince(fake, 0); n != 2 { // beta.com's organization and entry; nothing for acme.com
		t.Errorf("%d writes; want 2", n)
	}
}

func TestEnsureOnListStopsWhenAsked(t *testing.T) {
	c, fake := setup(t)
	list := fake.GenerateList("Deal Flow", 0, 0)
	n := 0
	for range c.EnsureOrganizationsOnList(t.Context(), list, []string{"a.com", "b.com", "c.com"}) {
		n++
		break
	}
	if n != 1 || fake.Len() != 1 {
		t.Errorf("%d yielded, %d organizations; want 1 and 1", n, fake.Len())
	}
	for _, err := range c.EnsureOrganizationsOnList(t.Context(), 0, []string{"a.com"}) {
		var pe *apicall.ParamError
		if !errors.As(err, &pe) {
			t.Errorf("list 0: %v", err)
		}
	}
}

// The new user's program: 500 domains onto the Deal Flow list, run twice. Reports the
// requests per domain of each run, and the writes of the second (0).
func BenchmarkEnsure500DomainsOnDealFlow(b *testing.B) {
	domains := make([]string, 500)
	for i := range domains {
		domains[i] = fmt.Sprintf("https://www.company%03d.com/", i)
	}
	var firstReqs, secondReqs, secondWrites float64
	for b.Loop() {
		fake := affinitytest.NewServer(key, affinitytest.WithTest(b))
		c, err := fake.Client()
		if err != nil {
			b.Fatal(err)
		}
		list := affinity.List{ID: fake.GenerateList("Deal Flow", 0, 0)}
		before := len(fake.Requests())
		for _, err := range c.EnsureOrganizationsOnList(b.Context(), list.ID, domains) {
			if err != nil {
				b.Fatal(err)
			}
		}
		mid := len(fake.Requests())
		for _, err := range c.EnsureOrganizationsOnList(b.Context(), list.ID, domains) {
			if err != nil {
				b.Fatal(err)
			}
		}
		end := len(fake.Requests())
		firstReqs = float64(mid-before) / float64(len(domains))
		secondReqs = float64(end-mid) / float64(len(domains))
		secondWrites = float64(writesSince(fake, mid))
		fake.Close()
	}
	b.ReportMetric(firstReqs, "first-run-requests/domain")
	b.ReportMetric(secondReqs, "second-run-requests/domain")
	b.ReportMetric(secondWrites, "second-run-writes")
}
