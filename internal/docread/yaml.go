package docread

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/orgapis/orgapis/internal/jsonscan"
)

// YAML parses data, YAML or JSON, into a node tree and checks it against lim (Check).
// The tree keeps aliases as aliases: parsing an alias bomb costs what its bytes cost.
func YAML(name string, data []byte, lim Limits) (*yaml.Node, error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.Bytes {
		return nil, &LimitError{Name: name, What: "size", Got: int64(len(data)), Limit: lim.Bytes, Raise: lim.Raise}
	}
	if IsJSON(data) {
		// JSON (or YAML in flow style) nests by its brackets: their depth is counted on
		// the bytes, before a tree is built.
		if err := jsonDepth(name, data, lim); err != nil {
			return nil, err
		}
	} else if n, deep := yamlNodes(data, lim.Nodes, lim.Depth); deep {
		return nil, &LimitError{Name: name, What: "depth", Got: int64(lim.Depth) + 1, Limit: int64(lim.Depth)}
	} else if n > lim.Nodes {
		return nil, &LimitError{Name: name, What: "nodes", Got: n, Limit: lim.Nodes, Raise: lim.Raise}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		if strings.Contains(err.Error(), "exceeded max depth") {
			// The parser's own bound (10,000) stops a block document nested past ours
			// before Check sees it: the same fault, said in the same words.
			return nil, &LimitError{Name: name, What: "depth", Got: int64(lim.Depth) + 1, Limit: int64(lim.Depth)}
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := Check(name, &root, lim); err != nil {
		return nil, err
	}
	return &root, nil
}

// Check refuses a node tree whose mappings and sequences nest deeper than lim.Depth
// (as brackets do in JSON: {"a": [1]} is 2 deep) once its aliases are
// expanded, holds more than lim.Aliases aliases, or whose aliases would add more than
// lim.AliasNodes nodes once expanded. It visits each node once, whatever the aliases
// (what an alias stands for is measured once and remembered), so checking a bomb costs
// what the bomb's bytes cost.
func Check(name string, root *yaml.Node, lim Limits) error {
	lim = lim.withDefaults()
	c := checker{name: name, lim: lim, memo: map[*yaml.Node]measure{}}
	m, err := c.walk(root, 0)
	if err != nil {
		return err
	}
	if m.depth > int64(lim.Depth) {
		return &LimitError{Name: name, What: "depth", Got: m.depth, Limit: int64(lim.Depth)}
	}
	if extra := m.nodes - c.parsed; extra > lim.AliasNodes {
		return &LimitError{Name: name, What: "alias expansion", Got: m.nodes, Limit: lim.AliasNodes}
	}
	return nil
}

// measure is a subtree's size and depth with its aliases expanded.
type measure struct{ nodes, depth int64 }

type checker struct {
	name    string
	lim     Limits
	memo    map[*yaml.Node]measure // nodes an alias points at, measured once
	open    map[*yaml.Node]bool    // anchors being measured: an alias to one is a loop
	aliases int
	parsed  int64 // nodes as parsed, aliases not expanded
}

// cap is where sizes stop growing: past it a document is refused anyway, and the sums
// of a bomb would otherwise overflow.
const sizeCap = 1 << 50

func (c *checker) walk(n *yaml.Node, level int) (measure, error) {
	if n == nil {
		return measure{}, nil
	}
	if level > c.lim.Depth+1 { // the tree as parsed already nests too deep (a document and a scalar are levels here but not in Depth): stop
		return measure{}, &LimitError{Name: c.name, What: "depth", Got: int64(level), Limit: int64(c.lim.Depth)}
	}
	c.parsed++
	if n.Kind == yaml.AliasNode {
		c.aliases++
		if c.aliases > c.lim.Aliases {
			return measure{}, &LimitError{Name: c.name, What: "aliases", Got: int64(c.aliases), Limit: int64(c.lim.Aliases)}
		}
		return c.target(n.Alias, level)
	}
	if n.Anchor != "" {
		return c.target(n, level)
	}
	return c.children(n, level)
}

// target measures a node an alias may point at, once.
func (c *checker) target(n *yaml.Node, level int) (measure, error) {
	if n == nil {
		return measure{}, nil
	}
	if m, ok := c.memo[n]; ok {
		return m, nil
	}
	if c.open == nil {
		c.open = map[*yaml.Node]bool{}
	}
	if c.open[n] {
		return measure{}, fmt.Errorf("%s: a YAML alias refers to a node that holds it", c.name)
	}
	c.open[n] = true
	m, err := c.children(n, level)
	delete(c.open, n)
	if err != nil {
		return m, err
	}
	c.memo[n] = m
	return m, nil
}

// children measures n: a mapping or a sequence is one level deeper than its deepest
// child; a scalar is no level, and a document is its content.
func (c *checker) children(n *yaml.Node, level int) (measure, error) {
	m := measure{nodes: 1}
	own := int64(0)
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		own, m.depth = 1, 1
	}
	for _, child := range n.Content {
		cm, err := c.walk(child, level+1)
		if err != nil {
			return m, err
		}
		m.nodes = min(m.nodes+cm.nodes, sizeCap)
		m.depth = max(m.depth, min(cm.depth+own, sizeCap))
		if m.nodes-c.parsed > c.lim.AliasNodes && m.nodes > c.lim.AliasNodes {
			// Early: this subtree alone already expands past what the whole may add.
			return m, &LimitError{Name: c.name, What: "alias expansion", Got: m.nodes, Limit: c.lim.AliasNodes}
		}
		if m.depth > int64(c.lim.Depth) {
			return m, &LimitError{Name: c.name, What: "depth", Got: m.depth, Limit: int64(c.lim.Depth)}
		}
	}
	return m, nil
}

// JSON checks data's nesting against lim, then decodes it into v.
func JSON(name string, data []byte, v any, lim Limits) error {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.Bytes {
		return &LimitError{Name: name, What: "size", Got: int64(len(data)), Limit: lim.Bytes, Raise: lim.Raise}
	}
	if err := jsonDepth(name, data, lim); err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// jsonDepth refuses JSON nesting deeper than lim.Depth, counted on the bytes (outside
// strings), without building anything.
func jsonDepth(name string, data []byte, lim Limits) error {
	if deeper, depth := jsonscan.Deeper(data, lim.Depth); deeper {
		return &LimitError{Name: name, What: "depth", Got: int64(depth), Limit: int64(lim.Depth)}
	}
	// Each value counts four times: kin-openapi loads a JSON document through a
	// generic tree that takes about a kilobyte a value, four times what a YAML one
	// takes.
	const weight = 4
	if n := jsonscan.Values(data, lim.Nodes/weight); n*weight > lim.Nodes {
		return &LimitError{Name: name, What: "nodes", Got: n * weight, Limit: lim.Nodes, Raise: lim.Raise}
	}
	return nil
}

// yamlNodes counts, on the bytes, about as many nodes as block YAML holds (never a
// small part of them), stopping past limit: a node is a document, what follows "- " or
// "? ", a key and its value around ": ", and in flow style a collection, its first
// element, and what follows ",". Quoted scalars, block scalars (| and >) and comments
// hold none. deep reports flow collections nested past depth, where it stopped.
func yamlNodes(data []byte, limit int64, depth int) (nodes int64, deep bool) {
	nodes = 1
	var quote byte // the quote a scalar spanning lines is still open with
	flow := 0      // flow collections open
	block := -1    // the indentation of the line that opened a block scalar, or -1
	for len(data) > 0 && nodes <= limit {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		indent := 0
		for indent < len(line) && line[indent] == ' ' {
			indent++
		}
		if block >= 0 {
			if len(bytes.TrimSpace(line)) == 0 || indent > block {
				continue // the block scalar's text
			}
			block = -1
		}
		if quote == 0 && bytes.HasPrefix(line, []byte("---")) {
			nodes++
		}
		start := true // at the start of a token: what follows an indicator
	scan:
		for i := indent; i < len(line); i++ {
			c := line[i]
			if quote != 0 {
				switch {
				case quote == '"' && c == '\\':
					i++
				case c == quote && quote == '\'' && i+1 < len(line) && line[i+1] == '\'':
					i++
				case c == quote:
					quote = 0
				}
				continue
			}
			next := byte(' ')
			if i+1 < len(line) {
				next = line[i+1]
			}
			switch {
			case c == '#' && (i == indent || line[i-1] == ' ' || line[i-1] == '\t'):
				break scan
			case (c == '"' || c == '\'') && start:
				quote = c
			case (c == '-' || c == '?') && start && (next == ' ' || next == '\t'):
				nodes++
			case c == ':' && (next == ' ' || next == '\t' || i+1 == len(line) || flow > 0):
				nodes += 2
				start = true
				continue
			case c == '[' || c == '{':
				if flow++; flow > depth {
					return nodes, true
				}
				nodes++ // the collection; a sequence's first element, a mapping's first pair at its ":"
				if c == '[' {
					nodes++
				}
			case (c == ']' || c == '}') && flow > 0:
				flow--
			case c == ',' && flow > 0:
				nodes += 2
				start = true
				continue
			case (c == '|' || c == '>') && start:
				block = indent
			}
			if c != ' ' && c != '\t' {
				start = c == '-' || c == '?' || c == '[' || c == '{'
			}
		}
	}
	return nodes, false
}
