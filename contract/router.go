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
	pattern   *regexp.Regexp
	params    int
	operation *openapi3.Operation
	item      *openapi3.PathItem
}

// router matches method and path to an operation whatever the host, under any of the
// spec's server base paths (Apollo answers under /api/v1 and /v1), or none.
type router struct {
	prefixes []string // server base paths, longest first
	routes   []route  // fewer parameters first, so /organizations/fields beats {id}
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
			pattern := templatePattern(template, integerParams(item, op))
			r.routes = append(r.routes, route{method: method, template: template, pattern: pattern,
				params: strings.Count(template, "{"), operation: op, item: item})
		}
	}
	sort.SliceStable(r.routes, func(i, j int) bool {
		if r.routes[i].params != r.routes[j].params {
			return r.routes[i].params < r.routes[j].params
		}
		return r.routes[i].template < r.routes[j].template
	})
	return r
}

// find returns the operation for method and path, trying the path under each server
// base path first and then as it is.
func (r *router) find(method, path string) *route {
	candidates := make([]string, 0, len(r.prefixes)+1)
	for _, p := range r.prefixes {
		if rest, ok := strings.CutPrefix(path, p); ok && (rest == "" || rest[0] == '/') {
			candidates = append(candidates, rest)
		}
	}
	candidates = append(candidates, path)
	for _, c := range candidates {
		for i := range r.routes {
			rt := &r.routes[i]
			if rt.method == method && rt.pattern.MatchString(c) {
				return rt
			}
		}
	}
	return nil
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
