package gates

import (
	"go/ast"
	"slices"
	"strings"
)

// documents is the gate of untrusted documents: every YAML or JSON document the module
// reads from a file goes through internal/docread, the bounded reader (limits on bytes,
// depth, aliases and their expansion; a cycle-safe walk of $ref graphs). Checked in
// every file but tests, outside internal/docread and tools/ (developers' programs run
// on this repository's own files, not shipped):
//
//  1. YAML decoding and OpenAPI loading: a call of Unmarshal or NewDecoder of any YAML
//     package, of openapi3.NewLoader, of a method LoadFromFile, LoadFromData,
//     LoadFromURI, LoadFromIoReader or LoadFromStdin, or of the overlay package's own
//     readers (Parse, ParseReader, LoadOverlay, LoadOverlayFromReader). A yaml.Node's
//     Decode, of a tree docread returned, is not a read.
//  2. JSON from files: in a package that opens or reads files (os.Open, os.OpenFile or
//     os.ReadFile in any of its files), every json.Unmarshal and json.NewDecoder. A
//     package that reads no files decodes HTTP bodies, which the core and
//     internal/bodyread bound; a function that decodes something else names itself in
//     exceptions, with its reason.
func documents() rule {
	const name = "documents"
	return rule{name: name, check: func(s *source) []finding {
		if s.test || s.under("internal/docread") || s.under("tools") {
			return nil
		}
		yamlPkgs := s.importNameFunc(func(path string) bool { return strings.Contains(path, "yaml") })
		openapi3 := s.importName("github.com/getkin/kin-openapi/openapi3")
		overlay := s.importNameFunc(func(path string) bool { return strings.Contains(path, "speakeasy-api/openapi/overlay") })
		json := s.importName("encoding/json")
		var out []finding
		ast.Inspect(s.file, func(n ast.Node) bool {
			ce, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if w, ok := isSel(ce.Fun, yamlPkgs, "Unmarshal", "NewDecoder"); ok {
				out = append(out, s.at(ce, name, "YAML decoded with %s outside internal/docread, the bounded reader", w))
			}
			if _, ok := isSel(ce.Fun, openapi3, "NewLoader"); ok {
				out = append(out, s.at(ce, name, "an OpenAPI loader outside internal/docread, the bounded reader"))
			}
			if sel, ok := ce.Fun.(*ast.SelectorExpr); ok && slices.Contains([]string{"LoadFromFile", "LoadFromData", "LoadFromURI", "LoadFromIoReader", "LoadFromStdin"}, sel.Sel.Name) {
				out = append(out, s.at(ce, name, "an OpenAPI document loaded with %s outside internal/docread, the bounded reader", sel.Sel.Name))
			}
			if w, ok := isSel(ce.Fun, overlay, "Parse", "ParseReader", "LoadOverlay", "LoadOverlayFromReader"); ok {
				out = append(out, s.at(ce, name, "an overlay read with %s outside internal/docread, the bounded reader", w))
			}
			if w, ok := isSel(ce.Fun, json, "Unmarshal", "NewDecoder"); ok && s.pkg.readsFiles {
				out = append(out, s.at(ce, name, "json.%s in a package that reads files, outside internal/docread, the bounded reader", w))
			}
			return true
		})
		return out
	}}
}
