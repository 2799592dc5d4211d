package contract

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

var jsonSeeds = []string{
	`{"organizations":[{"id":1,"name":"A","domain":null,"domains":[],"global":false}],"next_page_token":"t1"}`,
	`[]`, `{}`, `null`, `true`, `false`, `0`, `-0`, `-12.5e+3`, `1E2`, `"x"`, `""`, ` [1, 2 ,3 ] `,
	`"caf\u00e9 \"q\" \\ \n"`, `"\ud83d\ude00"`, `"\ud800"`, `{"a":1,"a":2}`, `"\ud83d\u0041"`, `"\udc00\udc00"`, `"\u00"`, `"\q"`,
	`1e999`, `-1e999`, `01`, `1.`, `.5`, `+1`, `1e`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `[1 2]`,
	`tru`, `nul`, `"unterminated`, "\"tab\there\"", "\"\xff\"", `{"a":[{"b":[{"c":[]}]}]}`, `1 2`, ``, ` `,
}

// deepSeeds sit at encoding/json's nesting limit. They are slow to decode, so they are
// checked here and kept out of the fuzz corpus, where a slow input at the deadline
// makes the fuzzer report "context deadline exceeded".
var deepSeeds = []string{
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
}

// decodeJSON must give exactly what encoding/json gives: the same value, or an error
// with the same text.
func checkSameAsEncodingJSON(t *testing.T, data []byte) {
	var want any
	wantErr := json.Unmarshal(data, &want)
	got, _, err := decodeJSON(data)
	if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
		t.Fatalf("%.200q: error %v, encoding/json says %v", data, err, wantErr)
	}
	if err == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%.200q: got %.200v, encoding/json gives %.200v", data, got, want)
	}
}

func TestDecodeJSONMatchesEncodingJSON(t *testing.T) {
	for _, s := range append(append([]string{}, jsonSeeds...), deepSeeds...) {
		checkSameAsEncodingJSON(t, []byte(s))
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkSameAsEncodingJSON)
}

// The decoder's own path takes the shapes bodies are made of (whitespace of each kind,
// every literal, every number form, nesting up to the limit) and leaves everything else
// to encoding/json; what it takes, it decodes exactly as encoding/json does, flagging
// numbers float64 may not hold exactly.
func TestDecodeFastTakesTheCommonShapes(t *testing.T) {
	for _, c := range []struct {
		in      string
		handled bool
		inexact bool
	}{
		{`{}`, true, false},
		{`[]`, true, false},
		{" {\t\"a\" :\r\n1 , \"b\" : [ true , false , null ] } ", true, false},
		{`{"a":{"b":[{},[]]},"c":""}`, true, false},
		{`"plain"`, true, false},
		{`"été ✓"`, true, false},
		{`0`, true, false},
		{`-0`, true, false},
		{`-1`, true, false},
		{`12.5`, true, false},
		{`0.25`, true, false},
		{`-0.5`, true, false},
		{`123456789012345`, true, false}, // 15 digits: exact
		{`1234567890123456`, true, true}, // 16
		{`1e3`, true, true},
		{`1E+3`, true, true},
		{`2.5e-3`, true, true},
		{`[1,2,3]`, true, false},
		{`9`, true, false},
		{`90`, true, false},
		{`10`, true, false},
		{`1.09`, true, false},
		{`1.90`, true, false},
		{`1e09`, true, true},
		{`1e90`, true, true},
		{`true`, true, false},
		{`false`, true, false},
		{`null`, true, false},
		{`[tru`, false, false},
		{`{"a":nul`, false, false},
		{`[true,false,null]`, true, false},
		{`"a\"b"`, true, false}, // escapes stay on the fast path
		{`"\\ \/ \b \f \n \r \t \u0026 caf\u00e9"`, true, false},
		{`{"k\u00e9y":"\ud83d\ude00"}`, true, false},
		{`"\ud800"`, true, false},        // a lone surrogate is U+FFFD
		{`"\ud83d\u0041x"`, true, false}, // a high surrogate with no low one after it
		{`"\udc00\ud83d"`, true, false},
		{`"\x"`, false, false}, // a malformed escape is encoding/json's, for its error
		{`"\u12"`, false, false},
		{`"\u12g4"`, false, false},
		{`"a\`, false, false},
		{"\"tab\there\"", false, false},
		{"\"\xff\"", false, false},
		{`01`, false, false},
		{`1.`, false, false},
		{`1.e3`, false, false},
		{`.5`, false, false},
		{`-`, false, false},
		{`-a`, false, false},
		{`+1`, false, false},
		{`1e`, false, false},
		{`1e+`, false, false},
		{`1ea`, false, false},
		{`1e999`, false, false},
		{`tru`, false, false},
		{`trux`, false, false},
		{`nul`, false, false},
		{`fals`, false, false},
		{`[1,]`, false, false},
		{`[1 2]`, false, false},
		{`[1`, false, false},
		{`[`, false, false},
		{`{"a":1,}`, false, false},
		{`{"a" 1}`, false, false},
		{`{"a":}`, false, false},
		{`{"a":1 "b":2}`, false, false},
		{`{"a":1`, false, false},
		{`{"a"`, false, false},
		{`{"a`, false, false},
		{`{`, false, false},
		{`{1:2}`, false, false},
		{`1 2`, false, false},
		{``, false, false},
		{` `, false, false},
		{`"unterminated`, false, false},
		{strings.Repeat("[", 10000) + strings.Repeat("]", 10000), true, false},  // at encoding/json's limit
		{strings.Repeat("[", 10001) + strings.Repeat("]", 10001), false, false}, // past it
		{strings.Repeat(`{"a":`, 9999) + "1" + strings.Repeat("}", 9999), true, false},
		{strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000), false, false},
	} {
		v, inexact, ok := decodeFast([]byte(c.in))
		name := c.in
		if len(name) > 40 {
			name = name[:40] + "..."
		}
		if ok != c.handled {
			t.Errorf("%q: handled = %v, want %v", name, ok, c.handled)
			continue
		}
		if !ok {
			continue
		}
		var want any
		if err := json.Unmarshal([]byte(c.in), &want); err != nil || !reflect.DeepEqual(v, want) {
			t.Errorf("%q: decoded %v; encoding/json gives %v, %v", name, v, want, err)
		}
		if inexact != c.inexact {
			t.Errorf("%q: inexact = %v, want %v", name, inexact, c.inexact)
		}
	}
}
