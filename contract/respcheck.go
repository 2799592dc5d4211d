package contract

import (
	"maps"
	"math"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"
)

// routeChecks is what a route checks of an answer, compiled once, on first use, as
// bodies' schemas are: the response of each status, and for each response its headers
// in the order findings list them, the content types it documents, and the schemas
// of its headers ready for the walk. An answer that conforms then costs a few lookups
// and no allocation, where reading the response's maps, sorting its header names and
// running kin-openapi on each header cost more than checking a small body.
type routeChecks struct {
	once     sync.Once
	byStatus map[int]*responseChecks
	byRange  [6]*responseChecks // "1XX" to "5XX", by the status's first digit
	fallback *responseChecks    // "default"
}

// responseChecks is one documented response, compiled.
type responseChecks struct {
	resp    *openapi3.Response
	headers []headerCheck
	// contentTypes is what a content-type finding expects: the documented media
	// types, sorted, joined with " or ".
	contentTypes string
	// media maps each Content-Type value met to what it selects; it is replaced, never
	// changed, and stops growing at maxMediaChoices, past which a value is parsed each
	// time (a hostile recording cannot grow it).
	media atomic.Pointer[map[string]*mediaChoice]
	mu    sync.Mutex // serializes the replacements of media
}

// maxMediaChoices bounds the Content-Type values a response keeps the choice of.
const maxMediaChoices = 64

// mediaChoice is what a Content-Type value selects among a response's media types:
// its media type as mime.ParseMediaType reads it, and the documented one that fits it,
// nil for none (or a value that does not parse).
type mediaChoice struct {
	mediaType string
	media     *openapi3.MediaType
}

// headerCheck is one documented header of a response.
type headerCheck struct {
	name, canonical string // as the spec writes it; as http.Header keys it
	required        bool
	schema          *openapi3.Schema // nil for a header without one
	node            *checkNode       // schema compiled, nil when there is none
	kind            scalarKind       // how checkScalar reads the header's text
	patterns        patternSet       // the patterns of node and the nodes below it, compiled
}

// patternSet holds the matchers of a header's patterns, for those that have one.
type patternSet []patternPair

// patternPair is a pattern and its matcher.
type patternPair struct {
	re *regexp.Regexp
	m  *patternMatcher
}

// patternsOf gathers the patterns validScalar may match under n (its allOf and anyOf
// nodes), each with its matcher, once; each node is visited once, so that a schema
// that refers to itself costs no more than its nodes.
func patternsOf(n *checkNode, set patternSet, visited map[*checkNode]bool) patternSet {
	if n == nil || visited[n] {
		return set
	}
	visited[n] = true
	if n.pattern != nil && !slices.ContainsFunc(set, func(p patternPair) bool { return p.re == n.pattern }) {
		if m := compilePattern(n.pattern); m != nil {
			set = append(set, patternPair{n.pattern, m})
		}
	}
	for _, sub := range n.allOf {
		set = patternsOf(sub, set, visited)
	}
	for _, sub := range n.anyOf {
		set = patternsOf(sub, set, visited)
	}
	return set
}

// match is re.MatchString(s), by re's matcher when the set has one and s fits it.
func (ps patternSet) match(re *regexp.Regexp, s string) bool {
	for i := range ps {
		if ps[i].re == re {
			if matched, ok := ps[i].m.match(s); ok {
				return matched
			}
			break
		}
	}
	return re.MatchString(s)
}

// scalarKind is what a header or parameter's text is read as before its schema is
// applied: a string, a number (integer or number) or a boolean.
type scalarKind uint8

const (
	scalarString scalarKind = iota
	scalarNumber
	scalarBoolean
)

func kindOf(s *openapi3.Schema) scalarKind {
	switch {
	case s.Type.Is("integer"), s.Type.Is("number"):
		return scalarNumber
	case s.Type.Is("boolean"):
		return scalarBoolean
	}
	return scalarString
}

// response is the compiled response of rt for status, as Responses.Status and then
// Responses.Default select it; nil when the operation documents neither.
func (v *Validator) response(rt *route, status int) *responseChecks {
	rc := rt.checks
	rc.once.Do(func() { v.compileRoute(rt) })
	if r := rc.byStatus[status]; r != nil {
		return r
	}
	if 99 < status && status < 600 {
		if r := rc.byRange[status/100]; r != nil {
			return r
		}
	}
	return rc.fallback
}

func (v *Validator) compileRoute(rt *route) {
	rc := rt.checks
	rc.byStatus = map[int]*responseChecks{}
	if rt.operation.Responses == nil {
		return
	}
	for code, ref := range rt.operation.Responses.Map() {
		if ref == nil || ref.Value == nil {
			continue
		}
		r := v.compileResponse(ref.Value)
		switch n, err := strconv.Atoi(code); {
		case code == "default":
			rc.fallback = r
		case len(code) == 3 && code[1:] == "XX" && '1' <= code[0] && code[0] <= '5':
			rc.byRange[code[0]-'0'] = r
		case err == nil && strconv.Itoa(n) == code:
			// Responses.Status looks the status up as strconv writes it.
			rc.byStatus[n] = r
		}
	}
}

func (v *Validator) compileResponse(resp *openapi3.Response) *responseChecks {
	r := &responseChecks{resp: resp, contentTypes: strings.Join(slices.Sorted(maps.Keys(resp.Content)), " or ")}
	for _, name := range slices.Sorted(maps.Keys(resp.Headers)) {
		h := resp.Headers[name].Value
		c := headerCheck{name: name, canonical: http.CanonicalHeaderKey(name), required: h.Required}
		if h.Schema != nil {
			c.schema = h.Schema.Value
			if c.schema != nil {
				c.node, c.kind = v.fast.compiled(c.schema), kindOf(c.schema)
				c.patterns = patternsOf(c.node, nil, map[*checkNode]bool{})
			}
		}
		r.headers = append(r.headers, c)
	}
	empty := map[string]*mediaChoice{}
	r.media.Store(&empty)
	return r
}

// mediaFor is what the Content-Type value ct selects.
func (r *responseChecks) mediaFor(ct string) *mediaChoice {
	if c := (*r.media.Load())[ct]; c != nil {
		return c
	}
	c := &mediaChoice{}
	mediaType, _, err := mime.ParseMediaType(ct)
	if err == nil {
		c.mediaType, c.media = mediaType, r.resp.Content.Get(mediaType)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old := *r.media.Load(); len(old) < maxMediaChoices {
		next := maps.Clone(old)
		next[ct] = c
		r.media.Store(&next)
	}
	return c
}

// checkResponseHeaders checks the documented headers of r in ex, as checkHeaders does
// with the response's map: a header the compiled schema takes is done; one it does not
// take (or cannot vouch for) goes to checkScalar, which says what is wrong.
func checkResponseHeaders(base Finding, r *responseChecks, ex Exchange) []Finding {
	var out []Finding
	for i := range r.headers {
		h := &r.headers[i]
		var raw string
		if vs := ex.ResponseHeader[h.canonical]; len(vs) > 0 {
			raw = vs[0]
		}
		if raw == "" {
			if h.required {
				f := base
				f.Kind, f.Location, f.Pointer = KindHeader, "header", "/"+h.name
				f.Expected, f.Found = "header present", "(none)"
				out = append(out, f)
			}
			continue
		}
		if h.schema == nil || h.node.validText(raw, h.kind, h.patterns) {
			continue
		}
		if exp, ok := checkScalar(h.schema, raw); !ok {
			f := base
			f.Kind, f.Location, f.Pointer = KindHeader, "header", "/"+h.name
			f.Expected, f.Found = exp, brief(raw)
			out = append(out, f)
		}
	}
	return out
}

// validText is valid on a header's text read as checkScalar reads it, without boxing
// it: true means kin-openapi finds nothing; false, that checkScalar must look.
func (n *checkNode) validText(raw string, kind scalarKind, ps patternSet) bool {
	switch kind {
	case scalarNumber:
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return false // a finding, or a value left to kin-openapi
		}
		return n.validScalar("", f, kind, 0, ps)
	case scalarBoolean:
		if _, err := strconv.ParseBool(raw); err != nil {
			return false
		}
	}
	return n.validScalar(raw, 0, kind, 0, ps)
}

// validScalar is valid for a string (s), a number (f) or a boolean, by kind; ps
// matches the patterns.
func (n *checkNode) validScalar(s string, f float64, kind scalarKind, depth int, ps patternSet) bool {
	if n == nil || !n.sure || depth > maxFastDepth {
		return false
	}
	for _, sub := range n.allOf {
		if !sub.validScalar(s, f, kind, depth+1, ps) {
			return false
		}
	}
	if len(n.anyOf) > 0 { // a discriminator picks among objects only
		matched := false
		for _, sub := range n.anyOf {
			if sub.validScalar(s, f, kind, depth+1, ps) {
				matched = true
				break
			}
		}
		if !matched {
			return false
		}
	}
	switch {
	case kind == scalarString:
		return validString(n, s, ps.match)
	case n.enum != nil:
		return false // only strings in enums are this check's
	case kind == scalarNumber:
		return n.allows&allowsNumber != 0 && validNumber(n.schema, f)
	}
	return n.allows&allowsBoolean != 0
}
