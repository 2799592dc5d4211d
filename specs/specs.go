// Package specs embeds the hand-written OpenAPI 3.0.3 documents of the Apollo.io and
// Affinity APIs and loads them with kin-openapi.
package specs

import (
	"context"
	"embed"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/orgapis/orgapis/internal/docread"
)

//go:embed apollo.yaml affinity.yaml
var files embed.FS

// API names one of the two described services.
type API string

// The described services.
const (
	Apollo   API = "apollo"
	Affinity API = "affinity"
)

// APIs lists every described service.
func APIs() []API { return []API{Apollo, Affinity} }

// ParseAPI turns a name such as "apollo" into an API, or says which names exist.
func ParseAPI(name string) (API, error) {
	for _, a := range APIs() {
		if string(a) == name {
			return a, nil
		}
	}
	return "", fmt.Errorf("unknown API %q (want apollo or affinity)", name)
}

// File is the document's file name inside this package, such as "apollo.yaml".
func (a API) File() string { return string(a) + ".yaml" }

// Source returns the embedded document of api as written.
func Source(api API) ([]byte, error) {
	b, err := files.ReadFile(api.File())
	if err != nil {
		return nil, fmt.Errorf("specs: no embedded document for API %q", api)
	}
	return b, nil
}

// Load parses and validates the embedded document of api. Each call returns a new
// document, so callers may change theirs freely.
func Load(ctx context.Context, api API) (*openapi3.T, error) {
	b, err := Source(api)
	if err != nil {
		return nil, err
	}
	return LoadData(ctx, api.File(), b)
}

// LoadFile parses and validates the document at path, a regular file. It reads it
// through the module's bounded reader with its default limits (2 MiB, nesting 256
// deep, 10,000 YAML aliases adding at most 100,000 nodes); a document over one is
// refused with an error that says which. External $refs are not followed.
func LoadFile(ctx context.Context, path string) (*openapi3.T, error) {
	data, err := docread.ReadFile(path, docread.Default())
	if err != nil {
		return nil, err
	}
	return LoadData(ctx, path, data)
}

// LoadData parses and validates a document held in memory; name is used in errors.
// The embedded documents go through the same bounded reader as any other (LoadFile),
// so that one rule holds for every document the module reads.
func LoadData(ctx context.Context, name string, data []byte) (*openapi3.T, error) {
	doc, err := docread.OpenAPI(name, data, docread.Default(), false)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("%s: invalid OpenAPI document: %w", name, err)
	}
	return doc, nil
}
