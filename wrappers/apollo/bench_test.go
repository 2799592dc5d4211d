package apollo_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
	"github.com/orgapis/orgapis/wrappers/option"
)

// BenchmarkEnrich1000 enriches 1,000 domains through EnrichOrganizations and through a
// hand-written loop (net/http, ten domains a call, encoding/json into the same
// generated types), alternating in one run against the same fake, and reports the
// time ratio. Target: wrapper at most 1.15 times the hand-written loop. It also
// reports what the wrapper's runs cost: credits and requests per run of 1,000.
func BenchmarkEnrich1000(b *testing.B) {
	fake := apollotest.NewServer(key, apollotest.WithTest(b))
	b.Cleanup(fake.Close)
	queries := make([]apollo.EnrichQuery, 1000)
	for i := range queries {
		queries[i] = apollo.EnrichQuery{Domain: fmt.Sprintf("company%d.com", i)}
	}
	client, err := apollo.NewClient(key, option.WithBaseURL(fake.URL))
	if err != nil {
		b.Fatal(err)
	}
	var credits, requests int
	wrapper := func() int {
		n := 0
		credits0, requests0 := fake.Credits(), fake.Hits()
		for e, err := range client.EnrichOrganizations(b.Context(), queries) {
			if err != nil {
				b.Fatal(err)
			}
			if e.Organization != nil {
				n++
			}
		}
		credits += fake.Credits() - credits0
		requests += fake.Hits() - requests0
		return n
	}
	handWritten := func() int {
		n := 0
		for start := 0; start < len(queries); start += 10 {
			details := make([]apolloapi.CompanyIdentity, 0, 10)
			for _, q := range queries[start : start+10] {
				d := q.Domain
				details = append(details, apolloapi.CompanyIdentity{Domain: &d})
			}
			body, _ := json.Marshal(apolloapi.BulkEnrichRequest{Details: details})
			req, _ := http.NewRequest(http.MethodPost, fake.URL+"/organizations/bulk_enrich", bytes.NewReader(body))
			req.Header.Set("x-api-key", key)
			req.Header.Set("Content-Type", "application/json")
			resp, err := (&http.Client{}).Do(req)
			if err != nil {
				b.Fatal(err)
			}
			data, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d, %v", resp.StatusCode, err)
			}
			var r apolloapi.BulkEnrichResponse
			if err := json.Unmarshal(data, &r); err != nil {
				b.Fatal(err)
			}
			n += len(r.Organizations)
		}
		return n
	}
	var base, wrapped time.Duration
	b.ResetTimer()
	timed := func(f func() int, total *time.Duration) {
		start := time.Now()
		if n := f(); n != 1000 {
			b.Fatalf("found %d of 1,000", n)
		}
		*total += time.Since(start)
	}
	for i := range b.N {
		// Alternate which goes first, so that neither always pays for the other's garbage.
		if i%2 == 0 {
			timed(handWritten, &base)
			timed(wrapper, &wrapped)
		} else {
			timed(wrapper, &wrapped)
			timed(handWritten, &base)
		}
	}
	b.ReportMetric(float64(base.Microseconds())/float64(b.N)/1000, "handwritten-ms")
	b.ReportMetric(float64(wrapped.Microseconds())/float64(b.N)/1000, "wrapper-ms")
	b.ReportMetric(float64(wrapped)/float64(base), "time-ratio")
	b.ReportMetric(float64(credits)/float64(b.N), "credits/op")
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
}

// BenchmarkEnrichResume enriches 1,000 queries through EnrichOrganizations and
// reports the credits and requests a run costs: whole; stopped by a 500 at the 51st
// call (no retries) and resumed from its error; and as 500 companies asked for twice
// each, the copies of the second half far from the first. Each must cost one credit
// per company found, and one request per ten companies plus one per failure.
func BenchmarkEnrichResume(b *testing.B) {
	distinct := make([]apollo.EnrichQuery, 1000)
	for i := range distinct {
		distinct[i] = apollo.EnrichQuery{Domain: fmt.Sprintf("company%d.com", i)}
	}
	twice := slices.Concat(distinct[:500], distinct[:500])
	for _, c := range []struct {
		name      string
		queries   []apollo.EnrichQuery
		failAt    int // the call that fails, from 1; 0 for none
		companies int
	}{
		{"whole", distinct, 0, 1000},
		{"stopped-and-resumed", distinct, 51, 1000},
		{"each-twice", twice, 0, 500},
	} {
		b.Run(c.name, func(b *testing.B) {
			fake := apollotest.NewServer(key, apollotest.WithTest(b))
			b.Cleanup(fake.Close)
			client, err := apollo.NewClient(key, option.WithBaseURL(fake.URL), option.WithRetries(0))
			if err != nil {
				b.Fatal(err)
			}
			ctx := b.Context()
			for b.Loop() {
				if c.failAt > 0 {
					fake.Fail(append(make([]apollotest.Fault, c.failAt-1), apollotest.ServerError(500))...)
				}
				n, stops := 0, 0
				seq := client.EnrichOrganizations(ctx, c.queries)
				for seq != nil {
					next := seq
					seq = nil
					for e, err := range next {
						var stopped *apollo.EnrichStoppedError
						if errors.As(err, &stopped) {
							stops++
							seq = client.ResumeEnrichOrganizations(ctx, stopped)
							break
						}
						if err != nil {
							b.Fatal(err)
						}
						if e.Organization != nil {
							n++
						}
					}
				}
				if n != len(c.queries) || stops != min(c.failAt, 1) {
					b.Fatalf("%d enriched of %d, %d stops", n, len(c.queries), stops)
				}
			}
			b.ReportMetric(float64(fake.Credits())/float64(b.N), "credits/op")
			b.ReportMetric(float64(fake.Hits())/float64(b.N), "requests/op")
			if fake.Credits() != c.companies*b.N {
				b.Errorf("%d credits in %d runs, want %d a run", fake.Credits(), b.N, c.companies)
			}
		})
	}
}
