package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// A HAR file of several of the parallel reader's chunks, with drifted (one finding or
// hundreds), unreadable and over-large entries among conforming pages and an entry-like object nested in one,
// reports the same with one worker (entries read one at a time) as with four (each
// file's entries parsed on several goroutines), in text and in JSON.
func TestParallelReadingReportsTheSame(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	var orgs []string
	for i := range 400 {
		orgs = append(orgs, fmt.Sprintf(`{"id":%d,"name":"Org %d","domain":"org%d.example","domains":["org%d.example"],"crunchbase_uuid":null,"global":false}`, i, i, i, i))
	}
	page := `{"organizations":[` + strings.Join(orgs, ",") + `],"next_page_token":"abc"}`
	entry := func(body string) string {
		text, _ := json.Marshal(body)
		return `{"request":{"method":"GET","url":"https://api.affinity.co/organizations?term=org","headers":[]},` +
			`"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"mimeType":"application/json","text":` + string(text) + `}}}`
	}
	var entries []string
	for i := range 90 { // about 5.5 MB: several chunks
		e := entry(page)
		switch i % 9 {
		case 2:
			e = entry(strings.Replace(page, `"global":false`, `"global":"no"`, i%5+1))
		case 4:
			e = `{"request":{"method":"GET","headers":[{"name":"A","value":"b"}]},"response":{"status":200}}`
		case 6:
			e = strings.Replace(e, `{"request"`, `{"_x":[`+entry(`{}`)+`],"request"`, 1)
		case 7:
			e = entry(`{"organizations":[{"id":"x"}]}`)
		case 8:
			// Hundreds of findings, which count against what a parser holds ahead
			// (checkOutcome.Size): the rest of such a chunk is read one at a time.
			e = entry(strings.ReplaceAll(page, `"global":false`, `"global":"no"`))
		}
		entries = append(entries, e)
	}
	path := filepath.Join(t.TempDir(), "big.har")
	file := `{"log":{"version":"1.2","entries":[` + strings.Join(entries, ",\n") + "]}}\n"
	if err := os.WriteFile(path, []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json"} {
		one := cli(t, nil, "--workers", "1", "--format", format, path)
		four := cli(t, nil, "--workers", "4", "--format", format, path)
		if one.code != 2 || !strings.Contains(one.stdout, "unreadable") || !strings.Contains(one.stdout, "global") {
			t.Fatalf("%s: exit %d, want 2 (unreadable entries) with findings:\n%.2000s\n%s", format, one.code, one.stdout, one.stderr)
		}
		if one != four {
			t.Errorf("%s report with 4 workers differs from 1 worker's:\n--- 1\n%.3000s\n--- 4\n%.3000s", format, one.stdout, four.stdout)
		}
	}
}

// The parsers check what they read before they know it is an entry: where a chunk
// starts inside an entry, a parser may read an entry-like object nested in it (here
// one of another host and one of no operation, after a large one) and check it. Such
// a check counts for nothing: the report, its coverage and its skipped hosts are
// those of one worker reading one entry at a time, and neither object shows in it.
func TestParallelGuessesCountForNothing(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	exchange := func(url, body string) string {
		text, _ := json.Marshal(body)
		return `{"request":{"method":"GET","url":"` + url + `","headers":[]},` +
			`"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"mimeType":"application/json","text":` + string(text) + `}}`
	}
	big := `{"pad":"` + strings.Repeat("ä", 20000) + `"}`
	nested := `"_x":[` + exchange("https://api.affinity.co/organizations/1", big) + `},` +
		exchange("https://elsewhere.example/orgs", `{}`) + `},` + exchange("https://api.affinity.co/no-such-operation", `{}`) + `}]`
	var entries []string
	for i := range 100 { // about 4.5 MB: nine chunk boundaries, most inside a nested object
		entries = append(entries, exchange(fmt.Sprintf("https://api.affinity.co/organizations?term=org%d", i), `{"organizations":[],"next_page_token":null}`)+","+nested+"}")
	}
	path := filepath.Join(t.TempDir(), "nested.har")
	if err := os.WriteFile(path, []byte(`{"log":{"version":"1.2","entries":[`+strings.Join(entries, ",\n")+"]}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json"} {
		one := cli(t, nil, "--workers", "1", "--format", format, path)
		two := cli(t, nil, "--workers", "2", "--format", format, path)
		if one.code != 0 || !strings.Contains(one.stdout, "100") {
			t.Fatalf("%s: exit %d, want 0 with 100 entries passed:\n%.2000s\n%s", format, one.code, one.stdout, one.stderr)
		}
		if one != two {
			t.Errorf("%s report with 2 workers differs from 1 worker's:\n--- 1\n%.3000s\n--- 2\n%.3000s", format, one.stdout, two.stdout)
		}
		for _, s := range []string{"elsewhere", "no-such-operation"} {
			if strings.Contains(two.stdout, s) {
				t.Errorf("%s report holds %q:\n%.3000s", format, s, two.stdout)
			}
		}
		if !strings.Contains(two.stdout, map[string]string{"text": "; 0 skipped", "json": `"skipped_hosts": {}`}[format]) {
			t.Errorf("%s report counts a skipped host:\n%.3000s", format, two.stdout)
		}
	}
}
