package cli

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// hostileHAR writes a HAR file of several of the parallel reader's chunks, built so
// that its parsers guess wrong and their checks run ahead: entry-like objects nested
// in entries (in arrays, after a ','), entries with 0, 8, 9 and 500 findings, gzip
// bodies, v2 exchanges of another API version, another host's, unreadable entries,
// and non-ASCII values, between large conforming pages that put chunk boundaries
// inside entries.
func hostileHAR(t *testing.T) string {
	t.Helper()
	exchange := func(method, url string, reqHeaders, respHeaders []map[string]string, content map[string]any) map[string]any {
		if reqHeaders == nil {
			reqHeaders = []map[string]string{}
		}
		respHeaders = append(respHeaders, map[string]string{"name": "Content-Type", "value": "application/json"})
		return map[string]any{
			"request":  map[string]any{"method": method, "url": url, "headers": reqHeaders},
			"response": map[string]any{"status": 200, "headers": respHeaders, "content": content},
		}
	}
	text := func(body string) map[string]any { return map[string]any{"mimeType": "application/json", "text": body} }
	search := func(body string) map[string]any {
		return exchange("GET", "https://api.affinity.co/organizations?term=ö", nil, nil, text(body))
	}
	var orgs []string
	for i := range 300 {
		orgs = append(orgs, fmt.Sprintf(`{"id":%d,"name":"Org ü %d","domain":"org%d.example","domains":["org%d.example"],"crunchbase_uuid":null,"global":false}`, i, i, i, i))
	}
	page := `{"organizations":[` + strings.Join(orgs, ",") + `],"next_page_token":"abc"}`
	eight := `{"organizations":[{},{"name":"n","domain":"d","domains":[]}]}`
	nine := `{"organizations":[{},{"name":"n","domain":"d"}]}`
	many := `{"organizations":[` + strings.TrimSuffix(strings.Repeat("{},", 100), ",") + `]}`
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(nine))
	zw.Close()
	whoami := `{"tenant":{"id":1,"name":"T","subdomain":"t"},"user":{"id":1,"firstName":"A","lastName":"B","emailAddress":"a@b.example"},"grant":{"type":"api-key","scopes":["api"],"createdAt":"2026-01-01T00:00:00Z"}}`
	var entries []any
	for i := range 600 {
		var e map[string]any
		switch i % 12 {
		case 0, 6:
			e = search(page)
		case 1:
			e = search(`{"organizations":[],"next_page_token":null}`)
		case 2:
			e = search(eight)
		case 3:
			e = search(nine)
		case 4:
			e = search(many)
		case 5:
			e = exchange("GET", "https://api.affinity.co/v2/auth/whoami",
				[]map[string]string{{"name": "X-Affinity-Api-Version", "value": fmt.Sprintf("2026-0%d-15", i/12%3+1)}}, nil, text(whoami))
		case 7:
			e = exchange("GET", "https://elsewhere.example/x", nil, nil, text(`{}`))
		case 8:
			e = map[string]any{"request": map[string]any{"method": "GET"}, "response": map[string]any{"status": 200}}
		case 9:
			// Entry-like objects nested after a ',' in an array, of other hosts and of no
			// operation: a parser that starts in here reads them as entries.
			e = search(eight)
			e["_x"] = []any{1, exchange("GET", "https://elsewhere.example/nested", nil, nil, text(nine)),
				exchange("GET", "https://api.affinity.co/organizations?term=nested", nil, nil, text(many)),
				exchange("GET", "https://api.affinity.co/no-such-operation", nil, nil, text(`{}`))}
		case 10:
			e = exchange("GET", "https://api.affinity.co/organizations?term=gz", nil,
				[]map[string]string{{"name": "Content-Encoding", "value": "gzip"}},
				map[string]any{"mimeType": "application/json", "encoding": "base64", "text": base64.StdEncoding.EncodeToString(gz.Bytes())})
		case 11:
			e = exchange("GET", fmt.Sprintf("https://api.affinity.co/organizations/%d", i), nil, nil, text(`{"id":"x","name":"ß"}`))
		}
		entries = append(entries, e)
	}
	b, err := json.MarshalIndent(map[string]any{"log": map[string]any{"version": "1.2", "entries": entries}}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 4*(512<<10) {
		t.Fatalf("the file is %d bytes: too few chunks", len(b))
	}
	return write(t, filepath.Join(t.TempDir(), "hostile.har"), string(b))
}

// Every report of a hostile file (see hostileHAR) is the same with one worker, whose
// entries are read one at a time, as with two, whose parsers check each exchange as
// they read it: each format, with passes listed, with coverage, a selection, severities,
// a baseline written and one read.
func TestHostileParallelReportsTheSame(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	path := hostileHAR(t)
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--format", "text", "--coverage"},
		{"--format", "json"},
		{"--format", "sarif"},
		{"--format", "junit"},
		{"--format", "markdown"},
		{"--format", "github"},
		{"--format", "json", "--operation", "getOrganization"},
		{"--format", "json", "--skip-operation", "searchOrganizations"},
		{"--format", "json", "--severity", "body=warning"},
		{"--format", "json", "--max-findings", "7", "--max-findings-per-rule", "3"},
		{"--format", "json", "--requests", "--strict"},
		{"--format", "json", "--write-baseline", "BASE"},
		{"--format", "json", "--baseline", "BASE1"},
	} {
		run := func(workers string) (result, string) {
			a := append([]string{"--workers", workers}, args...)
			base := ""
			for i, s := range a {
				switch s {
				case "BASE":
					base = filepath.Join(dir, "base"+workers)
					a[i] = base
				case "BASE1":
					a[i] = filepath.Join(dir, "base1")
				}
			}
			r := cli(t, nil, append(a, path)...)
			written := ""
			if base != "" {
				b, err := os.ReadFile(base)
				if err != nil {
					t.Fatalf("%v: %v\n%s", args, err, r.stderr)
				}
				written = string(b)
			}
			return r, written
		}
		one, base1 := run("1")
		two, base2 := run("2")
		if one.code == 0 || one.stdout == "" {
			t.Errorf("%v: exit %d with one worker, want findings:\n%.1000s\n%s", args, one.code, one.stdout, one.stderr)
		}
		if one != two {
			t.Errorf("%v: the report with 2 workers differs from 1 worker's:\n--- 1\n%s\n--- 2\n%s", args, diffAt35(one.stdout+one.stderr, two.stdout+two.stderr), diffAt35(two.stdout+two.stderr, one.stdout+one.stderr))
		}
		if len(args) == 2 && args[1] == "json" {
			// What the file holds shows: other versions, another host, unreadable
			// entries, the gzip body's findings.
			for _, want := range []string{`"sent": "2026-01-15"`, `"elsewhere.example": 50`, `"unreadable": 50`, `"entry": 10,`} {
				if !strings.Contains(one.stdout, want) {
					t.Errorf("the JSON report lacks %s", want)
				}
			}
		}
		if base1 != base2 {
			t.Errorf("%v: the baseline with 2 workers differs", args)
		}
		if strings.Contains(two.stdout, "nested") || strings.Contains(two.stdout, "no-such-operation") {
			t.Errorf("%v: a nested object counted", args)
		}
	}
}

// diffAt35 is a from the first byte where it differs from b, with some context.
func diffAt35(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-300)
	return a[from:min(len(a), i+300)]
}

// With every body and header map taken back filled with junk (bodyPool.poison), a
// hostile file (see hostileHAR) checked on two cores, its parsers checking and handing
// back as they read, gives what one worker gives: no finding, version note, count or
// coverage reads what was handed back, and with the requests checked too.
func TestHostileParallelPoisonedPoolsKeepResults(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	path := hostileHAR(t)
	run := func(workers int) Result {
		runner, err := (&checkOptions{format: "json", workers: workers, requests: true, strict: true, limits: defaultLimits()}).setup(t.Context(), []string{path})
		if err != nil {
			t.Fatal(err)
		}
		runner.bodies = &bodyPool{poison: true}
		runner.keepExchanges = true
		return runner.Run(t.Context(), []Input{fileInput(path)})
	}
	one, two := run(1), run(2)
	if one.Summary.Checked == 0 || one.Summary.Failed == 0 || len(one.Summary.APIVersions) == 0 {
		t.Fatalf("one worker: summary %+v", one.Summary)
	}
	a, _ := json.MarshalIndent(one, "", " ")
	b, _ := json.MarshalIndent(two, "", " ")
	if !bytes.Equal(a, b) {
		t.Errorf("two workers differ from one:\n--- 1\n%s\n--- 2\n%s", diffAt35(string(a), string(b)), diffAt35(string(b), string(a)))
	}
	if fmt.Sprint(one.Coverage) != fmt.Sprint(two.Coverage) || fmt.Sprint(one.Exchanges) != fmt.Sprint(two.Exchanges) {
		t.Errorf("coverage or exchanges differ:\n%v\n%v", one.Coverage, two.Coverage)
	}
	for _, f := range two.Findings {
		if strings.Contains(f.Found+f.Expected+f.Pointer, "#") {
			t.Errorf("entry %d: a finding quotes junk: %+v", f.Entry, f)
		}
	}
}
