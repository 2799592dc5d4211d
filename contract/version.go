package contract

import (
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// A spec may describe one version of an API whose answers depend on a version the
// request names in a header, as Affinity's v2 does: an info extension
// x-NAME-api-version (such as x-affinity-api-version) holds the version the spec
// describes, and its name is the header's (X-Affinity-Api-Version); the operations
// that document that header parameter are the versioned ones. An exchange of another
// version is still checked against the spec, but its findings may only say where the
// versions differ: Version lets a report say so once, instead of leaving each finding
// to be puzzled over.

// VersionSent is what one exchange of a versioned operation says of its version.
type VersionSent struct {
	// Header is the request header that names the version, such as
	// X-Affinity-Api-Version.
	Header string `json:"header"`
	// Spec is the version the spec describes.
	Spec string `json:"spec"`
	// Sent is the version the request named; "" when it named none, and the service
	// answered by a default of its own (for Affinity, the key's).
	Sent string `json:"sent"`
	// Answered is the version the response named in the same header; "" when it
	// named none.
	Answered string `json:"answered"`
}

// Differs reports whether the request did not name the version the spec describes.
func (s VersionSent) Differs() bool { return s.Sent != s.Spec }

// apiVersion is what a spec says of its version: the header, the version, and the ids
// of the operations that take the header.
type apiVersion struct {
	header, version string
	operations      map[string]bool
}

// versionOf reads doc's version, if it states one: the first x-*-api-version
// extension of its info whose value is a string, by name.
func versionOf(doc *openapi3.T) apiVersion {
	if doc == nil || doc.Info == nil {
		return apiVersion{}
	}
	var name, version string
	for k, val := range doc.Info.Extensions {
		s, ok := val.(string)
		lower := strings.ToLower(k)
		if !ok || s == "" || !strings.HasPrefix(lower, "x-") || !strings.HasSuffix(lower, "-api-version") {
			continue
		}
		if name == "" || k < name {
			name, version = k, s
		}
	}
	if name == "" {
		return apiVersion{}
	}
	av := apiVersion{header: http.CanonicalHeaderKey(name), version: version, operations: map[string]bool{}}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, p := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
				if p != nil && p.Value != nil && p.Value.In == openapi3.ParameterInHeader && strings.EqualFold(p.Value.Name, name) {
					av.operations[op.OperationID] = true
				}
			}
		}
	}
	return av
}

// Version reports the version ex's request named, when operationID (as Check named it
// for ex) is an operation of the spec that takes the version header; ok is false
// otherwise, and for every exchange of a spec that states no version. A header sent
// more than once counts as its first value.
func (v *Validator) Version(operationID string, ex Exchange) (sent VersionSent, ok bool) {
	if v.version.header == "" || !v.version.operations[operationID] {
		return VersionSent{}, false
	}
	return VersionSent{Header: v.version.header, Spec: v.version.version,
		Sent: ex.RequestHeader.Get(v.version.header), Answered: ex.ResponseHeader.Get(v.version.header)}, true
}

// SpecVersion is the version of the API the spec describes and the header that names
// it ("", "" for a spec that states none).
func (v *Validator) SpecVersion() (header, version string) {
	return v.version.header, v.version.version
}
