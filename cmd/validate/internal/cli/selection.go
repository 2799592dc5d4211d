package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/specs"
)

// A selection is what a recorded run checks and what fails it: --operation and
// --skip-operation choose the operations whose exchanges are checked (the others are
// counted as not selected and as exercised, never read past their route), and
// --severity sets, per kind of finding, whether it fails the run (error, the default),
// is reported without failing it (warning), or is not reported at all (off).
type selection struct {
	// only and skip hold "api METHOD /template" keys, which every operation has, an
	// operationId or not; only is nil for every operation.
	only, skip map[string]bool
	// unchecked holds the "api operationId" of each operation the run does not check
	// ("api " for undocumented endpoints), so that baseline entries of them are not
	// called stale.
	unchecked map[string]bool
	severity  map[string]string
}

// severities are the levels --severity takes.
var severities = []string{"error", "warning", "off"}

// findingKinds are the kinds --severity takes: those of a recorded run's checks.
// Unreadable input always fails the run: it says the check was not whole.
var findingKinds = []string{contract.KindUndocumentedEndpoint, contract.KindUndocumentedStatus, contract.KindContentType,
	contract.KindHeader, contract.KindBody, contract.KindUndocumentedField, contract.KindRequest}

// stringList is a repeatable flag of strings.
type stringList []string

func (l *stringList) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(*l, ", ")
}

func (l *stringList) Set(v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("an empty value")
	}
	*l = append(*l, v)
	return nil
}

// severityFlag is --severity KIND=LEVEL[,KIND=LEVEL...]; a later one overrides.
type severityFlag map[string]string

func (f *severityFlag) String() string {
	if f == nil || len(*f) == 0 {
		return ""
	}
	var parts []string
	for _, k := range findingKinds {
		if l, ok := (*f)[k]; ok {
			parts = append(parts, k+"="+l)
		}
	}
	return strings.Join(parts, ",")
}

func (f *severityFlag) Set(v string) error {
	if *f == nil {
		*f = severityFlag{}
	}
	for _, part := range strings.Split(v, ",") {
		kind, level, ok := strings.Cut(strings.TrimSpace(part), "=")
		switch {
		case !ok || !slices.Contains(findingKinds, kind):
			return fmt.Errorf("%q: want KIND=LEVEL, KIND one of %s", part, strings.Join(findingKinds, ", "))
		case !slices.Contains(severities, level):
			return fmt.Errorf("%q: want a level of %s", part, strings.Join(severities, ", "))
		}
		(*f)[kind] = level
	}
	return nil
}

// newSelection resolves the names of --operation and --skip-operation against the
// specs the run checks with: an operationId, or a method and path template as the
// spec writes it ("GET /organizations/{organization_id}"; the method in any case), of
// any of them. A name no spec has is an error that says which flag gave it.
func newSelection(validators map[specs.API]*contract.Validator, only, skip []string, severity map[string]string) (*selection, error) {
	if len(only) == 0 && len(skip) == 0 && len(severity) == 0 {
		return nil, nil
	}
	s := &selection{severity: severity}
	resolve := func(flag string, names []string) (map[string]bool, error) {
		if len(names) == 0 {
			return nil, nil
		}
		out := map[string]bool{}
		for _, name := range names {
			found := false
			method, template, _ := strings.Cut(strings.Join(strings.Fields(name), " "), " ")
			for _, api := range specs.APIs() {
				v := validators[api]
				if v == nil {
					continue
				}
				ids, routes := v.Operations()
				for i := range ids {
					if (ids[i] != "" && name == ids[i]) || routes[i] == strings.ToUpper(method)+" "+template {
						out[string(api)+" "+routes[i]] = true
						found = true
					}
				}
			}
			if !found {
				return nil, usageError{fmt.Sprintf("--%s %q: no operation of the specs has that operationId, or that method and path template", flag, name)}
			}
		}
		return out, nil
	}
	var err error
	if s.only, err = resolve("operation", only); err != nil {
		return nil, err
	}
	if s.skip, err = resolve("skip-operation", skip); err != nil {
		return nil, err
	}
	s.unchecked = map[string]bool{}
	for _, api := range specs.APIs() {
		v := validators[api]
		if v == nil {
			continue
		}
		ids, routes := v.Operations()
		for i := range ids {
			method, template, _ := strings.Cut(routes[i], " ")
			if ids[i] != "" && !s.checks(api, method, template) {
				s.unchecked[string(api)+" "+ids[i]] = true
			}
		}
		if !s.checks(api, "", "") {
			s.unchecked[string(api)+" "] = true
		}
	}
	return s, nil
}

// checks reports whether a run checks an exchange of api whose route is method and
// template ("" for an endpoint the spec lacks, which a list of --operation leaves out).
func (s *selection) checks(api specs.API, method, template string) bool {
	if s == nil {
		return true
	}
	if template == "" {
		return s.only == nil
	}
	key := string(api) + " " + strings.ToUpper(method) + " " + template
	if s.only != nil && !s.only[key] {
		return false
	}
	return !s.skip[key]
}

// looksFor reports whether the run can find what a baseline entry of api (""
// for either), operation and kind describes: its kind is not off and its operation is
// checked. An entry it cannot find is not stale.
func (s *selection) looksFor(api, operation, kind string) bool {
	if s == nil {
		return true
	}
	if s.level(kind) == "off" {
		return false
	}
	if kind == contract.KindUndocumentedEndpoint {
		operation = "" // an entry names the endpoint there; its key is the API's
	}
	if api == "" {
		return !s.unchecked["apollo "+operation] || !s.unchecked["affinity "+operation]
	}
	return !s.unchecked[api+" "+operation]
}

// level is the severity of a finding of kind.
func (s *selection) level(kind string) string {
	if s == nil {
		return "error"
	}
	if l, ok := s.severity[kind]; ok {
		return l
	}
	return "error"
}

// filter drops the findings whose kind is off and marks those whose kind is a warning.
func (s *selection) filter(fs []contract.Finding) []contract.Finding {
	if s == nil || len(s.severity) == 0 {
		return fs
	}
	out := fs[:0]
	for _, f := range fs {
		switch s.level(f.Kind) {
		case "off":
			continue
		case "warning":
			f.Severity = "warning"
		}
		out = append(out, f)
	}
	return out
}
