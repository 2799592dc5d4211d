package cli

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/speakeasy-api/openapi/overlay"
	"gopkg.in/yaml.v3"

	"github.com/orgapis/orgapis/contract"
)

// overlay is the proposal as an Overlay 1.0 document; skipped says which drift found no
// place in the spec to patch.
func (p *proposal) overlay(extends string) (*overlay.Overlay, []string) {
	o := &overlay.Overlay{Version: "1.0.0", Extends: extends,
		Info: overlay.Info{Title: fmt.Sprintf("Drift of %s seen in recorded traffic (validate propose)", p.api), Version: "1"}}
	var skipped []string
	keys := append([]string(nil), p.order...)
	sort.Strings(keys)
	// New paths and statuses first: a member of a response the overlay adds is in it.
	sort.SliceStable(keys, func(i, j int) bool { return rank(p.drifts[keys[i]].kind) < rank(p.drifts[keys[j]].kind) })
	for _, key := range keys {
		d := p.drifts[key]
		actions, err := p.actions(d)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s %s %s %s: %v; no action proposed", d.kind, strings.ToUpper(d.method), d.template, d.pointer, err))
			continue
		}
		o.Actions = append(o.Actions, actions...)
	}
	if len(o.Actions) == 0 {
		// Overlay 1.0 requires an action, and check --overlay and oapi-codegen refuse an
		// overlay without one: a CI job that proposes and checks must not fail on the day
		// nothing drifted. The one action marks the spec's info, which nothing reads.
		o.Actions = []overlay.Action{p.marker(len(skipped))}
	}
	return o, skipped
}

// markerKey is the extension the action of an overlay with nothing to propose sets in
// the spec's info.
const markerKey = "x-orgapis-propose"

// marker is the action of an overlay with nothing to propose: an update of the spec's
// info with markerKey saying why, which changes nothing a validator or a generator
// reads. unplaced counts the places of drift that found no place in the spec.
func (p *proposal) marker(unplaced int) overlay.Action {
	what := fmt.Sprintf("no drift in the %d exchanges of %s checked", p.exchanges, p.api)
	if unplaced > 0 {
		what = fmt.Sprintf("drift at %d places in %d exchanges of %s, none of it proposed (validate propose said why)", unplaced, p.exchanges, p.api)
	}
	var n yaml.Node
	// Encoding a map of one string cannot fail.
	_ = n.Encode(map[string]string{markerKey: what})
	return overlay.Action{Target: p.jsonPath([]string{"info"}), Update: n,
		Description: "Nothing to propose: " + what + ". This action only marks the spec's info, since an overlay needs one."}
}

func rank(kind string) int {
	switch kind {
	case contract.KindUndocumentedEndpoint:
		return 0
	case contract.KindUndocumentedStatus:
		return 1
	}
	return 2
}

// evidence is an action's description: what it does and the traffic behind it.
func (d *drift) evidence(what string) string {
	return fmt.Sprintf("%s: seen in %d exchanges (%s)", what, d.count, strings.Join(d.sources, ", "))
}

// actions are the overlay actions that make d's traffic pass.
func (p *proposal) actions(d *drift) ([]overlay.Action, error) {
	switch d.kind {
	case contract.KindUndocumentedEndpoint:
		op := map[string]any{
			"operationId": "proposed" + strings.ToUpper(d.method[:1]) + d.method[1:] + identifier(d.template),
			"summary":     "Seen in traffic, not in the documentation",
			"description": d.evidence("An endpoint the spec lacks"),
			"responses":   map[string]any{d.status: d.response()},
		}
		var params []any
		for _, seg := range strings.Split(d.template, "/") {
			if strings.HasPrefix(seg, "{") {
				params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true,
					"description": "A path segment seen as an id.", "schema": map[string]any{"type": "string"}})
			}
		}
		if params != nil {
			op["parameters"] = params
		}
		if p.node("paths", d.template) != nil {
			return p.update(d, []string{"paths", d.template}, map[string]any{d.method: op})
		}
		return p.update(d, []string{"paths"}, map[string]any{d.template: map[string]any{d.method: op}})
	case contract.KindUndocumentedStatus:
		return p.update(d, []string{"paths", d.template, d.method, "responses"}, map[string]any{d.status: d.response()})
	case contract.KindUndocumentedField:
		holder, err := p.object(d)
		if err != nil {
			return nil, err
		}
		props := map[string]any{}
		for name, s := range d.values.props {
			schema := s.schema()
			schema["description"] = d.evidence("A member the spec lacks")
			props[name] = schema
		}
		return p.update(d, holder, map[string]any{"properties": props})
	case contract.KindBody:
		container, key, err := p.member(d)
		if err != nil {
			return nil, err
		}
		original := p.node(append(append([]string(nil), container...), key...)...)
		if original == nil {
			return nil, fmt.Errorf("no schema at %s", p.jsonPath(append(container, key...)))
		}
		var orig any
		if err := original.Decode(&orig); err != nil {
			return nil, err
		}
		widened := map[string]any{"anyOf": []any{orig, d.values.schema()}, "description": d.evidence("Widened to the values seen")}
		remove := overlay.Action{Target: p.jsonPath(append(container, key...)), Remove: true, Description: "Replaced by the widened schema below."}
		var update map[string]any
		if key[0] == "items" {
			update = map[string]any{"items": widened}
		} else {
			update = map[string]any{"properties": map[string]any{key[1]: widened}}
		}
		actions, err := p.update(d, container, update)
		return append([]overlay.Action{remove}, actions...), err
	}
	return nil, fmt.Errorf("no proposal for %s", d.kind)
}

// response is a response with the schema inferred from the bodies seen.
func (d *drift) response() map[string]any {
	r := map[string]any{"description": d.evidence("A status the spec lacks")}
	if len(d.values.types) > 0 {
		r["content"] = map[string]any{"application/json": map[string]any{"schema": d.values.schema()}}
	}
	return r
}

// update is the action that merges value into the node at path.
func (p *proposal) update(d *drift, path []string, value map[string]any) ([]overlay.Action, error) {
	var n yaml.Node
	if err := n.Encode(value); err != nil {
		return nil, err
	}
	return []overlay.Action{{Target: p.jsonPath(path), Description: d.evidence("Proposed from traffic"), Update: n}}, nil
}

// identifier is a path template as the tail of an operationId: /people/match is PeopleMatch.
func identifier(template string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(template, func(r rune) bool { return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func unescape(seg string) string {
	return strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
}

// jsonPath is a path of keys as the JSONPath an overlay targets: an index into a
// sequence of the spec as [i], a key as ['key'].
func (p *proposal) jsonPath(path []string) string {
	var b strings.Builder
	b.WriteString("$")
	n := p.spec
	for _, k := range path {
		if n != nil && n.Kind == yaml.SequenceNode {
			b.WriteString("[" + k + "]")
		} else {
			b.WriteString("['" + strings.ReplaceAll(strings.ReplaceAll(k, `\`, `\\`), "'", `\'`) + "']")
		}
		if n != nil {
			n = child(n, k)
		}
	}
	return b.String()
}

// node is the spec's node at a path of keys, or nil.
func (p *proposal) node(path ...string) *yaml.Node {
	n := p.spec
	for _, k := range path {
		n = child(n, k)
		if n == nil {
			return nil
		}
	}
	return n
}

func child(n *yaml.Node, key string) *yaml.Node {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(key); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i]
		}
	case yaml.AliasNode:
		return child(n.Alias, key)
	}
	return nil
}

// maxRefHops bounds the $refs followed from one schema, for cycles.
const maxRefHops = 16

// resolve follows a schema's local $refs to the path of the schema they name.
func (p *proposal) resolve(path []string) []string {
	for range maxRefHops {
		n := p.node(path...)
		if n == nil {
			return path
		}
		ref := child(n, "$ref")
		if ref == nil || !strings.HasPrefix(ref.Value, "#/") {
			return path
		}
		var next []string
		for _, part := range strings.Split(strings.TrimPrefix(ref.Value, "#/"), "/") {
			next = append(next, unescape(part))
		}
		path = next
	}
	return path
}

// object is where the schema of the object at d's pointer is declared, after $refs: the
// response's schema for the body itself. Members it lacks are added there.
func (p *proposal) object(d *drift) ([]string, error) {
	if d.pointer == "" {
		schema, err := p.responseSchema(d)
		if err != nil {
			return nil, err
		}
		return p.resolve(schema), nil
	}
	holder, key, err := p.member(d)
	if err != nil {
		return nil, err
	}
	return p.resolve(append(append([]string(nil), holder...), key...)), nil
}

// responseSchema is the path of the JSON schema of d's response.
func (p *proposal) responseSchema(d *drift) ([]string, error) {
	responsePath := p.resolve([]string{"paths", d.template, d.method, "responses", d.status})
	if p.node(responsePath...) == nil {
		responsePath = p.resolve([]string{"paths", d.template, d.method, "responses", "default"})
	}
	response := p.node(responsePath...)
	if response == nil {
		return nil, fmt.Errorf("the spec has no response %s of %s %s", d.status, strings.ToUpper(d.method), d.template)
	}
	var schema []string
	if cc := child(response, "content"); cc != nil {
		for j := 0; j+1 < len(cc.Content); j += 2 {
			if strings.Contains(cc.Content[j].Value, "json") && child(cc.Content[j+1], "schema") != nil {
				schema = append(append([]string(nil), responsePath...), "content", cc.Content[j].Value, "schema")
				break
			}
		}
	}
	if schema == nil {
		return nil, fmt.Errorf("the spec has no JSON schema for response %s of %s %s", d.status, strings.ToUpper(d.method), d.template)
	}
	return schema, nil
}

// member finds where the schema of d's member is declared: the path of the schema
// holding it (after $refs) and its key there (properties and the name, or items).
func (p *proposal) member(d *drift) (container, key []string, err error) {
	schema, err := p.responseSchema(d)
	if err != nil {
		return nil, nil, err
	}
	segs := strings.Split(strings.TrimPrefix(d.pointer, "/"), "/")
	here := p.resolve(schema)
	for i, seg := range segs {
		var k []string
		if seg == "*" {
			k = []string{"items"}
		} else {
			k = []string{"properties", unescape(seg)}
		}
		holder := p.holder(here, k, 0)
		if holder == nil {
			return nil, nil, fmt.Errorf("no schema declares %s", strings.Join(segs[:i+1], "/"))
		}
		if i == len(segs)-1 {
			return holder, k, nil
		}
		here = p.resolve(append(append([]string(nil), holder...), k...))
	}
	return nil, nil, fmt.Errorf("an empty pointer")
}

// holder is the schema, at path or in one of its allOf, anyOf or oneOf branches, that
// has key.
func (p *proposal) holder(path, key []string, depth int) []string {
	if depth > maxInferDepth {
		return nil
	}
	if p.node(append(append([]string(nil), path...), key...)...) != nil {
		return path
	}
	for _, group := range []string{"allOf", "anyOf", "oneOf"} {
		branches := p.node(append(append([]string(nil), path...), group)...)
		if branches == nil {
			continue
		}
		for i := range branches.Content {
			b := p.resolve(append(append([]string(nil), path...), group, strconv.Itoa(i)))
			if h := p.holder(b, key, depth+1); h != nil {
				return h
			}
		}
	}
	return nil
}
