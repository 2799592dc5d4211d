// Package specs embeds the hand-written OpenAPI 3.0.3 documents of the Apollo.io and
// Affinity APIs and loads them with kin-openapi.
package specs

import (
	"context"
	"embed"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
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

// LoadFile parses and validates the document at path.
func LoadFile(ctx context.Context, path string) (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("%s: invalid OpenAPI document: %w", path, err)
	}
	return doc, nil
}

// LoadData parses and validates a document held in memory; name is used in errors.
func LoadData(ctx context.Context, name string, data []byte) (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("%s: invalid OpenAPI document: %w", name, err)
	}
	return doc, nil
}
