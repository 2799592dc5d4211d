package contract

import (
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// route is one operation with the pattern its path template compiles to.
type route struct {
	method    string
	template  string
	pattern   *regexp.Regexp // what segments match, kept for the tests that hold the two together
	segments  []segment
	params    int
	operation *openapi3.Operation
	item      *openapi3.PathItem
	checks    *routeChecks // compiled on first use (Validator.response)
}

// router matches method and path to an operation whatever the host, under any of the
// spec's server base paths (Apollo answers under /api/v1 and /v1), or none.
type router struct {
	prefixes []string // server base paths, longest first
	routes   []route  // fewer parameters first, so /organizations/fields beats {id}
	// byFirst lists, by method and then by the first segment of a path, the routes
	// that may match it, in the order of routes: those whose template starts with that
	// literal, and those that start with a parameter (under "" also for a segment no
	// template starts with, in others).
	byFirst map[string]map[string][]*route
	others  map[string][]*route
}

func newRouter(doc *openapi3.T) *router {
	r := &router{}
	seen := map[string]bool{}
	for _, s := range doc.Servers {
		if u, err := url.Parse(s.URL); err == nil {
			p := strings.TrimSuffix(u.Path, "/")
			if p != "" && !seen[p] {
				seen[p] = true
				r.prefixes = append(r.prefixes, p)
			}
		}
	}
	sort.Slice(r.prefixes, func(i, j int) bool { return len(r.prefixes[i]) > len(r.prefixes[j]) })
	for template, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			integers := integerParams(item, op)
			r.routes = append(r.routes, route{method: method, template: template, pattern: templatePattern(template, integers),
				segments: templateSegments(template, integers), params: strings.Count(template, "{"), operation: op, item: item, checks: &routeChecks{}})
		}
	}
	sort.SliceStable(r.routes, func(i, j int) bool {
		if r.routes[i].params != r.routes[j].params {
			return r.routes[i].params < r.routes[j].params
		}
		return r.routes[i].template < r.routes[j].template
	})
	r.byFirst, r.others = map[string]map[string][]*route{}, map[string][]*route{}
	for i := range r.routes {
		rt := &r.routes[i]
		if r.byFirst[rt.method] == nil {
			r.byFirst[rt.method] = map[string][]*route{}
		}
		if first, ok := rt.firstLiteral(); ok {
			r.byFirst[rt.method][first] = nil // listed below, in order
		}
	}
	for i := range r.routes {
		rt := &r.routes[i]
		first, ok := rt.firstLiteral()
		for lit := range r.byFirst[rt.method] {
			if !ok || lit == first {
				r.byFirst[rt.method][lit] = append(r.byFirst[rt.method][lit], rt)
			}
		}
		if !ok {
			r.others[rt.method] = append(r.others[rt.method], rt)
		}
	}
	return r
}

// firstLiteral is the literal the route's template starts with after its leading
// slash; ok is false for a template that starts with a parameter, or not with a slash.
func (rt *route) firstLiteral() (string, bool) {
	if len(rt.segments) < 2 || rt.segments[0].param || rt.segments[0].literal != "" || rt.segments[1].param {
		return "", false
	}
	return rt.segments[1].literal, true
}

// find returns the operation for method and path, trying the path under each server
// base path first and then as it is.
func (r *router) find(method, path string) *route {
	for _, p := range r.prefixes {
		if rest, ok := strings.CutPrefix(path, p); ok && (rest == "" || rest[0] == '/') {
			if rt := r.match(method, rest); rt != nil {
				return rt
			}
		}
	}
	return r.match(method, path)
}

// match is the first route of method whose template matches path. A template of
// as many segments as the path has, or one fewer for a slash at its end, may match;
// the others are passed over at the cost of a comparison.
func (r *router) match(method, path string) *route {
	n := strings.Count(path, "/") + 1
	trailing := strings.HasSuffix(path, "/")
	candidates := r.others[method]
	if rest, ok := strings.CutPrefix(path, "/"); ok {
		first, _, _ := strings.Cut(rest, "/")
		if list, ok := r.byFirst[method][first]; ok {
			candidates = list
		}
	}
	for _, rt := range candidates {
		if segs := len(rt.segments); (segs == n || trailing && segs == n-1) && rt.matches(path) {
			return rt
		}
	}
	return nil
}

// segment is one part of a path template between slashes: a literal, or a parameter,
// which takes any text but a slash, or only digits for an integer.
type segment struct {
	literal string
	param   bool
	digits  bool
}

// templateSegments are the segments of template, as templatePattern reads them.
func templateSegments(template string, integers map[string]bool) []segment {
	var out []segment
	for _, seg := range strings.Split(template, "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok && strings.HasSuffix(seg, "}") {
			out = append(out, segment{param: true, digits: integers[strings.TrimSuffix(name, "}")]})
		} else {
			out = append(out, segment{literal: seg})
		}
	}
	return out
}

// matches says whether path fits the route's template, as its pattern does (one slash
// at the end allowed), without a regular expression: each entry is routed, and the
// expressions of every operation tried in turn cost more than the checks of a small
// answer.
func (rt *route) matches(path string) bool {
	if matchSegments(rt.segments, path) {
		return true
	}
	return strings.HasSuffix(path, "/") && matchSegments(rt.segments, path[:len(path)-1])
}

func matchSegments(segs []segment, path string) bool {
	for i, s := range segs {
		part := path
		if i < len(segs)-1 {
			j := strings.IndexByte(path, '/')
			if j < 0 {
				return false
			}
			part, path = path[:j], path[j+1:]
		} else if strings.IndexByte(path, '/') >= 0 {
			return false
		}
		switch {
		case !s.param:
			if part != s.literal {
				return false
			}
		case part == "":
			return false
		case s.digits:
			for k := 0; k < len(part); k++ {
				if part[k] < '0' || part[k] > '9' {
					return false
				}
			}
		}
	}
	return true
}

// templatePattern turns /organizations/{organization_id} into ^/organizations/[^/]+/?$,
// or [0-9]+ where the parameter is an integer, so that /organizations/fields is not
// taken for an organization id.
func templatePattern(template string, integers map[string]bool) *regexp.Regexp {
	segments := strings.Split(template, "/")
	for i, seg := range segments {
		if name, ok := strings.CutPrefix(seg, "{"); ok && strings.HasSuffix(seg, "}") {
			segments[i] = `[^/]+`
			if integers[strings.TrimSuffix(name, "}")] {
				segments[i] = `[0-9]+`
			}
		} else {
			segments[i] = regexp.QuoteMeta(seg)
		}
	}
	return regexp.MustCompile("^" + strings.Join(segments, "/") + "/?$")
}

// integerParams names the operation's path parameters whose schema is an integer.
func integerParams(item *openapi3.PathItem, op *openapi3.Operation) map[string]bool {
	out := map[string]bool{}
	for _, p := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
		if p.Value.In == openapi3.ParameterInPath && p.Value.Schema != nil && p.Value.Schema.Value.Type.Is("integer") {
			out[p.Value.Name] = true
		}
	}
	return out
}
