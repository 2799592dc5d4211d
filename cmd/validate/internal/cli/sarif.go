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

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/docread"
	"github.com/orgapis/orgapis/internal/version"
	"github.com/orgapis/orgapis/specs"
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
	Invocations        []sarifInvocation           `json:"invocations,omitempty"`
	Results            []sarifResult               `json:"results"`
}

// sarifInvocation carries notifications of the tool's execution: when the run's limits
// left findings out, how many and how to list them; and each other API version the
// traffic named than its spec's (versions.go).
type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level   string       `json:"level"`
	Message sarifMessage `json:"message"`
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
	rule(contract.KindTooManyFindings, "The exchange has more findings than the limit; the rest of it was not checked.",
		"The check of one exchange stopped once it had --max-findings-per-exchange findings (1000 by default): its findings up to there are listed, and what follows in the exchange was not checked. A baseline never accepts it.",
		"Fix the drift the listed findings show (often one change to the schema of an array's items), or raise --max-findings-per-exchange to see every finding."),
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
	var notes []sarifNotification
	if o := omittedLine(res.Summary); o != "" {
		notes = append(notes, sarifNotification{Level: "warning", Message: sarifMessage{o}})
	}
	for _, n := range res.Summary.APIVersions {
		notes = append(notes, sarifNotification{Level: "note", Message: sarifMessage{versionLine(n)}})
	}
	if len(notes) > 0 {
		run.Invocations = []sarifInvocation{{ExecutionSuccessful: true, ToolExecutionNotifications: notes}}
	}
	for _, f := range res.Findings {
		r := sarifResult{RuleID: f.Kind, RuleIndex: ruleIndex[f.Kind], Level: "error", Message: sarifMessage{textLine(f)}}
		if f.Known {
			r.Level, r.BaselineState = "note", "unchanged"
		} else if f.Severity == "warning" {
			r.Level = "warning"
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
	if !isFileSource(source) {
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

// specLocator finds the line of a spec that declares what a finding is about, from the
// origins kin-openapi's loader records for each element it reads.
type specLocator struct {
	artifact sarifArtifact // the spec, for a SARIF location
	doc      *openapi3.T   // nil when the spec could not be read
}

// newSpecLocator reads the spec of api: the file given with --spec, or the embedded one,
// named as it stands in this repository. It returns nil when the API is unknown.
func newSpecLocator(api, file string) *specLocator {
	var doc *openapi3.T
	var err error
	var artifact sarifArtifact
	if file != "" {
		// The --spec file check has read already, within the run's limit: a file that
		// grew past the default since is simply not located in.
		var src []byte
		if src, err = docread.ReadFile(file, docread.Default()); err == nil {
			doc, err = docread.OpenAPI(file, src, docread.Default(), true)
		}
		artifact.URI, _ = recordingURI(file)
	} else {
		a, perr := specs.ParseAPI(api)
		if perr != nil {
			return nil
		}
		var src []byte
		if src, err = specs.Source(a); err == nil {
			doc, err = docread.OpenAPI(a.File(), src, docread.Default(), true)
		}
		artifact = sarifArtifact{URI: "specs/" + a.File(), URIBaseID: sarifModuleBase}
	}
	l := &specLocator{artifact: artifact}
	if err == nil && doc.Paths != nil {
		l.doc = doc
	}
	return l
}

// keyLine is the line of the key an element stands under, or 0.
func keyLine(o *openapi3.Origin) int {
	if o == nil || o.Key == nil {
		return 0
	}
	return o.Key.Line
}

// fieldLine is the line of one field of an element, or fallback.
func fieldLine(o *openapi3.Origin, field string, fallback int) int {
	if o != nil {
		if loc, ok := o.Fields.Lookup(field); ok && loc.Line > 0 {
			return loc.Line
		}
	}
	return fallback
}

// locate returns the line for f, or 0.
func (l *specLocator) locate(f contract.Finding) int {
	if l.doc == nil {
		return 0
	}
	op := l.operation(f.OperationID)
	if op == nil {
		return keyLine(l.doc.Paths.Origin)
	}
	line := keyLine(op.Origin)
	respLine, resp := response(op, f.Status)
	switch f.Kind {
	case contract.KindUndocumentedStatus:
		line = fieldLine(op.Origin, "responses", line)
	case contract.KindContentType:
		if resp != nil {
			line = fieldLine(resp.Origin, "content", respLine)
		}
	case contract.KindHeader:
		if resp != nil {
			line = respLine
			if h := resp.Headers[strings.TrimPrefix(f.Pointer, "/")]; h != nil {
				line = keyLine(h.Origin)
			}
		}
	case contract.KindBody, contract.KindUndocumentedField:
		if resp != nil {
			line = respLine
			if schema := jsonSchema(resp.Content); schema != nil {
				line = walk(schema, f.Pointer)
			}
		}
	case contract.KindRequest:
		line = request(op, f, line)
	}
	return line
}

// operation finds the operation whose operationId is id.
func (l *specLocator) operation(id string) *openapi3.Operation {
	if id == "" {
		return nil
	}
	for _, item := range l.doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.OperationID == id {
				return op
			}
		}
	}
	return nil
}

// response is the response of op for status, or its default, with the line of its key.
func response(op *openapi3.Operation, status int) (int, *openapi3.Response) {
	if op.Responses == nil {
		return 0, nil
	}
	ref := op.Responses.Status(status)
	if ref == nil {
		ref = op.Responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return 0, nil
	}
	return keyLine(ref.Origin), ref.Value
}

// jsonSchema is the schema of the JSON media type of a content map.
func jsonSchema(content openapi3.Content) *openapi3.SchemaRef {
	for name, media := range content {
		if strings.Contains(name, "json") && media != nil && media.Schema != nil {
			return media.Schema
		}
	}
	return nil
}

// schemaLine is where a schema is declared: the component a $ref names, or the key it
// stands under inline.
func schemaLine(s *openapi3.SchemaRef) int {
	if s.Ref != "" && s.Value != nil {
		if line := keyLine(s.Value.Origin); line > 0 {
			return line
		}
	}
	return keyLine(s.Origin)
}

// walk follows a JSON pointer through a schema (properties, items, and the branches
// of allOf, anyOf and oneOf) and returns the line of the deepest member it reaches.
func walk(schema *openapi3.SchemaRef, pointer string) int {
	line := schemaLine(schema)
	for _, seg := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		if seg == "" {
			continue
		}
		seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		next := member(schema, seg, 0)
		if next == nil {
			return line // the deepest schema reached: an undocumented member's parent
		}
		schema, line = next, schemaLine(next)
	}
	return line
}

// member finds seg in a schema: a property, or the items of an array for an index.
func member(s *openapi3.SchemaRef, seg string, depth int) *openapi3.SchemaRef {
	if s == nil || s.Value == nil || depth > 8 {
		return nil
	}
	v := s.Value
	if _, err := strconv.Atoi(seg); err == nil && v.Items != nil {
		return v.Items
	}
	if p := v.Properties[seg]; p != nil {
		return p
	}
	for _, group := range []openapi3.SchemaRefs{v.AllOf, v.AnyOf, v.OneOf} {
		for _, b := range group {
			if m := member(b, seg, depth+1); m != nil {
				return m
			}
		}
	}
	return nil
}

// request finds the parameter or request-body member a request finding is about.
func request(op *openapi3.Operation, f contract.Finding, line int) int {
	if f.Location == "body" {
		if op.RequestBody != nil && op.RequestBody.Value != nil {
			if schema := jsonSchema(op.RequestBody.Value.Content); schema != nil {
				return walk(schema, f.Pointer)
			}
		}
		return line
	}
	for _, p := range op.Parameters {
		if p.Value != nil && p.Value.Name == strings.TrimPrefix(f.Pointer, "/") {
			return keyLine(p.Value.Origin)
		}
	}
	return line
}
