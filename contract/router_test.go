package contract

import (
	"strings"
	"testing"

	"github.com/orgapis/orgapis/specs"
)

// Literal paths win over templates, templates with as many parameters go in template
// order, and the longest server base path is tried first, only on a segment boundary.
func TestRouterOrder(t *testing.T) {
	doc, err := specs.LoadFile(t.Context(), "testdata/routes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := newRouter(doc)
	for path, want := range map[string]string{
		"/v2/things/latest":   "getLatestThing",
		"/v2/things/special":  "getThing", // "/things/{name}" sorts before "/{kind}/special"
		"/v2/widgets/special": "getSpecialOfKind",
		"/v2/things/a/":       "getThing",
		"/v2/beta/x":          "getX", // under /v2/beta, not /beta/x under /v2
		"/v2/x":               "getX",
		"/beta/x":             "getBetaX", // no base path at all
		"/v2betax":            "",
		"/v2/beta":            "",
	} {
		got := ""
		if rt := r.find("GET", path); rt != nil {
			got = rt.operation.OperationID
		}
		if got != want {
			t.Errorf("GET %s = %q, want %q", path, got, want)
		}
	}
	if rt := r.find("POST", "/v2/x"); rt != nil {
		t.Errorf("POST /v2/x = %s", rt.operation.OperationID)
	}
}

// routerPaths are paths for every template of both specs and of the test document:
// each parameter given digits, letters, nothing, a slash, text that is not UTF-8 and a
// newline, with and without one or two slashes at the end.
func routerPaths(t testing.TB, routes []route) []string {
	var out []string
	for _, rt := range routes {
		for _, value := range []string{"42", "abc", "", "4/2", "\xff\xfe", "a\nb", "0", "12x", "~"} {
			var path strings.Builder
			for i, s := range rt.segments {
				if i > 0 {
					path.WriteByte('/')
				}
				if s.param {
					path.WriteString(value)
				} else {
					path.WriteString(s.literal)
				}
			}
			p := path.String()
			out = append(out, p, p+"/", p+"//", "/"+p, strings.ToUpper(p), strings.TrimSuffix(p, "/"))
		}
	}
	return out
}

// The segment matcher of each route takes exactly the paths its template's regular
// expression does, on every path of every template of both specs.
func TestRouteSegmentsAgreeWithThePattern(t *testing.T) {
	var all []route
	for _, api := range specs.APIs() {
		doc, err := specs.Load(t.Context(), api)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, newRouter(doc).routes...)
	}
	doc, err := specs.LoadFile(t.Context(), "testdata/routes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	all = append(all, newRouter(doc).routes...)
	paths := routerPaths(t, all)
	matched := 0
	for i := range all {
		rt := &all[i]
		for _, p := range paths {
			want := rt.pattern.MatchString(p)
			if got := rt.matches(p); got != want {
				t.Fatalf("%s %q: segments %v, pattern %v", rt.template, p, got, want)
			}
			if want {
				matched++
			}
		}
	}
	if matched < len(all) {
		t.Fatalf("only %d matches over %d routes: the paths do not reach the templates", matched, len(all))
	}
}

// FuzzRouteSegments holds the segment matcher to the regular expression on any path.
func FuzzRouteSegments(f *testing.F) {
	doc, err := specs.Load(f.Context(), specs.Affinity)
	if err != nil {
		f.Fatal(err)
	}
	routes := newRouter(doc).routes
	for _, p := range routerPaths(f, routes[:10]) {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, path string) {
		for i := range routes {
			rt := &routes[i]
			if got, want := rt.matches(path), rt.pattern.MatchString(path); got != want {
				t.Fatalf("%s %q: segments %v, pattern %v", rt.template, path, got, want)
			}
		}
	})
}

// The router finds, for every path of every template of both specs and of the test
// document (templates that start with a parameter among them), the operation a
// scan of every route's regular expression in the router's order finds.
func TestRouterAgreesWithAScan(t *testing.T) {
	for _, api := range append(specs.APIs(), "testdata/routes.yaml") {
		doc, err := specs.Load(t.Context(), api)
		if api == "testdata/routes.yaml" {
			doc, err = specs.LoadFile(t.Context(), string(api))
		}
		if err != nil {
			t.Fatal(err)
		}
		r := newRouter(doc)
		scan := func(method, path string) *route {
			candidates := []string{}
			for _, p := range r.prefixes {
				if rest, ok := strings.CutPrefix(path, p); ok && (rest == "" || rest[0] == '/') {
					candidates = append(candidates, rest)
				}
			}
			for _, c := range append(candidates, path) {
				for i := range r.routes {
					if rt := &r.routes[i]; rt.method == method && rt.pattern.MatchString(c) {
						return rt
					}
				}
			}
			return nil
		}
		found := 0
		for _, path := range routerPaths(t, r.routes) {
			for _, prefix := range append([]string{""}, r.prefixes...) {
				for _, method := range []string{"GET", "POST", "PUT", "DELETE", "PATCH"} {
					got, want := r.find(method, prefix+path), scan(method, prefix+path)
					if got != want {
						t.Fatalf("%s %s%s: %v, want %v", method, prefix, path, got, want)
					}
					if got != nil {
						found++
					}
				}
			}
		}
		if found < len(r.routes) {
			t.Fatalf("%s: %d paths found a route, fewer than the routes", api, found)
		}
	}
}
