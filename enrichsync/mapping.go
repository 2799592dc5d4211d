package enrichsync

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/orgapis/orgapis/internal/docread"
	"github.com/orgapis/orgapis/wrappers/apollo"
)

// Rule says when a sync may change a field's value.
type Rule string

const (
	// FillEmpty, the default, writes only a field that is empty, and never one a
	// person emptied after the sync had written it.
	FillEmpty Rule = "fill-empty"
	// OverwriteOwn also replaces a value the sync itself wrote, as long as it is still
	// what the sync wrote: a value a person changed since is left alone.
	OverwriteOwn Rule = "overwrite-own"
	// Always writes Apollo's value whatever the field holds.
	Always Rule = "always"
)

// rules are the rules by name, for the mapping file's errors.
var rules = []Rule{FillEmpty, OverwriteOwn, Always}

// Location is the Apollo source that names the headquarters as a whole (street, city,
// state and country), for a location field.
const Location = "location"

// FieldMap is one line of a mapping: which member of Apollo's enriched organization
// fills which Affinity field, and by which rule.
type FieldMap struct {
	// Apollo is the member's JSON name, such as "estimated_num_employees", or Location.
	Apollo string
	// Field is the Affinity field's name, or FieldID its id (one of the two).
	Field   string
	FieldID int64
	// Rule is when the field may change; "" means FillEmpty.
	Rule Rule
	// Line is the line of the mapping file it was read from (0 when made in code); the
	// errors about it name it.
	Line int
}

// Mapping says which Apollo members fill which Affinity fields.
type Mapping struct {
	// Name is where the mapping was read from, for errors: a file name.
	Name   string
	Fields []FieldMap
}

// MaxMappedFields is the most fields a mapping may fill.
const MaxMappedFields = 50

// mappingBytes bounds a mapping file: a page of lines, with room to spare.
const mappingBytes = 256 << 10

// ReadMapping reads a mapping file: a YAML document (JSON is YAML too) such as
//
//	fields:
//	  - apollo: estimated_num_employees
//	    field: Employees
//	  - apollo: industry
//	    field: Industry        # a dropdown: the option of that text
//	  - apollo: location
//	    field: Headquarters
//	    rule: overwrite-own
//	  - apollo: founded_year
//	    field_id: 4521          # a field by id
//
// Each error names the file and line; all of a file's errors are reported together, as
// a *MappingError.
func ReadMapping(path string) (Mapping, error) {
	data, err := docread.ReadFile(path, docread.Limits{Bytes: mappingBytes})
	if err != nil {
		return Mapping{}, fmt.Errorf("mapping %w", err)
	}
	return ParseMapping(path, data)
}

// ParseMapping parses a mapping file's bytes, as ReadMapping reads them; name is used
// in errors.
func ParseMapping(name string, data []byte) (Mapping, error) {
	root, err := docread.YAML(name, data, docread.Limits{Bytes: mappingBytes})
	if err != nil {
		return Mapping{}, mappingError(fmt.Errorf("mapping %w", err))
	}
	m := Mapping{Name: name}
	doc := root
	if doc != nil && doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	if doc == nil || doc.Kind != yaml.MappingNode {
		line := 1
		if doc != nil && doc.Line > 0 {
			line = doc.Line
		}
		return m, mappingError(fmt.Errorf("%s:%d: want a mapping with a list of entries under the key fields", name, line))
	}
	var errs []error
	var list *yaml.Node
	seenKeys := map[string]int{}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		if err := twice(name, k, seenKeys); err != nil {
			errs = append(errs, err)
			continue
		}
		if k.Value != "fields" {
			errs = append(errs, fmt.Errorf("%s:%d: unknown key %q (known: fields)", name, k.Line, k.Value))
			continue
		}
		list = v
	}
	switch {
	case list == nil && len(errs) == 0:
		errs = append(errs, fmt.Errorf("%s:%d: no fields: key; a mapping lists the fields to fill under it", name, doc.Line))
	case list != nil && list.Kind != yaml.SequenceNode:
		errs = append(errs, fmt.Errorf("%s:%d: fields: want a list of {apollo, field} entries", name, list.Line))
	case list != nil:
		if len(list.Content) > MaxMappedFields {
			errs = append(errs, fmt.Errorf("%s:%d: %d fields; a mapping fills at most %d", name, list.Line, len(list.Content), MaxMappedFields))
			break
		}
		for _, item := range list.Content {
			fm, refused, err := parseFieldMap(name, item)
			if err != nil {
				errs = append(errs, err)
				if item.Kind == yaml.MappingNode {
					// The rest of the entry is checked too: one fix should not uncover
					// the next problem of the same entry.
					errs = append(errs, entryProblems(m.at(fm), fm, refused)...)
				}
				continue
			}
			m.Fields = append(m.Fields, fm)
		}
		if len(list.Content) == 0 {
			errs = append(errs, fmt.Errorf("%s:%d: fields: is empty; name at least one field to fill", name, list.Line))
		}
	}
	if len(m.Fields) > 0 {
		errs = append(errs, m.check()) // the entries that parsed, checked as well
	}
	return m, mappingError(errs...)
}

// parseFieldMap reads one entry of fields:; refused names the keys whose values it
// refused (or that were given twice).
func parseFieldMap(name string, item *yaml.Node) (fm FieldMap, refused map[string]bool, err error) {
	fm = FieldMap{Line: item.Line}
	if item.Kind != yaml.MappingNode {
		return fm, nil, fmt.Errorf("%s:%d: want an entry such as {apollo: industry, field: Industry}", name, item.Line)
	}
	var errs []error
	refused = map[string]bool{}
	seenKeys := map[string]int{}
	for i := 0; i+1 < len(item.Content); i += 2 {
		k, v := item.Content[i], item.Content[i+1]
		if err := twice(name, k, seenKeys); err != nil {
			errs = append(errs, err)
			refused[k.Value] = true
			continue
		}
		bad := func(want string) {
			errs = append(errs, fmt.Errorf("%s:%d: %s: want %s", name, v.Line, k.Value, want))
			refused[k.Value] = true
		}
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
			bad("a single value")
			continue
		}
		switch k.Value {
		case "apollo":
			fm.Apollo = strings.TrimSpace(v.Value)
		case "field":
			fm.Field = v.Value
		case "field_id":
			var id int64
			if _, err := fmt.Sscan(v.Value, &id); err != nil || id <= 0 || v.Tag != "!!int" {
				bad("a positive field id, such as 4521")
				continue
			}
			fm.FieldID = id
		case "rule":
			fm.Rule = Rule(v.Value)
			if !slices.Contains(rules, fm.Rule) {
				bad(fmt.Sprintf("one of %s", ruleNames()))
			}
		default:
			errs = append(errs, fmt.Errorf("%s:%d: unknown key %q (known: apollo, field, field_id, rule)", name, k.Line, k.Value))
		}
	}
	if len(errs) > 0 {
		return fm, refused, errors.Join(errs...)
	}
	return fm, refused, nil
}

// twice refuses a key of a YAML mapping given before (seen: each key's first line):
// YAML leaves it to the reader, and taking the last silently hides a mistake.
func twice(name string, k *yaml.Node, seen map[string]int) error {
	if line, ok := seen[k.Value]; ok {
		return fmt.Errorf("%s:%d: %s: given twice (first on line %d)", name, k.Line, k.Value, line)
	}
	seen[k.Value] = k.Line
	return nil
}

func ruleNames() string {
	var names []string
	for _, r := range rules {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}

// check refuses what no field definition can make right: an entry without a source or
// a field, or with both a name and an id, an Apollo member that is not one or holds no
// value a field can take, and one field filled twice.
func (m Mapping) check() error {
	if len(m.Fields) == 0 {
		return mappingError(fmt.Errorf("%s: no fields to fill", m.Name))
	}
	if len(m.Fields) > MaxMappedFields {
		return mappingError(fmt.Errorf("%s: %d fields; a mapping fills at most %d", m.Name, len(m.Fields), MaxMappedFields))
	}
	var errs []error
	seen := map[string]int{}
	for _, fm := range m.Fields {
		at := m.at(fm)
		errs = append(errs, entryProblems(at, fm, nil)...)
		key := fm.Field
		if fm.FieldID != 0 {
			key = fmt.Sprint(fm.FieldID)
		}
		if line, ok := seen[key]; ok && key != "" {
			errs = append(errs, fmt.Errorf("%s: field %s is filled already on line %d; a field takes one source", at, key, line))
		}
		seen[key] = fm.Line
	}
	return mappingError(errs...)
}

// entryProblems are what is wrong with one entry on its own, at where it is; refused
// names the keys whose values did not parse (ParseMapping), which are not looked at
// again, so that an entry with one key refused is still checked for the rest.
func entryProblems(at string, fm FieldMap, refused map[string]bool) []error {
	var errs []error
	switch {
	case refused["apollo"]:
	case fm.Apollo == "":
		errs = append(errs, fmt.Errorf("%s: no apollo: member to fill the field from", at))
	case sourceKind(fm.Apollo) == kindNone:
		errs = append(errs, fmt.Errorf("%s: apollo: %q is not a member of Apollo's enriched organization that holds a value a field can take%s", at, fm.Apollo, suggest(fm.Apollo)))
	}
	switch {
	case refused["field"] || refused["field_id"]:
	case fm.Field == "" && fm.FieldID == 0:
		errs = append(errs, fmt.Errorf("%s: no field: (a name) or field_id: to fill", at))
	case fm.Field != "" && fm.FieldID != 0:
		errs = append(errs, fmt.Errorf("%s: both field: %q and field_id: %d; name the field one way", at, fm.Field, fm.FieldID))
	}
	if fm.Rule != "" && !refused["rule"] && !slices.Contains(rules, fm.Rule) {
		errs = append(errs, fmt.Errorf("%s: rule: %q is not one of %s", at, fm.Rule, ruleNames()))
	}
	return errs
}

// at names where a line of the mapping is, for errors: "mapping.yaml:7", or the
// mapping's name and the field when it was made in code.
func (m Mapping) at(fm FieldMap) string {
	if fm.Line > 0 {
		return fmt.Sprintf("%s:%d", m.Name, fm.Line)
	}
	name := m.Name
	if name == "" {
		name = "mapping"
	}
	if fm.Field != "" {
		return fmt.Sprintf("%s, field %q", name, fm.Field)
	}
	return fmt.Sprintf("%s, field %d", name, fm.FieldID)
}

// kind is what a source member holds.
type kind int

const (
	kindNone kind = iota
	kindText
	kindNumber
	kindDate
	kindList
	kindLocation
)

// sourceKind is what the Apollo member of JSON name holds, by the type of
// apollo.EnrichedOrganization's field: kindNone for no such member, or one (a mapping,
// a list of records) that no field can hold.
func sourceKind(name string) kind {
	if name == Location {
		return kindLocation
	}
	t := reflect.TypeFor[apollo.EnrichedOrganization]()
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag != name {
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft == reflect.TypeFor[time.Time]():
			return kindDate
		case ft.Kind() == reflect.String:
			return kindText
		case ft.Kind() >= reflect.Int && ft.Kind() <= reflect.Int64, ft.Kind() == reflect.Float64:
			return kindNumber
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String:
			return kindList
		}
		return kindNone
	}
	return kindNone
}

// suggest names the member a misspelt name may have meant.
func suggest(name string) string {
	t := reflect.TypeFor[apollo.EnrichedOrganization]()
	best, bestD := "", 4
	for i := range t.NumField() {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if d := distance(strings.ToLower(name), tag); d < bestD && sourceKind(tag) != kindNone {
			best, bestD = tag, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// distance is the edit distance of a and b, for suggest.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
