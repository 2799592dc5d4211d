package gates

import "go/ast"

// outboundHTTP is the gate of outbound HTTP: every request the module sends goes
// through internal/httpcore (origin check on redirects, the key only to its origin,
// pacing, limits), so nothing else builds or uses a client or transport of net/http's
// own:
//
//   - never outside internal/httpcore: http.DefaultClient, http.Get, http.Post,
//     http.Head and http.PostForm (the shared default client), in tests too (a test
//     talking to a fake uses a client of its own, or the wrapper);
//   - not outside internal/httpcore and tests: an http.Client or http.Transport made as
//     a composite literal (with or without &), with new, or declared as a value, and
//     http.DefaultTransport. Tests may build them: a caller's own client handed to
//     option.WithHTTPClient (the core copies it and puts its redirect guard on it), a
//     fault-injecting transport under the core, or a client that exercises a fake.
func outboundHTTP() rule {
	const name = "outbound-http"
	return rule{name: name, check: func(s *source) []finding {
		if s.under("internal/httpcore") {
			return nil
		}
		pkg := s.importName("net/http")
		if len(pkg) == 0 {
			return nil
		}
		var out []finding
		ast.Inspect(s.file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if what, ok := isSel(n, pkg, "DefaultClient", "Get", "Post", "Head", "PostForm"); ok {
					out = append(out, s.at(n, name, "http.%s sends through net/http's shared client, not the core (internal/httpcore)", what))
				}
				if _, ok := isSel(n, pkg, "DefaultTransport"); ok && !s.test {
					out = append(out, s.at(n, name, "http.DefaultTransport outside internal/httpcore: requests go through the core"))
				}
			case *ast.CompositeLit:
				if what, ok := isSel(n.Type, pkg, "Client", "Transport"); ok && !s.test {
					out = append(out, s.at(n, name, "an http.%s of its own: requests go through the core (internal/httpcore)", what))
				}
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "new" && len(n.Args) == 1 && !s.test {
					if what, ok := isSel(n.Args[0], pkg, "Client", "Transport"); ok {
						out = append(out, s.at(n, name, "new(http.%s): requests go through the core (internal/httpcore)", what))
					}
				}
			case *ast.ValueSpec:
				if what, ok := isSel(n.Type, pkg, "Client", "Transport"); ok && !s.test {
					out = append(out, s.at(n, name, "an http.%s value of its own: requests go through the core (internal/httpcore)", what))
				}
			}
			return true
		})
		return out
	}}
}
