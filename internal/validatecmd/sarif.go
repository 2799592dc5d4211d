package validatecmd

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/specs"
	"gopkg.in/yaml.v3"
)

// SARIF 2.1.0, the format code-scanning tools read. Each finding's primary location is
// the line of the spec that declares what the traffic broke (the schema member, the
// response, the parameter or the operation), so the annotation lands where the
// contract is written; the recording and entry are a related location.

type sarifLog struct {
	Version string     `json:"version"`
	Schema  string     `json:"$schema"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	ShortDescription sarifMessage `json:"shortDescription"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID           string          `json:"ruleId"`
	Level            string          `json:"level"`
	BaselineState    string          `json:"baselineState,omitempty"`
	Message          sarifMessage    `json:"message"`
	Locations        []sarifLocation `json:"locations"`
	RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
}

type sarifLocation struct {
	ID               int                   `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifMessage         `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

// sarifRules describes each kind of finding.
var sarifRules = []sarifRule{
	{contract.KindUndocumentedEndpoint, sarifMessage{"The request matches no operation of the spec."}},
	{contract.KindUndocumentedStatus, sarifMessage{"The operation does not document the response status."}},
	{contract.KindContentType, sarifMessage{"The response's media type is not documented for its status."}},
	{contract.KindHeader, sarifMessage{"A documented response header is missing or has a bad value."}},
	{contract.KindBody, sarifMessage{"The response body breaks its schema."}},
	{contract.KindUndocumentedField, sarifMessage{"The body holds a member its schema does not describe."}},
	{contract.KindRequest, sarifMessage{"The request breaks the spec."}},
	{contract.KindUnreadable, sarifMessage{"An input or entry could not be read."}},
	{KindCallFailed, sarifMessage{"A call of validate live failed."}},
}

// WriteSARIF writes the report as a SARIF 2.1.0 log.
func WriteSARIF(w io.Writer, res Result) error {
	locators := map[string]*specLocator{}
	locator := func(api string) *specLocator {
		if l, ok := locators[api]; ok {
			return l
		}
		l := newSpecLocator(api, res.SpecFiles[api])
		locators[api] = l
		return l
	}
	run := sarifRun{
		Tool:    sarifTool{Driver: sarifDriver{Name: "orgapis validate", InformationURI: "https://github.com/orgapis/orgapis", Rules: sarifRules}},
		Results: []sarifResult{},
	}
	for _, f := range res.Findings {
		r := sarifResult{RuleID: f.Kind, Level: "error", Message: sarifMessage{textLine(f)}}
		if f.Known {
			r.Level, r.BaselineState = "note", "unchanged"
		}
		recording := sarifLocation{PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: sarifArtifact{URI: f.Source}}}
		if f.Entry >= 0 {
			recording.Message = &sarifMessage{fmt.Sprintf("entry %d of the recording", f.Entry)}
		}
		if l := locator(f.API); f.API != "" && l != nil {
			spec := sarifLocation{PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: sarifArtifact{URI: l.file}}}
			if line := l.locate(f); line > 0 {
				spec.PhysicalLocation.Region = &sarifRegion{StartLine: line}
			}
			recording.ID = 1
			r.Locations = []sarifLocation{spec}
			r.RelatedLocations = []sarifLocation{recording}
		} else {
			r.Locations = []sarifLocation{recording}
		}
		run.Results = append(run.Results, r)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Version: "2.1.0", Schema: "https://json.schemastore.org/sarif-2.1.0.json", Runs: []sarifRun{run}})
}

// specLocator finds the line of a spec that declares what a finding is about.
type specLocator struct {
	file string
	root *yaml.Node // the document's top mapping
}

// newSpecLocator reads the spec of api: the file given with --spec, or the embedded one,
// named as it stands in this repository. It returns nil when the API is unknown.
func newSpecLocator(api, file string) *specLocator {
	var src []byte
	var err error
	if file != "" {
		src, err = os.ReadFile(file)
	} else {
		a, perr := specs.ParseAPI(api)
		if perr != nil {
			return nil
		}
		src, err = specs.Source(a)
		file = "specs/" + a.File()
	}
	l := &specLocator{file: file}
	var doc yaml.Node
	if err == nil && yaml.Unmarshal(src, &doc) == nil && len(doc.Content) > 0 {
		l.root = doc.Content[0]
	}
	return l
}

// get returns the key and value nodes of key in mapping n.
func get(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// resolve follows local $refs such as #/components/schemas/Organization.
func (l *specLocator) resolve(n *yaml.Node) *yaml.Node {
	n, _ = l.resolveLine(n, 0)
	return n
}

// resolveLine is resolve that also moves line to the key that declares what a $ref
// points at ("Organization:"), so that a finding lands on the schema it broke.
func (l *specLocator) resolveLine(n *yaml.Node, line int) (*yaml.Node, int) {
	for range 16 {
		_, ref := get(n, "$ref")
		if ref == nil || !strings.HasPrefix(ref.Value, "#/") {
			return n, line
		}
		target := l.root
		var key *yaml.Node
		for _, part := range strings.Split(strings.TrimPrefix(ref.Value, "#/"), "/") {
			key, target = get(target, strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~"))
		}
		if target == nil {
			return n, line
		}
		n, line = target, key.Line
	}
	return n, line
}

// locate returns the line for f, or 0.
func (l *specLocator) locate(f contract.Finding) int {
	if l.root == nil {
		return 0
	}
	pathsKey, paths := get(l.root, "paths")
	if paths == nil {
		return 0
	}
	opKey, op := l.operation(paths, f.OperationID)
	if op == nil {
		return pathsKey.Line
	}
	line := opKey.Line
	respKey, resp := l.response(op, f.Status)
	switch f.Kind {
	case contract.KindUndocumentedStatus:
		if k, _ := get(op, "responses"); k != nil {
			line = k.Line
		}
	case contract.KindContentType:
		if k, _ := get(resp, "content"); k != nil {
			line = k.Line
		} else if respKey != nil {
			line = respKey.Line
		}
	case contract.KindHeader:
		_, headers := get(resp, "headers")
		if k, _ := get(headers, strings.TrimPrefix(f.Pointer, "/")); k != nil {
			line = k.Line
		} else if respKey != nil {
			line = respKey.Line
		}
	case contract.KindBody, contract.KindUndocumentedField:
		_, content := get(resp, "content")
		if k, schema := get(l.resolve(l.media(content)), "schema"); schema != nil {
			line = l.walk(k.Line, schema, f.Pointer)
		} else if respKey != nil {
			line = respKey.Line
		}
	case contract.KindRequest:
		line = l.request(op, f, line)
	}
	return line
}

// operation finds the method entry whose operationId is id.
func (l *specLocator) operation(paths *yaml.Node, id string) (key, op *yaml.Node) {
	if id == "" {
		return nil, nil
	}
	for i := 1; i < len(paths.Content); i += 2 {
		item := paths.Content[i]
		for j := 0; j+1 < len(item.Content); j += 2 {
			if _, opID := get(item.Content[j+1], "operationId"); opID != nil && opID.Value == id {
				return item.Content[j], item.Content[j+1]
			}
		}
	}
	return nil, nil
}

func (l *specLocator) response(op *yaml.Node, status int) (key, resp *yaml.Node) {
	_, responses := get(op, "responses")
	key, resp = get(responses, strconv.Itoa(status))
	if resp == nil {
		key, resp = get(responses, "default")
	}
	return key, l.resolve(resp)
}

// media is the JSON media type of a content map.
func (l *specLocator) media(content *yaml.Node) *yaml.Node {
	if content == nil {
		return nil
	}
	for i := 0; i+1 < len(content.Content); i += 2 {
		if strings.Contains(content.Content[i].Value, "json") {
			return content.Content[i+1]
		}
	}
	return nil
}

// walk follows a JSON pointer through a schema (properties, items, and the branches
// of allOf, anyOf and oneOf) and returns the line of the deepest member it reaches.
func (l *specLocator) walk(line int, schema *yaml.Node, pointer string) int {
	n, line := l.resolveLine(schema, line)
	for _, seg := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		if seg == "" {
			continue
		}
		seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		k, next := l.member(n, seg, 0)
		if next == nil {
			return line // the deepest schema reached: an undocumented member's parent
		}
		n, line = l.resolveLine(next, k.Line)
	}
	return line
}

// member finds seg in schema n: a property, or the items of an array for an index.
func (l *specLocator) member(n *yaml.Node, seg string, depth int) (key, value *yaml.Node) {
	if n == nil || depth > 8 {
		return nil, nil
	}
	if _, err := strconv.Atoi(seg); err == nil {
		if k, items := get(n, "items"); items != nil {
			return k, items
		}
	}
	_, props := get(n, "properties")
	if k, v := get(props, seg); v != nil {
		return k, v
	}
	for _, group := range []string{"allOf", "anyOf", "oneOf"} {
		_, branches := get(n, group)
		if branches == nil {
			continue
		}
		for _, b := range branches.Content {
			if k, v := l.member(l.resolve(b), seg, depth+1); v != nil {
				return k, v
			}
		}
	}
	return nil, nil
}

// request finds the parameter or request-body member a request finding is about.
func (l *specLocator) request(op *yaml.Node, f contract.Finding, line int) int {
	if f.Location == "body" {
		_, body := get(op, "requestBody")
		_, content := get(l.resolve(body), "content")
		if k, schema := get(l.resolve(l.media(content)), "schema"); schema != nil {
			return l.walk(k.Line, schema, f.Pointer)
		}
		return line
	}
	_, params := get(op, "parameters")
	if params != nil {
		for _, p := range params.Content {
			p := l.resolve(p)
			if _, name := get(p, "name"); name != nil && name.Value == strings.TrimPrefix(f.Pointer, "/") {
				return p.Line
			}
		}
	}
	return line
}
