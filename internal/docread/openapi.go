package docread

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// OpenAPI reads an OpenAPI document held in data, after checking it against lim: the
// one place the module hands a document to kin-openapi's loader. External $refs are
// not followed. origins has the loader record where each element was written (for a
// report that points into the document). The document is not validated.
func OpenAPI(name string, data []byte, lim Limits, origins bool) (*openapi3.T, error) {
	root, err := YAML(name, data, lim)
	if err != nil {
		return nil, err
	}
	if err := nullItems(name, root, ""); err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	loader.IncludeOrigin = origins
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return doc, nil
}

// CutCycles makes doc's schemas a tree a walker cannot loop in: every $ref that leads
// back to a schema it is reached from (A: {type: array, items: {$ref: A}}) is replaced
// by a schema of the same type and nothing below it, and each cut is named in the
// notes it returns, in a stable order. The walk itself visits each schema once and
// holds no more than lim.Depth schemas at a time: a document whose schemas nest
// deeper through $ref than that is refused. Tools that follow schemas without
// remembering where they have been (oasdiff's checker follows items without end) can
// then read doc.
func CutCycles(name string, doc *openapi3.T, lim Limits) ([]string, error) {
	lim = lim.withDefaults()
	w := &cycleWalk{name: name, lim: lim, state: map[*openapi3.Schema]int{}, height: map[*openapi3.Schema]int{}}
	for _, ref := range w.roots(doc) {
		if _, err := w.visit(ref.get(), ref.set, 0); err != nil {
			return nil, err
		}
	}
	slices.Sort(w.notes)
	return slices.Compact(w.notes), nil
}

type cycleWalk struct {
	name   string
	lim    Limits
	state  map[*openapi3.Schema]int // 1 while on the walk's path, 2 once done
	height map[*openapi3.Schema]int // of a schema done: the longest chain below it, itself included
	notes  []string
}

// slot is a place that holds a schema reference, which the walk may replace.
type slot struct {
	get func() *openapi3.SchemaRef
	set func(*openapi3.SchemaRef)
}

func refSlot(p **openapi3.SchemaRef) slot {
	return slot{func() *openapi3.SchemaRef { return *p }, func(r *openapi3.SchemaRef) { *p = r }}
}

func mapSlots(m openapi3.Schemas) []slot {
	var out []slot
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, slot{func() *openapi3.SchemaRef { return m[k] }, func(r *openapi3.SchemaRef) { m[k] = r }})
	}
	return out
}

func listSlots(l openapi3.SchemaRefs) []slot {
	out := make([]slot, len(l))
	for i := range l {
		out[i] = refSlot(&l[i])
	}
	return out
}

func contentSlots(c openapi3.Content) []slot {
	var out []slot
	for _, k := range slices.Sorted(maps.Keys(c)) {
		if m := c[k]; m != nil {
			out = append(out, refSlot(&m.Schema))
		}
	}
	return out
}

func paramSlots(params openapi3.Parameters) []slot {
	var out []slot
	for _, p := range params {
		if p != nil && p.Value != nil {
			out = append(out, refSlot(&p.Value.Schema))
			out = append(out, contentSlots(p.Value.Content)...)
		}
	}
	return out
}

func headerSlots(h openapi3.Headers) []slot {
	var out []slot
	for _, k := range slices.Sorted(maps.Keys(h)) {
		if v := h[k]; v != nil && v.Value != nil {
			out = append(out, refSlot(&v.Value.Schema))
			out = append(out, contentSlots(v.Value.Content)...)
		}
	}
	return out
}

func responseSlots(r *openapi3.ResponseRef) []slot {
	if r == nil || r.Value == nil {
		return nil
	}
	return append(contentSlots(r.Value.Content), headerSlots(r.Value.Headers)...)
}

// roots are the places schemas hang from: the components and every operation.
func (w *cycleWalk) roots(doc *openapi3.T) []slot {
	var out []slot
	if c := doc.Components; c != nil {
		out = append(out, mapSlots(c.Schemas)...)
		for _, k := range slices.Sorted(maps.Keys(c.Parameters)) {
			out = append(out, paramSlots(openapi3.Parameters{c.Parameters[k]})...)
		}
		for _, k := range slices.Sorted(maps.Keys(c.RequestBodies)) {
			if b := c.RequestBodies[k]; b != nil && b.Value != nil {
				out = append(out, contentSlots(b.Value.Content)...)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(c.Responses)) {
			out = append(out, responseSlots(c.Responses[k])...)
		}
		out = append(out, headerSlots(c.Headers)...)
	}
	if doc.Paths == nil {
		return out
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		if item == nil {
			continue
		}
		out = append(out, paramSlots(item.Parameters)...)
		ops := item.Operations()
		for _, method := range slices.Sorted(maps.Keys(ops)) {
			op := ops[method]
			out = append(out, paramSlots(op.Parameters)...)
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				out = append(out, contentSlots(op.RequestBody.Value.Content)...)
			}
			if op.Responses != nil {
				for _, status := range slices.Sorted(maps.Keys(op.Responses.Map())) {
					out = append(out, responseSlots(op.Responses.Value(status))...)
				}
			}
		}
	}
	return out
}

// children are the places in s that hold schemas.
func children(s *openapi3.Schema) []slot {
	out := []slot{refSlot(&s.Items), refSlot(&s.Not), refSlot(&s.Contains), refSlot(&s.PropertyNames),
		refSlot(&s.If), refSlot(&s.Then), refSlot(&s.Else), refSlot(&s.ContentSchema),
		refSlot(&s.AdditionalProperties.Schema)}
	out = append(out, mapSlots(s.Properties)...)
	out = append(out, mapSlots(s.PatternProperties)...)
	out = append(out, mapSlots(s.DependentSchemas)...)
	out = append(out, mapSlots(s.Defs)...)
	for _, l := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf, s.PrefixItems} {
		out = append(out, listSlots(l)...)
	}
	return out
}

// visit walks the schema ref holds, depth schemas below a root, and returns its height.
func (w *cycleWalk) visit(ref *openapi3.SchemaRef, set func(*openapi3.SchemaRef), depth int) (int, error) {
	if ref == nil || ref.Value == nil {
		return 0, nil
	}
	s := ref.Value
	switch w.state[s] {
	case 2:
		if h := w.height[s]; depth+h > w.lim.Depth {
			return 0, w.tooDeep(depth + h)
		}
		return w.height[s], nil
	case 1: // back on the path: this reference closes a loop
		name := ref.Ref
		if name == "" {
			name = "a schema"
		}
		w.notes = append(w.notes, fmt.Sprintf("%s refers to itself; compared down to its first repetition", name))
		set(&openapi3.SchemaRef{Value: &openapi3.Schema{Type: s.Type, Format: s.Format, Nullable: s.Nullable}})
		return 1, nil
	}
	if depth >= w.lim.Depth {
		return 0, w.tooDeep(depth + 1)
	}
	w.state[s] = 1
	h := 0
	for _, c := range children(s) {
		ch, err := w.visit(c.get(), c.set, depth+1)
		if err != nil {
			return 0, err
		}
		h = max(h, ch)
	}
	w.state[s], w.height[s] = 2, h+1
	return h + 1, nil
}

func (w *cycleWalk) tooDeep(got int) error {
	return &LimitError{Name: w.name, What: "schema depth", Got: int64(got), Limit: int64(w.lim.Depth)}
}

// objectLists are the OpenAPI members whose items are objects (or, for required,
// names): a null among them is read by kin-openapi as a nil pointer that the tools
// after it (oasdiff) follow and crash on.
var objectLists = map[string]bool{"servers": true, "tags": true, "security": true, "parameters": true,
	"allOf": true, "anyOf": true, "oneOf": true, "prefixItems": true, "required": true}

// nullItems refuses a null item in one of objectLists, naming its line. Literal
// values (examples, defaults, enums, extensions) may hold null, and are not looked in.
func nullItems(name string, n *yaml.Node, key string) error {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if err := nullItems(name, c, ""); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if objectLists[key] && c.Kind == yaml.ScalarNode && c.Tag == "!!null" {
				return fmt.Errorf("%s:%d: %s[%d] is null, where an OpenAPI document has a value", name, c.Line, key, i)
			}
			if err := nullItems(name, c, ""); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			switch {
			case strings.HasPrefix(k, "x-"), k == "example", k == "examples", k == "default", k == "enum", k == "const":
				continue
			}
			if err := nullItems(name, n.Content[i+1], k); err != nil {
				return err
			}
		}
	}
	return nil
}
