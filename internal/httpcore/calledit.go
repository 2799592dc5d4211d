package httpcore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/orgapis/orgapis/wrappers/apicall"
)

// JSONSet is one member a call sets in its JSON request body (option.WithJSONSet).
type JSONSet struct {
	// Path is the member's names from the body's top, such as ["a", "b"] for "a.b".
	Path []string
	// Value is the member's JSON.
	Value json.RawMessage
}

// NewJSONSet checks a dotted path and encodes value (see EncodeJSON) for
// option.WithJSONSet.
func NewJSONSet(path string, value any) (JSONSet, *apicall.ParamError) {
	names := strings.Split(path, ".")
	if slices.Contains(names, "") {
		return JSONSet{}, &apicall.ParamError{Param: "WithJSONSet", Reason: fmt.Sprintf("want member names joined by dots, such as \"a.b\", got %q", path)}
	}
	raw, err := EncodeJSON(value)
	if err != nil {
		return JSONSet{}, &apicall.ParamError{Param: "WithJSONSet", Reason: fmt.Sprintf("the value for %q does not encode as JSON: %v", path, err)}
	}
	return JSONSet{Path: names, Value: raw}, nil
}

// EncodeJSON encodes v with encoding/json, except that a json.RawMessage or a []byte
// is taken as JSON text already (checked, and copied): a caller who holds JSON passes it
// as it is, rather than have a []byte become a base64 string.
func EncodeJSON(v any) (json.RawMessage, error) {
	var text []byte
	switch t := v.(type) {
	case json.RawMessage:
		text = t
	case []byte:
		text = t
	default:
		return json.Marshal(v)
	}
	if !json.Valid(text) {
		return nil, fmt.Errorf("%d bytes given as JSON text are not valid JSON", len(text))
	}
	return bytes.Clone(text), nil
}

// edit applies a call's query and body additions to one of its requests, before
// anything is sent; a body they cannot apply to is a *apicall.ParamError.
func (c *Call) edit(req *http.Request) error {
	if len(c.Query) > 0 {
		// Appended, so that the request's own query keeps its encoding and order.
		if req.URL.RawQuery == "" {
			req.URL.RawQuery = c.Query.Encode()
		} else {
			req.URL.RawQuery += "&" + c.Query.Encode()
		}
	}
	if len(c.Sets) == 0 {
		return nil
	}
	refuse := func(reason string) error {
		return &apicall.ParamError{Param: "WithJSONSet", Reason: reason}
	}
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		return refuse("a " + req.Method + " request has no body to set members in")
	}
	body, err := requestBody(req)
	if err != nil {
		return refuse("reading the request body: " + err.Error())
	}
	doc := map[string]any{}
	if len(bytes.TrimSpace(body)) > 0 {
		if ct := req.Header.Get("Content-Type"); ct != "" && !strings.Contains(ct, "json") {
			return refuse(fmt.Sprintf("the request body is %s, not JSON", ct))
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber() // numbers stay as written, not rounded through float64
		var v any
		if err := dec.Decode(&v); err != nil || dec.More() {
			return refuse("the request body is not one JSON value")
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return refuse(fmt.Sprintf("the request body is a JSON %s, not an object whose members could be set", kind(v)))
		}
		doc = obj
	}
	for _, s := range c.Sets {
		if err := setMember(doc, s.Path, s.Value); err != nil {
			return refuse(err.Error())
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return refuse(err.Error())
	}
	req.Body = io.NopCloser(bytes.NewReader(out))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(out)), nil }
	req.ContentLength = int64(len(out))
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return nil
}

// requestBody reads a request's body without spending it: from GetBody when the
// request can replay it, else from Body, which edit then replaces.
func requestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	rc := req.Body
	if req.GetBody != nil {
		var err error
		if rc, err = req.GetBody(); err != nil {
			return nil, err
		}
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// setMember sets doc's member at path to value, making the objects on the way that are
// missing or null; one that is there and is not an object is an error naming it.
func setMember(doc map[string]any, path []string, value json.RawMessage) error {
	m := doc
	for i, name := range path[:len(path)-1] {
		next := m[name]
		if next == nil {
			child := map[string]any{}
			m[name] = child
			m = child
			continue
		}
		child, ok := next.(map[string]any)
		if !ok {
			return fmt.Errorf("cannot set %s: %s is a JSON %s, not an object", strings.Join(path, "."), strings.Join(path[:i+1], "."), kind(next))
		}
		m = child
	}
	m[path[len(path)-1]] = value
	return nil
}

// kind names the JSON kind of a decoded value.
func kind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number, float64:
		return "number"
	case bool:
		return "boolean"
	}
	return "null"
}
