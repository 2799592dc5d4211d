package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/orgapis/orgapis/internal/spectest"
	"github.com/orgapis/orgapis/specs"
)

// searchPages builds n realistic Apollo search pages of about 20 KB: the documentation's
// page with its account repeated and database organizations added.
func searchPages(b *testing.B, n int) []Exchange {
	b.Helper()
	raw, err := spectest.Example(specs.Apollo, "searchMixedCompanies", "200", "")
	if err != nil {
		b.Fatal(err)
	}
	u, _ := url.Parse("https://api.apollo.io/api/v1/mixed_companies/search")
	out := make([]Exchange, n)
	for i := range out {
		var page map[string]any
		_ = json.Unmarshal(raw, &page)
		account := page["accounts"].([]any)[0].(map[string]any)
		var accounts, orgs []any
		for j := 0; j < 8; j++ {
			a := map[string]any{}
			for k, v := range account {
				a[k] = v
			}
			a["id"] = fmt.Sprintf("%024x", i*100+j)
			accounts = append(accounts, a)
		}
		for j := 0; j < 12; j++ {
			orgs = append(orgs, map[string]any{"id": fmt.Sprintf("%024x", i*100+50+j), "name": fmt.Sprintf("Company %d", j),
				"website_url": "http://example.com", "linkedin_url": "http://www.linkedin.com/company/x", "primary_phone": map[string]any{"number": "+1 555"},
				"languages": []any{"English"}, "alexa_ranking": 1000 + j, "phone": "+1 555", "linkedin_uid": "12345", "founded_year": 2001,
				"logo_url": "https://example.com/logo.png", "primary_domain": "example.com", "sanitized_phone": "+1555", "owned_by_organization_id": nil})
		}
		page["accounts"], page["organizations"] = accounts, orgs
		body, _ := json.Marshal(page)
		out[i] = Exchange{Source: "bench", Index: i, Method: "POST", URL: u, Status: 200,
			ResponseHeader: http.Header{"Content-Type": {"application/json"}}, RequestHeader: http.Header{}, ResponseBody: body}
	}
	return out
}

// BenchmarkValidateVsDecode validates 2,000 search pages of about 20 KB on one core,
// and decodes the same bodies with encoding/json into any, alternating in one run:
// plain pages, and pages whose companies' names carry escapes (\u0026, \n, \").
// Target: time-ratio <= 3.
func BenchmarkValidateVsDecode(b *testing.B) {
	b.Run("plain", func(b *testing.B) { benchmarkValidateVsDecode(b, searchPages(b, 2000)) })
	b.Run("escaped", func(b *testing.B) {
		pages := searchPages(b, 2000)
		for i := range pages {
			pages[i].ResponseBody = bytes.ReplaceAll(pages[i].ResponseBody, []byte(`"name":"Company `), []byte(`"name":"Tom \u0026 Jerry\n\"Co\" `))
		}
		benchmarkValidateVsDecode(b, pages)
	})
}

func benchmarkValidateVsDecode(b *testing.B, pages []Exchange) {
	v, err := NewEmbedded(b.Context(), specs.Apollo)
	if err != nil {
		b.Fatal(err)
	}
	var size int
	for _, p := range pages {
		size += len(p.ResponseBody)
	}
	var decode, validate time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		for _, p := range pages {
			var x any
			if err := json.Unmarshal(p.ResponseBody, &x); err != nil {
				b.Fatal(err)
			}
		}
		decode += time.Since(start)
		start = time.Now()
		for _, p := range pages {
			if f := v.Validate(p); len(f) != 0 {
				b.Fatalf("findings: %+v", f[0])
			}
		}
		validate += time.Since(start)
	}
	b.ReportMetric(float64(size)/float64(len(pages))/1024, "KiB/page")
	b.ReportMetric(float64(decode.Microseconds())/float64(b.N*len(pages)), "decode-us/page")
	b.ReportMetric(float64(validate.Microseconds())/float64(b.N*len(pages)), "validate-us/page")
	b.ReportMetric(float64(validate)/float64(decode), "time-ratio")
}
