package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/speakeasy-api/openapi/overlay"
	"gopkg.in/yaml.v3"

	"github.com/orgapis/orgapis/internal/docread"
	"github.com/orgapis/orgapis/specs"
)

// applyOverlays applies each --overlay to the spec of its API, in order: the API its
// extends names (one of this module's specs, or the --spec file), else --api. Every
// action must reach something in the spec, or the overlay is refused naming it.
func (o *checkOptions) applyOverlays(ctx context.Context, force specs.API) (map[specs.API]*openapi3.T, error) {
	roots := map[specs.API]*yaml.Node{}
	names := map[specs.API]string{}
	lim := documentLimits(o.maxDocBytes)
	for _, file := range o.overlays {
		ov, err := readOverlay(file, lim)
		if err != nil {
			return nil, fmt.Errorf("--overlay %w", err)
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
			src, name, err := o.specBytes(api, lim)
			if err != nil {
				return nil, fmt.Errorf("--overlay %s: %w", file, err)
			}
			// A --spec file was read within lim; the embedded spec is the module's own.
			slim := lim
			slim.Bytes = max(slim.Bytes, int64(len(src)))
			doc, err := docread.YAML(name, src, slim)
			if err != nil {
				return nil, fmt.Errorf("--overlay %s: %w", file, err)
			}
			root, names[api] = doc, name
			roots[api] = root
		}
		if err := applyOverlay(ov, root); err != nil {
			return nil, fmt.Errorf("--overlay %s: %w", file, err)
		}
	}
	out := map[specs.API]*openapi3.T{}
	for api, root := range roots {
		name := names[api] + " with its overlays"
		// The overlays' own aliases are now in the spec: the whole is checked again
		// before it is written out with them expanded.
		if err := docread.Check(name, root, lim); err != nil {
			return nil, fmt.Errorf("--overlay: %w", err)
		}
		patched, err := yaml.Marshal(root)
		if err != nil {
			return nil, err
		}
		// The patched spec is the spec and its overlays, each read within the limit.
		plim := lim
		plim.Bytes = max(plim.Bytes, int64(len(patched)))
		doc, err := loadSpec(ctx, name, patched, plim)
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
func (o *checkOptions) specBytes(api specs.API, lim docread.Limits) ([]byte, string, error) {
	if file, ok := o.specFiles[string(api)]; ok {
		src, err := docread.ReadFile(file, lim)
		return src, file, err
	}
	src, err := specs.Source(api)
	return src, api.File(), err
}

// readOverlay reads an OpenAPI Overlay through the bounded reader: an alias bomb is
// refused while it is still a few hundred bytes.
func readOverlay(file string, lim docread.Limits) (*overlay.Overlay, error) {
	data, err := docread.ReadFile(file, lim)
	if err != nil {
		return nil, err
	}
	node, err := docread.YAML(file, data, lim)
	if err != nil {
		return nil, err
	}
	if err := nullActions(file, node); err != nil {
		return nil, err
	}
	var ov overlay.Overlay
	if len(node.Content) > 0 {
		if err := node.Decode(&ov); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
	}
	return &ov, nil
}

// nullActions refuses a null among an overlay's actions: decoded, it is an action of
// nothing that applies silently.
func nullActions(file string, doc *yaml.Node) error {
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	top := doc.Content[0].Content
	for i := 0; i+1 < len(top); i += 2 {
		if top[i].Value != "actions" || top[i+1].Kind != yaml.SequenceNode {
			continue
		}
		for j, a := range top[i+1].Content {
			if a.Kind != yaml.MappingNode {
				return fmt.Errorf("%s:%d: actions[%d] is not an action (a mapping with a target)", file, a.Line, j)
			}
		}
	}
	return nil
}
