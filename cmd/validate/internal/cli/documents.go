package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/orgapis/orgapis/internal/docread"
)

// documentFlag adds --max-document-bytes to fl: the size past which a document the
// command reads (a spec, an overlay, a vendor's document, a baseline) is refused unread.
func documentFlag(fl *flag.FlagSet) *int64 {
	return fl.Int64("max-document-bytes", docread.DefaultBytes,
		"refuse a spec, overlay, vendor document or baseline larger than this many bytes (it is parsed whole)")
}

// documentLimits are the bounded reader's limits with the user's size, and the flag
// that raises it named in the error that refuses a document.
func documentLimits(maxBytes int64) docread.Limits {
	return docread.Limits{Bytes: maxBytes, Raise: "--max-document-bytes"}
}

// loadSpec reads and validates an OpenAPI document held in data within lim.
func loadSpec(ctx context.Context, name string, data []byte, lim docread.Limits) (*openapi3.T, error) {
	doc, err := docread.OpenAPI(name, data, lim, false)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("%s: invalid OpenAPI document: %w", name, err)
	}
	return doc, nil
}
