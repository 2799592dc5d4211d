package jsonscan

import (
	"slices"
	"strings"
	"testing"
)

// Elements walks an array's top-level elements whatever they hold: brackets, commas and
// quotes inside strings and nested values do not split them.
func TestElements(t *testing.T) {
	for raw, want := range map[string][]string{
		`[]`:                         nil,
		` [ ] `:                      nil,
		`[1]`:                        {`1`},
		`[ 1 , "a,]" ,{"b":[1,2]}]`:  {`1`, `"a,]"`, `{"b":[1,2]}`},
		`["\"],", null, [[],[{}]] ]`: {`"\"],"`, `null`, `[[],[{}]]`},
	} {
		var got []string
		n, ok, err := Elements([]byte(raw), func(_ int, e []byte) error { got = append(got, string(e)); return nil })
		if !ok || err != nil || n != len(want) || !slices.Equal(got, want) {
			t.Errorf("%s: %d %q (ok %v, %v), want %q", raw, n, got, ok, err, want)
		}
	}
	for _, raw := range []string{`{}`, `1`, `"[1]"`, `null`, ``} {
		if _, ok, _ := Elements([]byte(raw), nil); ok {
			t.Errorf("%s: taken for an array", raw)
		}
	}
}

// Deeper counts nesting on both sides of its bound, and not the brackets in strings
// (an escaped quote does not end one); it stops at the first level past the bound.
func TestDeeper(t *testing.T) {
	for _, c := range []struct {
		raw    string
		max    int
		deeper bool
		depth  int
	}{
		{`[[{"a":[]}]]`, 4, false, 0},
		{`[[{"a":[]}]]`, 3, true, 4},
		{`{"k":"[[[[\"[[[["}`, 1, false, 0},
		{`["é\\", [1]]`, 1, true, 2},
		{`[[[[[[`, 2, true, 3}, // unclosed: stops, never reads past
		{``, 0, false, 0},
	} {
		deeper, depth := Deeper([]byte(c.raw), c.max)
		if deeper != c.deeper || depth != c.depth {
			t.Errorf("Deeper(%s, %d) = %v, %d; want %v, %d", c.raw, c.max, deeper, depth, c.deeper, c.depth)
		}
	}
}

// Values counts every value of a document at least once, strings' brackets, commas
// and colons never, and stops once past max.
func TestValues(t *testing.T) {
	for raw, want := range map[string]int64{
		`1`:                        1,
		`[]`:                       3, // an empty array counts its first element
		`[1,2,3]`:                  5,
		`{"a":1,"b":[2]}`:          8, // the document, {, :, ",", :, [
		`{"a:,[{":"],,::{{"}`:      4,
		`[[[]]]`:                   7,
		`{"s":"\"[,:]\\","t":"x"}`: 6,
	} {
		if got := Values([]byte(raw), 1000); got != want {
			t.Errorf("Values(%s) = %d, want %d", raw, got, want)
		}
	}
	if got := Values([]byte(`[`+strings.Repeat(`1,`, 1000)+`1]`), 10); got != 11 {
		t.Errorf("past max: %d, want it to stop at 11", got)
	}
}
