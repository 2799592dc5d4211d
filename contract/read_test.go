package contract

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

type readResult struct {
	exchanges []Exchange
	errs      []*EntryError
}

func readAll(name, data string) readResult {
	var r readResult
	for ex, err := range Read(name, strings.NewReader(data)) {
		if err != nil {
			var ee *EntryError
			if !errors.As(err, &ee) {
				ee = &EntryError{Index: -2, Err: err}
			}
			r.errs = append(r.errs, ee)
			continue
		}
		r.exchanges = append(r.exchanges, ex)
	}
	return r
}

func harOf(entries ...string) string {
	return `{"log":{"version":"1.2","creator":{"name":"t"},"entries":[` + strings.Join(entries, ",") + `]}}`
}

func harEntryJSON(url string, status int, content string) string {
	return fmt.Sprintf(`{"request":{"method":"GET","url":%q,"headers":[]},"response":{"status":%d,"headers":[{"name":"Content-Type","value":"application/json"}],"content":%s}}`, url, status, content)
}

func TestReadHARBodies(t *testing.T) {
	body := `{"success":true}`
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	_, _ = w.Write([]byte(body))
	_ = w.Close()
	gzEntry := strings.Replace(harEntryJSON("https://api.affinity.co/x", 200,
		fmt.Sprintf(`{"mimeType":"application/json","encoding":"base64","text":%q}`, base64.StdEncoding.EncodeToString(gz.Bytes()))),
		`"headers":[{"name":"Content-Type"`, `"headers":[{"name":"Content-Encoding","value":"gzip"},{"name":"Content-Type"`, 1)
	r := readAll("a.har", harOf(
		harEntryJSON("https://api.affinity.co/x", 200, fmt.Sprintf(`{"mimeType":"application/json","text":%q}`, body)),
		harEntryJSON("https://api.affinity.co/x", 200, fmt.Sprintf(`{"mimeType":"application/json","encoding":"base64","text":%q}`, base64.StdEncoding.EncodeToString([]byte(body)))),
		gzEntry,
	))
	if len(r.errs) != 0 || len(r.exchanges) != 3 {
		t.Fatalf("errors %v, %d exchanges", r.errs, len(r.exchanges))
	}
	for i, ex := range r.exchanges {
		if string(ex.ResponseBody) != body || ex.Index != i || ex.Source != "a.har" {
			t.Errorf("entry %d: index %d source %s body %q", i, ex.Index, ex.Source, ex.ResponseBody)
		}
	}
}

func TestReadHARBadEntriesDoNotHideOthers(t *testing.T) {
	good := harEntryJSON("https://api.affinity.co/x", 200, `{"text":"{}"}`)
	huge := harEntryJSON("https://api.affinity.co/x", 200, `{"text":"`+strings.Repeat("a", MaxBodyBytes+1)+`"}`)
	r := readAll("a.har", harOf(
		good,
		`{"request":{"method":"GET","headers":[]},"response":{"status":200,"content":{}}}`, // no url
		`{"request":{"method":"GET","url":"https://api.affinity.co/x"},"response":{"status":0,"content":{}}}`,
		`{"request":{"method":"GET","url":"https://api.affinity.co/x"}}`,
		`{"request":{"method":7,"url":"https://api.affinity.co/x"},"response":{"status":200}}`,
		harEntryJSON("https://api.affinity.co/x", 200, `{"encoding":"base64","text":"%%%"}`),
		huge,
		good,
	))
	if len(r.exchanges) != 2 || r.exchanges[1].Index != 7 {
		t.Errorf("good entries read: %d (want entries 0 and 7)", len(r.exchanges))
	}
	want := map[int]string{1: "request URL is missing", 2: "response status 0", 3: "response is missing",
		4: "field request.method", 5: "bad base64 body", 6: "over the 32 MiB limit"}
	if len(r.errs) != len(want) {
		t.Fatalf("errors = %v", r.errs)
	}
	for _, e := range r.errs {
		if !strings.Contains(e.Error(), want[e.Index]) || !strings.HasPrefix(e.Error(), fmt.Sprintf("a.har entry %d: ", e.Index)) {
			t.Errorf("entry %d error = %q, want it to name the entry and say %q", e.Index, e.Error(), want[e.Index])
		}
	}
}

func TestReadHARTruncatedAndNotHAR(t *testing.T) {
	full := harOf(harEntryJSON("https://api.affinity.co/x", 200, `{"text":"{}"}`), harEntryJSON("https://api.affinity.co/y", 200, `{"text":"{}"}`))
	cut := full[:len(full)-40]
	r := readAll("cut.har", cut)
	if len(r.exchanges) != 1 || len(r.errs) != 1 || r.errs[0].Index != 1 || !strings.Contains(r.errs[0].Error(), "broken JSON") {
		t.Errorf("truncated: %d exchanges, errors %v", len(r.exchanges), r.errs)
	}
	for name, data := range map[string]string{"not json": "hello", "not har": `{"foo":1}`} {
		r := readAll("x.har", data)
		if len(r.exchanges) != 0 || len(r.errs) != 1 || r.errs[0].Index != -1 || !errors.Is(r.errs[0], ErrUnknownFormat) ||
			!strings.Contains(r.errs[0].Error(), "expected HAR, go-vcr cassette or JSON lines") {
			t.Errorf("%s: %d exchanges, errors %v", name, len(r.exchanges), r.errs)
		}
		// Read as HAR on purpose, it says what is missing.
		n := 0
		for _, err := range ReadHAR("x.har", strings.NewReader(data)) {
			if err == nil || !strings.Contains(err.Error(), "x.har: not a HAR file") {
				t.Errorf("%s read as HAR: %v", name, err)
			}
			n++
		}
		if n != 1 {
			t.Errorf("%s read as HAR: %d results", name, n)
		}
	}
	if r := readAll("x.har", " \n"); len(r.exchanges) != 0 || len(r.errs) != 0 {
		t.Errorf("empty input: %d exchanges, errors %v", len(r.exchanges), r.errs)
	}
}

func TestReadVCR(t *testing.T) {
	cassette := `---
version: 2
interactions:
  - id: 0
    request: {method: GET, url: "https://api.apollo.io/v1/x", headers: {X-Api-Key: [k]}}
    response: {code: 200, body: '{"a":1}', headers: {Content-Type: [application/json]}}
  - id: 1
    request: {method: GET, url: "https://api.apollo.io/v1/x"}
    response: {code: [not, a, number]}
  - id: 2
    request: {url: "https://api.apollo.io/v1/x"}
    response: {code: 200}
  - id: 3
    request: {method: POST, url: "https://api.apollo.io/v1/y", body: '{"q":1}'}
    response: {code: 201, body: ok}
`
	r := readAll("c.yaml", cassette)
	if len(r.exchanges) != 2 || r.exchanges[0].ResponseHeader.Get("Content-Type") != "application/json" ||
		string(r.exchanges[1].RequestBody) != `{"q":1}` || r.exchanges[1].Index != 3 {
		t.Errorf("exchanges = %+v", r.exchanges)
	}
	if len(r.errs) != 2 || r.errs[0].Index != 1 || r.errs[1].Index != 2 || !strings.Contains(r.errs[1].Error(), "method is missing") {
		t.Errorf("errors = %v", r.errs)
	}
	bad := readAll("c.yaml", "interactions: [unclosed")
	if len(bad.errs) != 1 || bad.errs[0].Index != -1 {
		t.Errorf("not YAML: %v", bad.errs)
	}
}

func TestReadLines(t *testing.T) {
	data := `{"method":"GET","url":"https://api.affinity.co/organizations","status":200,"response_headers":{"Content-Type":"application/json"},"response_body":{"organizations":[]}}

not json
{"method":"GET","url":"https://api.affinity.co/x","status":500,"response_text":"oops"}
{"method":"GET","status":200}
{"method":"GET","url":"https://api.affinity.co/x","status":200,"response_text":"` + strings.Repeat("a", MaxBodyBytes+2<<20) + `"}
{"method":"DELETE","url":"https://api.affinity.co/organizations/1","status":200,"response_body":{"success":true}}`
	r := readAll("l.jsonl", data)
	if len(r.exchanges) != 3 {
		t.Fatalf("exchanges = %d, errors %v", len(r.exchanges), r.errs)
	}
	if string(r.exchanges[0].ResponseBody) != `{"organizations":[]}` || string(r.exchanges[1].ResponseBody) != "oops" || r.exchanges[2].Index != 5 {
		t.Errorf("exchanges = %+v", r.exchanges)
	}
	want := map[int]string{1: "not a JSON exchange", 3: "request URL is missing", 4: "over the"}
	if len(r.errs) != 3 {
		t.Fatalf("errors = %v", r.errs)
	}
	for _, e := range r.errs {
		if !strings.Contains(e.Error(), want[e.Index]) {
			t.Errorf("entry %d: %v, want %q", e.Index, e, want[e.Index])
		}
	}
}

func TestDetect(t *testing.T) {
	line := `{"method":"GET","url":"https://api.affinity.co/x","status":200}`
	for name, c := range map[string]struct{ file, data string }{
		"har by content":   {"x.json", harOf()},
		"lines by content": {"x.json", line + "\n" + line},
		"vcr by content":   {"stdin", "---\ninteractions: []\n"},
	} {
		if len(readAll(c.file, c.data).errs) != 0 {
			t.Errorf("%s: %v", name, readAll(c.file, c.data).errs)
		}
	}
}

// filler reads n bytes of 'a', fast, for inputs too large to hold.
type filler struct{ n int64 }

var fillBlock = bytes.Repeat([]byte("a"), 64<<10)

func (f *filler) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, io.EOF
	}
	n := copy(p, fillBlock[:min(int64(len(fillBlock)), f.n)])
	f.n -= int64(n)
	return n, nil
}

const smallEntry = `{"request":{"method":"GET","url":"https://api.affinity.co/organizations/fields","headers":[]},` +
	`"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"mimeType":"application/json","text":"[]"}}}`

func TestHAREntryOverTheCapIsSkippedWithoutHoldingIt(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 1 GiB")
	}
	head := `{"log":{"version":"1.2","entries":[{"request":{"method":"GET","url":"https://api.affinity.co/organizations/fields","headers":[]},` +
		`"response":{"status":200,"headers":[],"content":{"text":"`
	tail := `"}}},` + smallEntry + `]}}`
	input := io.MultiReader(strings.NewReader(head), &filler{n: 1 << 30}, strings.NewReader(tail))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var errs []error
	read := 0
	for ex, err := range ReadHAR("huge.har", input) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ex.Index != 1 {
			t.Errorf("read entry %d, want only entry 1", ex.Index)
		}
		read++
	}
	runtime.ReadMemStats(&after)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "entry 0") || !strings.Contains(errs[0].Error(), "over the") || read != 1 {
		t.Fatalf("errors %v, %d read; want entry 0 skipped and entry 1 read", errs, read)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 200<<20 {
		t.Errorf("reading a 1 GiB entry allocated %d MiB", allocated>>20)
	}
	t.Logf("allocated %d MiB for a 1 GiB entry", (after.TotalAlloc-before.TotalAlloc)>>20)
}

func TestHARDeeplyNestedUnknownMemberSpoilsOnlyItsEntry(t *testing.T) {
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	doc := `{"log":{"creator":{"x":` + deep + `},"entries":[{"_custom":` + deep + `,` + smallEntry[1:] + `,` + smallEntry + `]}}`
	r := readAll("deep.har", doc)
	if len(r.exchanges) != 1 || r.exchanges[0].Index != 1 || len(r.errs) != 1 || !strings.Contains(r.errs[0].Error(), "entry 0") {
		t.Errorf("exchanges %d, errors %v; want entry 0 reported and entry 1 read", len(r.exchanges), r.errs)
	}
}

func TestLargeCassetteIsRefusedNotParsed(t *testing.T) {
	input := io.MultiReader(strings.NewReader("---\nversion: 2\ninteractions:\n- request: {body: \""), &filler{n: MaxCassetteBytes}, strings.NewReader("\"}\n"))
	var errs []error
	for _, err := range ReadVCR("big.yaml", input) {
		errs = append(errs, err)
	}
	var ee *EntryError
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "refused") || !errors.As(errs[0], &ee) || ee.Index != -1 {
		t.Errorf("errors = %v, want the whole cassette refused for its size", errs)
	}
}

func TestSniff(t *testing.T) {
	har := harOf(harEntryJSON("https://api.affinity.co/x", 200, `{"text":"{}"}`))
	cases := map[string]Format{
		har: FormatHAR,
		"{\n  \"log\": {\n    \"version\": \"1.2\"":                                               FormatHAR,
		`{"method":"GET","url":"https://x/y","status":200}` + "\n{}":                              FormatLines,
		`{"method":"GET","url":"https://x/y","response_body":"` + strings.Repeat("a", SniffBytes): FormatLines,
		"---\nversion: 2\ninteractions:\n- request: {}":                                           FormatVCR,
		"version: 2\ninteractions: []":                                                            FormatVCR,
		`{"version":1,"summary":{},"findings":[]}`:                                                "",
		`{"version":1,"findings":[{"method":"GET","path":"/x"}]}`:                                 "",
		`{"saved":{"log":{"entries":[]}}}`:                                                        "",
		"openapi: 3.0.3\ninfo: {}":                                                                "",
		"package main":                                                                            "",
		"# orgapis\n\ntext":                                                                       "",
	}
	for in, want := range cases {
		got, ok := Sniff([]byte(in))
		if got != want || ok != (want != "") {
			t.Errorf("Sniff(%.40q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// A HAR's mimeType stands in for a Content-Type header only when the header is absent,
// for the request and for the response.
func TestReadHARMimeTypeFillsOnlyAMissingContentType(t *testing.T) {
	entry := func(reqHeader, respHeader string) string {
		return fmt.Sprintf(`{"request":{"method":"POST","url":"https://api.affinity.co/x","headers":[%s],
			"postData":{"mimeType":"application/json","text":"{}"}},
			"response":{"status":200,"headers":[%s],"content":{"mimeType":"application/json","text":"{}"}}}`, reqHeader, respHeader)
	}
	plain := `{"name":"Content-Type","value":"text/plain"}`
	r := readAll("m.har", harOf(entry("", ""), entry(plain, plain)))
	if len(r.errs) != 0 || len(r.exchanges) != 2 {
		t.Fatalf("errors %v, %d exchanges", r.errs, len(r.exchanges))
	}
	for i, want := range []string{"application/json", "text/plain"} {
		ex := r.exchanges[i]
		if got := ex.RequestHeader.Get("Content-Type"); got != want {
			t.Errorf("entry %d: request Content-Type %q, want %q", i, got, want)
		}
		if got := ex.ResponseHeader.Get("Content-Type"); got != want {
			t.Errorf("entry %d: response Content-Type %q, want %q", i, got, want)
		}
	}
}

// Entries are separated by commas: anything else after an entry is a broken file,
// reported at the next entry, after the entries before it were read.
func TestReadHARJunkBetweenEntries(t *testing.T) {
	e := harEntryJSON("https://api.affinity.co/x", 200, `{"text":"{}"}`)
	r := readAll("j.har", `{"log":{"version":"1.2","creator":{"name":"t"},"entries":[`+e+` x `+e+`]}}`)
	if len(r.exchanges) != 1 || len(r.errs) != 1 || !strings.Contains(r.errs[0].Error(), `want ',' or ']' after an entry, found 'x'`) {
		t.Errorf("%d exchanges, errors %v", len(r.exchanges), r.errs)
	}
}

func TestStatusAndSizeBounds(t *testing.T) {
	for status, ok := range map[int]bool{99: false, 100: true, 599: true, 600: false} {
		if _, err := newExchange("s", 0, "GET", "https://api.affinity.co/x", status); (err == nil) != ok {
			t.Errorf("status %d: %v", status, err)
		}
	}
	if checkSize("body", MaxBodyBytes) != nil || checkSize("body", MaxBodyBytes+1) == nil {
		t.Error("checkSize does not end at MaxBodyBytes")
	}
}

// Each exchange knows the line of its file it starts on, counting blank lines and
// entries spread over several lines.
func TestExchangesKnowTheirLines(t *testing.T) {
	entry := `{"request":{"method":"GET","url":"https://api.affinity.co/lists","headers":[]},` + "\n" +
		`"response":{"status":200,"headers":[],"content":{"mimeType":"application/json","text":"[]"}}}`
	har := "{\"log\": {\"version\": \"1.2\",\n\"entries\": [\n" + entry + ",\n\n  " + entry + "\n]}}\n"
	var lines []int
	for ex, err := range ReadHAR("a.har", strings.NewReader(har)) {
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, ex.Line)
	}
	if fmt.Sprint(lines) != "[3 6]" {
		t.Errorf("HAR lines %v, want [3 6]", lines)
	}
	line := `{"method":"GET","url":"https://api.affinity.co/lists","status":200,"response_body":[]}`
	jsonl := line + "\n\n\n" + line + "\n" + "not json\n" + line + "\n"
	lines = nil
	for ex, err := range ReadLines("a.jsonl", strings.NewReader(jsonl)) {
		if err == nil {
			lines = append(lines, ex.Line)
		}
	}
	if fmt.Sprint(lines) != "[1 4 6]" {
		t.Errorf("JSON-lines lines %v, want [1 4 6]", lines)
	}
}
