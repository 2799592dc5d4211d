package apollo_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/option"
)

// A search page whose organizations or accounts are null is a malformed body naming
// the member, not an empty page that would end the listing; left out, each is read as
// none, as the spec allows.
func TestSearchPageRefusesANullArray(t *testing.T) {
	for _, c := range []struct{ body, pointer string }{
		{`{"pagination":{"page":1,"per_page":10,"total_entries":0,"total_pages":1},"organizations":null,"accounts":[]}`, "/organizations"},
		{`{"pagination":{"page":1,"per_page":10,"total_entries":0,"total_pages":1},"organizations":[],"accounts":null}`, "/accounts"},
		{`{"pagination":{"page":1,"per_page":10,"total_entries":0,"total_pages":1}}`, ""},
		{`{"pagination":{"page":1,"per_page":10,"total_entries":1,"total_pages":1},"organizations":[{"id":"a1","name":"Ünï"}]}`, ""},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, c.body)
		}))
		client, err := apollo.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		p, err := client.CompanyPage(t.Context(), apollo.CompanyQuery{}, 1)
		srv.Close()
		var missing *apicall.MissingMemberError
		switch {
		case c.pointer == "" && err != nil:
			t.Errorf("%s: %v", c.body, err)
		case c.pointer == "" && len(p.Organizations) > 0 && p.Organizations[0].Name != "Ünï":
			t.Errorf("%s: %+v", c.body, p.Organizations)
		case c.pointer != "" && (!errors.Is(err, apollo.ErrMalformedBody) || !errors.As(err, &missing) || missing.Pointer() != c.pointer):
			t.Errorf("%s: err = %v, want a malformed body naming %s", c.body, err, c.pointer)
		}
	}
}

// A phone number Apollo could not normalise comes with sanitized_number null (seen in
// a live search answer): the organization is read, the number as written kept, and
// the normalised one empty; one it did normalise is read as sent.
func TestSearchReadsANullSanitizedNumber(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"pagination":{"page":1,"per_page":10,"total_entries":2,"total_pages":1},"organizations":[
			{"id":"a1","name":"Ünï","primary_phone":{"number":"+1 415-640-9303 ext. 0","source":"Account","sanitized_number":null}},
			{"id":"a2","name":"Two","primary_phone":{"number":"+1 800-555-0199","source":"Scraped","sanitized_number":"+18005550199"}}]}`)
	}))
	t.Cleanup(srv.Close)
	client, err := apollo.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	p, err := client.CompanyPage(t.Context(), apollo.CompanyQuery{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Organizations) != 2 || p.Organizations[0].PrimaryPhone.Number != "+1 415-640-9303 ext. 0" || p.Organizations[0].PrimaryPhone.SanitizedNumber != "" ||
		p.Organizations[1].PrimaryPhone.SanitizedNumber != "+18005550199" {
		t.Errorf("organizations %+v", p.Organizations)
	}
}
