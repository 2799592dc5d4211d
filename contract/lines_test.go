package contract

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"
)

// A line of exactly the limit is read; one byte more is skipped and reported, and the
// line after it is still read: with a limit past bufio's buffer, so that the line
// arrives in several pieces, and with one within it.
func TestReadLineLimit(t *testing.T) {
	for _, limit := range []int{10_000, 10} {
		for _, n := range []int{limit, limit + 1} {
			src := io.MultiReader(io.LimitReader(repeatByte('a'), int64(n)), strings.NewReader("\nnext\n"))
			br := bufio.NewReaderSize(src, 4096)
			var buf []byte
			line, err := readLine(br, limit, &buf)
			if n == limit && (err != nil || len(line) != n || line[0] != 'a' || line[n-1] != 'a') {
				t.Errorf("line of %d bytes: %d bytes, %v", n, len(line), err)
			}
			if n > limit && !errors.Is(err, errLineTooLong) {
				t.Errorf("line of %d bytes: %v, want errLineTooLong", n, err)
			}
			if next, err := readLine(br, limit, &buf); err != nil || string(next) != "next" {
				t.Errorf("after a line of %d bytes: %q, %v", n, next, err)
			}
		}
	}
}

type repeatByte byte

func (b repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

// lineExchangeRef is a line as encoding/json reads it, which the reader's own parser
// is held to.
type lineExchangeRef struct {
	Method          string            `json:"method"`
	URL             string            `json:"url"`
	Status          int               `json:"status"`
	RequestHeaders  map[string]string `json:"request_headers"`
	RequestBody     json.RawMessage   `json:"request_body"`
	RequestText     *string           `json:"request_text"`
	ResponseHeaders map[string]string `json:"response_headers"`
	ResponseBody    json.RawMessage   `json:"response_body"`
	ResponseText    *string           `json:"response_text"`
}

// parseLineRef reads a line through encoding/json, as the reader did before it had its
// own parser; collide says two header names of the line are one header, which a map's
// order sets either way.
func parseLineRef(line []byte) (ex Exchange, collide bool, err error) {
	var l lineExchangeRef
	if err := json.Unmarshal(line, &l); err != nil {
		return Exchange{}, false, err
	}
	ex, err = newExchange("a.jsonl", 0, l.Method, l.URL, l.Status)
	if err != nil {
		return ex, false, err
	}
	for _, hs := range []struct {
		m   map[string]string
		dst http.Header
	}{{l.RequestHeaders, ex.RequestHeader}, {l.ResponseHeaders, ex.ResponseHeader}} {
		for k, v := range hs.m {
			if _, ok := hs.dst[http.CanonicalHeaderKey(k)]; ok {
				collide = true
			}
			hs.dst.Set(k, v)
		}
	}
	text := func(s *string) []byte {
		if s == nil {
			return nil
		}
		return []byte(*s)
	}
	ex.RequestBody = pick(l.RequestBody, text(l.RequestText), l.RequestText != nil)
	ex.ResponseBody = pick(l.ResponseBody, text(l.ResponseText), l.ResponseText != nil)
	return ex, collide, nil
}

func sameLine(t *testing.T, line []byte) {
	t.Helper()
	var scratch []byte
	got, gotErr := parseLine("a.jsonl", 0, line, &scratch, readConfig{})
	want, collide, wantErr := parseLineRef(line)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("%q:\nparser error: %v\nencoding/json error: %v", line, gotErr, wantErr)
	}
	if gotErr != nil {
		return
	}
	if collide {
		got.RequestHeader, want.RequestHeader, got.ResponseHeader, want.ResponseHeader = nil, nil, nil, nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\nparser:        %+v\nencoding/json: %+v", line, got, want)
	}
}

// lineCases reach every rule of the line parser: bodies as values (null, nested,
// spaced) and as text (empty, escaped, null), headers repeated, null, of the wrong
// type and added to by a second occurrence, names case-folded, and broken lines.
var lineCases = []string{
	`{"method":"GET","url":"https://api.affinity.co/x","status":200,"response_headers":{"Content-Type":"application/json"},"response_body":{"a":[1, {"b":null}] }}`,
	`{"method":"POST","url":"https://x.test/a","status":201,"request_body":null,"request_text":"","response_text":"line\nbreak \u00e9"}`,
	`{"method":"GET","url":"https://x.test/a","status":200,"response_text":"x","response_text":null,"response_body":"s"}`,
	`{"method":"GET","url":"https://x.test/a","status":200,"response_headers":{"A":"1","B":null},"response_headers":{"C":"3","A":"4"}}`,
	`{"method":"GET","url":"https://x.test/a","status":200,"response_headers":{"A":"1"},"response_headers":null}`,
	`{"method":"GET","url":"https://x.test/a","status":200,"response_headers":{"A":1}}`,
	`{"method":"GET","url":"https://x.test/a","status":200,"response_headers":[]}`,
	`{"METHOD":"GET","Url":"https://x.test/a","STATUS":200,"Response_Body":{}}`,
	`{"method":"GET","url":"https://x.test/a","status":"200"}`,
	`{"method":"GET","url":"https://x.test/a","status":200,"request_text":5}`,
	`{"method":"GET","url":"https://x.test/a","status":200,"response_body":{"a":}}`,
	`{"method":"GET","url":"https://x.test/a","status":200} {}`,
	`{"method":"GET","url":"https://x.test/a","status":200,"other":[true,false,null,-1e5,"\ud800"]}`,
	"{\"method\":\"GET\",\"url\":\"https://x.test/a\",\"status\":200,\"response_text\":\"\xff\"}",
	`[]`, `null`, `{}`,
}

// The parser reads every case, and every line of the shipped recording, as
// encoding/json does.
func TestLineParserReadsAsEncodingJSON(t *testing.T) {
	for i, c := range lineCases {
		t.Run(fmt.Sprint(i), func(t *testing.T) { sameLine(t, []byte(c)) })
	}
	data, err := os.ReadFile("../testdata/recordings/affinity-extra.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for line := range bytes.Lines(data) {
		if line = bytes.TrimSpace(line); len(line) > 0 {
			sameLine(t, line)
			n++
		}
	}
	if n == 0 {
		t.Fatal("no lines in the shipped recording")
	}
}

// FuzzLineEntry holds the line parser to encoding/json on any line.
func FuzzLineEntry(f *testing.F) {
	for _, c := range lineCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.Count(line, []byte("["))+bytes.Count(line, []byte("{")) > 1000 {
			return // nesting limits are the two's own, far beyond any recording
		}
		sameLine(t, line)
	})
}

// Read hands WithBodyAlloc to the HAR and JSON-lines readers: every body they copy out
// comes from it, and the exchanges are as without it.
func TestReadWithBodyAlloc(t *testing.T) {
	line := `{"method":"POST","url":"https://api.affinity.co/x","status":200,"request_text":"a=1","response_body":{"b":[2]}}`
	har := harOf(harEntryJSON("https://api.affinity.co/x", 200, `{"text":"{\"c\":3}"}`))
	for name, c := range map[string]struct {
		data  string
		taken int
	}{"lines": {line + "\n" + line + "\n", 4}, "har": {har, 1}} {
		var bodies recycler
		var plain, reused []Exchange
		for ex, err := range Read(name, strings.NewReader(c.data)) {
			if err != nil {
				t.Fatal(err)
			}
			plain = append(plain, ex)
		}
		for ex, err := range Read(name, strings.NewReader(c.data), WithBodyAlloc(bodies.alloc)) {
			if err != nil {
				t.Fatal(err)
			}
			reused = append(reused, ex)
		}
		if bodies.taken != c.taken || !reflect.DeepEqual(plain, reused) || len(plain) == 0 {
			t.Errorf("%s: %d bodies taken (want %d); with the allocator %+v, without %+v", name, bodies.taken, c.taken, reused, plain)
		}
		// An allocator that gives the wrong length is not trusted with the body.
		for ex, err := range Read(name, strings.NewReader(c.data), WithBodyAlloc(func(n int) []byte { return make([]byte, n/2) })) {
			if err != nil || !reflect.DeepEqual(ex.ResponseBody, plain[ex.Index].ResponseBody) {
				t.Errorf("%s with a short allocator: %q, %v", name, ex.ResponseBody, err)
			}
		}
	}
}
