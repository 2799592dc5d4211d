package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
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

// accountPages builds n Apollo search pages of 25 accounts each (an account is an
// allOf of an organization and its own members), about 60 KB.
func accountPages(b *testing.B, n int) []Exchange {
	b.Helper()
	pages := searchPages(b, n)
	for i := range pages {
		var page map[string]any
		_ = json.Unmarshal(pages[i].ResponseBody, &page)
		account := page["accounts"].([]any)[0].(map[string]any)
		var accounts []any
		for j := range 25 {
			a := maps.Clone(account)
			a["id"], a["name"] = fmt.Sprintf("%024x", i*100+j), fmt.Sprintf("Account %d", j)
			accounts = append(accounts, a)
		}
		page["accounts"], page["organizations"] = accounts, []any{}
		pages[i].ResponseBody, _ = json.Marshal(page)
	}
	return pages
}

// organizationPages builds n Affinity search pages of 500 organizations, about 70 KB.
func organizationPages(b *testing.B, n int) []Exchange {
	b.Helper()
	u, _ := url.Parse("https://api.affinity.co/organizations?page_size=500")
	out := make([]Exchange, n)
	for i := range out {
		var orgs []string
		for j := range 500 {
			crunchbase := "null"
			if j%3 == 0 {
				crunchbase = `"035ed4bb-7a8c-f713-5032-91a81a4b4bb9"`
			}
			orgs = append(orgs, fmt.Sprintf(`{"id":%d,"name":"Company %d","domain":"c%d.example","domains":["c%d.example","c%d.example.org"],"crunchbase_uuid":%s,"global":%t}`,
				i*1000+j, j, j, j, j, crunchbase, j%7 == 0))
		}
		body := `{"organizations":[` + strings.Join(orgs, ",") + `],"next_page_token":"eyJwYXJhbXMiOnsidGVybSI6IiJ9fQ"}`
		out[i] = Exchange{Source: "bench", Index: i, Method: "GET", URL: u, Status: 200,
			ResponseHeader: http.Header{"Content-Type": {"application/json"}}, RequestHeader: http.Header{}, ResponseBody: []byte(body)}
	}
	return out
}

// v2ListEntryPages builds n Affinity v2 pages of 100 list entries (the most a page
// holds), about 100 KB: the spec's example entries repeated, a company with a value of
// each type in its fields and a person without, so that most of the walk is in the
// anyOf of list entries and of field values, which a discriminator picks from.
func v2ListEntryPages(b *testing.B, n int) []Exchange {
	b.Helper()
	raw, err := spectest.Example(specs.Affinity, "listListEntriesV2", "200", "")
	if err != nil {
		b.Fatal(err)
	}
	u, _ := url.Parse("https://api.affinity.co/v2/lists/450/list-entries?limit=100")
	out := make([]Exchange, n)
	for i := range out {
		var page map[string]any
		_ = json.Unmarshal(raw, &page)
		examples := page["data"].([]any)
		var entries []any
		for j := range 100 {
			e := maps.Clone(examples[j%len(examples)].(map[string]any))
			e["id"] = i*1000 + j + 1
			entries = append(entries, e)
		}
		page["data"] = entries
		body, _ := json.Marshal(page)
		out[i] = Exchange{Source: "bench", Index: i, Method: "GET", URL: u, Status: 200,
			ResponseHeader: http.Header{"Content-Type": {"application/json"}}, RequestHeader: http.Header{}, ResponseBody: body}
	}
	return out
}

// escaped gives every name in the pages escapes (\u0026, \n, \").
func escaped(pages []Exchange) []Exchange {
	for i := range pages {
		pages[i].ResponseBody = bytes.ReplaceAll(pages[i].ResponseBody, []byte(`"name":"`), []byte(`"name":"Tom \u0026 Jerry\n\"Co\" `))
	}
	return pages
}

// BenchmarkValidateVsDecode validates pages of three shapes on one core, and decodes
// the same bodies with encoding/json into any, alternating in one run: Apollo search
// pages of about 20 KB (accounts and organizations), Apollo pages of 25 accounts
// (allOf), Affinity pages of 500 organizations, Affinity v2 pages of 100 list entries
// (anyOf with a discriminator); each plain, and with escapes in every name. Issue 23's targets: time-ratio <= 0.35 plain, <= 0.45 escaped.
func BenchmarkValidateVsDecode(b *testing.B) {
	for _, shape := range []struct {
		name  string
		api   specs.API
		pages func(*testing.B, int) []Exchange
		n     int
	}{
		{"apollo-search", specs.Apollo, searchPages, 2000},
		{"apollo-accounts", specs.Apollo, accountPages, 700},
		{"affinity-organizations", specs.Affinity, organizationPages, 500},
		{"affinity-v2-list-entries", specs.Affinity, v2ListEntryPages, 100},
	} {
		b.Run(shape.name, func(b *testing.B) { benchmarkValidateVsDecode(b, shape.api, shape.pages(b, shape.n)) })
		b.Run(shape.name+"-escaped", func(b *testing.B) { benchmarkValidateVsDecode(b, shape.api, escaped(shape.pages(b, shape.n))) })
	}
}

func benchmarkValidateVsDecode(b *testing.B, api specs.API, pages []Exchange) {
	v, err := NewEmbedded(b.Context(), api)
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

// BenchmarkFailingVsDecode validates Affinity pages of 500 organizations that break
// their schema, on one core, against json.Unmarshal of the same bodies into any in
// the same run (issue 35: at most 1.0): one organization's id a string on each page
// (one-finding), and every organization's global a string (every-item, 500
// findings a page).
func BenchmarkFailingVsDecode(b *testing.B) {
	for _, shape := range []struct {
		name  string
		drift func(body []byte) []byte
	}{
		{"one-finding", func(body []byte) []byte { return bytes.Replace(body, []byte(`{"id":`), []byte(`{"id":"x`), 1) }},
		{"every-item", func(body []byte) []byte {
			body = bytes.ReplaceAll(body, []byte(`"global":false`), []byte(`"global":"no"`))
			return bytes.ReplaceAll(body, []byte(`"global":true`), []byte(`"global":"yes"`))
		}},
	} {
		b.Run(shape.name, func(b *testing.B) {
			pages := organizationPages(b, 200)
			for i := range pages {
				body := shape.drift(pages[i].ResponseBody)
				if shape.name == "one-finding" {
					body = bytes.Replace(body, []byte(`{"id":"x`), []byte(`{"id":"`), 1)
					body = bytes.Replace(body, []byte(`,"name":"Company 0"`), []byte(`","name":"Company 0"`), 1)
				}
				pages[i].ResponseBody = body
			}
			benchmarkFailingVsDecode(b, pages)
		})
	}
}

func benchmarkFailingVsDecode(b *testing.B, pages []Exchange) {
	v, err := NewEmbedded(b.Context(), specs.Affinity)
	if err != nil {
		b.Fatal(err)
	}
	var decode, validate, decodeCPU, validateCPU time.Duration
	findings := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start, startCPU := time.Now(), processCPU(b)
		for _, p := range pages {
			var x any
			if err := json.Unmarshal(p.ResponseBody, &x); err != nil {
				b.Fatal(err)
			}
		}
		decode += time.Since(start)
		decodeCPU += processCPU(b) - startCPU
		start, startCPU = time.Now(), processCPU(b)
		findings = 0
		for _, p := range pages {
			f := v.Validate(p)
			if len(f) == 0 {
				b.Fatalf("no finding in %.200s", p.ResponseBody)
			}
			findings += len(f)
		}
		validate += time.Since(start)
		validateCPU += processCPU(b) - startCPU
	}
	// The same ratio in the process's CPU time (one core: -cpu 1), which a machine
	// shared with other work disturbs less than the wall clock.
	b.ReportMetric(float64(validateCPU)/float64(max(decodeCPU, 1)), "cpu-ratio")
	b.ReportMetric(float64(findings)/float64(len(pages)), "findings/page")
	b.ReportMetric(float64(decode.Microseconds())/float64(b.N*len(pages)), "decode-us/page")
	b.ReportMetric(float64(validate.Microseconds())/float64(b.N*len(pages)), "validate-us/page")
	b.ReportMetric(float64(validate)/float64(decode), "time-ratio")
}
