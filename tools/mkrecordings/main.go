// Command mkrecordings writes the sample recordings in testdata/recordings from the
// specs' own examples, with a few exchanges deliberately drifted from the spec so that
// the validator has something to report. Run from the repository root:
//
//	go run ./tools/mkrecordings
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/orgapis/orgapis/internal/spectest"
	"github.com/orgapis/orgapis/specs"
	"gopkg.in/yaml.v3"
)

// The keys in the recordings are made up; the validator must never print them.
const (
	affinityAuth = "Basic OnJlY29yZGVkLWFmZmluaXR5LWtleQ==" // ":recorded-affinity-key"
	apolloKey    = "recorded-apollo-key"
)

func main() {
	dir := flag.String("dir", "testdata/recordings", "directory to write the recordings to")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	write(*dir, "affinity.har", affinityHAR())
	write(*dir, "apollo.yaml", apolloCassette())
	write(*dir, "affinity-extra.jsonl", affinityLines())
}

func example(api specs.API, op, status, name string) map[string]any {
	b, err := spectest.Example(api, op, status, name)
	if err != nil {
		log.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		log.Fatal(err)
	}
	return v
}

func exampleRaw(api specs.API, op string) []byte {
	b, err := spectest.Example(api, op, "200", "")
	if err != nil {
		log.Fatal(err)
	}
	return b
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		log.Fatal(err)
	}
	return string(b)
}

type header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func headers(kv ...string) []header {
	var hs []header
	for i := 0; i < len(kv); i += 2 {
		hs = append(hs, header{kv[i], kv[i+1]})
	}
	return hs
}

var affinityRate = []string{"X-Ratelimit-Limit-User", "900", "X-Ratelimit-Limit-User-Remaining", "899",
	"X-Ratelimit-Limit-User-Reset", "41", "X-Ratelimit-Limit-Org", "unlimited"}

func harEntry(method, url string, reqHeaders []header, postData map[string]any, status int, respHeaders []header, content map[string]any) map[string]any {
	req := map[string]any{"method": method, "url": url, "httpVersion": "HTTP/1.1", "headers": reqHeaders,
		"queryString": []any{}, "cookies": []any{}, "headersSize": -1, "bodySize": -1}
	if postData != nil {
		req["postData"] = postData
	}
	return map[string]any{
		"startedDateTime": "2026-11-20T10:00:00.000Z", "time": 120, "request": req,
		"response": map[string]any{"status": status, "statusText": "", "httpVersion": "HTTP/1.1", "headers": respHeaders,
			"cookies": []any{}, "content": content, "redirectURL": "", "headersSize": -1, "bodySize": -1},
		"cache": map[string]any{}, "timings": map[string]any{"send": 1, "wait": 100, "receive": 19},
	}
}

func jsonContent(body string) map[string]any {
	return map[string]any{"size": len(body), "mimeType": "application/json", "text": body}
}

func affinityHAR() []byte {
	auth := headers("Authorization", affinityAuth)
	jsonHeaders := headers(append([]string{"Content-Type", "application/json; charset=utf-8"}, affinityRate...)...)

	// Drift: domain became a number, and a field the spec does not describe appeared.
	drifted := example(specs.Affinity, "updateOrganization", "200", "")
	drifted["domain"] = 42
	drifted["tags"] = []string{"portfolio"}
	driftedBody := []byte(mustJSON(drifted))

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(exampleRaw(specs.Affinity, "listOrganizationFields"))
	_ = zw.Close()

	entries := []any{
		harEntry("GET", "https://api.affinity.co/organizations?term=affinity", auth, nil, 200, jsonHeaders,
			jsonContent(string(exampleRaw(specs.Affinity, "searchOrganizations")))),
		harEntry("GET", "https://api.affinity.co/organizations/64779194", auth, nil, 200, jsonHeaders,
			jsonContent(mustJSON(example(specs.Affinity, "getOrganization", "200", "plain")))),
		harEntry("PUT", "https://api.affinity.co/organizations/120611418", auth,
			map[string]any{"mimeType": "application/json", "text": `{"name":"Acme Corp.","person_ids":[38706,89734]}`}, 200, jsonHeaders,
			map[string]any{"size": len(driftedBody), "mimeType": "application/json", "encoding": "base64", "text": base64.StdEncoding.EncodeToString(driftedBody)}),
		harEntry("POST", "https://api.affinity.co/organizations", auth,
			map[string]any{"mimeType": "application/x-www-form-urlencoded", "text": "name=Acme+Corporation&domain=acme.co&person_ids[]=38706"}, 200, jsonHeaders,
			jsonContent(string(exampleRaw(specs.Affinity, "createOrganization")))),
		// Drift: a status the spec does not document.
		harEntry("DELETE", "https://api.affinity.co/organizations/1513682", auth, nil, 409, jsonHeaders,
			jsonContent(`{"errors":[{"message":"Global organizations cannot be deleted"}]}`)),
		// A body the recorder kept gzip-compressed (base64 of the gzip bytes).
		harEntry("GET", "https://api.affinity.co/organizations/fields", auth, nil, 200,
			headers(append([]string{"Content-Type", "application/json", "Content-Encoding", "gzip"}, affinityRate...)...),
			map[string]any{"size": gz.Len(), "mimeType": "application/json", "encoding": "base64", "text": base64.StdEncoding.EncodeToString(gz.Bytes())}),
		// Another host: counted as skipped.
		harEntry("GET", "https://cdn.example.com/app.js", nil, nil, 200, headers("Content-Type", "text/javascript"),
			map[string]any{"size": 2, "mimeType": "text/javascript", "text": "{}"}),
	}
	har := map[string]any{"log": map[string]any{
		"version": "1.2", "creator": map[string]any{"name": "orgapis mkrecordings", "version": "1"},
		"pages": []any{}, "entries": entries,
	}}
	b, err := json.MarshalIndent(har, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	return append(b, '\n')
}

type vcrInteraction struct {
	ID       int         `yaml:"id"`
	Request  vcrRequest  `yaml:"request"`
	Response vcrResponse `yaml:"response"`
}

type vcrRequest struct {
	Proto   string              `yaml:"proto"`
	Body    string              `yaml:"body"`
	Headers map[string][]string `yaml:"headers"`
	URL     string              `yaml:"url"`
	Method  string              `yaml:"method"`
}

type vcrResponse struct {
	Proto    string              `yaml:"proto"`
	Body     string              `yaml:"body"`
	Headers  map[string][]string `yaml:"headers"`
	Status   string              `yaml:"status"`
	Code     int                 `yaml:"code"`
	Duration string              `yaml:"duration"`
}

func apolloCassette() []byte {
	reqHeaders := map[string][]string{"Content-Type": {"application/json"}, "X-Api-Key": {apolloKey}}
	rate := map[string][]string{"Content-Type": {"application/json; charset=utf-8"}, "X-Rate-Limit-Minute": {"200"},
		"X-Minute-Usage": {"3"}, "X-Minute-Requests-Left": {"197"}, "X-Request-Id": {"0f1e2d3c"}}

	// Drift: Apollo sends a number as a string, and a new field.
	search := example(specs.Apollo, "searchMixedCompanies", "200", "")
	search["pagination"].(map[string]any)["page"] = "1"
	search["new_field"] = true

	interaction := func(id int, method, url, body string, code int, status string, respHeaders map[string][]string, respBody string) vcrInteraction {
		return vcrInteraction{ID: id,
			Request:  vcrRequest{Proto: "HTTP/1.1", Body: body, Headers: reqHeaders, URL: url, Method: method},
			Response: vcrResponse{Proto: "HTTP/2.0", Body: respBody, Headers: respHeaders, Status: status, Code: code, Duration: "412ms"}}
	}
	searchRequest := `{"page":1,"per_page":10,"q_organization_name":"Apollo.io"}`
	cassette := map[string]any{"version": 2, "interactions": []vcrInteraction{
		// The older /v1 prefix, as the documentation uses for job postings.
		interaction(0, "GET", "https://api.apollo.io/v1/organizations/54fca1087369647fc0000000/job_postings", "", 200, "200 OK", rate,
			string(exampleRaw(specs.Apollo, "listOrganizationJobPostings"))),
		interaction(1, "POST", "https://api.apollo.io/api/v1/mixed_companies/search", searchRequest, 200, "200 OK", rate, mustJSON(search)),
		// Drift: a status the spec does not document.
		interaction(2, "POST", "https://api.apollo.io/api/v1/mixed_companies/search", `{"per_page":1000}`, 400, "400 Bad Request", rate,
			`{"error":"per_page must be at most 100"}`),
		// Drift: an endpoint the spec does not describe (the team's contacts).
		interaction(3, "POST", "https://api.apollo.io/api/v1/contacts/search", `{"q_keywords":"tim@apollo.io"}`, 200, "200 OK", rate,
			`{"contacts":[{"id":"64a7ff0cc4dfae00013df1a5","name":"Tim Zheng"}]}`),
		interaction(4, "POST", "https://api.apollo.io/api/v1/mixed_companies/search", searchRequest, 429, "429 Too Many Requests",
			map[string][]string{"Content-Type": {"application/json"}, "Retry-After": {"30"}},
			`{"message":"The maximum number of api calls allowed for api/v1/mixed_companies/search is 600 times per hour. Please upgrade your plan."}`),
		// Enrichment, answered as Apollo's reference shows it.
		interaction(5, "GET", "https://api.apollo.io/api/v1/organizations/enrich?domain=apollo.io", "", 200, "200 OK", rate,
			string(exampleRaw(specs.Apollo, "enrichOrganization"))),
	}}
	var buf bytes.Buffer
	buf.WriteString("---\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(4)
	if err := enc.Encode(cassette); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes()
}

func affinityLines() []byte {
	line := func(method, url string, status int, body string) string {
		return mustJSON(map[string]any{"method": method, "url": url, "status": status,
			"request_headers":  map[string]string{"Authorization": affinityAuth},
			"response_headers": map[string]string{"Content-Type": "application/json"},
			"response_body":    json.RawMessage(body)})
	}
	// Drift: next_page_token as a number.
	lines := []string{
		line("DELETE", "https://api.affinity.co/organizations/120611418", 200, string(exampleRaw(specs.Affinity, "deleteOrganization"))),
		line("GET", "https://api.affinity.co/organizations?page_token=abc", 200, `{"organizations":[],"next_page_token":12}`),
	}
	return []byte(strings.Join(lines, "\n") + "\n")
}

func write(dir, name string, data []byte) {
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote", path)
}
