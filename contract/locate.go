package contract

import (
	"errors"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// findingsOf gives kin-openapi's findings for value (decoded) against n's schema, at
// prefix, as schemaFindings(…, schema.VisitJSON(value, MultiErrors())) would, but
// visits with kin-openapi only the parts the compiled check cannot vouch for. Where an
// array or an object passes its type and the schema composes nothing, kin-openapi's
// errors are those of the array's length, then of its items in order; or those of the
// object's members in the order of their names, then one for each required member it
// lacks; each at its own pointer. So the walk goes down into the items and members the
// compiled check refuses, kin-openapi visits the container's own keywords alone, and
// only a value that fails its type, or one the check does not know, goes to
// kin-openapi whole. A body with one wrong member among a thousand then costs one
// small visit, not a visit of the whole page, which kin-openapi's walk took (1.4 to
// 2.9 times json.Unmarshal's time, issue 35). A response's body is located the same
// way on its bytes (locateBytes, failwalk.go), which comes here only for the values
// it decodes; a request's body, and any in strict mode, come here decoded whole. It
// stops once it has limit findings.
func (v *Validator) findingsOf(base Finding, kind, prefix string, n *checkNode, value any, depth, limit int) []Finding {
	if n.valid(value, depth) {
		return nil
	}
	return v.appendFindings(nil, base, kind, prefix, n, value, depth, limit)
}

// appendFindings appends to out the findings of value, which n refuses, until out
// holds limit findings: the walk goes no further then.
func (v *Validator) appendFindings(out []Finding, base Finding, kind, prefix string, n *checkNode, value any, depth, limit int) []Finding {
	if len(out) >= limit {
		return out
	}
	schema := n.schema
	if depth < maxFastDepth && n.flat {
		switch t := value.(type) {
		case []any:
			if n.allows&allowsArray != 0 && n.flatItems {
				if !n.itemCount(len(t)) {
					// kin-openapi's errors of the array's own length come first, then its
					// items': the items are walked here rather than all visited by
					// kin-openapi, which would hold an error for each failing one
					// whatever the bound.
					own := *schema
					own.Items = nil
					out = v.ownFindings(out, base, kind, prefix, &own, value, limit)
				}
				for i, item := range t {
					if len(out) >= limit {
						break
					}
					if !n.items.valid(item, depth+1) { // only a failing item's pointer is written
						out = v.appendFindings(out, base, kind, prefix+"/"+strconv.Itoa(i), n.items, item, depth+1, limit)
					}
				}
				return out
			}
		case map[string]any:
			if n.allows&allowsObject != 0 {
				out = v.appendMemberFindings(out, base, kind, prefix, n, t, depth, limit)
				if !n.hasRequired(t) {
					// kin-openapi's errors are those of the members, then one for each
					// missing member, which the schema's own keywords alone give
					// (without its members' schemas).
					own := *schema
					own.Properties, own.AdditionalProperties = nil, openapi3.AdditionalProperties{}
					out = v.ownFindings(out, base, kind, prefix, &own, value, limit)
				}
				return out
			}
		case bool, string:
			// A boolean or a string where the schema's type admits neither is one
			// finding of its type, kin-openapi's first and only check of it then
			// (expectedType): written as describe writes it, without the visit.
			if _, isBool := t.(bool); isBool && n.allows&allowsBoolean == 0 || !isBool && n.allows&allowsString == 0 {
				f := base
				f.Kind, f.Pointer, f.Expected, f.Found = kind, prefix, n.typeExpected, brief(value)
				return append(out, f)
			}
		}
	}
	if e := refusedByComposition(schema, value); e != nil {
		return append(out, schemaFindings(base, kind, prefix, e, limit-len(out))...)
	}
	if err := schema.VisitJSON(value, openapi3.MultiErrors()); err != nil {
		return append(out, schemaFindings(base, kind, prefix, err, limit-len(out))...)
	}
	return out
}

// refusedByComposition is kin-openapi's error for a large value (maxBranchValues values
// or more) that an anyOf or a oneOf of schema refuses, found without collecting every
// error of each branch; nil when the value is small, the schema composes no anyOf or
// oneOf, or the composition takes the value. kin-openapi visits each branch in full
// only to learn whether it matches, and stops at a composition that refuses the value,
// with that one error: its first error alone decides as much, so a visit without
// MultiErrors gives the same error without holding one for each failing item of the
// value in each branch.
func refusedByComposition(schema *openapi3.Schema, value any) *openapi3.SchemaError {
	if len(schema.AnyOf) == 0 && len(schema.OneOf) == 0 || fewerValues(value, maxBranchValues) {
		return nil
	}
	var e *openapi3.SchemaError
	if !errors.As(schema.VisitJSON(value), &e) || e.SchemaField != "anyOf" && e.SchemaField != "oneOf" || len(e.JSONPointer()) > 0 {
		return nil // something else: the full visit says what
	}
	return e
}

// ownFindings appends the findings kin-openapi gives for value against own, a copy of
// a container's schema without its items' or members' schemas: those of the
// container's own keywords (its length, its required members).
func (v *Validator) ownFindings(out []Finding, base Finding, kind, prefix string, own *openapi3.Schema, value any, limit int) []Finding {
	if len(out) >= limit {
		return out
	}
	if err := own.VisitJSON(value, openapi3.MultiErrors()); err != nil {
		return append(out, schemaFindings(base, kind, prefix, err, limit-len(out))...)
	}
	return out
}

// appendMemberFindings appends the findings of the members of obj that n refuses, in
// the order of their names, as kin-openapi visits them (the others need no sorting).
func (v *Validator) appendMemberFindings(out []Finding, base Finding, kind, prefix string, n *checkNode, obj map[string]any, depth, limit int) []Finding {
	var failing []string
	for k, member := range obj {
		if child := n.memberNode(k); child != nil && !child.valid(member, depth+1) {
			failing = append(failing, k)
		}
	}
	slices.Sort(failing)
	for _, k := range failing {
		out = v.appendFindings(out, base, kind, prefix+pointer([]string{k}), n.memberNode(k), obj[k], depth+1, limit)
	}
	return out
}

// memberNode is the compiled schema kin-openapi checks a member named k against: its
// property's, else additionalProperties', else none (nil). n composes nothing, so its
// members are its schema's own properties.
func (n *checkNode) memberNode(k string) *checkNode {
	if n.schema.Properties[k] != nil {
		return n.members[k].node
	}
	return n.extra
}

// composesNothing reports whether the node's schema checks a value by its own
// keywords alone: one the compiled check is sure of, with no allOf, anyOf, oneOf,
// not, discriminator, enum, boolean schema, prefixItems, or members merged from
// elsewhere, and every property resolved.
func (n *checkNode) composesNothing() bool {
	if n == nil {
		return false
	}
	s := n.schema
	if !n.sure || len(n.allOf) > 0 || len(n.anyOf) > 0 || n.disc != nil || n.enum != nil ||
		len(s.AllOf) > 0 || len(s.AnyOf) > 0 || len(s.OneOf) > 0 || s.Not != nil || s.Discriminator != nil || len(s.Enum) > 0 ||
		s.Always != nil || len(s.PrefixItems) > 0 || s.MinProps != 0 || s.MaxProps != nil ||
		s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has {
		return false
	}
	for _, ref := range s.Properties {
		if ref == nil || ref.Value == nil {
			return false
		}
	}
	return s.AdditionalProperties.Schema == nil || s.AdditionalProperties.Schema.Value != nil
}

// hasRequired reports whether obj has every member the schema requires.
func (n *checkNode) hasRequired(obj map[string]any) bool {
	for _, name := range n.schema.Required {
		if _, ok := obj[name]; !ok {
			return false
		}
	}
	return true
}
