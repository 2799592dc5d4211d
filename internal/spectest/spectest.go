// Package spectest gives tests the response examples written in the embedded specs, so
// that fakes and round-trip tests answer with the documentation's own payloads instead
// of copies of them.
package spectest

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/orgapis/orgapis/specs"
)

// Example returns, as JSON, the example of the response with the given status of the
// operation operationID in api's spec. With name empty it is the media type's single
// `example`; otherwise the entry `name` of its `examples`.
func Example(api specs.API, operationID, status, name string) ([]byte, error) {
	doc, err := specs.Load(context.Background(), api)
	if err != nil {
		return nil, err
	}
	op := findOperation(doc, operationID)
	if op == nil {
		return nil, fmt.Errorf("%s: no operation %q", api, operationID)
	}
	resp := op.Responses.Value(status)
	if resp == nil {
		return nil, fmt.Errorf("%s %s: no response %s", api, operationID, status)
	}
	media := resp.Value.Content.Get("application/json")
	if media == nil {
		return nil, fmt.Errorf("%s %s %s: no JSON content", api, operationID, status)
	}
	value := media.Example
	if name != "" {
		ex, ok := media.Examples[name]
		if !ok {
			return nil, fmt.Errorf("%s %s %s: no example %q", api, operationID, status, name)
		}
		value = ex.Value.Value
	}
	if value == nil {
		return nil, fmt.Errorf("%s %s %s: no example", api, operationID, status)
	}
	return json.Marshal(value)
}

func findOperation(doc *openapi3.T, operationID string) *openapi3.Operation {
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.OperationID == operationID {
				return op
			}
		}
	}
	return nil
}
