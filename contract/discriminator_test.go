package contract

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/orgapis/orgapis/internal/spectest"
	"github.com/orgapis/orgapis/specs"
)

// discriminated builds an anyOf over branches A (kind "a", x an integer) and B (kind
// "b" or "b2", x a string), as a loaded document has it (each branch a $ref with its
// schema), with the discriminator on kind mapped as given; bKinds replaces B's enum.
func discriminated(t *testing.T, mapping map[string]string, bKinds string) *openapi3.Schema {
	t.Helper()
	branch := func(kinds, x string) *openapi3.Schema {
		var s openapi3.Schema
		src := `{"type":"object","required":["kind"],"properties":{"kind":{"type":"string","enum":` + kinds + `},"x":{"type":"` + x + `"}}}`
		if err := json.Unmarshal([]byte(src), &s); err != nil {
			t.Fatal(err)
		}
		return &s
	}
	d := &openapi3.Discriminator{PropertyName: "kind", Mapping: map[string]openapi3.MappingRef{}}
	for k, ref := range mapping {
		d.Mapping[k] = openapi3.MappingRef{Ref: ref}
	}
	return &openapi3.Schema{Discriminator: d, AnyOf: openapi3.SchemaRefs{
		{Ref: "#/components/schemas/A", Value: branch(`["a"]`, "integer")},
		{Ref: "#/components/schemas/B", Value: branch(bKinds, "string")},
	}}
}

// The walk follows a discriminator as kin-openapi does: the property read, only the
// mapped branch checked, an object without it, with it not a string or not in the
// mapping refused (left to kin-openapi, whose finding names the discriminator), and a
// value that is not an object checked against every branch. Each verdict is the same
// from the bytes and from the tree, and kin-openapi confirms every "valid".
func TestValidBytesFollowsADiscriminator(t *testing.T) {
	exact := map[string]string{"a": "#/components/schemas/A", "b": "#/components/schemas/B", "b2": "B"} // a plain name too
	s := discriminated(t, exact, `["b","b2"]`)
	var c certainlyValid
	if c.compiled(s).disc == nil || !c.compiled(s).sure {
		t.Fatal("an exact discriminator is not followed")
	}
	for body, want := range map[string]bool{
		`{"kind":"a","x":1}`: true, `{"kind":"b","x":"s"}`: true, `{"kind":"b2"}`: true,
		`{"x":1,"kind":"a"}`: true, `{"k\u0069nd":"a","x":1}`: true, ` { "x" : [ {"kind":"b"} ] , "kind" : "a" } `: false,
		`{"x":{"kind":"b"},"kind":"a"}`: false, `{"x":7,"y":{"kind":"b"},"kind":"a"}`: true,
		`{"kind":"b","x":1}`: false, `{"kind":"a","x":"s"}`: false, // the mapped branch refuses it
		`{"kind":"c","x":1}`: false, `{"x":1}`: false, `{}`: false, // unmapped, missing
		`{"kind":null,"x":1}`: false, `{"kind":1}`: false, `{"kind":["a"]}`: false,
		`{"kind":"a","x":1,"kind":"b"}`: false, `{"kind":"b","kind":"b2"}`: true, // repeated: each held to the branch
		`"a"`: false, `null`: false, `[]`: false, `{"kind":"a",}`: false,
	} {
		if got := c.validBytes(s, []byte(body)); got != want {
			t.Errorf("%s: valid from its bytes %v, want %v", body, got, want)
		}
		checkBytesAgree(t, &c, s, []byte(body), !strings.Contains(body, `"kind":"b","kind"`) && !strings.Contains(body, `"kind":"a","x":1,"kind"`))
		var v any
		if json.Unmarshal([]byte(body), &v) != nil {
			continue
		}
		if err := s.VisitJSON(v); (err == nil) != want {
			t.Errorf("%s: kin-openapi says %v, want valid %v", body, err, want)
		}
	}
	var v any
	_ = json.Unmarshal([]byte(`{"kind":"c","x":1}`), &v)
	if err := s.VisitJSON(v); err == nil || !strings.Contains(err.Error(), `discriminator property "kind" has invalid value`) {
		t.Errorf("unmapped: kin-openapi says %v", err)
	}

	// A mapping the walk cannot follow exactly leaves every value to kin-openapi: a
	// branch whose enum has a value mapped elsewhere (a repeated member could then
	// switch branches), no mapping at all.
	for name, u := range map[string]*openapi3.Schema{
		"branch not pinned": discriminated(t, exact, `["b","b2","a"]`),
		"no mapping":        discriminated(t, map[string]string{}, `["b","b2"]`),
		"value unmapped":    discriminated(t, map[string]string{"a": "A", "b": "B"}, `["b","b2"]`),
	} {
		var c certainlyValid
		if c.validBytes(u, []byte(`{"kind":"a","x":1}`)) || c.valid(u, map[string]any{"kind": "a", "x": 1.0}, 0) {
			t.Errorf("%s: certainly valid", name)
		}
	}
	// A mapped value naming no branch of the anyOf: kin-openapi checks none, and refuses.
	stray := discriminated(t, map[string]string{"a": "A", "b": "B", "b2": "#/components/schemas/C"}, `["b"]`)
	for body, want := range map[string]bool{`{"kind":"a","x":1}`: true, `{"kind":"b2"}`: false} {
		var c certainlyValid
		if got := c.validBytes(stray, []byte(body)); got != want {
			t.Errorf("stray mapping, %s: valid from its bytes %v, want %v", body, got, want)
		}
		var v any
		_ = json.Unmarshal([]byte(body), &v)
		if err := stray.VisitJSON(v); (err == nil) != want {
			t.Errorf("stray mapping, %s: kin-openapi says %v, want valid %v", body, err, want)
		}
	}
}

// Affinity v2 pages stay on the walk: a list-entries page (its entries and their field
// values are anyOfs with discriminators, its data at most 100 entries) is valid from
// its bytes, each anyOf followed by its discriminator; one entry more than a page holds,
// or a field value of a type the spec does not know, is left to kin-openapi, which
// names what is wrong.
func TestValidBytesKeepsV2PagesOnTheWalk(t *testing.T) {
	doc, err := specs.Load(t.Context(), specs.Affinity)
	if err != nil {
		t.Fatal(err)
	}
	s := doc.Paths.Find("/v2/lists/{listId}/list-entries").Get.Responses.Status(200).Value.Content["application/json"].Schema.Value
	raw, err := spectest.Example(specs.Affinity, "listListEntriesV2", "200", "")
	if err != nil {
		t.Fatal(err)
	}
	var c certainlyValid
	if !c.validBytes(s, raw) {
		t.Fatal("the spec's example page is not valid from its bytes")
	}
	for _, name := range []string{"V2EntityListEntry", "V2FieldValue", "V2FieldValueUpdate"} {
		if n := c.compiled(doc.Components.Schemas[name].Value); n.disc == nil || !n.sure {
			t.Errorf("%s: the walk does not follow its discriminator", name)
		}
	}
	var page map[string]any
	if err := json.Unmarshal(raw, &page); err != nil {
		t.Fatal(err)
	}
	entries := page["data"].([]any)
	v, err := NewEmbedded(t.Context(), specs.Affinity)
	if err != nil {
		t.Fatal(err)
	}
	full := make([]any, 0, 101)
	for len(full) < 100 {
		full = append(full, entries[len(full)%len(entries)])
	}
	for name, c := range map[string]struct {
		data    []any
		valid   bool
		finding string
	}{
		"100 entries": {full, true, ""},
		"101 entries": {append(full, entries[0]), false, "Pointer:/data Expected:maxItems: maximum number of items is 100"},
		"an unknown value type": {
			[]any{set(entries[0], []any{"entity", "fields", 0, "value", "type"}, "no-such-type", false)}, false,
			`Pointer:/data/0/entity/fields/0/value Expected:discriminator: discriminator property "type" has invalid value`},
		"an entry without its type": {[]any{set(entries[0], []any{"type"}, nil, true)}, false,
			`Pointer:/data/0 Expected:discriminator: input does not contain the discriminator property "type"`},
	} {
		body, _ := json.Marshal(set(page, []any{"data"}, c.data, false))
		var fast certainlyValid
		if got := fast.validBytes(s, body); got != c.valid {
			t.Errorf("%s: valid from its bytes %v, want %v", name, got, c.valid)
		}
		u, _ := url.Parse("https://api.affinity.co/v2/lists/450/list-entries")
		found := v.Validate(Exchange{Source: "test", Method: "GET", URL: u, Status: 200, RequestHeader: http.Header{},
			ResponseHeader: http.Header{"Content-Type": {"application/json"}}, ResponseBody: body})
		text := fmt.Sprintf("%+v", found)
		if c.valid != (len(found) == 0) || !c.valid && !strings.Contains(text, c.finding) {
			t.Errorf("%s: findings %s, want %q", name, text, c.finding)
		}
	}
}
