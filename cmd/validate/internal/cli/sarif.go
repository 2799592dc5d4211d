package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/version"
	"github.com/orgapis/orgapis/specs"
	"gopkg.in/yaml.v3"
)

// SARIF 2.1.0, the format code-scanning tools read. Each finding's primary location is
// the recording, in the user's repository, at the line its exchange starts on (HAR and
// JSON lines have lines), so that code-scanning UIs can place it. The line of the spec
// that declares what the traffic broke (the schema member, the response, the parameter
// or the operation) is a related location: the embedded spec under the uriBaseId
// ORGAPIS_MODULE, which stands for this module's source at its version, or the file
// given with --spec as the user named it. A finding without a recording (validate live
// without --record) has the spec as its primary location.

// sarifModuleBase is the uriBaseId of the embedded specs' paths.
const sarifModuleBase = "ORGAPIS_MODULE"

type sarifLog struct {
	Version string     `json:"version"`
	Schema  string     `json:"$schema"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactRef `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult               `json:"results"`
}

type sarifArtifactRef struct {
	URI         string        `json:"uri"`
	Description *sarifMessage `json:"description,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string       `json:"id"`
	ShortDescription     sarifMessage `json:"shortDescription"`
	FullDescription      sarifMessage `json:"fullDescription"`
	Help                 sarifMessage `json:"help"`
	DefaultConfiguration sarifConfig  `json:"defaultConfiguration"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID           string          `json:"ruleId"`
	RuleIndex        int             `json:"ruleIndex"`
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
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

// sarifRules describes each kind of finding: what it means and what to do about it.
var sarifRules = []sarifRule{
	rule(contract.KindUndocumentedEndpoint, "The request matches no operation of the spec.",
		"The method and path of the request match no operation the spec declares.",
		"The service answers a call the spec does not describe. If the call is meant, add the operation to the spec (validate propose suggests one); if not, fix the client that made it."),
	rule(contract.KindUndocumentedStatus, "The operation does not document the response status.",
		"The response's status code is not among the operation's responses and there is no default response.",
		"Document the status in the operation's responses with the body the service sends, or find out why the service answered it."),
	rule(contract.KindContentType, "The response's media type is not documented for its status.",
		"The Content-Type of the response is not a media type of the documented response.",
		"Add the media type to the response's content, or fix the service or proxy that changed it."),
	rule(contract.KindHeader, "A documented response header is missing or has a bad value.",
		"A header the response declares is absent, or its value breaks the header's schema.",
		"Make the header optional in the spec if the service leaves it out, or widen its schema to the values it sends."),
	rule(contract.KindBody, "The response body breaks its schema.",
		"A member of the response body has a type, format, enumeration or bound its schema does not allow, or a required member is missing.",
		"Compare the found value with the schema at the pointer: widen the schema (a type, nullable) if the service really sends it, or report the service's answer as a bug."),
	rule(contract.KindUndocumentedField, "The body holds a member its schema does not describe.",
		"With --strict, a member of the body is not among its schema's properties.",
		"Add the member to the schema, with its type, if clients may rely on it; otherwise accept it in a baseline."),
	rule(contract.KindRequest, "The request breaks the spec.",
		"With --requests, a query parameter or a JSON request body breaks the operation's parameters or request body.",
		"Fix the client that sent the request, or the spec if the service accepts it."),
	rule(contract.KindUnreadable, "An input or entry could not be read.",
		"A file, or an entry of one, is not a recording the command reads, or is broken or over a limit.",
		"Fix or remove the input; the message says what is wrong and where."),
	rule(KindCallFailed, "A call of validate live failed.",
		"validate live could not complete a call: the service refused it, timed out, or answered something the client cannot decode.",
		"The message names the call and the reason; a refused key names the variable to set."),
}

func rule(id, short, full, help string) sarifRule {
	return sarifRule{ID: id, ShortDescription: sarifMessage{short}, FullDescription: sarifMessage{full}, Help: sarifMessage{help},
		DefaultConfiguration: sarifConfig{Level: "error"}}
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
	ruleIndex := map[string]int{}
	for i, r := range sarifRules {
		ruleIndex[r.ID] = i
	}
	v := version.String()
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{Name: "orgapis validate", Version: v, InformationURI: "https://github.com/orgapis/orgapis", Rules: sarifRules}},
		OriginalURIBaseIDs: map[string]sarifArtifactRef{sarifModuleBase: {URI: moduleSourceURI(v),
			Description: &sarifMessage{"The orgapis module's source at the version of validate that wrote this log; the embedded specs are under specs/."}}},
		Results: []sarifResult{},
	}
	for _, f := range res.Findings {
		r := sarifResult{RuleID: f.Kind, RuleIndex: ruleIndex[f.Kind], Level: "error", Message: sarifMessage{textLine(f)}}
		if f.Known {
			r.Level, r.BaselineState = "note", "unchanged"
		}
		var spec *sarifLocation
		if l := locator(f.API); f.API != "" && l != nil {
			spec = &sarifLocation{PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: l.artifact}, Message: &sarifMessage{"what the spec declares"}}
			if line := l.locate(f); line > 0 {
				spec.PhysicalLocation.Region = &sarifRegion{StartLine: line}
			}
		}
		if uri, ok := recordingURI(f.Source); ok {
			recording := sarifLocation{PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: sarifArtifact{URI: uri}}}
			if f.Line > 0 {
				recording.PhysicalLocation.Region = &sarifRegion{StartLine: f.Line}
			}
			if f.Entry >= 0 {
				recording.Message = &sarifMessage{fmt.Sprintf("entry %d of the recording", f.Entry)}
			}
			r.Locations = []sarifLocation{recording}
			if spec != nil {
				spec.ID = 1
				r.RelatedLocations = []sarifLocation{*spec}
			}
		} else if spec != nil {
			r.Locations = []sarifLocation{*spec}
		} else {
			r.Locations = []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: sarifArtifact{URI: "specs/" + f.API + ".yaml", URIBaseID: sarifModuleBase}}}}
		}
		run.Results = append(run.Results, r)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Version: "2.1.0", Schema: "https://json.schemastore.org/sarif-2.1.0.json", Runs: []sarifRun{run}})
}

// moduleSourceURI is where the module's source can be read at version v: its tag, or
// main for a build that is not of a release.
func moduleSourceURI(v string) string {
	ref := "main"
	if strings.HasPrefix(v, "v") && !strings.Contains(v, "-0.") && !strings.Contains(v, "+") && !strings.HasPrefix(v, "v0.0.0-") {
		ref = v
	}
	return "https://github.com/orgapis/orgapis/blob/" + ref + "/"
}

// recordingURI is a finding's source as a URI relative to the working directory, and
// whether the source is a file at all (not standard input or live traffic).
func recordingURI(source string) (string, bool) {
	if source == "" || source == "-" || source == "live" || source == "transport" {
		return "", false
	}
	path := source
	if filepath.IsAbs(path) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
				path = rel
			}
		}
	}
	u := url.URL{Path: filepath.ToSlash(path)}
	if filepath.IsAbs(path) {
		u.Scheme = "file"
	}
	return u.String(), true
}

// specLocator finds the line of a spec that declares what a finding is about.
type specLocator struct {
	artifact sarifArtifact // the spec, for a SARIF location
	root     *yaml.Node    // the document's top mapping
}

// newSpecLocator reads the spec of api: the file given with --spec, or the embedded one,
// named as it stands in this repository. It returns nil when the API is unknown.
func newSpecLocator(api, file string) *specLocator {
	var src []byte
	var err error
	var artifact sarifArtifact
	if file != "" {
		src, err = os.ReadFile(file)
		artifact.URI, _ = recordingURI(file)
	} else {
		a, perr := specs.ParseAPI(api)
		if perr != nil {
			return nil
		}
		src, err = specs.Source(a)
		artifact = sarifArtifact{URI: "specs/" + a.File(), URIBaseID: sarifModuleBase}
	}
	l := &specLocator{artifact: artifact}
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
