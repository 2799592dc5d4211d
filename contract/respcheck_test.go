package contract

import (
	"maps"
	"mime"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/orgapis/orgapis/specs"
)

// headerSpec documents answers whose headers have a schema of every kind checkScalar
// reads: integers with bounds and a format, numbers, booleans, enums, patterns,
// lengths, anyOf and allOf, nullable, and no schema; and content types with wildcards.
const headerSpec = `openapi: 3.0.3
info: {title: Headers of every kind, version: "1"}
paths:
  /h:
    get:
      operationId: getH
      responses:
        "200":
          description: Every kind.
          headers:
            X-Int: {required: true, schema: {type: integer, minimum: 1, maximum: 900}}
            x-int32: {schema: {type: integer, format: int32}}
            X-Num: {schema: {type: number, exclusiveMaximum: true, maximum: 10}}
            X-Bool: {schema: {type: boolean}}
            X-Enum: {schema: {type: string, enum: [a, b]}}
            X-Pattern: {schema: {type: string, pattern: "^([0-9]+|unlimited)$"}}
            X-Len: {schema: {type: string, minLength: 2, maxLength: 3}}
            X-Any: {schema: {anyOf: [{type: string, pattern: "^a"}, {type: string, pattern: "^b"}]}}
            X-All: {schema: {allOf: [{type: string, minLength: 2}, {type: string, pattern: "z$"}]}}
            X-Untyped: {schema: {minLength: 2}}
            X-Null: {schema: {type: integer, nullable: true}}
            X-None: {required: true}
          content:
            application/json: {schema: {type: object}}
            text/*: {schema: {type: string}}
        2XX:
          description: A range.
          headers:
            X-Range: {schema: {type: integer}}
        default:
          description: Anything else.
          content:
            '*/*': {schema: {type: string}}
`

// headerValues are values for the headers above: each in bounds, out of them, of
// another type, text encoding/json and strconv read in their own ways, and lengths
// either side of what the patterns' matcher takes.
var headerValues = []string{"", "0", "1", "900", "901", "3.5", "10", "9.99", "1e3", "-1", "2147483648", "NaN", "Inf", "-Inf",
	"0x10", "1_000", "true", "false", "TRUE", "t", "a", "b", "ab", "abc", "abcd", "az", "z", "é", "éé", "ééé", "unlimited",
	"Unlimited", " 900", "900 ", "null", "\xff", "lots",
	// Either side of the longest text the patterns' matcher takes itself (patmatch.go).
	strings.Repeat("9", maxMatchedLen), strings.Repeat("9", maxMatchedLen+1), "a" + strings.Repeat("z", maxMatchedLen),
	"a" + strings.Repeat("z", maxMatchedLen-1), strings.Repeat("9", maxMatchedLen) + "x"}

// The compiled checks of a response's headers and content type give exactly the
// findings of the walk over the response's maps (checkHeaders, mime.ParseMediaType
// and Content.Get), on every header value above in every header of headerSpec, and on
// the documented headers of both specs' answers.
func TestResponseChecksAgreeWithTheMaps(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(headerSpec))
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]*openapi3.T{"headers": doc}
	for _, api := range specs.APIs() {
		if docs[string(api)], err = specs.Load(t.Context(), api); err != nil {
			t.Fatal(err)
		}
	}
	checked, failing := 0, 0
	for name, doc := range docs {
		v := New(specs.API(name), doc)
		for i := range v.router.routes {
			rt := &v.router.routes[i]
			for _, status := range []int{200, 201, 204, 299, 400, 404, 429, 500, 99, 600} {
				ref := rt.operation.Responses.Status(status)
				if ref == nil {
					ref = rt.operation.Responses.Default()
				}
				got := v.response(rt, status)
				if (ref == nil) != (got == nil) || ref != nil && ref.Value != got.resp {
					t.Fatalf("%s %s %d: compiled response %v, want %v", name, rt.template, status, got, ref)
				}
				if ref == nil {
					continue
				}
				headers := slices.Sorted(maps.Keys(ref.Value.Headers))
				for _, value := range headerValues {
					for _, only := range append(headers, "") {
						ex := exchange(strings.ToUpper(rt.method), "https://x.test"+rt.template, status, "", "")
						for _, h := range headers {
							if only == "" || h == only {
								ex.ResponseHeader.Set(h, value)
							}
						}
						want := checkHeaders(Finding{}, ref.Value.Headers, ex)
						if fs := checkResponseHeaders(Finding{}, got, ex); !reflect.DeepEqual(fs, want) {
							t.Fatalf("%s %s %d %q=%q:\ncompiled %+v\nmaps     %+v", name, rt.template, status, only, value, fs, want)
						}
						checked++
						failing += len(want)
					}
				}
				for _, ct := range []string{"", "application/json", "application/json; charset=utf-8", "Application/JSON",
					"text/plain", "text/csv; q=1", "image/png", "application/json; charset", "a/b/c", "json", "*/*", "text/*"} {
					mediaType, _, err := mime.ParseMediaType(ct)
					var want *openapi3.MediaType
					if err == nil {
						want = ref.Value.Content.Get(mediaType)
					}
					for range 2 { // parsed, then remembered
						c := got.mediaFor(ct)
						if c.media != want || want != nil && c.mediaType != mediaType {
							t.Fatalf("%s %s %d Content-Type %q: %+v, want %v %q", name, rt.template, status, ct, c, want, mediaType)
						}
					}
				}
			}
		}
	}
	if checked < 10000 || failing < 1000 {
		t.Fatalf("only %d exchanges, %d findings: the cases do not reach the checks", checked, failing)
	}
}

// A response remembers what at most maxMediaChoices Content-Type values select, and
// still selects for every other one: a recording of endless content types grows
// nothing.
func TestMediaChoicesAreBounded(t *testing.T) {
	v := validator(t, specs.Affinity)
	rt := v.router.find("GET", "/organizations/1")
	r := v.response(rt, 200)
	for i := range 3 * maxMediaChoices {
		ct := "application/json; x=" + strings.Repeat("a", i+1)
		if c := r.mediaFor(ct); c.media == nil || c.mediaType != "application/json" {
			t.Fatalf("%q: %+v", ct, c)
		}
	}
	if n := len(*r.media.Load()); n != maxMediaChoices {
		t.Fatalf("%d choices kept, want %d", n, maxMediaChoices)
	}
}
