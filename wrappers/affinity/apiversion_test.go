package affinity_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// everyKind calls the client's v2 reads (pages of rows past the first, companies, a
// company, lists through Do), a v2 write and v1 reads and writes, on a fake with a
// list of 150 entries.
func everyKind(t *testing.T, c *affinity.Client, listName string) {
	t.Helper()
	ctx := t.Context()
	list, err := c.ListByName(ctx, listName) // v1
	if err != nil {
		t.Fatal(err)
	}
	status, err := list.Field("Status")
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	var entryID int64
	for row, err := range c.ListRows(ctx, list.ID, affinity.RowOptions{}) { // v2, two pages
		if err != nil {
			t.Fatal(err)
		}
		rows++
		entryID = row.Entry.ID
	}
	if rows != 150 {
		t.Fatalf("%d rows, want 150", rows)
	}
	companies := 0
	for co, err := range c.Companies(ctx, affinity.CompanyQuery{Fields: affinity.FieldSelection{Kinds: []affinity.FieldKind{affinity.FieldGlobal}}}) {
		if err != nil {
			t.Fatal(err)
		}
		if companies++; companies == 1 {
			if _, err := c.GetCompany(ctx, co.ID, affinity.FieldSelection{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := c.SetListEntryField(ctx, list.ID, entryID, status, []affinity.SetValue{affinity.TextValue("Won")}); err != nil {
		t.Log(err) // refused or not, the request was sent
	}
	if err := c.Do(ctx, http.MethodGet, "/v2/lists", nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, http.MethodGet, "/lists", nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WhoAmI(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListLists(ctx); err != nil {
		t.Fatal(err)
	}
}

// versionsSent counts the fake's requests by API and the version each carried.
func versionsSent(reqs []affinitytest.Request) (v1, v2 map[string]int) {
	v1, v2 = map[string]int{}, map[string]int{}
	for _, r := range reqs {
		if strings.HasPrefix(r.Path, "/v2/") {
			v2[r.APIVersion]++
		} else {
			v1[r.APIVersion]++
		}
	}
	return v1, v2
}

// Every v2 request carries the pinned version, pages after the first, writes and Do's
// included; no v1 request carries one.
func TestEveryV2RequestCarriesThePinnedVersion(t *testing.T) {
	fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
	fake.GenerateList("Deal Flow", 150, 3)
	c, err := fake.Client()
	if err != nil {
		t.Fatal(err)
	}
	everyKind(t, c, "Deal Flow")
	v1, v2 := versionsSent(fake.Requests())
	if len(v2) != 1 || v2[affinity.APIVersion] < 5 {
		t.Errorf("v2 requests by version sent: %v, want at least 5, all %s", v2, affinity.APIVersion)
	}
	if len(v1) != 1 || v1[""] < 3 {
		t.Errorf("v1 requests by version sent: %v, want at least 3, none with a version", v1)
	}
}

// WithAPIVersion changes the version of its client only: a second client of the same
// fake, made after it, keeps the pinned one, and calls alternating between them each
// send their client's.
func TestWithAPIVersionChangesItsClientOnly(t *testing.T) {
	fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
	fake.GenerateList("Deal Flow", 150, 3)
	older, err := fake.Client(affinity.WithAPIVersion("2026-07-15"))
	if err != nil {
		t.Fatal(err)
	}
	pinned, err := fake.Client()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		client *affinity.Client
		want   string
	}{{older, "2026-07-15"}, {pinned, affinity.APIVersion}, {older, "2026-07-15"}} {
		before := len(fake.Requests())
		everyKind(t, c.client, "Deal Flow")
		v1, v2 := versionsSent(fake.Requests()[before:])
		if len(v2) != 1 || v2[c.want] < 5 || len(v1) != 1 || v1[""] < 3 {
			t.Errorf("want every v2 request with %s and no v1 one with any: v2 sent %v, v1 %v", c.want, v2, v1)
		}
	}
}

// A version not written YYYY-MM-DD, or no date, is refused when the client is made,
// naming the option; Affinity's "current" too, since it follows breaking changes.
func TestWithAPIVersionRefusesWhatIsNotADate(t *testing.T) {
	for _, v := range []string{"", "current", "2026-9-17", "2026-09-17 ", " 2026-09-17", "2026-02-30", "2026-13-01",
		"２０２６-09-17", "2026-09-17\x00", "\ufeff2026-09-17", "2026/09/17", "26-09-17", "2026-09-17T00:00:00Z"} {
		_, err := affinity.NewClient(key, affinity.WithAPIVersion(v))
		var pe *apicall.ParamError
		if !errors.As(err, &pe) || pe.Param != "WithAPIVersion" || !strings.Contains(err.Error(), "YYYY-MM-DD") {
			t.Errorf("WithAPIVersion(%q): err = %v, want a *apicall.ParamError naming WithAPIVersion and the form", v, err)
		}
	}
	for _, v := range []string{"2024-01-01", "2026-07-15", affinity.APIVersion, "2030-01-31"} {
		if _, err := affinity.NewClient(key, affinity.WithAPIVersion(v)); err != nil {
			t.Errorf("WithAPIVersion(%q): %v", v, err)
		}
	}
}

// A date Affinity does not publish passes the client (a later version is a date the
// package cannot know) and is refused by the service, as by the fake: a 400 naming the
// header, on v2 only; the client's v1 calls are unaffected.
func TestAnUnpublishedVersionIsABadRequestNamingTheHeader(t *testing.T) {
	fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
	fake.Generate(3)
	c, err := fake.Client(affinity.WithAPIVersion("2025-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetCompany(t.Context(), 1000, affinity.FieldSelection{})
	var ae *affinity.Error
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest || !strings.Contains(ae.Message, affinity.APIVersionHeader) ||
		!strings.Contains(ae.Message, "2025-01-01") {
		t.Fatalf("err = %v, want a 400 naming %s and the version", err, affinity.APIVersionHeader)
	}
	if _, err := c.GetOrganization(t.Context(), 1000, affinity.GetOrganizationOptions{}); err != nil {
		t.Errorf("a v1 call of the same client: %v", err)
	}
	for _, v := range []string{"2024-01-01", "2026-07-15", affinity.APIVersion} {
		c, err := fake.Client(affinity.WithAPIVersion(v))
		if err != nil {
			t.Fatal(err)
		}
		var resp affinity.Response
		if _, err := c.GetCompany(context.Background(), 1000, affinity.FieldSelection{}, affinity.WithResponseInto(&resp)); err != nil {
			t.Errorf("%s: %v", v, err)
		}
	}
}

// A client of another version than the package's: the fake answers by the version
// asked, and names it in the answer, as Affinity does.
func ExampleWithAPIVersion() {
	fake := affinitytest.NewServer("key")
	defer fake.Close()
	fake.Generate(1)
	client, err := fake.Client(affinity.WithAPIVersion("2026-07-15"))
	if err != nil {
		log.Fatal(err)
	}
	co, err := client.GetCompany(context.Background(), 1000, affinity.FieldSelection{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d read with %s; the package is written for %s\n", co.ID, fake.Requests()[0].APIVersion, affinity.APIVersion)
	// Output: 1000 read with 2026-07-15; the package is written for 2026-09-17
}
