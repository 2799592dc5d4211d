package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// locateOutcome is what checkLocateAgrees saw of one body.
type locateOutcome int

const (
	conforms    locateOutcome = iota // the byte walk accepts the body: nothing to locate
	locatedHere                      // located on the bytes
	leftToTree                       // locateBytes left it to the decoded path
)

// checkLocateAgrees holds the findings located on the bytes (locateBytes) to those of
// the decoded path (decodedFindings) on one body, and checkBody, which picks between
// them, to the decoded path too: same findings, same order, same texts.
func checkLocateAgrees(t testing.TB, v *Validator, s *openapi3.Schema, data []byte) locateOutcome {
	t.Helper()
	if !utf8.Valid(data) {
		return leftToTree
	}
	base := Finding{Source: "body.json", Entry: 7, Line: 3, API: "test", Method: "GET", Status: 200, Location: "body"}
	want := v.decodedFindings(base, s, data, KindBody, unbounded)
	got, located := v.locateBytes(base, KindBody, v.fast.compiled(s), data, unbounded)
	if located && !sameFindings(got, want) {
		t.Fatalf("located on the bytes:\n%s\ndecoded:\n%s\nbody: %.600s", listFindings(got), listFindings(want), data)
	}
	if v.fast.validBytes(s, data) {
		if located && len(got) > 0 {
			t.Fatalf("valid from its bytes, yet located %s in %.300s", listFindings(got), data)
		}
		return conforms
	}
	if !located && len(data) > 2048 {
		return leftToTree // checkBody would run the decoded path again, slowly
	}
	if checked := v.checkBody(base, s, data, KindBody, nil, unbounded); !sameFindings(checked, want) {
		t.Fatalf("checkBody:\n%s\ndecoded:\n%s\nbody: %.600s", listFindings(checked), listFindings(want), data)
	}
	if located {
		return locatedHere
	}
	return leftToTree
}

func sameFindings(a, b []Finding) bool {
	return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b)
}

func listFindings(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %q expected %q found %q\n", f.Pointer, f.Expected, f.Found)
	}
	return b.String()
}

// jsonStyle is a way of writing a value as JSON, each of which the decoded path reads
// as the same value, but for the repeated members (the last one wins).
type jsonStyle struct {
	name string
	// space puts white space around every token; escape writes every string and name
	// with escapes (every non-ASCII character as \u, surrogate pairs beyond the BMP,
	// "/" as "\/", the first ASCII letter as \u00XX); reverse writes members against
	// the order of their names.
	space, escape, reverse bool
	// repeatFirst writes, before an object's members, its first member again with
	// another value, which the real one then replaces; repeatLast writes it after
	// them, so that the other value is the one decoded.
	repeatFirst, repeatLast bool
}

var jsonStyles = []jsonStyle{
	{name: "compact"},
	{name: "spaced", space: true},
	{name: "escaped", escape: true},
	{name: "reversed", reverse: true, space: true},
	{name: "repeated first", repeatFirst: true},
	{name: "repeated last", repeatLast: true, escape: true},
}

// writeJSON writes v (decoded shapes, json.Number written as its literal) in style.
func writeJSON(b *bytes.Buffer, v any, style jsonStyle) {
	sp := func() {
		if style.space {
			b.WriteString(" \n\t")
		}
	}
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case json.Number:
		b.WriteString(string(t))
	case float64, int:
		out, _ := json.Marshal(t)
		b.Write(out)
	case string:
		writeStyledString(b, t, style.escape)
	case []any:
		b.WriteByte('[')
		for i, item := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			sp()
			writeJSON(b, item, style)
			sp()
		}
		b.WriteByte(']')
	case map[string]any:
		names := slices.Sorted(func(yield func(string) bool) {
			for k := range t {
				if !yield(k) {
					return
				}
			}
		})
		if style.reverse {
			slices.Reverse(names)
		}
		b.WriteByte('{')
		member := func(i int, name string, value any) {
			if i > 0 {
				b.WriteByte(',')
			}
			sp()
			writeStyledString(b, name, style.escape)
			sp()
			b.WriteByte(':')
			sp()
			writeJSON(b, value, style)
			sp()
		}
		i := 0
		if style.repeatFirst && len(names) > 0 {
			member(i, names[0], otherValue(t[names[0]]))
			i++
		}
		for _, name := range names {
			member(i, name, t[name])
			i++
		}
		if style.repeatLast && len(names) > 0 {
			member(i, names[0], otherValue(t[names[0]]))
		}
		b.WriteByte('}')
	default:
		panic(fmt.Sprintf("writeJSON: %T", v))
	}
}

// otherValue is a value of another JSON type than v's, for a repeated member.
func otherValue(v any) any {
	switch v.(type) {
	case string:
		return 12.0
	case nil:
		return []any{"é"}
	default:
		return "répété"
	}
}

func writeStyledString(b *bytes.Buffer, s string, escape bool) {
	if !escape {
		out, _ := json.Marshal(s)
		b.Write(out)
		return
	}
	b.WriteByte('"')
	letter := true
	for _, r := range s {
		switch {
		case r == '/':
			b.WriteString(`\/`)
		case r >= utf8.RuneSelf:
			if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
				fmt.Fprintf(b, `\u%04x\u%04X`, r1, r2)
			} else {
				fmt.Fprintf(b, `\u%04x`, r)
			}
		case letter && ('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'):
			fmt.Fprintf(b, `\u%04X`, r)
			letter = false
		default:
			out, _ := json.Marshal(string(r))
			b.Write(out[1 : len(out)-1])
		}
	}
	b.WriteByte('"')
}

// edgeMutations are changes the mutations of locate_test.go do not make: numbers at the
// edges of float64 and of its exact integers, written as literals, and members with
// non-ASCII names, names with "/" and "~", and names with escapes of their own.
func edgeMutations(v any) []pointMutation {
	numbers := []any{json.Number("1e400"), json.Number("-1e400"), json.Number("-0"), json.Number("-0.0"),
		json.Number("9007199254740993"), json.Number("9007199254740992"), json.Number("1E2"), json.Number("1.5e-400"),
		json.Number("123456789012345"), json.Number("-0.000000000001"), json.Number("99999999999999999999")}
	var out []pointMutation
	var walk func(path []any)
	walk = func(path []any) {
		switch t := get(v, path).(type) {
		case map[string]any:
			for _, name := range []string{"é", "名前/~x", "😀", "a\"b\\c\n"} {
				child := append(slices.Clone(path), name)
				out = append(out, pointMutation{path: child, value: "x"}, pointMutation{path: child, value: 1.0},
					pointMutation{path: child, value: map[string]any{"ü": true}})
			}
			for k := range t {
				child := append(slices.Clone(path), k)
				for _, n := range numbers {
					out = append(out, pointMutation{path: child, value: n})
				}
				walk(child)
			}
		case []any:
			for i := range t {
				child := append(slices.Clone(path), i)
				for _, n := range numbers[:4] {
					out = append(out, pointMutation{path: child, value: n})
				}
				walk(child)
			}
		}
	}
	walk(nil)
	return out
}

// outOfRange finds a number out of float64's range, or of int64's, which only the
// decoded path reports.
var outOfRange = regexp.MustCompile(`[0-9]{19}|[0-9][eE][+-]?[0-9]{3}`)

// Findings located on the bytes are the decoded path's, on every example of both specs
// (and the keywords schema of locate_test.go) with every change made alone, in pairs,
// and a third at once, each body written in one of the styles of jsonStyles, in turn:
// escapes, white space, members out of order, members repeated (the decoded path keeps
// the last); and with numbers at the edges and members with non-ASCII names. Only a
// body with a number out of float64's range or of int64's goes to the decoded path.
func TestLocateBytesAgreesWithTheDecodedPath(t *testing.T) {
	schemas, examples := responseSchemas(t)
	page, pageExample := keywordsPage(t)
	schemas = append(schemas, page)
	examples = append(examples, []any{pageExample})
	v := &Validator{}
	counts := map[string]map[locateOutcome]int{}
	unexplained := 0
	var b bytes.Buffer
	turn := 0
	for i, s := range schemas {
		for _, ex := range examples[i] {
			// A quarter of the changes and a ninth of the edges keep the test within
			// seconds: the decoded path is slow on bodies with numbers at the edges.
			var values []any
			for j, value := range mutatedValues(ex) {
				if j%4 == turn%4 {
					values = append(values, value)
				}
			}
			for j, m := range edgeMutations(ex) {
				if j%9 == turn%9 {
					values = append(values, set(ex, m.path, m.value, m.remove))
				}
			}
			for _, value := range values {
				turn++
				style := jsonStyles[turn%len(jsonStyles)]
				b.Reset()
				writeJSON(&b, value, style)
				if counts[style.name] == nil {
					counts[style.name] = map[locateOutcome]int{}
				}
				outcome := checkLocateAgrees(t, v, s, b.Bytes())
				counts[style.name][outcome]++
				if outcome == leftToTree && !outOfRange.Match(b.Bytes()) {
					if unexplained++; unexplained < 5 {
						t.Errorf("left to the decoded path: %.300s", b.Bytes())
					}
				}
			}
		}
	}
	for _, style := range jsonStyles {
		c := counts[style.name]
		t.Logf("%s: %d conform, %d located on the bytes, %d left to the decoded path", style.name, c[conforms], c[locatedHere], c[leftToTree])
		if c[locatedHere] < 3000 {
			t.Errorf("%s: only %d bodies located on the bytes", style.name, c[locatedHere])
		}
	}
}

// treeSpec is a schema that holds itself, through a member and through items, with a
// free-form member that no schema constrains, for bodies nested as deep as one likes.
const treeSpec = `openapi: 3.0.3
info: {title: Tree, version: "1"}
paths: {}
components:
  schemas:
    Tree:
      type: object
      required: [v]
      properties:
        v: {type: integer}
        name: {type: string, nullable: true}
        flag: {type: boolean}
        next: {$ref: '#/components/schemas/Tree'}
        kids: {type: array, items: {$ref: '#/components/schemas/Tree'}}
        free: {}
      additionalProperties: {type: integer}
`

func treeSchema(t testing.TB) *openapi3.Schema {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(treeSpec))
	if err != nil {
		t.Fatal(err)
	}
	return doc.Components.Schemas["Tree"].Value
}

// treeBodies are bodies of treeSpec nested up to, across and far past maxFastDepth,
// through members and through items, with findings at the bottom, at every level, and
// inside free members nested past the walk's depth and past encoding/json's.
func treeBodies() []string {
	chain := func(levels int, link, member, leaf string) string {
		var b strings.Builder
		for range levels {
			b.WriteString(`{"v":1` + member + `,"` + link + `":`)
			if link == "kids" {
				b.WriteString("[")
			}
		}
		b.WriteString(leaf)
		for range levels {
			if link == "kids" {
				b.WriteString("]")
			}
			b.WriteString("}")
		}
		return b.String()
	}
	nested := func(levels int) string { return strings.Repeat("[", levels) + strings.Repeat("]", levels) }
	var out []string
	for _, levels := range []int{0, 1, 30, maxFastDepth - 2, maxFastDepth - 1, maxFastDepth, maxFastDepth + 1, maxFastDepth + 2, 100, 300} {
		for _, link := range []string{"next", "kids"} {
			for _, c := range []struct{ member, leaf string }{
				{"", `{"v":"bad"}`},
				{"", `{"v":true,"flag":"no","name":5}`},
				{"", `{"name":"no v"}`},
				{"", `{"v":1,"extra":"x","free":` + nested(80) + `}`},
				{"", `{"v":1,"free":` + nested(5000) + `,"flag":1}`},
				{"", `{"v":1.5,"v":1}`},
				{"", `{"v":1,"v":"x"}`},
				{"", `1e400`},
				{"", `{"v":9007199254740993}`},
				{`,"flag":"no"`, `{"v":-0}`},
				{`,"é":"x","名/~":true`, `{"v":2}`},
				{`,"free":` + nested(70), `{"v":"\u00e9\ud83d\ude00"}`},
				{`,"next":{"v":"first"}`, `{"v":3}`},
			} {
				out = append(out, chain(levels, link, c.member, c.leaf))
			}
		}
	}
	return append(out, `{"v":1,"free":`+nested(maxJSONDepth+1)+`}`, `{"v":"x","free":`+nested(maxJSONDepth-10)+`}`,
		`{"v":"x","free":`+nested(skipBudget(1))+`}`, `{"v":"x","free":`+nested(skipBudget(1)+1)+`}`)
}

// Bodies nested through the walk's depth and encoding/json's get the decoded path's
// findings, without a panic; those within maxFastDepth with findings are located on
// the bytes.
func TestLocateBytesAtDepth(t *testing.T) {
	s := treeSchema(t)
	v := &Validator{}
	located := 0
	for _, body := range treeBodies() {
		if checkLocateAgrees(t, v, s, []byte(body)) == locatedHere {
			located++
		}
	}
	if located < 200 {
		t.Errorf("%d bodies located on the bytes", located)
	}
}

// A member an object repeats is the last one's, as encoding/json decodes it; names are
// compared unescaped, ordered by their bytes, and written as JSON pointers write them.
func TestLocateBytesRepeatedAndNonASCIINames(t *testing.T) {
	s := treeSchema(t)
	v := &Validator{}
	for body, want := range map[string][]string{
		`{"v":"x","v":1}`:                                                nil,
		`{"v":1,"v":"x"}`:                                                {`/v type integer "x"`},
		`{"v":"x","flag":2,"v":"y"}`:                                     {`/flag type boolean 2`, `/v type integer "y"`},
		`{"\u0076":"x","v":1}`:                                           nil,
		`{"v":1,"\u0076":true}`:                                          {`/v type integer true`},
		`{"v":1,"é":"x","名/~":true,"e":1}`:                               {`/é type integer "x"`, `/名~1~0 type integer true`},
		`{"v":1,"\u00e9":"x","é":"y"}`:                                   {`/é type integer "y"`},
		`{"v":1,"next":{"v":"a"},"next":{"v":2}}`:                        nil,
		`{"v":1,"next":{"v":2},"next":{"v":"b"}}`:                        {`/next/v type integer "b"`},
		`{"v":1,"flag":"` + strings.Repeat("é", 100) + `"}`:              {`/flag type boolean "` + strings.Repeat("é", 38) + `...`},
		`{"v":1,"kids":[{"v":1},{"v":"a","v":"b"},{"v":1,"flag":null}]}`: {`/kids/1/v type integer "b"`, `/kids/2/flag type boolean null`},
	} {
		if checkLocateAgrees(t, v, s, []byte(body)) != locatedHere && want != nil {
			t.Errorf("%s: not located on the bytes", body)
		}
		fs, _ := v.locateBytes(Finding{}, KindBody, v.fast.compiled(s), []byte(body), unbounded)
		var got []string
		for _, f := range fs {
			got = append(got, f.Pointer+" "+f.Expected+" "+f.Found)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", body, got, want)
		}
	}
}

// FuzzLocateBytes holds the findings located on the bytes to the decoded path's on any
// body, against every schema of both specs, the keywords schema and the tree schema.
func FuzzLocateBytes(f *testing.F) {
	schemas, examples := responseSchemas(f)
	page, _ := keywordsPage(f)
	schemas = append(schemas, page, treeSchema(f))
	var b bytes.Buffer
	for i := range examples {
		for j, ex := range examples[i] {
			muts := pointMutations(ex)
			for k, style := range jsonStyles {
				value := ex
				if len(muts) > 0 {
					m := muts[(j+k*7)%len(muts)]
					value = set(ex, m.path, m.value, m.remove)
				}
				b.Reset()
				writeJSON(&b, value, style)
				f.Add(i, slices.Clone(b.Bytes()))
			}
		}
	}
	for _, body := range treeBodies()[:40] {
		f.Add(len(schemas)-1, []byte(body))
	}
	v := &Validator{}
	f.Fuzz(func(t *testing.T, i int, data []byte) {
		if i < 0 {
			i = -(i + 1)
		}
		checkLocateAgrees(t, v, schemas[i%len(schemas)], data)
	})
}

// A run of 19 digits outside strings, the shortest integer int64 may not hold, sends a
// body with an inexact number to the decoded path; one inside a string, or shorter,
// does not.
func TestLongDigitRun(t *testing.T) {
	for body, want := range map[string]bool{
		`[9223372036854775807]`: true, `[-1234567890123456789.5]`: true, `[123456789012345678]`: false,
		`["1234567890123456789"]`: false, `["\"1234567890123456789"]`: false, `["\\",1234567890123456789]`: true,
		`[1.5e300, 12345678901234567.8]`: false, `{"12345678901234567890":1}`: false,
	} {
		if got := longDigitRun([]byte(body)); got != want {
			t.Errorf("%s: %v, want %v", body, got, want)
		}
	}
}
