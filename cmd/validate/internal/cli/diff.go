package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"

	"github.com/orgapis/orgapis/internal/docread"
	"github.com/orgapis/orgapis/internal/terminal"
	"github.com/orgapis/orgapis/specs"
)

const diffUsage = `usage: validate diff --api API --against FILE

Compares the embedded spec of API with the vendor's own published OpenAPI document
(3.0 or 3.1), for the operations the embedded spec describes: what the vendor declares
that ours lacks or declares otherwise (parameters, request and response members, types,
nullability, status codes). Each difference is marked "feels it" when code generated
from our spec would: a call the vendor would refuse, or an answer our client would not
read. Exit status 1 when any would be felt, 0 otherwise, 2 for bad input.

Reading the vendor's document is bounded: over --max-document-bytes (2 MiB by
default), nested deeper than 256 levels, or with YAML aliases that would expand past
100,000 nodes, it is refused with an error that says which. A schema that refers to
itself is compared down to its first repetition, and said so.

Flags:
`

func runDiff(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("validate diff", flag.ContinueOnError)
	apiName := fl.String("api", "", "the API to compare: apollo or affinity (required)")
	against := fl.String("against", "", "the vendor's OpenAPI document, a file (required)")
	maxBytes := documentFlag(fl)
	api, code, done := parseAPIFlags(fl, args, diffUsage, apiName, stdout, stderr)
	if done {
		return code
	}
	if *against == "" {
		return usageFail(stderr, "validate diff", usageError{"--against is required: the vendor's OpenAPI document"})
	}
	ours, err := specs.Load(ctx, api)
	if err != nil {
		fmt.Fprintf(stderr, "validate diff: %v\n", err)
		return 2
	}
	lim := documentLimits(*maxBytes)
	data, err := docread.ReadFile(*against, lim)
	if err != nil {
		fmt.Fprintf(stderr, "validate diff: --against %v\n", err)
		return 2
	}
	theirs, err := docread.OpenAPI(*against, data, lim, false)
	if err != nil {
		fmt.Fprintf(stderr, "validate diff: --against %v\n", err)
		return 2
	}
	data = nil // the document is read; its bytes need not stay
	// oasdiff follows a schema's items without remembering where it has been: a
	// recursive schema (A: {type: array, items: {$ref: A}}) would recurse until the stack
	// overflows. Each loop is cut where it closes, in both documents, and said so.
	for _, side := range []struct {
		name string
		doc  *openapi3.T
	}{{api.File(), ours}, {*against, theirs}} {
		notes, err := docread.CutCycles(side.name, side.doc, lim)
		if err != nil {
			fmt.Fprintf(stderr, "validate diff: --against %v\n", err)
			return 2
		}
		for _, n := range notes {
			fmt.Fprintf(stderr, "validate diff: %s: %s\n", side.name, n)
		}
	}
	matched := narrow(ours, theirs)
	if matched == 0 {
		fmt.Fprintf(stderr, "validate diff: --against %s describes none of the %s spec's operations\n", *against, api)
		return 2
	}
	changes, err := compare(ours, theirs, api.File(), *against)
	if err != nil {
		fmt.Fprintf(stderr, "validate diff: %v\n", err)
		return 2
	}
	felt, listed := 0, 0
	l := checker.NewDefaultLocalizer()
	for _, c := range changes {
		if c.GetOperation() == "" {
			continue // a component of the document, not an operation's declaration
		}
		listed++
		mark := "differs"
		if c.GetLevel() >= checker.WARN {
			mark, felt = "feels it", felt+1
		}
		fmt.Fprintf(stdout, "%s %s %s: %s [%s]\n", mark, c.GetOperation(), c.GetPath(), terminal.Safe(c.GetUncolorizedText(l)), c.GetId())
	}
	fmt.Fprintf(stdout, "%d operations compared, %d differences, %d that code generated from our spec would feel\n", matched, listed, felt)
	if felt > 0 {
		return 1
	}
	return 0
}

// compare lists every difference from ours to theirs that oasdiff knows, breaking or
// not, in a stable order.
func compare(ours, theirs *openapi3.T, oursName, theirsName string) (checker.Changes, error) {
	s1 := &load.SpecInfo{Url: oursName, Spec: ours, Version: ours.Info.Version}
	s2 := &load.SpecInfo{Url: theirsName, Spec: theirs, Version: theirs.Info.Version}
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), s1, s2)
	if err != nil {
		return nil, err
	}
	changes := checker.CheckBackwardCompatibilityUntilLevel(checker.NewConfig(checker.GetAllChecks()), d, sources, checker.INFO)
	sort.SliceStable(changes, func(i, j int) bool {
		if changes[i].GetPath() != changes[j].GetPath() {
			return changes[i].GetPath() < changes[j].GetPath()
		}
		return changes[i].GetOperation() < changes[j].GetOperation()
	})
	return changes, nil
}

var pathParam = regexp.MustCompile(`\{[^}]*\}`)

// narrow keeps of both documents only the operations both describe, under ours' path
// templates (theirs may write its paths under a server's base path, and name path
// parameters otherwise): the comparison speaks of what each declares of the same
// operations, not of what a vendor document leaves out. It returns how many it matched.
func narrow(ours, theirs *openapi3.T) int {
	shape := func(template string) string { return pathParam.ReplaceAllString(template, "{}") }
	oursByShape := map[string]string{}
	for template := range ours.Paths.Map() {
		oursByShape[shape(template)] = template
	}
	kept := openapi3.NewPaths()
	matched := 0
	for template, item := range theirs.Paths.Map() {
		key := shape(stripBase(template, theirs.Servers, ours.Servers))
		ourTemplate, ok := oursByShape[key]
		if !ok {
			continue
		}
		ourItem := ours.Paths.Value(ourTemplate)
		for method := range item.Operations() {
			if ourItem.GetOperation(method) == nil {
				item.SetOperation(method, nil)
				continue
			}
			matched++
		}
		renameParams(item, ourTemplate, template)
		kept.Set(ourTemplate, item)
	}
	theirs.Paths = kept
	oursKept := openapi3.NewPaths()
	for template, item := range ours.Paths.Map() {
		their := kept.Value(template)
		if their == nil {
			continue
		}
		for method := range item.Operations() {
			if their.GetOperation(method) == nil {
				item.SetOperation(method, nil)
			}
		}
		oursKept.Set(template, item)
	}
	ours.Paths = oursKept
	nullableAsIn30(theirs)
	return matched
}

// nullableAsIn30 writes 3.1's "null" type as 3.0's nullable, in every schema of doc's
// operations, so that a member nullable in both is not reported as changed.
func nullableAsIn30(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(*openapi3.SchemaRef, int)
	walk = func(ref *openapi3.SchemaRef, depth int) {
		if ref == nil || ref.Value == nil || seen[ref.Value] || depth > 32 {
			return
		}
		s := ref.Value
		seen[s] = true
		if s.Type != nil && s.Type.Includes("null") {
			var rest openapi3.Types
			for _, t := range *s.Type {
				if t != "null" {
					rest = append(rest, t)
				}
			}
			s.Type, s.Nullable = &rest, true
		}
		for _, p := range s.Properties {
			walk(p, depth+1)
		}
		walk(s.Items, depth+1)
		if s.AdditionalProperties.Schema != nil {
			walk(s.AdditionalProperties.Schema, depth+1)
		}
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, b := range group {
				walk(b, depth+1)
			}
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, p := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
				if p.Value != nil {
					walk(p.Value.Schema, 0)
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, m := range op.RequestBody.Value.Content {
					walk(m.Schema, 0)
				}
			}
			if op.Responses != nil {
				for _, r := range op.Responses.Map() {
					if r.Value != nil {
						for _, m := range r.Value.Content {
							walk(m.Schema, 0)
						}
					}
				}
			}
		}
	}
}

// stripBase is a path of theirs without a base path of either document's servers.
func stripBase(template string, servers ...openapi3.Servers) string {
	for _, group := range servers {
		for _, s := range group {
			u, err := url.Parse(s.URL)
			if err != nil {
				continue
			}
			if base := strings.TrimSuffix(u.Path, "/"); base != "" {
				if rest, ok := strings.CutPrefix(template, base); ok && strings.HasPrefix(rest, "/") {
					return rest
				}
			}
		}
	}
	return template
}

// renameParams gives theirs' path parameters ours' names, position by position, so
// that a renamed parameter is not reported as one removed and one added.
func renameParams(item *openapi3.PathItem, ours, theirs string) {
	ourNames := pathParam.FindAllString(ours, -1)
	theirNames := pathParam.FindAllString(theirs, -1)
	rename := map[string]string{}
	for i := range min(len(ourNames), len(theirNames)) {
		rename[strings.Trim(theirNames[i], "{}")] = strings.Trim(ourNames[i], "{}")
	}
	fix := func(params openapi3.Parameters) {
		for _, p := range params {
			if p.Value != nil && p.Value.In == "path" {
				if n, ok := rename[p.Value.Name]; ok {
					p.Value.Name = n
				}
			}
		}
	}
	fix(item.Parameters)
	for _, op := range item.Operations() {
		fix(op.Parameters)
	}
}
