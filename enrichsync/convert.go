package enrichsync

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
)

// binding is a line of the mapping resolved against the live field definitions: the
// field it fills and how a source value becomes the field's value.
type binding struct {
	fm    FieldMap
	rule  Rule
	field affinity.Field
	kind  kind
}

// Affinity's field value types, by number, for the conversions.
const (
	typeDropdown       affinity.ValueType = 2
	typeNumber         affinity.ValueType = 3
	typeDate           affinity.ValueType = 4
	typeLocation       affinity.ValueType = 5
	typeText           affinity.ValueType = 6
	typeRankedDropdown affinity.ValueType = 7
	typeFilterableText affinity.ValueType = 10
)

// accepts says which source kinds each field type takes.
var accepts = map[affinity.ValueType][]kind{
	typeText:           {kindText, kindNumber, kindDate, kindList, kindLocation},
	typeFilterableText: {kindText, kindNumber, kindDate, kindList, kindLocation},
	typeNumber:         {kindNumber},
	typeDate:           {kindDate, kindNumber},
	typeLocation:       {kindLocation},
	typeDropdown:       {kindText, kindNumber, kindList},
	typeRankedDropdown: {kindText, kindNumber},
}

var typeNames = map[affinity.ValueType]string{
	0: "person", 1: "organization", typeDropdown: "dropdown", typeNumber: "number", typeDate: "date",
	typeLocation: "location", typeText: "text", typeRankedDropdown: "ranked dropdown", typeFilterableText: "filterable text",
}

var kindNames = map[kind]string{kindText: "text", kindNumber: "a number", kindDate: "a date", kindList: "a list of texts", kindLocation: "a location"}

func typeName(t affinity.ValueType) string {
	if n, ok := typeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("value type %d", t)
}

// resolve binds each line of m to one of fields (the list's and the global organization
// fields), checking that the field exists once by that name, can be written, and takes
// what the source holds. All the mapping's errors are reported together, as a
// *MappingError.
func resolve(m Mapping, fields []affinity.Field) ([]binding, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	var out []binding
	var errs []error
	byID := map[int64]bool{}
	for _, fm := range m.Fields {
		at := m.at(fm)
		var found []affinity.Field
		for _, f := range fields {
			if (fm.FieldID != 0 && f.ID == fm.FieldID) || (fm.FieldID == 0 && f.Name == fm.Field) {
				found = append(found, f)
			}
		}
		if len(found) == 0 && fm.FieldID == 0 {
			for _, f := range fields {
				if strings.EqualFold(f.Name, fm.Field) {
					found = append(found, f)
				}
			}
		}
		name := fm.Field
		if fm.FieldID != 0 {
			name = fmt.Sprintf("of id %d", fm.FieldID)
		} else {
			name = strconv.Quote(name)
		}
		switch {
		case len(found) == 0:
			errs = append(errs, fmt.Errorf("%s: no field %s on the list or among the organizations' global fields%s", at, name, fieldNames(fields)))
			continue
		case len(found) > 1:
			var ids []string
			for _, f := range found {
				ids = append(ids, strconv.FormatInt(f.ID, 10))
			}
			errs = append(errs, fmt.Errorf("%s: %d fields named %s (ids %s); name the one to fill by field_id", at, len(found), name, strings.Join(ids, ", ")))
			continue
		}
		f := found[0]
		k := sourceKind(fm.Apollo)
		switch {
		case f.EnrichmentSource != "":
			errs = append(errs, fmt.Errorf("%s: field %q is filled by Affinity's own enrichment (%s) and cannot be written", at, f.Name, f.EnrichmentSource))
			continue
		case accepts[f.ValueType] == nil:
			errs = append(errs, fmt.Errorf("%s: field %q holds a %s, which no Apollo member can fill", at, f.Name, typeName(f.ValueType)))
			continue
		case !slices.Contains(accepts[f.ValueType], k):
			errs = append(errs, fmt.Errorf("%s: apollo: %s holds %s, which a %s field such as %q cannot take", at, fm.Apollo, kindNames[k], typeName(f.ValueType), f.Name))
			continue
		case k == kindList && f.ValueType == typeDropdown && !f.AllowsMultiple:
			errs = append(errs, fmt.Errorf("%s: apollo: %s holds a list, and dropdown %q takes one value; map it to a field that allows several", at, fm.Apollo, f.Name))
			continue
		case isDropdown(f.ValueType) && len(f.DropdownOptions) == 0:
			errs = append(errs, fmt.Errorf("%s: dropdown %q has no options to choose from", at, f.Name))
			continue
		case isDropdown(f.ValueType) && k == kindNumber && len(ranges(f)) == 0:
			errs = append(errs, fmt.Errorf("%s: apollo: %s is a number, and no option of dropdown %q reads as a range such as \"51-200\" or \"1,001+\"", at, fm.Apollo, f.Name))
			continue
		case byID[f.ID]:
			errs = append(errs, fmt.Errorf("%s: field %q (id %d) is filled by another line too", at, f.Name, f.ID))
			continue
		}
		byID[f.ID] = true
		rule := fm.Rule
		if rule == "" {
			rule = FillEmpty
		}
		out = append(out, binding{fm: fm, rule: rule, field: f, kind: k})
	}
	if len(errs) > 0 {
		return nil, mappingError(errs...)
	}
	return out, nil
}

// fieldNames lists the fields there are, for the error that finds none (at most 20).
func fieldNames(fields []affinity.Field) string {
	var names []string
	for _, f := range fields {
		names = append(names, strconv.Quote(f.Name))
	}
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) == 0 {
		return " (there are none)"
	}
	more := ""
	if len(names) > 20 {
		more = fmt.Sprintf(" and %d more", len(names)-20)
		names = names[:20]
	}
	return fmt.Sprintf(" (there are %s%s)", strings.Join(names, ", "), more)
}

func isDropdown(t affinity.ValueType) bool { return t == typeDropdown || t == typeRankedDropdown }

// want is the value a field should hold: what to write, and its canonical text, which
// is compared with the field's current value's and kept in the audit log.
type want struct {
	values []affinity.SetValue
	text   string
	// none is why there is nothing to write: Apollo has no value, or no option fits.
	none string
}

// desired is the value b's field should hold from an Apollo organization, as decoded
// from its JSON into members.
func (b binding) desired(members map[string]json.RawMessage) want {
	if b.kind == kindLocation {
		loc := affinity.Location{}
		var texts []string
		for _, part := range []struct {
			member string
			dst    **string
		}{{"street_address", &loc.StreetAddress}, {"city", &loc.City}, {"state", &loc.State}, {"country", &loc.Country}} {
			var s string
			if json.Unmarshal(members[part.member], &s) == nil && strings.TrimSpace(s) != "" {
				*part.dst = &s
				texts = append(texts, s)
			}
		}
		if len(texts) == 0 {
			return want{none: "Apollo has no headquarters"}
		}
		if b.field.ValueType == typeLocation {
			return want{values: []affinity.SetValue{affinity.LocationValue(loc)}, text: locationText(loc)}
		}
		s := strings.Join(texts, ", ")
		return want{values: []affinity.SetValue{affinity.TextValue(s)}, text: s}
	}
	raw := members[b.fm.Apollo]
	if len(raw) == 0 || string(raw) == "null" {
		return want{none: "Apollo has no " + b.fm.Apollo}
	}
	switch b.kind {
	case kindText:
		var s string
		if json.Unmarshal(raw, &s) != nil || strings.TrimSpace(s) == "" {
			return want{none: "Apollo has no " + b.fm.Apollo}
		}
		if isDropdown(b.field.ValueType) {
			return b.option(s)
		}
		return want{values: []affinity.SetValue{affinity.TextValue(s)}, text: s}
	case kindNumber:
		var n float64
		if json.Unmarshal(raw, &n) != nil || math.IsNaN(n) || math.IsInf(n, 0) {
			return want{none: "Apollo's " + b.fm.Apollo + " is not a number"}
		}
		switch b.field.ValueType {
		case typeNumber:
			return want{values: []affinity.SetValue{affinity.NumberValue(n)}, text: numberText(n)}
		case typeDate:
			if n < 1000 || n > 9999 || n != math.Trunc(n) {
				return want{none: fmt.Sprintf("Apollo's %s %s is not a year", b.fm.Apollo, numberText(n))}
			}
			d := time.Date(int(n), 1, 1, 0, 0, 0, 0, time.UTC)
			return want{values: []affinity.SetValue{affinity.DateValue(d)}, text: dateText(d)}
		case typeDropdown, typeRankedDropdown:
			for _, r := range ranges(b.field) {
				if n >= r.lo && n <= r.hi {
					return want{values: []affinity.SetValue{b.optionValue(r.opt)}, text: r.opt.Text}
				}
			}
			return want{none: fmt.Sprintf("no option of %q is a range holding %s", b.field.Name, numberText(n))}
		}
		s := numberText(n)
		return want{values: []affinity.SetValue{affinity.TextValue(s)}, text: s}
	case kindDate:
		var d time.Time
		if json.Unmarshal(raw, &d) != nil || d.IsZero() {
			return want{none: "Apollo's " + b.fm.Apollo + " is not a date"}
		}
		if b.field.ValueType == typeDate {
			return want{values: []affinity.SetValue{affinity.DateValue(d)}, text: dateText(d)}
		}
		s := dateText(d)
		return want{values: []affinity.SetValue{affinity.TextValue(s)}, text: s}
	case kindList:
		var items []string
		if json.Unmarshal(raw, &items) != nil {
			return want{none: "Apollo's " + b.fm.Apollo + " is not a list of texts"}
		}
		items = slices.DeleteFunc(items, func(s string) bool { return strings.TrimSpace(s) == "" })
		if len(items) == 0 {
			return want{none: "Apollo has no " + b.fm.Apollo}
		}
		if len(items) > affinity.MaxFieldValues {
			items = items[:affinity.MaxFieldValues]
		}
		switch {
		case b.field.ValueType == typeDropdown:
			var w want
			var texts, missing []string
			for _, s := range items {
				o, err := b.field.Option(s)
				if err != nil {
					missing = append(missing, s)
					continue
				}
				w.values = append(w.values, b.optionValue(o))
				texts = append(texts, o.Text)
			}
			if len(w.values) == 0 {
				return want{none: fmt.Sprintf("no option of %q is %s", b.field.Name, quoteAll(missing))}
			}
			w.text = listText(texts)
			return w
		case b.field.AllowsMultiple:
			var w want
			for _, s := range items {
				w.values = append(w.values, affinity.TextValue(s))
			}
			w.text = listText(items)
			return w
		}
		s := strings.Join(items, ", ")
		return want{values: []affinity.SetValue{affinity.TextValue(s)}, text: s}
	}
	return want{none: "no conversion"}
}

// option is the dropdown option of text s, by its text (case aside).
func (b binding) option(s string) want {
	o, err := b.field.Option(s)
	if err != nil {
		for _, opt := range b.field.DropdownOptions {
			if strings.EqualFold(opt.Text, s) {
				o, err = opt, nil
				break
			}
		}
	}
	if err != nil {
		return want{none: fmt.Sprintf("no option of %q is %q", b.field.Name, s)}
	}
	return want{values: []affinity.SetValue{b.optionValue(o)}, text: o.Text}
}

// optionValue is how an option is written: a dropdown's by its text, which v1 and v2
// both take (v1 takes nothing else), a ranked dropdown's by its id.
func (b binding) optionValue(o affinity.DropdownOption) affinity.SetValue {
	if b.field.ValueType == typeDropdown {
		return affinity.TextValue(o.Text)
	}
	return affinity.OptionValue(o.ID)
}

// current is the canonical text of a field's values as a row carries them, for
// comparing with want.text: "" when the field is empty.
func current(t affinity.ValueType, values []affinity.Value) string {
	var texts []string
	for _, v := range values {
		var s string
		switch {
		case v.Option != nil:
			s = v.Option.Text
		case t == typeNumber:
			s = numberText(v.Number)
		case t == typeDate:
			if !v.Date.IsZero() {
				s = dateText(v.Date)
			}
		case t == typeLocation:
			if v.Location != nil {
				s = locationText(*v.Location)
			}
		default:
			s = v.Text
		}
		if s != "" {
			texts = append(texts, s)
		}
	}
	if len(texts) == 1 {
		return texts[0]
	}
	return listText(texts)
}

// listText is several values as one text: sorted, so that the order a server answers
// in does not make a change, one per line.
func listText(items []string) string {
	items = slices.Clone(items)
	slices.Sort(items)
	return strings.Join(items, "\n")
}

func numberText(n float64) string { return strconv.FormatFloat(n, 'f', -1, 64) }

func dateText(d time.Time) string { return d.UTC().Format(time.DateOnly) }

func locationText(l affinity.Location) string {
	var parts []string
	for _, p := range []*string{l.StreetAddress, l.City, l.State, l.Country} {
		if p != nil && *p != "" {
			parts = append(parts, *p)
		}
	}
	return strings.Join(parts, ", ")
}

func quoteAll(items []string) string {
	var q []string
	for _, s := range items {
		q = append(q, strconv.Quote(s))
	}
	return strings.Join(q, " or ")
}

// span is a dropdown option that reads as a range of numbers: "51-200", "1,001 - 5,000",
// "501-1K" (each end with its own suffix; "1-5K" takes the K for both), "10,001+",
// "<10", "under 10", or "Up to 10" (which holds 10).
type span struct {
	opt    affinity.DropdownOption
	lo, hi float64
}

var (
	rangeBoth  = regexp.MustCompile(`^\s*([\d,.]+)\s*([kKmM]?)\s*(?:-|–|—|to)\s*([\d,.]+)\s*([kKmM]?)`)
	rangeAbove = regexp.MustCompile(`^\s*([\d,.]+)\s*([kKmM]?)\s*\+`)
	rangeBelow = regexp.MustCompile(`^\s*(<|under|fewer than|less than)\s*([\d,.]+)\s*([kKmM]?)`)
	rangeUpTo  = regexp.MustCompile(`^\s*(?:<=|≤|up to|at most)\s*([\d,.]+)\s*([kKmM]?)`)
)

// ranges are the options of f that read as ranges.
func ranges(f affinity.Field) []span {
	var out []span
	for _, o := range f.DropdownOptions {
		text := strings.ToLower(o.Text)
		if m := rangeBoth.FindStringSubmatch(text); m != nil {
			loSuffix := m[2]
			if loSuffix == "" {
				loSuffix = m[4] // "1-5K": both ends in thousands
			}
			lo, ok1 := parseCount(m[1], loSuffix)
			hi, ok2 := parseCount(m[3], m[4])
			if ok1 && ok2 && lo > hi && m[2] == "" {
				lo, ok1 = parseCount(m[1], "") // "500-1K": the K is the upper end's alone
			}
			if ok1 && ok2 && lo <= hi {
				out = append(out, span{o, lo, hi})
			}
		} else if m := rangeAbove.FindStringSubmatch(text); m != nil {
			if lo, ok := parseCount(m[1], m[2]); ok {
				out = append(out, span{o, lo, math.Inf(1)})
			}
		} else if m := rangeUpTo.FindStringSubmatch(text); m != nil {
			if hi, ok := parseCount(m[1], m[2]); ok {
				out = append(out, span{o, math.Inf(-1), hi})
			}
		} else if m := rangeBelow.FindStringSubmatch(text); m != nil {
			if hi, ok := parseCount(m[2], m[3]); ok {
				out = append(out, span{o, math.Inf(-1), math.Nextafter(hi, math.Inf(-1))})
			}
		}
	}
	return out
}

// parseCount reads "1,001" or "1.5" with a k or m suffix.
func parseCount(s, suffix string) (float64, bool) {
	n, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil {
		return 0, false
	}
	switch strings.ToLower(suffix) {
	case "k":
		n *= 1e3
	case "m":
		n *= 1e6
	}
	return n, true
}
