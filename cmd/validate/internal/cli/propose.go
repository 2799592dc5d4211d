package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/docread"
	"github.com/orgapis/orgapis/specs"
)

const proposeUsage = `usage: validate propose --api API [flags] PATH... > drift.overlay.yaml

Reads recordings as check does and writes an OpenAPI Overlay 1.0 document to standard
output whose actions, applied to the API's spec, make the same traffic pass: a schema
inferred from every value seen for undocumented members, a widened (or nullable) type
where values break the declared one, a response for an undocumented status, and a path
item for an undocumented endpoint. Each action's description names its evidence.
Check with it by "validate check --overlay drift.overlay.yaml PATH...", or give it to
oapi-codegen's output-options.overlay to generate a client that accepts the drift.
When there is nothing to propose (no drift, or none with a place in the spec), the one
action only sets x-orgapis-propose in the spec's info, saying so (an overlay needs an
action), and the command says so on standard error and exits 0.

Flags:
`

// maxEvidenceSources is how many sources an action's description names.
const maxEvidenceSources = 3

// maxDrifts bounds the places of drift a proposal keeps, whatever the traffic; drift
// at places past it is counted and said, not proposed. Members a spec lacks are
// gathered by the object that holds them, at most maxInferProps each.
const maxDrifts = 1000

// defaultMaxMembers bounds the members and array elements of a response body that
// propose reads: checking a body strictly and inferring from it hold every member at
// once (about 200 bytes each), so a body past it is skipped and named, not read; the
// user can raise it (--max-members).
const defaultMaxMembers = 100000

// proposeMemoryLimit is the heap propose keeps to when GOMEMLIMIT is not set: a body
// of up to 32 MiB is held twice while it is read (the entry and its text), which the
// collector's default pace would let double.
const proposeMemoryLimit = 128 << 20

// jsonValues counts the members and array elements of a JSON text (its colons, and
// the commas between array elements, outside strings), stopping once past limit: a
// bound found without decoding. An array's first element is not counted.
func jsonValues(body []byte, limit int) int {
	n, inString, escaped := 0, false, false
	var arrays []bool // per open container, whether it is an array
	for _, c := range body {
		switch {
		case escaped:
			escaped = false
		case inString:
			if c == '\\' {
				escaped = true
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			arrays = append(arrays, c == '[')
		case c == ']' || c == '}':
			if len(arrays) > 0 {
				arrays = arrays[:len(arrays)-1]
			}
		case c == ':' || c == ',' && len(arrays) > 0 && arrays[len(arrays)-1]:
			if n++; n > limit {
				return n
			}
		}
	}
	return n
}

// drift is what the traffic showed at one place of the spec.
type drift struct {
	kind, method, template, status, pointer string
	values                                  *inferred // the values seen there
	count                                   int
	sources                                 []string
}

func (d *drift) saw(source string) {
	d.count++
	if len(d.sources) < maxEvidenceSources && !slices.Contains(d.sources, source) {
		d.sources = append(d.sources, source)
	}
}

func runPropose(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("validate propose", flag.ContinueOnError)
	apiName := fl.String("api", "", "the API whose spec the overlay patches: apollo or affinity (required)")
	specFile := fl.String("spec", "", "patch this OpenAPI file instead of the embedded spec")
	maxMembers := defaultMaxMembers
	fl.Var(limitFlag{&maxMembers}, "max-members", "read only response bodies of at most this many members and array elements; larger ones are skipped and named")
	var include, exclude listFlag
	fl.Var(&include, "include", "in directories, read only files whose path or name matches this glob (repeatable)")
	maxBytes := documentFlag(fl)
	fl.Var(&exclude, "exclude", "in directories, skip files whose path or name matches this glob (repeatable)")
	paths, code, done := parseArgs(fl, args, proposeUsage, stdout, stderr)
	if done {
		return code
	}
	api, err := requiredAPI(*apiName)
	if err != nil {
		return usageFail(stderr, "validate propose", err)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(proposeMemoryLimit))
	}
	if len(paths) == 0 {
		return usageFail(stderr, "validate propose", usageError{"no input: give files, directories or -"})
	}
	lim := documentLimits(*maxBytes)
	cassetteBytes := int64(0) // contract's 16 MiB, unless --max-document-bytes is given
	fl.Visit(func(f *flag.Flag) {
		if f.Name == "max-document-bytes" {
			cassetteBytes = *maxBytes
		}
	})
	src, extends, err := specSource(api, *specFile, lim)
	if err != nil {
		fmt.Fprintf(stderr, "validate propose: %v\n", err)
		return 2
	}
	slim := lim
	if *specFile == "" {
		// The embedded spec is the module's own: --max-document-bytes bounds what the
		// user gives (a --spec file, cassettes), not it.
		slim.Bytes = max(slim.Bytes, int64(len(src)))
	}
	doc, err := loadSpec(ctx, extends, src, slim)
	if err != nil {
		fmt.Fprintf(stderr, "validate propose: %v\n", err)
		return 2
	}
	root, err := docread.YAML(extends, src, slim)
	if err == nil && len(root.Content) == 0 {
		err = errors.New("empty document")
	}
	if err != nil {
		fmt.Fprintf(stderr, "validate propose: %s: %v\n", extends, err)
		return 2
	}
	found, err := collect(paths, stdin, include, exclude)
	if err != nil {
		return usageFail(stderr, "validate propose", err)
	}
	v := contract.New(api, doc, contract.Strict())
	p := &proposal{api: api, spec: root.Content[0], bases: basePaths(doc.Servers), drifts: map[string]*drift{}}
	exchanges, unreadable, tooLarge := 0, 0, 0
	for _, in := range found.inputs {
		rc, err := in.Open()
		if err != nil {
			fmt.Fprintf(stderr, "validate propose: %s: %v\n", in.Name, err)
			unreadable++
			continue
		}
		for ex, err := range contract.Read(in.Name, rc, contract.WithMaxCassetteBytes(cassetteBytes)) {
			if ctx.Err() != nil {
				rc.Close()
				return 2
			}
			if err != nil {
				fmt.Fprintf(stderr, "validate propose: %v\n", err)
				unreadable++
				continue
			}
			if !forAPI(ex, api) {
				continue
			}
			exchanges++
			if n := jsonValues(ex.ResponseBody, maxMembers); n > maxMembers {
				// Checking and inferring take memory by the member, not the byte.
				fmt.Fprintf(stderr, "validate propose: %s#%d: a body of more than %d members and array elements (--max-members); not read\n", ex.Source, ex.Index, maxMembers)
				tooLarge++
				continue
			}
			p.add(ex, v.Validate(ex))
		}
		rc.Close()
	}
	if exchanges == 0 {
		fmt.Fprintf(stderr, "validate propose: no exchange of %s was read\n", api)
		return 2
	}
	o, skipped := p.overlay(extends)
	for _, s := range skipped {
		fmt.Fprintf(stderr, "validate propose: %s\n", s)
	}
	if p.dropped > 0 {
		fmt.Fprintf(stderr, "validate propose: %d findings at places past the first %d were not proposed; propose again once those are in the spec\n", p.dropped, maxDrifts)
	}
	if err := o.Format(stdout); err != nil {
		fmt.Fprintf(stderr, "validate propose: %v\n", err)
		return 2
	}
	switch {
	case len(p.order) == 0 && p.dropped == 0:
		fmt.Fprintf(stderr, "validate propose: %d exchanges of %s read, 0 actions proposed: no drift in the %d checked; the overlay's one action only marks the spec's info (%s), since an overlay needs one\n", exchanges, api, p.exchanges, markerKey)
	case len(skipped) == len(p.order):
		fmt.Fprintf(stderr, "validate propose: %d exchanges of %s read, 0 actions proposed for their drift; the overlay's one action only marks the spec's info (%s), since an overlay needs one\n", exchanges, api, markerKey)
	default:
		fmt.Fprintf(stderr, "validate propose: %d exchanges of %s read, %d actions proposed\n", exchanges, api, len(o.Actions))
	}
	if tooLarge > 0 {
		fmt.Fprintf(stderr, "validate propose: %d exchanges skipped, their bodies over --max-members %d; raise it to read them\n", tooLarge, maxMembers)
	}
	if unreadable > 0 {
		return 2
	}
	return 0
}

// forAPI reports whether ex is traffic of api, as check assigns it (apiOf).
func forAPI(ex contract.Exchange, api specs.API) bool {
	a, ok := apiOf(ex)
	return ok && a == api
}

// specSource is the spec of api as written, and the name an overlay's extends gives
// it: the file, or the embedded spec's place in this module.
func specSource(api specs.API, file string, lim docread.Limits) ([]byte, string, error) {
	if file != "" {
		src, err := docread.ReadFile(file, lim)
		return src, file, err
	}
	src, err := specs.Source(api)
	return src, "https://raw.githubusercontent.com/orgapis/orgapis/main/specs/" + api.File(), err
}

// proposal gathers the drift of one API's traffic.
type proposal struct {
	api    specs.API
	spec   *yaml.Node // the spec's top mapping, to find and copy schemas in
	bases  []string   // the servers' base paths, longest first
	drifts map[string]*drift
	order  []string
	// exchanges counts the exchanges checked (add), for the overlay with nothing to
	// propose.
	exchanges int
	// dropped counts the findings at places past maxDrifts.
	dropped int
}

// at is the drift at one place, nil past maxDrifts.
func (p *proposal) at(kind, method, template, status, pointer string) *drift {
	key := strings.Join([]string{kind, method, template, status, pointer}, " ")
	d, ok := p.drifts[key]
	if !ok {
		if len(p.drifts) >= maxDrifts {
			p.dropped++
			return nil
		}
		d = &drift{kind: kind, method: strings.ToLower(method), template: template, status: status, pointer: pointer, values: newInferred()}
		p.drifts[key] = d
		p.order = append(p.order, key)
	}
	return d
}

// add folds one exchange's findings in, with the values behind them.
func (p *proposal) add(ex contract.Exchange, findings []contract.Finding) {
	p.exchanges++
	var body any
	decoded := false
	decode := func() any {
		if !decoded {
			decoded = true
			if json.Unmarshal(ex.ResponseBody, &body) != nil {
				body = nil
			}
		}
		return body
	}
	source := ex.Source + "#" + strconv.Itoa(ex.Index)
	status := strconv.Itoa(ex.Status)
	for _, f := range findings {
		switch f.Kind {
		case contract.KindUndocumentedEndpoint:
			d := p.at(f.Kind, ex.Method, p.template(ex.URL.Path), status, "")
			if d == nil {
				continue
			}
			d.saw(source)
			if len(ex.ResponseBody) > 0 {
				d.values.add(decode(), 0)
			}
		case contract.KindUndocumentedStatus:
			d := p.at(f.Kind, ex.Method, f.Path, status, "")
			if d == nil {
				continue
			}
			d.saw(source)
			if len(ex.ResponseBody) > 0 && decode() != nil {
				d.values.add(decode(), 0)
			}
		case contract.KindBody, contract.KindUndocumentedField:
			if f.Location != "body" || f.Pointer == "" {
				continue
			}
			value, ok := at(decode(), f.Pointer)
			if !ok {
				continue
			}
			pointer := wildcard(f.Pointer)
			if f.Kind == contract.KindUndocumentedField {
				// Gathered by the object that holds them: its members, as one object.
				cut := strings.LastIndex(pointer, "/")
				value = map[string]any{unescape(pointer[cut+1:]): value}
				pointer = pointer[:cut]
			}
			d := p.at(f.Kind, ex.Method, f.Path, status, pointer)
			if d == nil {
				continue
			}
			d.saw(source)
			d.values.add(value, 0)
		}
	}
}

var indexSegment = regexp.MustCompile(`/[0-9]+(/|$)`)

// wildcard is a body pointer with its array indices as *, so that the same member of
// every item is one place.
func wildcard(pointer string) string {
	for indexSegment.MatchString(pointer) {
		pointer = indexSegment.ReplaceAllString(pointer, "/*$1")
	}
	return pointer
}

// at is the value at a JSON pointer in a decoded body.
func at(v any, pointer string) (any, bool) {
	for _, seg := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		seg = unescape(seg)
		switch c := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = c[seg]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			v = c[i]
		default:
			return nil, false
		}
	}
	return v, true
}

var idSegment = regexp.MustCompile(`^([0-9]+|[0-9a-fA-F]{24}|[0-9a-fA-F-]{36})$`)

// template is an undocumented endpoint's path as the spec would declare it: under the
// servers' base path, with segments that look like ids as parameters.
func (p *proposal) template(path string) string {
	for _, b := range p.bases {
		if rest, ok := strings.CutPrefix(path, b); ok && strings.HasPrefix(rest, "/") {
			path = rest
			break
		}
	}
	segs := strings.Split(path, "/")
	n := 0
	for i, s := range segs {
		if idSegment.MatchString(s) {
			n++
			segs[i] = "{id" + strconv.Itoa(n) + "}"
		}
	}
	return strings.Join(segs, "/")
}

// basePaths are the path parts of the servers' URLs, longest first.
func basePaths(servers openapi3.Servers) []string {
	var out []string
	for _, s := range servers {
		if u, err := url.Parse(s.URL); err == nil && strings.TrimSuffix(u.Path, "/") != "" {
			out = append(out, strings.TrimSuffix(u.Path, "/"))
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}
