package contract

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/orgapis/orgapis/specs"
)

// The Affinity spec states the version it describes, and every v2 operation, and no
// v1 one, is versioned: an exchange says what version it sent (none included) and
// was answered in, whatever the case of the header's name; Apollo's spec states none.
func TestVersionReadsWhatAnExchangeSent(t *testing.T) {
	v, err := NewEmbedded(t.Context(), specs.Affinity)
	if err != nil {
		t.Fatal(err)
	}
	header, version := v.SpecVersion()
	if header != "X-Affinity-Api-Version" || version != "2026-09-17" {
		t.Fatalf("spec version %q %q", header, version)
	}
	ex := func(path string, sent ...string) Exchange {
		h := http.Header{}
		if len(sent) > 0 {
			h["x-affinity-api-version"] = sent // lower case, as a recorder may keep it
		}
		e := Exchange{Method: "GET", URL: &url.URL{Scheme: "https", Host: "api.affinity.co", Path: path}, RequestHeader: http.Header{},
			Status: 200, ResponseHeader: http.Header{"X-Affinity-Api-Version": {"2026-07-15"}}}
		for k, vs := range h {
			for _, s := range vs {
				e.RequestHeader.Add(k, s)
			}
		}
		return e
	}
	for _, c := range []struct {
		ex      Exchange
		ok      bool
		sent    string
		differs bool
	}{
		{ex("/v2/companies", "2026-09-17"), true, "2026-09-17", false},
		{ex("/v2/lists/1/list-entries", "2026-07-15"), true, "2026-07-15", true},
		{ex("/v2/auth/whoami"), true, "", true},
		{ex("/v2/companies/9", "2024-01-01", "2026-09-17"), true, "2024-01-01", true},
		{ex("/organizations", "2026-07-15"), false, "", false},
		{ex("/v2/nowhere", "2026-07-15"), false, "", false},
	} {
		op, _ := v.Check(c.ex)
		got, ok := v.Version(op, c.ex)
		if ok != c.ok || got.Sent != c.sent || got.Differs() != c.differs || ok && (got.Spec != version || got.Header != header || got.Answered != "2026-07-15") {
			t.Errorf("%s %v: %+v %v (differs %v); want %v, sent %q, differs %v", c.ex.URL.Path, c.ex.RequestHeader, got, ok, got.Differs(), c.ok, c.sent, c.differs)
		}
	}
	apollo, err := NewEmbedded(t.Context(), specs.Apollo)
	if err != nil {
		t.Fatal(err)
	}
	if h, ver := apollo.SpecVersion(); h != "" || ver != "" {
		t.Errorf("Apollo's spec states version %q %q", h, ver)
	}
	e := Exchange{Method: "POST", URL: &url.URL{Scheme: "https", Host: "api.apollo.io", Path: "/api/v1/mixed_companies/search"}}
	op, _ := apollo.Check(e)
	if _, ok := apollo.Version(op, e); op == "" || ok {
		t.Errorf("an Apollo exchange (%q) is versioned", op)
	}
}
