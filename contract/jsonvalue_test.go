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
	`"caf\u00e9 \"q\" \\ \n"`, `"\ud83d\ude00"`, `"\ud800"`, `{"a":1,"a":2}`,
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
