package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// harEntryJSONRef is the entry as encoding/json reads it, which the reader's own
// parser is held to.
type harEntryJSONRef struct {
	Comment string `json:"comment"`
	Request struct {
		Method   string      `json:"method"`
		URL      string      `json:"url"`
		Headers  []harHeader `json:"headers"`
		PostData *struct {
			MimeType string `json:"mimeType"`
			Text     string `json:"text"`
			Encoding string `json:"encoding"`
		} `json:"postData"`
	} `json:"request"`
	Response *struct {
		Status  int         `json:"status"`
		Headers []harHeader `json:"headers"`
		Content struct {
			MimeType string `json:"mimeType"`
			Text     string `json:"text"`
			Encoding string `json:"encoding"`
		} `json:"content"`
	} `json:"response"`
}

// decodeHAREntry reads one entry as the reader does.
func decodeHAREntry(source string, index int, raw []byte, scratch *[]byte) (Exchange, error) {
	var e harEntry
	if err := parseHAREntry(raw, scratch, readConfig{}, &e); err != nil {
		return Exchange{}, err
	}
	return e.exchange(source, index)
}

// put appends s to e's text and returns its span.
func (e *harEntry) put(s string) span {
	start := len(e.text)
	e.text = append(e.text, s...)
	return span{start, len(e.text)}
}

// fieldsOf puts headers into e's text (names) and values.
func (e *harEntry) fieldsOf(headers []harHeader) []harField {
	var out []harField
	for _, h := range headers {
		start := len(e.values)
		e.values = append(e.values, h.Value...)
		out = append(out, harField{Name: e.put(h.Name), Value: span{start, len(e.values)}})
	}
	return out
}

// decodeHAREntryRef reads an entry through encoding/json, as the reader did before it
// had its own parser.
func decodeHAREntryRef(raw []byte) (Exchange, error) {
	var r harEntryJSONRef
	if err := json.Unmarshal(raw, &r); err != nil {
		return Exchange{}, err
	}
	var e harEntry
	e.Comment = e.put(r.Comment)
	e.Request.Method, e.Request.URL, e.Request.Headers = e.put(r.Request.Method), e.put(r.Request.URL), e.fieldsOf(r.Request.Headers)
	if pd := r.Request.PostData; pd != nil {
		e.Request.PostData = harContent{MimeType: e.put(pd.MimeType), Text: []byte(pd.Text), Encoding: e.put(pd.Encoding)}
		e.Request.HasPostData = true
	}
	if rs := r.Response; rs != nil {
		e.Response = harResponse{Status: rs.Status, Headers: e.fieldsOf(rs.Headers),
			Content: harContent{MimeType: e.put(rs.Content.MimeType), Text: []byte(rs.Content.Text), Encoding: e.put(rs.Content.Encoding)}}
		e.HasResponse = true
	}
	return e.exchange("a.har", 0)
}

// sameHAREntry fails unless the parser and encoding/json read raw alike: both refuse
// it, or both give the same exchange.
func sameHAREntry(t *testing.T, raw []byte) {
	t.Helper()
	var scratch []byte
	got, gotErr := decodeHAREntry("a.har", 0, raw, &scratch)
	want, wantErr := decodeHAREntryRef(raw)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("%q:\nparser error: %v\nencoding/json error: %v", raw, gotErr, wantErr)
	}
	if gotErr != nil {
		return
	}
	if len(got.RequestBody) == 0 && len(want.RequestBody) == 0 {
		got.RequestBody, want.RequestBody = nil, nil
	}
	if len(got.ResponseBody) == 0 && len(want.ResponseBody) == 0 {
		got.ResponseBody, want.ResponseBody = nil, nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\nparser:        %+v\nencoding/json: %+v", raw, got, want)
	}
}

// harEntryCases are entries that reach every rule of the parser: names matched
// exactly and case-folded (ſ folds to S), null keeping or clearing a value, members
// repeated and merged, values of the wrong type, headers with null and wrong
// elements, strings with escapes, surrogates and bytes that are not UTF-8, bodies in
// base64, numbers that are no int, nesting, and broken JSON.
var harEntryCases = []string{
	`{"request":{"method":"GET","url":"https://api.affinity.co/x","headers":[{"name":"A","value":"1"}]},"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"mimeType":"application/json","text":"{\"a\":\"\\u00e9\\n\"}"}},"comment":"orgapis:api=affinity"}`,
	`{"REQUEST":{"Method":"get","URL":"https://x.test/a"},"Response":{"ſtatus":201,"content":{"TEXT":"x","mimetype":"text/plain"}}}`,
	`{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":200},"response":{"content":{"text":"kept"}}}`,
	`{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":200},"response":null}`,
	`{"request":{"method":"GET","url":"https://x.test/a","method":null},"response":{"status":200,"headers":null}}`,
	`{"request":{"method":"GET","url":"https://x.test/a","headers":[null,{"name":"B"},{"value":"v"}]},"response":{"status":200}}`,
	`{"request":{"method":"GET","url":"https://x.test/a","headers":[1]},"response":{"status":200}}`,
	`{"request":{"method":"GET","url":"https://x.test/a","headers":{}},"response":{"status":200}}`,
	`{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":"200"}}`,
	`{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":200.0}}`,
	`{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":2e2}}`,
	`{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":99999999999999999999}}`,
	`{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":-0}}`,
	`{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":200,"content":{"text":"eyJhIjoxfQ==","encoding":"base64"}}}`,
	`{"request":{"method":"POST","url":"https://x.test/a","postData":{"mimeType":"application/json","text":"{}"}},"response":{"status":200}}`,
	`{"request":{"method":"POST","url":"https://x.test/a","postData":{"text":"{}"},"postData":null},"response":{"status":200}}`,
	`{"request":{"method":"GET","url":"https://x.test/a","extra":[{"deep":[[[{}]]]},true,false,null,-1.5e3,"s"]},"response":{"status":200,"timings":{"wait":1}}}`,
	"{\"request\":{\"method\":\"GET\",\"url\":\"https://x.test/a\"},\"response\":{\"status\":200,\"content\":{\"text\":\"\xff\xfe bad \\ud800 lone \\ud83d\\ude00 pair\"}}}",
	"{\"request\":{\"method\":\"G\xffET\",\"url\":\"https://x.test/a\"},\"response\":{\"status\":200}}",
	`{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":200,"content":{"text":5}}}`,
	`{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":200,"content":[]}}`,
	`{"request":"GET","response":{"status":200}}`,
	`{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":200}`,
	`{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":200}} x`,
	`{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":200,"content":{"text":"a` + "\n" + `b"}}}`,
	`{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":01}}`,
	`{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":200,}}`,
	`{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":200} , "r":[1,]}`,
	`{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":200,"x":tru}}`,
	`{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":200,"x":"\x"}}`,
	`null`, `5`, `[]`, `"s"`, `{}`, `{"response":{}}`,
	// Headers around the plain form plainHeader takes: spaced, escaped, not ASCII, in
	// another order, with more or fewer members, names folded, values of other types,
	// empty, and broken in each part.
	hdrCase(`{ "name" : "A" ,` + "\n\t" + `"value" : "1" } , {"name":"B","value":"2"}`),
	hdrCase(`{"name":"A\u0042","value":"x\"y"},{"name":"C","value":"a\/b"}`),
	hdrCase(`{"name":"X","value":"é"},{"name":"é","value":"x"}`),
	hdrCase("{\"name\":\"X\",\"value\":\"\xff\"}"),
	hdrCase(`{"value":"1","name":"A"},{"name":"A","value":"1","comment":"c"},{"name":"A","name":"B","value":"1"}`),
	hdrCase(`{"name":"A","value":null},{"name":null,"value":"1"},{"name":"A"},{"value":"1"},{}`),
	hdrCase(`{"Name":"A","VALUE":"1"},{"name":"A","value":5}`),
	hdrCase(`{"name":"","value":""},{"name":"A","value":"1"}`),
	hdrCase(`{"name":"A","value":"1"` + "\n" + `}`),
	hdrCase(`{"name":"A" "value":"1"}`),
	hdrCase(`{"name":"A","value":"1"`),
	hdrCase(`{"name":"A","value":"1}`),
	hdrCase(`{"name":"A","value":"1` + "\n" + `"}`),
	hdrCase(`{"name":"A","value":"1"},`),
	hdrCase(`{"name" "A"}`),
	hdrCase(`{"name":"A","valu":"1"}`),
}

// hdrCase is an entry whose response has the headers given (the inside of the array).
func hdrCase(headers string) string {
	return `{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":200,"headers":[` + headers + `]}}`
}

// The parser reads every entry of the cases and of the shipped HAR recordings as
// encoding/json does.
func TestHAREntryParserReadsAsEncodingJSON(t *testing.T) {
	for i, c := range harEntryCases {
		t.Run(fmt.Sprint(i), func(t *testing.T) { sameHAREntry(t, []byte(c)) })
	}
	for _, raw := range shippedHAREntries(t) {
		sameHAREntry(t, raw)
	}
}

// shippedHAREntries are the entries of the HAR files in testdata.
func shippedHAREntries(t testing.TB) [][]byte {
	var out [][]byte
	for _, path := range []string{"testdata/affinity.har", "../testdata/recordings/affinity.har", "../testdata/recordings/apollo.har"} {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		var doc struct {
			Log struct {
				Entries []json.RawMessage `json:"entries"`
			} `json:"log"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, e := range doc.Log.Entries {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		t.Fatal("no shipped HAR entries found")
	}
	return out
}

// The wrong type is reported with the field it was found at, and a syntax error wins
// over a wrong type before it, as with encoding/json.
func TestHAREntryParserErrors(t *testing.T) {
	var scratch []byte
	for raw, want := range map[string]string{
		`{"request":{"method":7,"url":"u"},"response":{"status":200}}`:            "field request.method: want string, found number 7",
		`{"request":{"method":"G"},"response":{"status":"x","headers":[1]}}`:      "field response.status: want int, found string",
		`{"request":{"headers":[{"name":[]}]},"response":{"status":200}}`:         "field request.headers.name: want string, found array",
		`{"request":{"method":7},"response":{"status":200}`:                       "entry is not valid JSON",
		`{"request":{"method":"G","url":"u"},"response":{"status":200.5}}`:        "field response.status: want int, found number 200.5",
		`{"request":{"method":"G","url":"u"},"response":{"content":{"text":{}}}}`: "field response.content.text: want string, found object",
	} {
		_, err := decodeHAREntry("a.har", 0, []byte(raw), &scratch)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", raw, err, want)
		}
	}
}

// An entry nested past encoding/json's 10,000 levels is refused as too deep, not as
// JSON it is not, in a HAR and a JSON line alike; one just under the limit is read.
func TestEntryNestedPastTheLimit(t *testing.T) {
	var scratch []byte
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	entry := func(n int) string {
		return `{"_deep":` + nest(n) + `,"request":{"method":"GET","url":"https://api.affinity.co/x"},"response":{"status":200}}`
	}
	line := func(n int) string {
		return `{"x":` + nest(n) + `,"method":"GET","url":"https://api.affinity.co/x","status":200}`
	}
	if _, err := decodeHAREntry("a.har", 0, []byte(entry(maxJSONDepth-2)), &scratch); err != nil {
		t.Errorf("an entry under the limit: %v", err)
	}
	_, err := decodeHAREntry("a.har", 0, []byte(entry(maxJSONDepth)), &scratch)
	if err == nil || !strings.Contains(err.Error(), "entry nests deeper than 10000 levels, the limit for JSON") {
		t.Errorf("an entry past the limit: %v", err)
	}
	for i, raw := range []string{line(maxJSONDepth - 2), line(maxJSONDepth)} {
		var got error
		for _, err := range ReadLines("a.jsonl", strings.NewReader(raw+"\n")) {
			got = err
		}
		switch {
		case i == 0 && got != nil:
			t.Errorf("a line under the limit: %v", got)
		case i == 1 && (got == nil || !strings.Contains(got.Error(), "line nests deeper than 10000 levels, the limit for JSON")):
			t.Errorf("a line past the limit: %v", got)
		}
	}
}

// FuzzHAREntry holds the parser to encoding/json on any entry.
func FuzzHAREntry(f *testing.F) {
	for _, c := range harEntryCases {
		f.Add([]byte(c))
	}
	for _, raw := range shippedHAREntries(f) {
		if len(raw) < 4<<10 {
			f.Add(raw)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if bytes.Count(raw, []byte("["))+bytes.Count(raw, []byte("{")) > 1000 {
			return // nesting limits are the two's own, far beyond any recording
		}
		sameHAREntry(t, raw)
	})
}

// An entry's headers become the http.Header that Header.Add makes of them, one at a
// time: names canonical (the usual ones, in any case, and any other), a repeated
// name's values in order, names Add leaves as they are (a space, a byte outside
// ASCII) left so; the header values of one entry do not spill into another's; and the
// names kept from the last entries (canonicalName) give the same keys whether the next
// entry repeats them, shifts them or changes them. The Content-Type and
// Content-Encoding the reader reads itself are Header.Get's.
func TestHAREntryHeadersAsHeaderAdd(t *testing.T) {
	names := []string{"Content-Type", "content-type", "CONTENT-TYPE", "x-ratelimit-limit-user", "X-RateLimit-Limit-User",
		"x-rate-limit-minute", "X-Custom", "x-custom", "x custom", "x-ç", "", "-", "a--b", "Set-Cookie", "set-cookie", "Date",
		"x-24-hour-usage", "Content-type", "content-encoding", "Content-Encoding", "Content-Type"}
	var e harEntry // one entry read again and again, as the reader does
	reversed := slices.Clone(names)
	slices.Reverse(reversed)
	orders := [][]string{names, reversed, names, names[1:], names}
	for o, order := range orders {
		for i := range order {
			e.reset()
			var fields []harHeader
			want := http.Header{}
			for j, name := range order[i:] {
				value := fmt.Sprintf("v%d-%d-%d", o, i, j)
				if j%5 == 4 {
					value = ""
				}
				fields = append(fields, harHeader{Name: name, Value: value})
				want.Add(name, value)
			}
			e.Response.Headers = e.fieldsOf(fields)
			e.Request.Headers = e.fieldsOf(fields[:1])
			values := make([]string, len(e.Request.Headers)+len(e.Response.Headers))
			text := string(e.values)
			req := e.header(requestNames, e.Request.Headers, text, values)
			got := e.header(responseNames, e.Response.Headers, text, values[len(e.Request.Headers):])
			if !reflect.DeepEqual(got.h, want) {
				t.Fatalf("from %q:\ngot  %q\nwant %q", order[i], got.h, want)
			}
			if got.contentType != want.Get("Content-Type") || got.contentEncoding != want.Get("Content-Encoding") {
				t.Fatalf("from %q: content type %q and encoding %q, want %q and %q", order[i], got.contentType, got.contentEncoding,
					want.Get("Content-Type"), want.Get("Content-Encoding"))
			}
			if wantReq := (http.Header{http.CanonicalHeaderKey(fields[0].Name): {fields[0].Value}}); !reflect.DeepEqual(req.h, wantReq) {
				t.Fatalf("request headers %q, want %q", req.h, wantReq)
			}
			got.h.Add("Extra", "x") // appending to one header's values leaves the others'
			for k, vs := range want {
				if !reflect.DeepEqual(got.h[k], vs) {
					t.Fatalf("%s: %q after an Add, want %q", k, got.h[k], vs)
				}
			}
		}
	}
	for form, name := range commonHeaders {
		if want := http.CanonicalHeaderKey(form); name != want {
			t.Errorf("%q is keyed %q, want %q", form, name, want)
		}
	}
}
