package apollo_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/option"
)

// extraOrganizations is a bulk enrichment answer to ten queries, company0.com to
// company9.com, with the first nine found and extra organizations besides, none of
// them asked for.
func extraOrganizations(extra int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"status":"success","organizations":[`)
	for i := range 9 {
		fmt.Fprintf(&b, `{"id":"o%d","name":"Company %d","primary_domain":"company%d.com"},`, i, i, i)
	}
	for i := range extra {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"x%d","name":"Extra %d","primary_domain":"extra%d.com"}`, i, i, i)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// BenchmarkEnrichExtraOrganizations enriches ten companies from a server that answers
// with 20,000 or 200,000 organizations more than asked for, and reports the time and
// memory a run takes: the answer must be refused, and the time must grow at most
// linearly with the answer (tenfold from 20,000 to 200,000), or not at all. Before
// the count was checked first, each was decoded and matched: 0.5 s and 240 MB, then
// 8.0 s and 2.5 GB (16 times the time); now 38 ms and 5 MB, then 0.34 s and 44 MB
// (9 times: reading the body).
func BenchmarkEnrichExtraOrganizations(b *testing.B) {
	queries := make([]apollo.EnrichQuery, 10)
	for i := range queries {
		queries[i] = apollo.EnrichQuery{Domain: fmt.Sprintf("company%d.com", i)}
	}
	for _, extra := range []int{20_000, 200_000} {
		b.Run(fmt.Sprint(extra), func(b *testing.B) {
			body := extraOrganizations(extra)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write(body)
			}))
			b.Cleanup(srv.Close)
			client, err := apollo.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(0))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				var failed error
				for _, err := range client.EnrichOrganizations(b.Context(), queries) {
					if err != nil {
						failed = err
						break
					}
				}
				if failed == nil {
					b.Fatal("an answer of organizations nobody asked for was read")
				}
			}
		})
	}
}

// Both sides of the bound on a bulk answer: as many organizations as companies asked
// for are read; one more (10 for 9: the batch's own check; 11 for 10: refused before
// decoding, over MaxBulkEnrich), or 200,000 more, fails the batch as malformed naming
// the count, charged (Unread) since Apollo answered 2xx.
func TestEnrichRefusesMoreOrganizationsThanQueries(t *testing.T) {
	queries := make([]apollo.EnrichQuery, 10)
	for i := range queries {
		queries[i] = apollo.EnrichQuery{Domain: fmt.Sprintf("company%d.com", i)}
	}
	for _, c := range []struct {
		extra int
		says  string
	}{{0, ""}, {1, "/organizations: 10 organizations answer a batch of 9"}, {2, "/organizations: 11 organizations answer a batch of 10"},
		{200_000, "/organizations: 200009 organizations answer a batch of 10"}} {
		body := extraOrganizations(c.extra)
		if c.extra == 0 {
			body = bytes.Replace(body, []byte(`,]}`), []byte(`]}`), 1)
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(body)
		}))
		client, err := apollo.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		var failed error
		for e, err := range client.EnrichOrganizations(t.Context(), queries[:9+min(c.extra/2, 1)]) {
			if err != nil {
				failed = err
				break
			}
			if e.Organization != nil {
				found++
			}
		}
		srv.Close()
		var stopped *apollo.EnrichStoppedError
		switch {
		case c.says == "" && (failed != nil || found != 9):
			t.Errorf("9 organizations for 9 companies: %d found, %v", found, failed)
		case c.says != "" && (!errors.Is(failed, apollo.ErrMalformedBody) || !errors.As(failed, &stopped) || len(stopped.Unread) == 0 ||
			!strings.Contains(failed.Error(), c.says)):
			t.Errorf("%d extra: err = %v, want a malformed body saying %q, the batch unread", c.extra, failed, c.says)
		}
	}
}
