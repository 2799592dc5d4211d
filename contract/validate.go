package contract

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/orgapis/orgapis/internal/redact"
	"github.com/orgapis/orgapis/specs"
)

// Validator checks exchanges against one API's spec. It is safe for concurrent use.
type Validator struct {
	api      specs.API
	router   *router
	strict   bool
	requests bool
	fast     certainlyValid
	// walkers pools the scratch of locating a failing body's findings (failWalker).
	walkers sync.Pool
	// version is the API version the spec describes, if it states one (version.go).
	version apiVersion
	// maxFindings bounds the findings of one exchange (WithMaxFindings).
	maxFindings int
}

// Option configures a Validator.
type Option func(*Validator)

// Strict also reports fields present in a body but absent from its schema. Free-form
// maps (additionalProperties) are not undocumented.
func Strict() Option { return func(v *Validator) { v.strict = true } }

// CheckRequests also checks each request's query and header parameters and JSON body.
func CheckRequests() Option { return func(v *Validator) { v.requests = true } }

// DefaultMaxFindings is how many findings of one exchange a validator lists unless
// WithMaxFindings says otherwise. It is validate's default --max-findings-per-rule, so
// a run's reports, which list no more than that of one operation and kind, lose
// nothing to it in the common case of one drift repeated in every item; the largest
// documented pages (500 Affinity organizations) keep two findings a record whole; and
// at a few hundred bytes a finding, an exchange's findings cost well under a megabyte.
const DefaultMaxFindings = 1000

// maxFindingsCap keeps a bound and the one finding past it (bound+1) clear of overflow.
const maxFindingsCap = math.MaxInt / 4

// unbounded is the limit of a collection of findings that no bound applies to: a
// header's or a branch's, which their callers then count against the bound. Half of
// math.MaxInt, so that a limit plus the findings so far cannot overflow.
const unbounded = math.MaxInt / 2

// WithMaxFindings bounds the findings of one exchange to n: once the check has found
// more, it stops (the byte walk, the decoded walk, kin-openapi's errors turned into
// findings, strict mode's undocumented fields, request checks), keeps the first n it
// found and adds one finding of kind KindTooManyFindings that says the rest of the
// exchange was not checked. A body whose schema is broken by every one of 500,000
// items then costs what its first n findings cost, not memory in proportion to the
// body (a recording, or a server behind validate proxy, chooses the body). n below 1
// leaves DefaultMaxFindings.
func WithMaxFindings(n int) Option {
	return func(v *Validator) {
		if n >= 1 {
			v.maxFindings = min(n, maxFindingsCap)
		}
	}
}

// New returns a validator for doc, a loaded and valid document of api.
func New(api specs.API, doc *openapi3.T, opts ...Option) *Validator {
	v := &Validator{api: api, router: newRouter(doc), version: versionOf(doc), maxFindings: DefaultMaxFindings}
	for _, opt := range opts {
		opt(v)
	}
	return v
}

// NewEmbedded returns a validator for the spec of api embedded in package specs.
func NewEmbedded(ctx context.Context, api specs.API, opts ...Option) (*Validator, error) {
	doc, err := specs.Load(ctx, api)
	if err != nil {
		return nil, err
	}
	return New(api, doc, opts...), nil
}

// API is the API this validator checks.
func (v *Validator) API() specs.API { return v.api }

// base is the finding's description of ex, with its operation when one matches.
func (v *Validator) base(ex Exchange) Finding {
	f, _ := v.locate(ex)
	return f
}

// locate finds the operation of ex and describes ex for findings.
func (v *Validator) locate(ex Exchange) (Finding, *route) {
	f := Finding{Source: ex.Source, Entry: ex.Index, Line: ex.Line, API: string(v.api), Method: ex.Method, Status: ex.Status}
	if ex.URL != nil {
		f.Path = ex.URL.Path
	}
	rt := v.router.find(ex.Method, f.Path)
	if rt != nil {
		f.OperationID, f.Path = rt.operation.OperationID, rt.template
	}
	return f, rt
}

// Operation names the operation of the spec ex is an exchange of, and its path
// template, without checking anything; both are "" for an endpoint the spec lacks.
func (v *Validator) Operation(ex Exchange) (operationID, template string) {
	f, rt := v.locate(ex)
	if rt == nil {
		return "", ""
	}
	return f.OperationID, f.Path
}

// Operations lists the operations of the validator's spec as "operationId" and
// "METHOD /template" pairs, in the router's order, for a caller that selects some by
// either name.
func (v *Validator) Operations() (ids, routes []string) {
	for _, rt := range v.router.routes {
		ids = append(ids, rt.operation.OperationID)
		routes = append(routes, rt.method+" "+rt.template)
	}
	return ids, routes
}

// Validate checks one exchange and returns its findings, at most the validator's bound
// of them and then one of kind KindTooManyFindings (WithMaxFindings); none means it
// conforms.
func (v *Validator) Validate(ex Exchange) []Finding {
	_, findings := v.Check(ex)
	return findings
}

// Check is Validate that also names the operation the exchange matched ("" for none),
// so that callers counting per operation do not route the exchange a second time.
func (v *Validator) Check(ex Exchange) (operationID string, findings []Finding) {
	base, rt := v.locate(ex)
	return base.OperationID, v.checkRoute(base, rt, ex, nil)
}

// checkRoute checks ex against its route; with count, a response body that conforms is
// also read for the members it has (see Coverage.Check). It lists at most the
// validator's bound of findings, and then the one that says the check stopped there.
func (v *Validator) checkRoute(base Finding, rt *route, ex Exchange, count *memberCount) []Finding {
	return v.bounded(base, v.checkRouteUpTo(base, rt, ex, count, v.bound()+1))
}

// bound is the validator's bound on the findings of one exchange; a Validator not made
// by New has the default.
func (v *Validator) bound() int {
	if v.maxFindings < 1 {
		return DefaultMaxFindings
	}
	return v.maxFindings
}

// bounded cuts fs, findings collected up to one past the bound, to the bound, and says
// so with a finding of its own kind: the one past the bound is what shows that there
// were more.
func (v *Validator) bounded(base Finding, fs []Finding) []Finding {
	bound := v.bound()
	if len(fs) <= bound {
		return fs
	}
	clear(fs[bound:])
	f := base
	f.Kind, f.Expected = KindTooManyFindings, "at most "+strconv.Itoa(bound)+" findings in one exchange"
	f.Found = "more: the check stopped there; the rest of the exchange was not checked"
	return append(fs[:bound], f)
}

// checkRouteUpTo is checkRoute's check, which stops once it has limit findings.
func (v *Validator) checkRouteUpTo(base Finding, rt *route, ex Exchange, count *memberCount, limit int) []Finding {
	if rt == nil {
		f := base
		f.Kind, f.Expected, f.Found = KindUndocumentedEndpoint, "an operation of the "+string(v.api)+" spec", ex.Method+" "+base.Path
		return []Finding{f}
	}
	var out []Finding
	if v.requests {
		out = append(out, v.checkRequest(base, rt, ex, limit)...)
		if len(out) >= limit {
			return out
		}
	}
	resp := v.response(rt, ex.Status)
	if resp == nil {
		f := base
		f.Kind, f.Expected, f.Found = KindUndocumentedStatus, "one of "+documentedStatuses(rt.operation), strconv.Itoa(ex.Status)
		return append(out, f)
	}
	out = append(out, checkResponseHeaders(base, resp, ex)...)
	if len(resp.resp.Content) == 0 || len(out) >= limit {
		return out
	}
	ct := ex.ResponseHeader.Get("Content-Type")
	choice := resp.mediaFor(ct)
	media, mediaType := choice.media, choice.mediaType
	if media == nil {
		f := base
		f.Kind, f.Location, f.Pointer, f.Expected, f.Found = KindContentType, "header", "/Content-Type", resp.contentTypes, orNone(ct)
		return append(out, f)
	}
	if media.Schema == nil || !strings.Contains(mediaType, "json") {
		return out
	}
	body := v.checkBody(base, media.Schema.Value, ex.ResponseBody, KindBody, count, limit-len(out))
	if len(out) == 0 {
		return body // not copied: a failing page may have thousands
	}
	return append(out, body...)
}

// checkBody validates a JSON body and, in strict mode, looks for undocumented fields.
// Its findings have location "body" and kind (body or request). count, if not nil,
// gathers the members of a body the byte walk finds conforming. It stops once it has
// limit findings (at least 1).
func (v *Validator) checkBody(base Finding, schema *openapi3.Schema, body []byte, kind string, count *memberCount, limit int) []Finding {
	base.Location = "body"
	const prefix = ""
	if !utf8.Valid(body) {
		f := base
		f.Kind, f.Pointer, f.Expected, f.Found = kind, prefix, "a UTF-8 JSON body", "invalid UTF-8"
		return []Finding{f}
	}
	if !v.strict && v.fast.validBytesCounting(schema, body, count) {
		return nil // conforms; only strict mode needs the decoded body then
	}
	if !v.strict && kind == KindBody {
		// Located on the bytes, decoding only what a finding quotes (locateBytes); a
		// request's body is decoded whole, for its secrets are redacted before its
		// findings are written, and strict mode needs the decoded body anyway.
		if fs, ok := v.locateBytes(base, kind, v.fast.compiled(schema), body, limit); ok {
			return fs
		}
	}
	return v.decodedFindings(base, schema, body, kind, limit)
}

// decodedFindings is checkBody on the decoded body: the findings of a body that is not
// JSON, has numbers float64 may not hold exactly, is a request's, or is checked in
// strict mode. base has its location; body is valid UTF-8. It stops once it has
// limit findings.
func (v *Validator) decodedFindings(base Finding, schema *openapi3.Schema, body []byte, kind string, limit int) []Finding {
	const prefix = ""
	var out []Finding
	value, inexact, err := decodeJSON(body)
	if err != nil || inexact {
		exact, numbers, exactErr := exactNumbers(schema, body, prefix)
		if exactErr != nil {
			if err == nil {
				err = exactErr
			}
			f := base
			f.Kind, f.Pointer, f.Expected, f.Found = kind, prefix, "a JSON body", "not JSON: "+err.Error()
			return []Finding{f}
		}
		value = exact
		for _, n := range numbers[:max(0, min(len(numbers), limit))] {
			f := base
			f.Kind, f.Pointer, f.Expected, f.Found = kind, n.pointer, n.expected, n.found
			out = append(out, f)
		}
	}
	if kind == KindRequest {
		redact.Value(value)
	}
	// kin-openapi's walk, which says what is wrong, runs only on what the compiled
	// check refuses (findingsOf).
	if len(out) >= limit {
		return out
	}
	// Up to limit findings past those of the numbers, so that dropping the ones at a
	// number's pointer still leaves limit when there are that many.
	if fs := v.findingsOf(base, kind, prefix, v.fast.compiled(schema), value, 0, limit+len(out)); len(fs) > 0 {
		numbers := map[string]bool{}
		for _, f := range out {
			numbers[f.Pointer] = true
		}
		for _, f := range fs {
			if len(out) >= limit {
				return out
			}
			if !numbers[f.Pointer] { // the exact check already said what is wrong there
				out = append(out, f)
			}
		}
	}
	if v.strict && len(out) < limit {
		var ptrs []string
		undocumented(schema, value, prefix, &ptrs, limit-len(out))
		for _, p := range ptrs {
			f := base
			f.Kind, f.Pointer, f.Expected, f.Found = KindUndocumentedField, p, "no such field", "field present"
			out = append(out, f)
		}
	}
	return out
}

func checkHeaders(base Finding, headers openapi3.Headers, ex Exchange) []Finding {
	var out []Finding
	for _, name := range slices.Sorted(maps.Keys(headers)) {
		h := headers[name].Value
		raw := ex.ResponseHeader.Get(name)
		f := base
		f.Kind, f.Location, f.Pointer = KindHeader, "header", "/"+name
		if raw == "" {
			if h.Required {
				f.Expected, f.Found = "header present", "(none)"
				out = append(out, f)
			}
			continue
		}
		if h.Schema == nil {
			continue
		}
		if exp, ok := checkScalar(h.Schema.Value, raw); !ok {
			f.Expected, f.Found = exp, brief(raw)
			out = append(out, f)
		}
	}
	return out
}

// checkScalar validates a header or query value, which arrives as text, against a
// scalar schema. It returns what was expected when the value does not fit.
func checkScalar(s *openapi3.Schema, raw string) (string, bool) {
	var value any = raw
	switch {
	case s.Type.Is("integer"), s.Type.Is("number"):
		n, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return "type " + s.Type.Slice()[0], false
		}
		value = n
	case s.Type.Is("boolean"):
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return "type boolean", false
		}
		value = b
	}
	if err := s.VisitJSON(value, openapi3.MultiErrors()); err != nil {
		var parts []string
		for _, f := range schemaFindings(Finding{}, "", "", err, unbounded) {
			parts = append(parts, f.Expected)
		}
		return strings.Join(parts, "; "), false
	}
	return "", true
}

// checkRequest checks ex's request against rt; it stops once it has limit findings.
func (v *Validator) checkRequest(base Finding, rt *route, ex Exchange, limit int) []Finding {
	var out []Finding
	query := ex.URL.Query()
	documented := map[string]bool{}
	params := append(append(openapi3.Parameters{}, rt.item.Parameters...), rt.operation.Parameters...)
	for _, p := range params {
		if len(out) >= limit {
			return out
		}
		if p.Value.In == openapi3.ParameterInHeader {
			out = append(out, checkHeaderParam(base, p.Value, ex.RequestHeader)...)
			continue
		}
		if p.Value.In != openapi3.ParameterInQuery {
			continue
		}
		name := p.Value.Name
		documented[name] = true
		f := base
		f.Kind, f.Location, f.Pointer = KindRequest, "query", "/"+name
		if !query.Has(name) {
			if p.Value.Required {
				f.Expected, f.Found = "parameter present", "(none)"
				out = append(out, f)
			}
			continue
		}
		if p.Value.Schema == nil {
			continue
		}
		// An array parameter (name[]=a&name[]=b) is checked value by value.
		schema, values := p.Value.Schema.Value, query[name][:1]
		if schema.Type.Is("array") && schema.Items != nil {
			schema, values = schema.Items.Value, query[name]
		}
		for _, value := range values {
			if exp, ok := checkScalar(schema, value); !ok {
				f.Expected, f.Found = exp, brief(value)
				if redact.IsSecretName(name) {
					f.Found = redact.Marker
				}
				out = append(out, f)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(query)) {
		if len(out) >= limit {
			return out
		}
		if !documented[name] {
			f := base
			f.Kind, f.Location, f.Pointer, f.Expected, f.Found = KindRequest, "query", "/"+name, "no such parameter", "parameter present"
			out = append(out, f)
		}
	}
	if rt.operation.RequestBody == nil || len(ex.RequestBody) == 0 || len(out) >= limit {
		return out
	}
	mediaType, _, _ := mime.ParseMediaType(ex.RequestHeader.Get("Content-Type"))
	media := rt.operation.RequestBody.Value.Content.Get(mediaType)
	if media == nil {
		f := base
		f.Kind, f.Location, f.Pointer, f.Expected, f.Found = KindRequest, "header", "/Content-Type",
			strings.Join(slices.Sorted(maps.Keys(rt.operation.RequestBody.Value.Content)), " or "), orNone(mediaType)
		return append(out, f)
	}
	if media.Schema != nil && strings.Contains(mediaType, "json") {
		out = append(out, v.checkBody(base, media.Schema.Value, ex.RequestBody, KindRequest, nil, limit-len(out))...)
	}
	return out
}

// checkHeaderParam checks a request header parameter as a query parameter is
// checked: present when required, and of its schema. Accept, Content-Type and
// Authorization are not parameters (OpenAPI 3.0 says to ignore them); a key's value
// is never shown.
func checkHeaderParam(base Finding, p *openapi3.Parameter, header http.Header) []Finding {
	switch http.CanonicalHeaderKey(p.Name) {
	case "Accept", "Content-Type", "Authorization":
		return nil
	}
	f := base
	f.Kind, f.Location, f.Pointer = KindRequest, "header", "/"+p.Name
	raw := header.Get(p.Name)
	switch {
	case raw == "" && p.Required:
		f.Expected, f.Found = "header present", "(none)"
	case raw == "" || p.Schema == nil:
		return nil
	default:
		exp, ok := checkScalar(p.Schema.Value, raw)
		if ok {
			return nil
		}
		f.Expected, f.Found = exp, brief(raw)
		if redact.IsSecretName(p.Name) {
			f.Found = redact.Marker
		}
	}
	return []Finding{f}
}

// schemaFindings turns kin-openapi's errors into findings, at most limit of them.
// SchemaError.Error() prints the whole schema and value, so messages are built from its
// fields instead.
func schemaFindings(base Finding, kind, prefix string, err error, limit int) []Finding {
	return composedFindings(base, kind, prefix, err, 0, limit)
}

// composedFindings turns kin-openapi's errors into findings. For allOf, anyOf and
// oneOf, kin-openapi reports one error at the composed value ("doesn't match all
// schemas") and keeps at most the first inner one; each branch is checked again here
// so that every failing member is reported at its own pointer. It stops once it has
// limit findings; a branch's are counted whole, for choosing the closest branch.
func composedFindings(base Finding, kind, prefix string, err error, depth, limit int) []Finding {
	var out []Finding
	var walk func(error)
	walk = func(err error) {
		if len(out) >= limit {
			return
		}
		switch e := err.(type) {
		case openapi3.MultiError:
			for _, sub := range e {
				walk(sub)
			}
		case *openapi3.SchemaError:
			at := prefix + pointer(e.JSONPointer())
			if inner := branchFindings(base, kind, at, e, depth, limit-len(out)); inner != nil {
				out = append(out, inner[:max(0, min(len(inner), limit-len(out)))]...)
				return
			}
			f := base
			f.Kind, f.Pointer = kind, at
			f.Expected, f.Found = describe(e)
			out = append(out, f)
		default:
			f := base
			f.Kind, f.Pointer, f.Expected, f.Found = kind, prefix, "a value the schema accepts", brief(err.Error())
			out = append(out, f)
		}
	}
	walk(err)
	return out
}

// branchFindings checks the branches of a failed allOf, anyOf or oneOf again, at the
// value that failed, and returns their findings: every failing branch of an allOf, and
// the closest branch (fewest findings) of an anyOf or a oneOf that none matched. It
// returns nil when e is none of these, or when the branches explain nothing better.
//
// Each branch's findings stop at limit, as the whole does: the closest branch is then
// the same whenever it has fewer than limit (and when it has more, so does the
// whole). An anyOf or a oneOf refusing a value of more than maxBranchValues values is
// not checked branch by branch: each branch's visit would cost an error for each
// failing item of the value (an array of 500,000 numbers where persons belong, in each
// of 20 branches), so kin-openapi's finding at the value stands.
func branchFindings(base Finding, kind, at string, e *openapi3.SchemaError, depth, limit int) []Finding {
	if e.Schema == nil || depth > maxDepth {
		return nil
	}
	if e.SchemaField != "allOf" && !fewerValues(e.Value, maxBranchValues) {
		return nil
	}
	var branches openapi3.SchemaRefs
	switch e.SchemaField {
	case "allOf":
		branches = e.Schema.AllOf
	case "anyOf":
		branches = e.Schema.AnyOf
	case "oneOf":
		if strings.Contains(e.Reason, "more than one") {
			return nil // the value matches too many branches: that is the finding
		}
		branches = e.Schema.OneOf
	default:
		return nil
	}
	var all, closest []Finding
	var expectations []string // each branch's, when every one fails at the value itself
	atValue, nullable := true, e.Schema.Nullable
	for _, b := range branches {
		if b.Value == nil {
			continue
		}
		err := b.Value.VisitJSON(e.Value, openapi3.MultiErrors())
		if err == nil {
			continue
		}
		fs := composedFindings(base, kind, at, err, depth+1, limit)
		if e.SchemaField == "allOf" {
			all = append(all, fs[:max(0, min(len(fs), limit-len(all)))]...)
		}
		// The closest branch has the fewest findings; between equals, one whose findings
		// are all inside the value (its type fits) beats one that refuses the value whole.
		if closest == nil || len(fs) < len(closest) || (len(fs) == len(closest) && refusesWhole(closest, at) && !refusesWhole(fs, at)) {
			closest = fs
		}
		if len(fs) != 1 || fs[0].Pointer != at {
			atValue = false
		} else if exp, null := strings.CutSuffix(fs[0].Expected, " or null"); !slices.Contains(expectations, exp) {
			expectations = append(expectations, exp)
			nullable = nullable || null
		} else {
			nullable = nullable || null
		}
	}
	if e.SchemaField == "allOf" {
		return all
	}
	if atValue && len(expectations) > 1 {
		// The value fits no branch at all (a boolean where a number, a string or an
		// object would do): one finding that names what each branch accepts, not the
		// first branch's alone.
		f := closest[0]
		if nullable {
			expectations = append(expectations, "null")
		}
		f.Expected = strings.Join(expectations, " or ")
		return []Finding{f}
	}
	return closest
}

// maxBranchValues is the most values (a value, and each item and member inside it) an
// anyOf or a oneOf is checked branch by branch for: far more than any field value or
// record the specs compose, few enough that a visit of each branch costs little.
const maxBranchValues = 4096

// fewerValues reports whether value holds fewer than n values, itself included,
// counting no further than n.
func fewerValues(value any, n int) bool {
	left := n
	var count func(any) bool
	count = func(v any) bool {
		if left--; left <= 0 {
			return false
		}
		switch t := v.(type) {
		case []any:
			for _, item := range t {
				if !count(item) {
					return false
				}
			}
		case map[string]any:
			for _, member := range t {
				if !count(member) {
					return false
				}
			}
		}
		return true
	}
	return count(value)
}

// refusesWhole reports whether any of fs is at the value itself rather than inside it.
func refusesWhole(fs []Finding, at string) bool {
	for _, f := range fs {
		if f.Pointer == at {
			return true
		}
	}
	return false
}

func describe(e *openapi3.SchemaError) (expected, found string) {
	s := e.Schema
	found = brief(e.Value)
	switch e.SchemaField {
	case "type", "nullable":
		expected = "type " + strings.Join(s.Type.Slice(), "|")
		if s.Nullable {
			expected += " or null"
		}
	case "format":
		expected = "format " + s.Format
	case "pattern":
		expected = "pattern " + s.Pattern
	case "enum":
		expected = "one of " + brief(s.Enum)
	case "required":
		// kin-openapi's reason reads `property "x" is missing`.
		expected, found = strings.TrimSuffix(e.Reason, " is missing"), "none"
	case "minimum", "maximum":
		expected = e.SchemaField + ": " + strings.TrimPrefix(strings.TrimPrefix(e.Reason, "number must be "), "value must be ")
	default:
		expected = e.SchemaField + ": " + e.Reason
	}
	return expected, found
}

func pointer(path []string) string {
	if len(path) == 0 {
		return ""
	}
	var b strings.Builder
	for _, p := range path {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(p, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// brief renders a value for a report, cut to 80 characters.
func brief(v any) string {
	var s string
	if str, ok := v.(string); ok {
		s = strconv.Quote(str)
	} else if b, err := json.Marshal(v); err == nil {
		s = string(b)
	} else {
		s = fmt.Sprint(v)
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

func documentedStatuses(op *openapi3.Operation) string {
	codes := slices.Sorted(maps.Keys(op.Responses.Map()))
	return strings.Join(codes, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// Reads says which bodies checking ex reads, from what it holds besides them: its
// method, URL, status and headers. A caller that passes traffic on (validate proxy)
// streams a body no check reads instead of holding it; checking ex with a body left
// out then finds what checking it whole would.
func (v *Validator) Reads(ex Exchange) (request, response bool) {
	_, rt := v.locate(ex)
	if rt == nil {
		return false, false
	}
	request = v.requests && rt.operation.RequestBody != nil
	resp := rt.operation.Responses.Status(ex.Status)
	if resp == nil {
		resp = rt.operation.Responses.Default()
	}
	if resp == nil || len(resp.Value.Content) == 0 {
		return request, false
	}
	mediaType, _, err := mime.ParseMediaType(ex.ResponseHeader.Get("Content-Type"))
	if err != nil {
		return request, false
	}
	media := resp.Value.Content.Get(mediaType)
	return request, media != nil && media.Schema != nil && strings.Contains(mediaType, "json")
}
