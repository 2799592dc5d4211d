package specs

import _ "embed"

// generatorConfig is specs/oapi-codegen.yaml: the configuration generated/ is made with.
//
//go:embed oapi-codegen.yaml
var generatorConfig []byte

// GeneratorConfig returns the oapi-codegen configuration the module's own clients in
// generated/ are made with, for both APIs: given to oapi-codegen with -config and a
// -package of the caller's, it yields the same names, types and slices as those
// clients. Each call returns a copy of its own.
func GeneratorConfig() []byte {
	return append([]byte(nil), generatorConfig...)
}
