package gates

import (
	"go/ast"
	"strings"
)

// serverErrors is the gate of errors that carry what a server sent: they are made by
// one constructor, redact.Scrubber.Error (reached as the Doer's ScrubError and
// scrubErr), which scrubs the text and every cause. Checked in every file but tests,
// outside internal/redact (the constructor) and internal/httpcore (which builds the
// answer's error and returns it through the constructor):
//
//   - no composite literal of a type that carries an answer: apicall.Error,
//     apicall.RedirectError, apicall.UnknownOutcomeError, and affinity.Error and
//     apollo.Error (aliases of apicall.Error; "Error" within those two packages);
//   - no fmt.Errorf or errors.New with an argument that reads an answer or a request
//     (a .Body, .Header, .Trailer or .Status selector, io.ReadAll, a Dump of
//     net/http/httputil), unless that call is itself the argument of a scrub (a call
//     of a method named Error or ScrubError).
//
// What a server sent that reaches an error after decoding (a token in a page, a value
// quoted by a check) cannot be told apart syntactically; the hostile suites walk
// every error's tree for the key instead (spectest.KeyNodes).
func serverErrors() rule {
	const name = "server-errors"
	return rule{name: name, check: func(s *source) []finding {
		if s.test || s.under("internal/redact") || s.under("internal/httpcore") {
			return nil
		}
		apicall := s.importName("github.com/orgapis/orgapis/wrappers/apicall")
		affinity := s.importName("github.com/orgapis/orgapis/wrappers/affinity")
		apollo := s.importName("github.com/orgapis/orgapis/wrappers/apollo")
		own := s.file.Name.Name == "affinity" && s.under("wrappers/affinity") || s.file.Name.Name == "apollo" && s.under("wrappers/apollo")
		fmtPkg, errorsPkg, io, httputil := s.importName("fmt"), s.importName("errors"), s.importName("io"), s.importName("net/http/httputil")
		answerType := func(e ast.Expr) (string, bool) {
			if ix, ok := e.(*ast.IndexExpr); ok { // apicall.Error[R]
				e = ix.X
			}
			if w, ok := isSel(e, apicall, "Error", "RedirectError", "UnknownOutcomeError"); ok {
				return "apicall." + w, true
			}
			if _, ok := isSel(e, affinity, "Error"); ok {
				return "affinity.Error", true
			}
			if _, ok := isSel(e, apollo, "Error"); ok {
				return "apollo.Error", true
			}
			if id, ok := e.(*ast.Ident); ok && own && id.Name == "Error" {
				return s.file.Name.Name + ".Error", true
			}
			return "", false
		}
		readsAnswer := func(e ast.Expr) bool {
			found := false
			ast.Inspect(e, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.SelectorExpr:
					switch n.Sel.Name {
					case "Body", "Header", "Trailer", "Status":
						found = true
					}
					if _, ok := isSel(n, io, "ReadAll"); ok {
						found = true
					}
					if _, ok := isSel(n, httputil, "DumpResponse", "DumpRequest", "DumpRequestOut"); ok {
						found = true
					}
				}
				return !found
			})
			return found
		}
		scrubbed := map[ast.Node]bool{} // calls that are the argument of a scrub
		var out []finding
		ast.Inspect(s.file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				if what, ok := answerType(n.Type); ok {
					out = append(out, s.at(n, name, "%s built outside the scrubbing constructor (redact.Scrubber.Error, through internal/httpcore)", what))
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Error" || sel.Sel.Name == "ScrubError") {
					for _, a := range n.Args {
						scrubbed[ast.Unparen(a)] = true
					}
				}
				_, errorf := isSel(n.Fun, fmtPkg, "Errorf")
				_, newErr := isSel(n.Fun, errorsPkg, "New")
				if (errorf || newErr) && !scrubbed[n] {
					for _, a := range n.Args {
						if readsAnswer(a) {
							out = append(out, s.at(n, name, "an error made from an answer's %s without the scrubbing constructor (wrap it in ScrubError / Scrubber.Error)", strings.TrimSpace(exprText(a))))
							break
						}
					}
				}
			}
			return true
		})
		return out
	}}
}

// exprText is a short rendering of e for a message.
func exprText(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		return exprText(e.X) + "." + e.Sel.Name
	case *ast.Ident:
		return e.Name
	case *ast.CallExpr:
		return exprText(e.Fun) + "(...)"
	case *ast.IndexExpr:
		return exprText(e.X) + "[...]"
	}
	return "expression"
}
