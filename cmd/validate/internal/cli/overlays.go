package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/speakeasy-api/openapi/overlay/loader"
	"gopkg.in/yaml.v3"

	"github.com/orgapis/orgapis/specs"
)

// applyOverlays applies each --overlay to the spec of its API, in order: the API its
// extends names (one of this module's specs, or the --spec file), else --api. Every
// action must reach something in the spec, or the overlay is refused naming it.
func (o *checkOptions) applyOverlays(ctx context.Context, force specs.API) (map[specs.API]*openapi3.T, error) {
	roots := map[specs.API]*yaml.Node{}
	names := map[specs.API]string{}
	for _, file := range o.overlays {
		ov, err := loader.LoadOverlay(file)
		if err != nil {
			return nil, fmt.Errorf("--overlay %s: %w", file, err)
		}
		if err := ov.Validate(); err != nil {
			return nil, fmt.Errorf("--overlay %s: %w", file, err)
		}
		api, err := o.overlayAPI(ov.Extends, force)
		if err != nil {
			return nil, fmt.Errorf("--overlay %s: %w", file, err)
		}
		root, ok := roots[api]
		if !ok {
			src, name, err := o.specBytes(api)
			if err != nil {
				return nil, fmt.Errorf("--overlay %s: %w", file, err)
			}
			var doc yaml.Node
			if err := yaml.Unmarshal(src, &doc); err != nil {
				return nil, fmt.Errorf("--overlay %s: %s: %w", file, name, err)
			}
			root, names[api] = &doc, name
			roots[api] = root
		}
		if _, err := ov.ApplyToStrict(root); err != nil {
			return nil, fmt.Errorf("--overlay %s: %w", file, err)
		}
	}
	out := map[specs.API]*openapi3.T{}
	for api, root := range roots {
		patched, err := yaml.Marshal(root)
		if err != nil {
			return nil, err
		}
		doc, err := specs.LoadData(ctx, names[api]+" with its overlays", patched)
		if err != nil {
			return nil, fmt.Errorf("--overlay: the patched spec: %w", err)
		}
		out[api] = doc
	}
	return out, nil
}

// overlayAPI is the API an overlay patches: by the spec its extends names, else --api.
func (o *checkOptions) overlayAPI(extends string, force specs.API) (specs.API, error) {
	for _, api := range specs.APIs() {
		if strings.HasSuffix(extends, "/specs/"+api.File()) || (o.spec != "" && extends == o.spec && force == api) {
			return api, nil
		}
	}
	if force != "" {
		return force, nil
	}
	return "", fmt.Errorf("extends %q names neither spec of this module; name the API with --api", extends)
}

// specBytes is the spec of api as written: the --spec file when it is api's, else the
// embedded one.
func (o *checkOptions) specBytes(api specs.API) ([]byte, string, error) {
	if file, ok := o.specFiles[string(api)]; ok {
		src, err := os.ReadFile(file)
		return src, file, err
	}
	src, err := specs.Source(api)
	return src, api.File(), err
}
