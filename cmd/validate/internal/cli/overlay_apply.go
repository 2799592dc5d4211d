package cli

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/speakeasy-api/openapi/overlay"
	"gopkg.in/yaml.v3"
)

// applyOverlay applies ov's actions to root in order, with the results and errors of
// overlay's ApplyToStrict, in time linear in the size of the overlay and the spec.
// ApplyToStrict indexes the whole document for every remove action and merges an
// update's keys by searching the target's: 30,000 actions took 32 s and one update of
// 50,000 keys 88 s. Here an action whose target is a plain path ($, then names and
// indices, as validate propose writes them) is resolved through an index of each
// mapping's keys, kept as the actions change it; removed pairs are left in place,
// marked, and compacted once. Any other action (filters, wildcards, copy, a path
// through an alias) is handed to ApplyToStrict alone, after the marked pairs are
// compacted, and the indices are built again as needed: those actions cost a walk of
// the document each, as they do in overlay.
func applyOverlay(ov *overlay.Overlay, root *yaml.Node) error {
	a := &applier{v110: ov.IsV110OrLater(), keys: map[*yaml.Node]map[string]int{}, dead: map[*yaml.Node]bool{}, dirty: map[*yaml.Node]bool{}}
	var failed []string
	for _, action := range ov.Actions {
		done, err := a.fast(root, action, &failed)
		if err != nil {
			return err
		}
		if done {
			continue
		}
		a.compact()
		one := *ov
		one.Actions = []overlay.Action{action}
		warnings, err := one.ApplyToStrict(root)
		if err != nil && warnings == nil {
			return err // an action that could not be applied: ApplyToStrict stops there
		}
		if err != nil { // a target that matched nothing: noted, and the next actions apply
			failed = append(failed, strings.TrimPrefix(err.Error(), "error applying overlay (strict): "))
		}
		clear(a.keys) // the action may have changed anything
	}
	a.compact()
	if len(failed) > 0 {
		return fmt.Errorf("error applying overlay (strict): %s", strings.Join(failed, ","))
	}
	return nil
}

type applier struct {
	v110  bool
	keys  map[*yaml.Node]map[string]int // a mapping's keys and where each stands; -1 for a key written twice
	dead  map[*yaml.Node]bool           // keys of pairs removed but not yet compacted
	dirty map[*yaml.Node]bool           // mappings holding such pairs
}

// segment is one step of a plain path: a name, or an index when isIndex.
type segment struct {
	name    string
	index   int
	isIndex bool
}

// plainPath parses $ followed by .name, ['name'], ["name"] and [n] steps; ok is false
// for anything else, which is left to overlay's own JSONPath.
func plainPath(target string) (segs []segment, ok bool) {
	rest, ok := strings.CutPrefix(target, "$")
	if !ok {
		return nil, false
	}
	for rest != "" {
		switch rest[0] {
		case '.':
			i := 1
			for i < len(rest) && (rest[i] == '_' || 'a' <= rest[i] && rest[i] <= 'z' || 'A' <= rest[i] && rest[i] <= 'Z' || i > 1 && '0' <= rest[i] && rest[i] <= '9') {
				i++
			}
			if i == 1 {
				return nil, false
			}
			segs, rest = append(segs, segment{name: rest[1:i]}), rest[i:]
		case '[':
			if len(rest) < 3 {
				return nil, false
			}
			if q := rest[1]; q == '\'' || q == '"' {
				var name strings.Builder
				i := 2
				for ; i < len(rest) && rest[i] != q; i++ {
					if rest[i] == '\\' {
						if i+1 >= len(rest) || (rest[i+1] != '\\' && rest[i+1] != '\'' && rest[i+1] != '"') {
							return nil, false
						}
						i++
					}
					name.WriteByte(rest[i])
				}
				if i+1 >= len(rest) || rest[i+1] != ']' {
					return nil, false
				}
				segs, rest = append(segs, segment{name: name.String()}), rest[i+2:]
				continue
			}
			end := strings.IndexByte(rest, ']')
			if end < 2 {
				return nil, false
			}
			digits := rest[1:end]
			n, err := strconv.Atoi(digits)
			if err != nil || n < 0 || strconv.Itoa(n) != digits {
				return nil, false
			}
			segs, rest = append(segs, segment{index: n, isIndex: true}), rest[end+1:]
		default:
			return nil, false
		}
	}
	return segs, true
}

// fast applies action when its target is a plain path through no alias; done is false
// when it must be left to overlay.
func (a *applier) fast(root *yaml.Node, action overlay.Action, failed *[]string) (done bool, err error) {
	if action.Target == "" || action.Copy != "" && !action.Remove && action.Update.IsZero() {
		return false, nil
	}
	if !action.Remove && action.Update.IsZero() {
		return false, nil // no action at all: overlay says so
	}
	segs, ok := plainPath(action.Target)
	if !ok || root.Kind != yaml.DocumentNode || len(root.Content) != 1 {
		return false, nil
	}
	var parent *yaml.Node
	pos := -1 // of the target in parent.Content: its key's for a mapping
	node := root.Content[0]
	for _, s := range segs {
		if node.Kind == yaml.AliasNode {
			return false, nil
		}
		parent = node
		switch {
		case s.isIndex && node.Kind == yaml.SequenceNode:
			if s.index >= len(node.Content) {
				node = nil
			} else {
				pos, node = s.index, node.Content[s.index]
			}
		case !s.isIndex && node.Kind == yaml.MappingNode:
			j, found := a.index(node)[s.name]
			if j < 0 {
				return false, nil // a key written twice: overlay decides
			}
			if !found {
				node = nil
			} else {
				pos, node = j, node.Content[j+1]
			}
		default:
			node = nil
		}
		if node == nil {
			*failed = append(*failed, fmt.Sprintf("selector %q did not match any targets", action.Target))
			return true, nil
		}
	}
	if node.Kind == yaml.AliasNode {
		return false, nil
	}
	if action.Remove {
		a.remove(parent, pos)
		return true, nil
	}
	_, err = a.merge(node, &action.Update, true)
	return true, err
}

// index is m's keys and where each stands, built once and kept up to date.
func (a *applier) index(m *yaml.Node) map[string]int {
	if idx, ok := a.keys[m]; ok {
		return idx
	}
	idx := make(map[string]int, len(m.Content)/2)
	for j := 0; j+1 < len(m.Content); j += 2 {
		k := m.Content[j]
		if a.dead[k] {
			continue
		}
		if _, twice := idx[k.Value]; twice {
			idx[k.Value] = -1
			continue
		}
		idx[k.Value] = j
	}
	a.keys[m] = idx
	return idx
}

// remove takes the pair at pos out of a mapping (marked, compacted later) or the
// element at pos out of a sequence. The document root itself is not removed, as in
// overlay.
func (a *applier) remove(parent *yaml.Node, pos int) {
	switch {
	case parent == nil:
	case parent.Kind == yaml.MappingNode:
		key := parent.Content[pos]
		a.dead[key] = true
		delete(a.index(parent), key.Value)
		a.dirty[parent] = true
	case parent.Kind == yaml.SequenceNode:
		parent.Content = slices.Delete(parent.Content, pos, pos+1)
	}
}

// compact takes the marked pairs out of their mappings.
func (a *applier) compact() {
	for m := range a.dirty {
		kept := m.Content[:0]
		for j := 0; j+1 < len(m.Content); j += 2 {
			if !a.dead[m.Content[j]] {
				kept = append(kept, m.Content[j], m.Content[j+1])
			}
		}
		clear(m.Content[len(kept):])
		m.Content = kept
		delete(a.keys, m)
	}
	clear(a.dirty)
	clear(a.dead)
}

// merge is overlay's merge of update into node (its applyMerge when top, at the
// action's target, its mergeNode below), with a mapping's keys found through the index.
func (a *applier) merge(node, update *yaml.Node, top bool) (bool, error) {
	if top && a.v110 {
		switch node.Kind {
		case yaml.SequenceNode:
			if update.Kind == yaml.SequenceNode {
				node.Content = append(node.Content, cloneNode(update).Content...)
			} else {
				node.Content = append(node.Content, cloneNode(update))
			}
			return true, nil
		case yaml.MappingNode:
			if update.Kind != yaml.MappingNode {
				return false, fmt.Errorf("target is object but update is %s", kindName(update.Kind))
			}
		default:
			if update.Kind != yaml.ScalarNode && update.Kind != 0 {
				return false, fmt.Errorf("target is primitive but update is %s", kindName(update.Kind))
			}
			changed := node.Value != update.Value
			node.Value = update.Value
			return changed, nil
		}
	}
	if node.Kind != update.Kind {
		if a.v110 {
			return false, fmt.Errorf("type mismatch: target is %s but update is %s", kindName(node.Kind), kindName(update.Kind))
		}
		*node = *cloneNode(update)
		delete(a.keys, node)
		return true, nil
	}
	switch node.Kind {
	case yaml.MappingNode:
		return a.mergeMapping(node, update)
	case yaml.SequenceNode:
		node.Content = append(node.Content, cloneNode(update).Content...)
		return true, nil
	default:
		changed := node.Value != update.Value
		node.Value = update.Value
		return changed, nil
	}
}

func (a *applier) mergeMapping(node, update *yaml.Node) (bool, error) {
	changed := false
	if len(node.Content) == 0 && node.Style == yaml.FlowStyle && len(update.Content) > 0 {
		node.Style = 0 // as overlay does: an empty {} that gains members is written as a block
	}
	idx := a.index(node)
	node.Content = slices.Grow(node.Content, len(update.Content)) // at most every key is new
	for i := 0; i+1 < len(update.Content); i += 2 {
		key, value := update.Content[i], update.Content[i+1]
		j, found := idx[key.Value]
		if found && j < 0 { // a key written twice: the first one, as overlay finds it
			j = a.first(node, key.Value)
		}
		if found {
			c, err := a.merge(node.Content[j+1], value, false)
			if err != nil {
				return changed, fmt.Errorf("key %q: %w", key.Value, err)
			}
			changed = changed || c
			continue
		}
		idx[key.Value] = len(node.Content)
		node.Content = append(node.Content, key, cloneNode(value))
		changed = true
	}
	return changed, nil
}

// first is where the first live pair with key stands in m.
func (a *applier) first(m *yaml.Node, key string) int {
	for j := 0; j+1 < len(m.Content); j += 2 {
		if k := m.Content[j]; !a.dead[k] && k.Value == key {
			return j
		}
	}
	return -1
}

// cloneNode is a deep copy of n, as overlay's clone makes.
func cloneNode(n *yaml.Node) *yaml.Node {
	c := *n
	if n.Alias != nil {
		c.Alias = cloneNode(n.Alias)
	}
	if n.Content != nil {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, child := range n.Content {
			c.Content[i] = cloneNode(child)
		}
	}
	return &c
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "object"
	case yaml.SequenceNode:
		return "array"
	case yaml.ScalarNode:
		return "scalar"
	}
	return "unknown"
}
