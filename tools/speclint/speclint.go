// The project's own rules for its OpenAPI documents, beyond what
// kin-openapi's validation checks: complete operation metadata, descriptions everywhere,
// int64 ids, an example for every success response, no unused components, every
// member carried by some example, and no example member whose type could change with
// the example still valid.

package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Problem is one broken rule at one place in a document.
type Problem struct {
	Rule  string // short name of the rule, such as "operation-id"
	Where string // where in the document, such as "GET /organizations"
	What  string // what is wrong
}

func (p Problem) String() string { return fmt.Sprintf("%s: %s [%s]", p.Where, p.What, p.Rule) }

// Check applies every rule to doc, which must already be loaded and valid, and returns
// the problems sorted by place.
func Check(doc *openapi3.T) []Problem {
	c := &checker{seen: map[*openapi3.Schema]bool{}, members: members{
		where: map[*openapi3.Schema]string{}, exercised: map[*openapi3.Schema]map[string]bool{}}}
	c.operations(doc)
	for _, name := range slices.Sorted(maps.Keys(doc.Components.Schemas)) {
		ref := doc.Components.Schemas[name]
		where := "components/schemas/" + name
		if ref.Value.Description == "" {
			c.add("description", where, "schema has no description")
		}
		c.schema(where, ref.Value)
	}
	for _, name := range slices.Sorted(maps.Keys(doc.Components.Parameters)) {
		c.parameter("components/parameters/"+name, doc.Components.Parameters[name].Value)
	}
	c.unused(doc)
	c.unexercised()
	sort.SliceStable(c.problems, func(i, j int) bool { return c.problems[i].Where < c.problems[j].Where })
	return c.problems
}

type checker struct {
	problems []Problem
	seen     map[*openapi3.Schema]bool
	members  members
}

func (c *checker) add(rule, where, format string, args ...any) {
	c.problems = append(c.problems, Problem{Rule: rule, Where: where, What: fmt.Sprintf(format, args...)})
}

func (c *checker) operations(doc *openapi3.T) {
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			where := method + " " + path
			if op.OperationID == "" {
				c.add("operation-id", where, "operation has no operationId")
			}
			if len(op.Tags) == 0 {
				c.add("operation-tags", where, "operation has no tag")
			}
			if op.Summary == "" {
				c.add("operation-summary", where, "operation has no summary")
			}
			if op.Description == "" {
				c.add("operation-description", where, "operation has no description")
			}
			for _, p := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
				if p.Ref == "" {
					c.parameter(where+" parameter "+p.Value.Name, p.Value)
				}
			}
			if op.RequestBody != nil {
				for mt, media := range op.RequestBody.Value.Content {
					c.media(where+" request "+mt, media, false)
				}
			}
			c.responses(where, op.Responses)
		}
	}
}

func (c *checker) parameter(where string, p *openapi3.Parameter) {
	if p.Description == "" {
		c.add("description", where, "parameter has no description")
	}
	if p.Schema == nil {
		c.add("parameter-schema", where, "parameter has no schema")
		return
	}
	c.idFormat(where, p.Name, p.Schema.Value)
	if p.Schema.Ref == "" {
		c.schema(where, p.Schema.Value)
	}
}

func (c *checker) responses(where string, rs *openapi3.Responses) {
	for status, r := range rs.Map() {
		if r.Value.Description == nil || *r.Value.Description == "" {
			c.add("description", where+" "+status, "response has no description")
		}
		success := strings.HasPrefix(status, "2")
		for mt, media := range r.Value.Content {
			c.media(where+" "+status+" "+mt, media, success && strings.Contains(mt, "json"))
		}
	}
}

func (c *checker) media(where string, m *openapi3.MediaType, needExample bool) {
	if m.Schema == nil {
		c.add("media-schema", where, "content has no schema")
		return
	}
	if m.Schema.Ref == "" {
		c.schema(where, m.Schema.Value)
	}
	examples := map[string]any{}
	if m.Example != nil {
		examples["example"] = m.Example
	}
	for name, ex := range m.Examples {
		examples["examples/"+name] = ex.Value.Value
	}
	if needExample && len(examples) == 0 {
		c.add("success-example", where, "success response has no example")
	}
	c.members.reach(where, m.Schema)
	for _, name := range slices.Sorted(maps.Keys(examples)) {
		if err := m.Schema.Value.VisitJSON(examples[name], openapi3.MultiErrors()); err != nil {
			c.add("example-valid", where+" "+name, "example does not match its schema: %s", schemaErrorText(err))
			continue
		}
		c.mutation(where+" "+name, m.Schema.Value, examples[name])
	}
}

// schema checks the properties of s and of every schema inside it, once per schema.
func (c *checker) schema(where string, s *openapi3.Schema) {
	if s == nil || c.seen[s] {
		return
	}
	c.seen[s] = true
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		prop := s.Properties[name]
		at := where + "/" + name
		if prop.Value.Description == "" {
			c.add("description", at, "property has no description")
		}
		c.idFormat(at, name, prop.Value)
		if prop.Ref == "" {
			c.schema(at, prop.Value)
		}
	}
	if s.Items != nil && s.Items.Ref == "" {
		c.schema(where+"/items", s.Items.Value)
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for i, sub := range group {
			if sub.Ref == "" {
				c.schema(fmt.Sprintf("%s/%d", where, i), sub.Value)
			}
		}
	}
}

// idFormat asks for int64 on integer ids: Affinity's ids already exceed int32.
func (c *checker) idFormat(where, name string, s *openapi3.Schema) {
	if s == nil {
		return
	}
	isID := name == "id" || strings.HasSuffix(name, "_id")
	if strings.HasSuffix(name, "_ids") && s.Type.Is("array") && s.Items != nil {
		s, isID = s.Items.Value, true
	}
	if isID && s.Type.Is("integer") && s.Format != "int64" {
		c.add("id-int64", where, "integer id %q needs format int64", name)
	}
}

// unused reports components that nothing outside components reaches, directly or through
// other components. It walks the document's JSON form, where references are plain strings.
func (c *checker) unused(doc *openapi3.T) {
	raw, err := json.Marshal(doc)
	if err != nil {
		c.add("unused-component", "document", "cannot walk the document: %v", err)
		return
	}
	var tree map[string]any
	if err := json.Unmarshal(raw, &tree); err != nil {
		c.add("unused-component", "document", "cannot walk the document: %v", err)
		return
	}
	components, _ := tree["components"].(map[string]any)
	delete(tree, "components")

	used := map[string]bool{}
	var queue []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok && strings.HasPrefix(ref, "#/components/") && !used[ref] {
				used[ref] = true
				queue = append(queue, ref)
			}
			for _, child := range v {
				walk(child)
			}
		case []any:
			for _, child := range v {
				walk(child)
			}
		}
	}
	walk(tree)
	for len(queue) > 0 {
		ref := queue[0]
		queue = queue[1:]
		parts := strings.Split(strings.TrimPrefix(ref, "#/components/"), "/")
		if len(parts) != 2 {
			continue
		}
		if kind, ok := components[parts[0]].(map[string]any); ok {
			walk(kind[parts[1]])
		}
	}
	requirements := doc.Security
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.Security != nil {
				requirements = append(requirements, *op.Security...)
			}
		}
	}
	for _, req := range requirements {
		for name := range req {
			used["#/components/securitySchemes/"+name] = true
		}
	}
	for _, kind := range slices.Sorted(maps.Keys(components)) {
		entries, _ := components[kind].(map[string]any)
		for _, name := range slices.Sorted(maps.Keys(entries)) {
			if ref := "#/components/" + kind + "/" + name; !used[ref] {
				c.add("unused-component", strings.TrimPrefix(ref, "#/"), "component is never referenced")
			}
		}
	}
}

// schemaErrorText keeps only the pointer and reason of schema errors: their Error()
// prints the whole schema and value.
func schemaErrorText(err error) string {
	var parts []string
	var collect func(error)
	collect = func(err error) {
		switch e := err.(type) {
		case openapi3.MultiError:
			for _, sub := range e {
				collect(sub)
			}
		case *openapi3.SchemaError:
			parts = append(parts, "/"+strings.Join(e.JSONPointer(), "/")+": "+e.Reason)
		default:
			parts = append(parts, err.Error())
		}
	}
	collect(err)
	return strings.Join(parts, "; ")
}
