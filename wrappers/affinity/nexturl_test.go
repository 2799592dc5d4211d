package affinity_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/option"
)

// nextURLCase is a v2 nextUrl for a path, made from the client's base URL (self, an
// http://127.0.0.1:port URL) and another server's on the same host (other), and
// whether it is on the client's own origin. An origin is scheme, host and port:
// another port or another scheme on the same host is another origin.
type nextURLCase struct {
	name string
	url  func(t *testing.T, self, other string) string
	own  bool
}

func nextURLCases(path string) []nextURLCase {
	parse := func(t *testing.T, self, other string) (s, o *url.URL) {
		t.Helper()
		s, err := url.Parse(self)
		if err != nil {
			t.Fatal(err)
		}
		if o, err = url.Parse(other); err != nil {
			t.Fatal(err)
		}
		if s.Hostname() != o.Hostname() || s.Port() == o.Port() {
			t.Fatalf("%s and %s are not two ports of one host", self, other)
		}
		return s, o
	}
	const query = "?cursor=c2"
	return []nextURLCase{
		{"the same origin", func(t *testing.T, self, other string) string { return self + path + query }, true},
		{"another port of the same host", func(t *testing.T, self, other string) string {
			parse(t, self, other)
			return other + path + query
		}, false},
		{"https on the same host and port", func(t *testing.T, self, other string) string {
			s, _ := parse(t, self, other)
			return "https://" + s.Host + path + query
		}, false},
		{"the same host without its port", func(t *testing.T, self, other string) string {
			s, _ := parse(t, self, other)
			return "http://" + s.Hostname() + path + query
		}, false},
		{"another name of the host, on the same port", func(t *testing.T, self, other string) string {
			s, _ := parse(t, self, other)
			return "http://localhost:" + s.Port() + path + query
		}, false},
	}
}

// A v2 listing's nextUrl is followed only on the client's own origin: the same
// address with another port or scheme is refused as a malformed page naming
// /pagination/nextUrl, and nothing reaches the other port; the same origin is read on.
func TestListRowsV2NextURLOnAnotherPortIsAnotherOrigin(t *testing.T) {
	other := newElsewhere(t)
	for _, c := range nextURLCases("/v2/lists/5/list-entries") {
		t.Run(c.name, func(t *testing.T) {
			pages := 1
			if c.own {
				pages = 2
			}
			client, n := v2Pages(t, pages, func(i int, self string) string {
				if i == 2 {
					return page(1, 3, "")
				}
				return page(2, 1, c.url(t, self, other.URL))
			})
			rows, err := drain(client)
			switch {
			case c.own && (err != nil || rows != 3 || n.Load() != 2):
				t.Errorf("%d rows in %d requests, err = %v; want 3 rows in 2", rows, n.Load(), err)
			case !c.own && (rows != 0 || !errors.Is(err, affinity.ErrMalformedBody) || !strings.Contains(err.Error(), "/pagination/nextUrl")):
				t.Errorf("%d rows, err = %v; want the page refused as malformed at /pagination/nextUrl", rows, err)
			}
			if other.hits.Load() != 0 {
				t.Errorf("the other port got %d requests", other.hits.Load())
			}
		})
	}
}

// The same for a page of companies: NextCursor is the cursor of a nextUrl on the
// client's own origin, and a nextUrl elsewhere is a malformed page.
func TestCompanyPageNextURLOnAnotherPortIsAnotherOrigin(t *testing.T) {
	other := newElsewhere(t)
	var next string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":[],"pagination":{"prevUrl":null,"nextUrl":%q}}`, next)
	}))
	t.Cleanup(srv.Close)
	client, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range nextURLCases("/v2/companies") {
		t.Run(c.name, func(t *testing.T) {
			next = c.url(t, srv.URL, other.URL)
			p, err := client.CompanyPage(t.Context(), affinity.CompanyQuery{}, "")
			switch {
			case c.own && (err != nil || p.NextCursor != "c2"):
				t.Errorf("NextCursor %q, err = %v; want c2", p.NextCursor, err)
			case !c.own && (p.NextCursor != "" || !errors.Is(err, affinity.ErrMalformedBody) || !strings.Contains(err.Error(), "/pagination/nextUrl")):
				t.Errorf("NextCursor %q, err = %v; want the page refused as malformed at /pagination/nextUrl", p.NextCursor, err)
			}
		})
	}
	if other.hits.Load() != 0 {
		t.Errorf("the other port got %d requests", other.hits.Load())
	}
}
