package contract

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"
)

// Coverage counts what checked traffic exercised of a spec: its operations, their
// documented response statuses, their parameters, and the members of their success
// responses by schema pointer (an array's items as *, such as
// "/organizations/*/domain"). A CI job that replays recordings covering 3 of 25
// operations then says so. Memory is bounded by the spec: only what the spec
// documents is counted. It is safe for concurrent use.
type Coverage struct {
	v *Validator

	mu   sync.Mutex
	all  [kinds]map[string]bool // what the spec documents, by kind
	seen [kinds]map[string]bool
	// bodies holds, by "operationId status", the tree of members a success body may
	// have, which Add follows over the body's bytes.
	bodies map[string]*memberNode
	// routes holds each route's keys, made once, so that counting an exchange builds
	// no string.
	routes map[*route]*routeKeys
}

// routeKeys are the coverage keys of one route: its operation's, its documented
// statuses' (by status, as strconv writes it), its parameters', and the member trees
// of its success bodies.
type routeKeys struct {
	op       *seenKey
	statuses map[int]*seenKey
	bodies   map[int]*memberNode
	params   []paramKey
	query    bool // some parameter is in the query
}

// seenKey is a coverage key and whether it is recorded seen already, which spares
// later exchanges the lock and the map.
type seenKey struct {
	kind int
	key  string
	seen atomic.Bool
}

// paramKey is one parameter: where it is, its name (canonical for a header), its key.
type paramKey struct {
	in, name string
	key      *seenKey
}

// The kinds of things Coverage counts.
const (
	covOperations = iota
	covStatuses
	covParameters
	covMembers
	kinds
)

// NewCoverage returns the coverage of v's spec, with nothing yet seen.
func NewCoverage(v *Validator) *Coverage {
	c := &Coverage{v: v, bodies: map[string]*memberNode{}, routes: map[*route]*routeKeys{}}
	for k := range kinds {
		c.all[k], c.seen[k] = map[string]bool{}, map[string]bool{}
	}
	for i := range v.router.routes {
		rt := v.router.routes[i]
		op := rt.operation
		keys := &routeKeys{op: &seenKey{kind: covOperations, key: op.OperationID}, statuses: map[int]*seenKey{}, bodies: map[int]*memberNode{}}
		c.routes[&v.router.routes[i]] = keys
		c.all[covOperations][op.OperationID] = true
		for _, p := range params(rt) {
			key := op.OperationID + " " + p.In + " " + p.Name
			c.all[covParameters][key] = true
			name := p.Name
			if p.In == "header" {
				name = http.CanonicalHeaderKey(name) // as Header.Get looks it up
			}
			keys.params = append(keys.params, paramKey{in: p.In, name: name, key: &seenKey{kind: covParameters, key: key}})
			keys.query = keys.query || p.In == "query"
		}
		if op.Responses == nil {
			continue
		}
		for code, ref := range op.Responses.Map() {
			if code == "default" || ref.Value == nil {
				continue
			}
			c.all[covStatuses][op.OperationID+" "+code] = true
			n, err := strconv.Atoi(code)
			exact := err == nil && strconv.Itoa(n) == code // a status's own key, not 2XX
			if exact {
				keys.statuses[n] = &seenKey{kind: covStatuses, key: op.OperationID + " " + code}
			}
			if !strings.HasPrefix(code, "2") {
				continue
			}
			if schema := jsonSchemaOf(ref.Value.Content); schema != nil {
				root := &memberNode{key: op.OperationID + " " + code + " "}
				root.add(schema, 0)
				root.each(func(n *memberNode) {
					c.all[covMembers][n.key] = true
					root.unseen.Add(1)
				})
				c.bodies[op.OperationID+" "+code] = root
				if exact {
					keys.bodies[n] = root
				}
			}
		}
	}
	return c
}

// params are an operation's parameters with those of its path item.
func params(rt route) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	for _, group := range []openapi3.Parameters{rt.item.Parameters, rt.operation.Parameters} {
		for _, p := range group {
			if p.Value != nil {
				out = append(out, p.Value)
			}
		}
	}
	return out
}

func jsonSchemaOf(content openapi3.Content) *openapi3.Schema {
	for name, media := range content {
		if strings.Contains(name, "json") && media != nil && media.Schema != nil && media.Schema.Value != nil {
			return media.Schema.Value
		}
	}
	return nil
}

// Add counts what ex exercised; an exchange of no operation counts for nothing.
func (c *Coverage) Add(ex Exchange) {
	if _, rt := c.v.locate(ex); rt != nil {
		var room [16]*seenKey // gathered unlocked, recorded at once: no allocation for a few
		c.record(c.gather(ex, rt, nil, room[:0]))
	}
}

// Check is the validator's Check that also counts what ex exercised, as Add does: a
// body that conforms is read once for both.
func (c *Coverage) Check(ex Exchange) (operationID string, findings []Finding) {
	var room [16]*seenKey
	operationID, findings, m := c.check(ex, room[:0])
	c.record(m)
	return operationID, findings
}

// CheckLater is Check for an exchange that may turn out not to be counted: it checks
// ex and gathers what ex exercised, and count counts it, once the caller knows the
// exchange is one of its recording's; nil when ex exercised nothing counted so far.
// ReadPrepared's prepare checks exchanges so, ahead of the reader's knowing them to be
// entries. count may be called from any goroutine, once.
func (c *Coverage) CheckLater(ex Exchange) (operationID string, findings []Finding, count func()) {
	operationID, findings, m := c.check(ex, nil)
	return operationID, findings, c.later(m)
}

// AddLater is Add, counted only when count is called, as CheckLater's is; nil when ex
// exercised nothing counted so far.
func (c *Coverage) AddLater(ex Exchange) (count func()) {
	_, rt := c.v.locate(ex)
	if rt == nil {
		return nil
	}
	return c.later(c.gather(ex, rt, nil, nil))
}

// check is Check's and CheckLater's: the findings, and what ex exercised that is not
// recorded yet (its keys appended to seen), nothing recorded.
func (c *Coverage) check(ex Exchange, seen []*seenKey) (string, []Finding, coverageMarks) {
	base, rt := c.v.locate(ex)
	if rt == nil {
		return base.OperationID, c.v.checkRoute(base, rt, ex, nil), coverageMarks{}
	}
	members := memberCount{root: c.bodyRoot(rt, ex.Status, ex.ResponseBody)}
	findings := c.v.checkRoute(base, rt, ex, &members)
	return base.OperationID, findings, c.gather(ex, rt, &members, seen)
}

// later is a func recording m, or nil when m holds nothing to record.
func (c *Coverage) later(m coverageMarks) func() {
	if m.empty() {
		return nil
	}
	return func() { c.record(m) }
}

// bodyRoot is the member tree of a body of rt at status, or nil when there is none or
// nothing new to see in it.
func (c *Coverage) bodyRoot(rt *route, status int, body []byte) *memberNode {
	if status < 200 || status > 299 || len(body) == 0 {
		return nil
	}
	if root := c.routes[rt].bodies[status]; root != nil && root.unseen.Load() > 0 {
		return root
	}
	return nil
}

// coverageMarks is what one exchange exercised that was not recorded yet when it was
// gathered: the keys, and the members of its success body.
type coverageMarks struct {
	keys   *routeKeys
	status int
	seen   []*seenKey
	found  []*memberNode
}

func (m coverageMarks) empty() bool { return len(m.seen) == 0 && len(m.found) == 0 }

// gather is what ex exercised on route rt that is not recorded yet, its keys appended
// to seen; count holds the body's members when a check gathered them.
func (c *Coverage) gather(ex Exchange, rt *route, count *memberCount, seen []*seenKey) coverageMarks {
	keys := c.routes[rt]
	note := func(k *seenKey) {
		if !k.seen.Load() {
			seen = append(seen, k)
		}
	}
	note(keys.op)
	if k, ok := keys.statuses[ex.Status]; ok {
		note(k)
	}
	var query url.Values
	if keys.query && ex.URL.RawQuery != "" {
		query = ex.URL.Query()
	}
	for _, p := range keys.params {
		switch {
		case p.in == "path":
			note(p.key) // the route matched: it is there
		case p.in == "query" && query.Has(p.name):
			note(p.key)
		case p.in == "header" && len(ex.RequestHeader[p.name]) > 0 && ex.RequestHeader[p.name][0] != "":
			note(p.key)
		}
	}
	var found []*memberNode
	if count != nil && count.done {
		found = count.found // the check's walk gathered them
	} else if root := c.bodyRoot(rt, ex.Status, ex.ResponseBody); root != nil {
		found = root.find(ex.ResponseBody)
	}
	return coverageMarks{keys: keys, status: ex.Status, seen: seen, found: found}
}

// record records m as seen. Recording what another exchange recorded since changes
// nothing; recording nothing takes no lock.
func (c *Coverage) record(m coverageMarks) {
	if m.empty() {
		return // nothing new: no lock
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range m.seen {
		c.seen[k.kind][k.key] = true
		k.seen.Store(true) // after the map has it, so that whoever skips the map finds it there
	}
	for _, n := range m.found {
		if !n.seen.Swap(true) {
			c.seen[covMembers][n.key] = true
			m.keys.bodies[m.status].unseen.Add(-1)
		}
	}
}

// CoverageCount is how much of one kind the traffic exercised.
type CoverageCount struct {
	Seen  int `json:"seen"`
	Total int `json:"total"`
	// Missing lists what the spec documents and the traffic never exercised, sorted.
	Missing []string `json:"missing"`
}

// Percent is Seen as a share of Total, 100 when there is nothing to see.
func (c CoverageCount) Percent() float64 {
	if c.Total == 0 {
		return 100
	}
	return 100 * float64(c.Seen) / float64(c.Total)
}

// CoverageReport is the coverage of one API: operations, response statuses
// ("operationId status"), parameters ("operationId in name") and success-response
// members ("operationId status /pointer").
type CoverageReport struct {
	API        string        `json:"api"`
	Operations CoverageCount `json:"operations"`
	Statuses   CoverageCount `json:"statuses"`
	Parameters CoverageCount `json:"parameters"`
	Members    CoverageCount `json:"members"`
}

// Report is the coverage so far.
func (c *Coverage) Report() CoverageReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	count := func(kind int) CoverageCount {
		out := CoverageCount{Total: len(c.all[kind]), Missing: []string{}}
		for key := range c.all[kind] {
			if c.seen[kind][key] {
				out.Seen++
			} else {
				out.Missing = append(out.Missing, key)
			}
		}
		sort.Strings(out.Missing)
		return out
	}
	return CoverageReport{API: string(c.v.api), Operations: count(covOperations), Statuses: count(covStatuses),
		Parameters: count(covParameters), Members: count(covMembers)}
}

// Kinds are the names of a report's counts, for thresholds such as operations=80.
func (r CoverageReport) Kinds() map[string]CoverageCount {
	return map[string]CoverageCount{"operations": r.Operations, "statuses": r.Statuses, "parameters": r.Parameters, "members": r.Members}
}

// String is a short line for people: "affinity: operations 3/37 (8%), ...".
func (r CoverageReport) String() string {
	return fmt.Sprintf("%s: operations %d/%d (%.0f%%), statuses %d/%d (%.0f%%), parameters %d/%d (%.0f%%), members %d/%d (%.0f%%)", r.API,
		r.Operations.Seen, r.Operations.Total, r.Operations.Percent(), r.Statuses.Seen, r.Statuses.Total, r.Statuses.Percent(),
		r.Parameters.Seen, r.Parameters.Total, r.Parameters.Percent(), r.Members.Seen, r.Members.Total, r.Members.Percent())
}
