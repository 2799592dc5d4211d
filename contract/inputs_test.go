package contract

import (
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// These tests feed the validator inputs the recordings and the specs' examples never
// hold: strings outside ASCII against length bounds, header parameters, consecutive
// array indices, a recording that starts with a byte-order mark.

// inputsSpec is a spec written for these tests.
const inputsSpec = `openapi: 3.0.3
info: {title: Inputs the test data never holds, version: "1"}
servers:
  - url: https://api.example.test
paths:
  /names:
    get:
      operationId: listNames
      parameters:
        - {name: short, in: query, schema: {type: string, maxLength: 2}}
        - {name: long, in: query, schema: {type: string, minLength: 3}}
        - {name: X-Count, in: header, required: true, schema: {type: integer}}
        - {name: X-Tag, in: header, schema: {type: string, maxLength: 2}}
        - {name: X-Api-Key, in: header, schema: {type: string, pattern: "^k-[0-9]+$"}}
      responses:
        "200":
          description: Names.
          content:
            application/json:
              schema:
                type: object
                properties:
                  atLeast3: {type: string, minLength: 3}
                  atMost2: {type: string, maxLength: 2}
                  between2And3: {type: string, minLength: 2, maxLength: 3}
                  data:
                    type: array
                    items:
                      type: object
                      required: [id]
                      properties:
                        id: {type: integer}
`

func inputsDoc(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(inputsSpec))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return doc
}

func inputsValidator(t *testing.T, opts ...Option) *Validator {
	t.Helper()
	return New("inputs", inputsDoc(t), opts...)
}

// namesExchange is a conforming request to /names with an answer of body.
func namesExchange(query, body string) Exchange {
	ex := exchange("GET", "https://api.example.test/names"+query, 200, "application/json", body)
	ex.RequestHeader.Set("X-Count", "3")
	return ex
}

// minLength and maxLength count characters (code points), not bytes nor UTF-16 units,
// wherever a string is checked: the walk over the body's bytes, the check over the
// decoded tree and kin-openapi's walk agree on every string below, escaped or not, and
// the validator reports a finding exactly where the count is out of bounds.
func TestStringLengthsCountCharacters(t *testing.T) {
	doc := inputsDoc(t)
	v := New("inputs", doc)
	schemas := doc.Paths.Value("/names").Get.Responses.Status(200).Value.Content.Get("application/json").Schema.Value.Properties
	for _, c := range []struct {
		member string
		json   string // the string as JSON text
		ok     bool
	}{
		{"atLeast3", `"ét"`, false},                 // 2 characters in 3 bytes
		{"atLeast3", `"été"`, true},                 // 3 in 5
		{"atLeast3", `"\u00e9\u00e9"`, false},       // 2, escaped in 12 bytes
		{"atLeast3", `"\u00e9t\u00e9"`, true},       // 3, escaped
		{"atLeast3", `"😀😀"`, false},                 // 2 characters, 8 bytes, 4 UTF-16 units
		{"atLeast3", `"\ud83d\ude00\u00e9"`, false}, // 2: a surrogate pair is one character
		{"atLeast3", `"日本語"`, true},                 // 3 in 9
		{"atMost2", `"éé"`, true},                   // 2 in 4 bytes
		{"atMost2", `"ééé"`, false},                 // 3
		{"atMost2", `"😀😀"`, true},                   // 2 in 8 bytes
		{"atMost2", `"\ud83d\ude00\ud83d\ude00"`, true},
		{"atMost2", `"日本"`, true},
		{"atMost2", `"日本語"`, false},
		{"between2And3", `"ü"`, false},
		{"between2And3", `"üü"`, true},
		{"between2And3", `"üüü"`, true},
		{"between2And3", `"üüüü"`, false},
	} {
		s := schemas[c.member].Value
		data := []byte(c.json)
		var str string
		if err := json.Unmarshal(data, &str); err != nil {
			t.Fatalf("%s: %v", c.json, err)
		}
		name := fmt.Sprintf("%s %s", c.member, c.json)
		if err := s.VisitJSON(str); (err == nil) != c.ok {
			t.Errorf("%s: kin-openapi says %v, want valid %v", name, err, c.ok)
		}
		// The walks may be unsure of a conforming string (maxLength is left to
		// kin-openapi), never sure of one that does not conform.
		var fast certainlyValid
		fromBytes, fromTree := fast.validBytes(s, data), fast.valid(s, str, 0)
		if !c.ok && (fromBytes || fromTree) || fromBytes != fromTree {
			t.Errorf("%s: certainly valid from its bytes %v, from the tree %v; want %v", name, fromBytes, fromTree, c.ok)
		}
		if c.ok && s.MaxLength == nil && !fromBytes {
			t.Errorf("%s: the walk is unsure of a string within minLength", name)
		}
		fs := v.Validate(namesExchange("", `{"`+c.member+`":`+c.json+`}`))
		if c.ok && len(fs) != 0 || !c.ok && (len(fs) != 1 || fs[0].Pointer != "/"+c.member || fs[0].Kind != KindBody) {
			t.Errorf("%s: findings %+v", name, fs)
		}
	}
	// Query values are text, decoded from the URL's percent-encoding, and count alike.
	for _, c := range []struct {
		query string
		bad   []string
	}{
		{"?short=" + url.QueryEscape("éé") + "&long=" + url.QueryEscape("日本語"), nil},
		{"?short=" + url.QueryEscape("😀😀"), nil},
		{"?short=" + url.QueryEscape("ééé") + "&long=" + url.QueryEscape("日本"), []string{"/long", "/short"}},
	} {
		var got []string
		for _, f := range inputsValidator(t, CheckRequests()).Validate(namesExchange(c.query, `{}`)) {
			got = append(got, f.Pointer)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.bad) {
			t.Errorf("%s: findings at %v, want %v", c.query, got, c.bad)
		}
	}
}

// Findings at consecutive indices of an array stay apart: each element that fails
// is reported at its own index, not merged into its neighbour's, by both walks and
// for findings of each kind (a wrong type, a missing member, a number out of range).
func TestConsecutiveArrayIndicesAreEachReported(t *testing.T) {
	for _, c := range []struct {
		body string
		want []string
	}{
		{`{"data":[{"id":"a"},{"id":"b"}]}`, []string{"/data/0/id", "/data/1/id"}},
		{`{"data":[{},{}]}`, []string{"/data/0/id", "/data/1/id"}},
		{`{"data":[{"id":1},{"id":"b"},{"id":"c"},{"id":4},{"id":"e"}]}`, []string{"/data/1/id", "/data/2/id", "/data/4/id"}},
		{`{"data":[{"id":1.5},{"id":2.5}]}`, []string{"/data/0/id", "/data/1/id"}},
		{`{"data":[{"id":1e400},{"id":1e400}]}`, []string{"/data/0/id", "/data/1/id"}},
		{`{"data":[{"id":1e400},{"id":"b"}]}`, []string{"/data/0/id", "/data/1/id"}}, // one from the exact check, one from the schema's
		{`{"data":[{"id":"a"},{"id":"a"}]}`, []string{"/data/0/id", "/data/1/id"}},   // the same finding twice
		{`{"data":[1,2]}`, []string{"/data/0", "/data/1"}},
	} {
		for _, opts := range [][]Option{nil, {Strict()}} {
			var got []string
			for _, f := range inputsValidator(t, opts...).Validate(namesExchange("", c.body)) {
				got = append(got, f.Pointer)
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("%s (%d options): findings at %v, want %v", c.body, len(opts), got, c.want)
			}
		}
	}
}

// A recording that starts with a UTF-8 byte-order mark (as editors and some HAR
// exporters write) reads as the same recording without it, in every format, whether
// the format is sniffed (Read) or named (ReadHAR, ReadLines, ReadVCR): the same
// exchanges at the same indices and lines, and no error. A mark anywhere else is no
// part of the format and is refused where it stands.
func TestRecordingStartingWithAByteOrderMark(t *testing.T) {
	const bom = "\ufeff"
	line := `{"method":"GET","url":"https://api.affinity.co/organizations","status":200,"response_body":{"organizations":[]}}`
	formats := []struct {
		name, data string
		read       func(string, io.Reader) iter.Seq2[Exchange, error]
	}{
		{"har", harOf(harEntryJSON("https://api.affinity.co/x", 200, `{"text":"{}"}`), harEntryJSON("https://api.affinity.co/y", 404, `{"text":"{}"}`)),
			func(name string, r io.Reader) iter.Seq2[Exchange, error] { return ReadHAR(name, r) }},
		{"har over lines", "{\n  \"log\": {\"version\": \"1.2\", \"entries\": [\n" + harEntryJSON("https://api.affinity.co/x", 200, `{"text":"{}"}`) + "\n]}}\n",
			func(name string, r io.Reader) iter.Seq2[Exchange, error] { return ReadHAR(name, r) }},
		{"lines", line + "\n" + line + "\n",
			func(name string, r io.Reader) iter.Seq2[Exchange, error] { return ReadLines(name, r) }},
		{"vcr", "---\nversion: 2\ninteractions:\n  - request: {method: GET, url: \"https://api.apollo.io/v1/x\"}\n    response: {code: 200, body: '{}'}\n  - request: {method: GET, url: \"https://api.apollo.io/v1/y\"}\n    response: {code: 200, body: '{}'}\n",
			func(name string, r io.Reader) iter.Seq2[Exchange, error] { return ReadVCR(name, r) }},
	}
	type read struct {
		exchanges []string
		errs      []string
	}
	collect := func(seq iter.Seq2[Exchange, error]) read {
		var r read
		for ex, err := range seq {
			if err != nil {
				r.errs = append(r.errs, err.Error())
				continue
			}
			r.exchanges = append(r.exchanges, fmt.Sprintf("%d line %d %s %s %d", ex.Index, ex.Line, ex.Method, ex.URL, ex.Status))
		}
		return r
	}
	for _, f := range formats {
		plain := collect(Read(f.name, strings.NewReader(f.data)))
		if len(plain.exchanges) < 1 || len(plain.errs) != 0 {
			t.Fatalf("%s without a mark: %+v", f.name, plain)
		}
		for _, prefix := range []string{bom, bom + "\n"} {
			for how, seq := range map[string]iter.Seq2[Exchange, error]{
				"Read":             Read(f.name, strings.NewReader(prefix+f.data)),
				"its format's own": f.read(f.name, strings.NewReader(prefix+f.data)),
			} {
				got := collect(seq)
				// As without the mark (a line break after it moves every line down one).
				want := collect(Read(f.name, strings.NewReader(strings.TrimPrefix(prefix, bom)+f.data)))
				if !slices.Equal(got.exchanges, want.exchanges) || len(got.errs) != 0 {
					t.Errorf("%s after %q through %s: %+v, want %+v", f.name, prefix, how, got, want)
				}
			}
		}
		if format, ok := Sniff([]byte(bom + f.data)); !ok || format == "" {
			t.Errorf("%s after a mark sniffs as %q, %v", f.name, format, ok)
		}
	}
	// Two marks are one too many: the second is data, and refused as the format
	// refuses any stray character there.
	for _, f := range formats[:3] {
		if got := collect(Read(f.name, strings.NewReader(bom+bom+f.data))); len(got.errs) == 0 {
			t.Errorf("%s after two marks: %+v, want an error", f.name, got)
		}
	}
}
