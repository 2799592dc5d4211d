package jsonscan

import (
	"slices"
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
