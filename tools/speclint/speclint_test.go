package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/orgapis/orgapis/specs"
)

func TestShippedSpecsFollowEveryRule(t *testing.T) {
	for _, api := range specs.APIs() {
		doc, err := specs.Load(t.Context(), api)
		if err != nil {
			t.Fatalf("%s: %v", api, err)
		}
		for _, p := range Check(doc) {
			t.Errorf("%s: %s", api, p)
		}
	}
}

// badDoc breaks each rule once. Its invalid example makes kin-openapi reject it, so the
// rules run on the parsed but unvalidated document.
const badDoc = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{thing_id}:
    get:
      parameters:
        - name: thing_id
          in: path
          required: true
          schema: {type: integer}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Thing"
    post:
      operationId: makeThing
      tags: [Things]
      summary: s
      description: d
      parameters:
        - name: thing_id
          in: path
          required: true
          description: the id
          schema: {type: integer, format: int64}
        - name: filter
          in: query
          description: an inline object, whose members need descriptions too
          schema:
            type: object
            properties:
              since: {type: string}
      requestBody:
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/Thing"
            example: {note: hello, parent_id: 3}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Thing"
              example: {owner_ids: ["not a number"]}
components:
  schemas:
    Thing:
      type: object
      properties:
        owner_ids:
          type: array
          items: {type: integer}
        parent_id:
          type: integer
          format: int32
        note:
          description: any type passes
        legacy:
          description: kept for old readers
          type: string
          deprecated: true
        meta:
          description: inline object
          type: object
          properties:
            size: {type: integer}
        tags:
          description: inline items
          type: array
          items:
            type: object
            properties:
              label: {type: string}
        kind:
          description: inline anyOf
          anyOf:
            - type: object
              properties:
                code: {type: integer}
        labels:
          description: a map
          type: object
          additionalProperties:
            type: object
            properties:
              colour: {type: string, description: c}
    Orphan:
      description: nobody uses me
      type: string
`

func TestEveryRuleCanFire(t *testing.T) {
	if _, err := specs.LoadData(t.Context(), "bad.yaml", []byte(badDoc)); err == nil {
		t.Fatal("kin-openapi accepted an invalid example; expected it to reject the document")
	}
	doc, err := openapi3.NewLoader().LoadFromData([]byte(badDoc))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range Check(doc) {
		got[p.Rule] += p.Where + "; "
	}
	want := map[string]string{
		"operation-id":          "GET /things/{thing_id}",
		"operation-tags":        "GET /things/{thing_id}",
		"operation-summary":     "GET /things/{thing_id}",
		"operation-description": "GET /things/{thing_id}",
		"description":           "components/schemas/Thing",
		"id-int64":              "parameter thing_id",
		"success-example":       "GET /things/{thing_id} 200 application/json",
		"example-valid":         "POST /things/{thing_id} 200 application/json example",
		"unused-component":      "components/schemas/Orphan",
		"example-mutation":      "POST /things/{thing_id} request application/json example /note",
		"member-exercised":      "components/schemas/Thing/owner_ids",
	}
	for _, inline := range []string{"Thing/meta/size", "Thing/tags/items/label", "Thing/kind/0/code", "parameter filter/since"} {
		if !strings.Contains(got["description"], inline) {
			t.Errorf("no description problem at the inline schema %s: %s", inline, got["description"])
		}
	}
	if !strings.Contains(got["member-exercised"], "Thing/labels/additionalProperties/colour") {
		t.Errorf("member-exercised missed a member of map values: %s", got["member-exercised"])
	}
	problems := Check(doc)
	if !slices.IsSortedFunc(problems, func(a, b Problem) int { return strings.Compare(a.Where, b.Where) }) {
		t.Errorf("problems not sorted by place: %v", problems)
	}
	for rule, where := range want {
		if !strings.Contains(got[rule], where) {
			t.Errorf("rule %s: want a problem at %q, got %q", rule, where, got[rule])
		}
	}
	if strings.Contains(got["id-int64"], "POST") {
		t.Errorf("id-int64 fired on an int64 parameter: %s", got["id-int64"])
	}
	if !strings.Contains(got["id-int64"], "owner_ids") {
		t.Errorf("id-int64 missed the integer array owner_ids: %s", got["id-int64"])
	}
	if strings.Contains(got["example-mutation"], "parent_id") || strings.Contains(got["example-mutation"], "example /;") {
		t.Errorf("example-mutation fired on a typed member: %s", got["example-mutation"])
	}
	if strings.Contains(got["member-exercised"], "parent_id") || strings.Contains(got["member-exercised"], "note") {
		t.Errorf("member-exercised fired on a member an example carries: %s", got["member-exercised"])
	}
	if strings.Contains(got["member-exercised"], "legacy") {
		t.Errorf("member-exercised asked for an example of a deprecated member: %s", got["member-exercised"])
	}
	if !strings.Contains(got["id-int64"], "parent_id") {
		t.Errorf("id-int64 accepted an int32 id, parent_id: %s", got["id-int64"])
	}
}

// A member's type changed or dropped in the shipped spec is caught by the examples:
// changed, an example no longer validates; dropped, an example's mutation still does.
func TestExamplesNoticeADriftedMemberType(t *testing.T) {
	for _, c := range []struct {
		change func(*openapi3.Schema)
		rule   string
	}{
		{func(s *openapi3.Schema) { s.Type = &openapi3.Types{"string"} }, "example-valid"},
		{func(s *openapi3.Schema) { s.Type = nil }, "example-mutation"},
	} {
		doc, err := specs.Load(t.Context(), specs.Affinity)
		if err != nil {
			t.Fatal(err)
		}
		c.change(doc.Components.Schemas["ListEntry"].Value.Properties["entity_type"].Value)
		found := false
		for _, p := range Check(doc) {
			found = found || (p.Rule == c.rule && strings.Contains(p.Where+p.What, "entity_type"))
		}
		if !found {
			t.Errorf("ListEntry.entity_type changed: no %s problem naming it", c.rule)
		}
	}
}
