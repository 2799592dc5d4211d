package apollo_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
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
// time ratio. Target: wrapper at most 1.15 times the hand-written loop.
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
	wrapper := func() int {
		n := 0
		for e, err := range client.EnrichOrganizations(b.Context(), queries) {
			if err != nil {
				b.Fatal(err)
			}
			if e.Organization != nil {
				n++
			}
		}
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
			resp, err := http.DefaultClient.Do(req)
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
}
