package affinity

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/orgapis/orgapis/wrappers/option"
)

// MaxLookupCandidates is how many names a LookupError lists at most; it counts the rest.
const MaxLookupCandidates = 10

// LookupError is a lookup by name that found no match, or several: find it with
// errors.As. A name matches exactly, or else when the two are equal with the space
// around them trimmed and case folded (strings.EqualFold); an exact match wins over
// folded ones.
type LookupError struct {
	// Kind is what was looked for: "list", "field" or "dropdown option".
	Kind string
	// Name is the name asked for, as given.
	Name string
	// Within is where it was looked for, such as `list "Deal Flow" (id 501)`; "" for
	// the account's lists or the fields asked for.
	Within string
	// IDs are the ids of the matches when several matched; nil when none did.
	IDs []int64
	// Candidates are the names of the matches when several matched, and otherwise the
	// names there are, closest to Name first: at most MaxLookupCandidates of them.
	Candidates []string
	// More is how many names Candidates leaves out.
	More int
}

func (e *LookupError) Error() string {
	var b strings.Builder
	b.WriteString("affinity: ")
	where := ""
	if e.Within != "" {
		where = " in " + e.Within
	}
	names := quoted(e.Candidates)
	if e.More > 0 {
		names += fmt.Sprintf(" and %d more", e.More)
	}
	switch {
	case len(e.IDs) > 0:
		ids := make([]string, len(e.IDs))
		for i, id := range e.IDs {
			ids[i] = strconv.FormatInt(id, 10)
		}
		fmt.Fprintf(&b, "%d %ss match %q%s: %s (ids %s); name one by its id", len(e.IDs), e.Kind, e.Name, where, names, strings.Join(ids, ", "))
	case len(e.Candidates) == 0:
		fmt.Fprintf(&b, "no %s named %q%s, which has none", e.Kind, e.Name, where)
	default:
		fmt.Fprintf(&b, "no %s named %q%s; there are %s", e.Kind, e.Name, where, names)
	}
	return b.String()
}

func quoted(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// lookup finds the one item named name: the exact matches if any, else those equal
// with space trimmed and case folded. None or several is a *LookupError.
func lookup[T any](kind, within, name string, items []T, nameOf func(*T) string, idOf func(*T) int64) (T, error) {
	var zero T
	matches := func(eq func(a, b string) bool) []int {
		var at []int
		for i := range items {
			if eq(nameOf(&items[i]), name) {
				at = append(at, i)
			}
		}
		return at
	}
	at := matches(func(a, b string) bool { return a == b })
	if len(at) == 0 {
		at = matches(func(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)) })
	}
	if len(at) == 1 {
		return items[at[0]], nil
	}
	e := &LookupError{Kind: kind, Name: name, Within: within}
	if len(at) > 1 {
		for _, i := range at {
			e.IDs = append(e.IDs, idOf(&items[i]))
			if len(e.Candidates) < MaxLookupCandidates {
				e.Candidates = append(e.Candidates, nameOf(&items[i]))
			}
		}
		e.More = len(at) - len(e.Candidates)
		return zero, e
	}
	// None: the names there are, each once, closest first.
	type candidate struct {
		name string
		far  int
	}
	var all []candidate
	seen := map[string]bool{}
	for i := range items {
		if n := nameOf(&items[i]); !seen[n] {
			seen[n] = true
			all = append(all, candidate{n, distance(n, name)})
		}
	}
	slices.SortStableFunc(all, func(a, b candidate) int { return a.far - b.far })
	for _, c := range all[:min(len(all), MaxLookupCandidates)] {
		e.Candidates = append(e.Candidates, c.name)
	}
	e.More = len(all) - len(e.Candidates)
	return zero, e
}

// maxDistanceRunes bounds the names distance compares, so that a name of any length
// the service sends costs a bounded time.
const maxDistanceRunes = 64

// distance is the edit distance of two names with space trimmed and case folded, over
// their first maxDistanceRunes runes; a name that contains the other is at most 1 away.
func distance(a, b string) int {
	a, b = strings.ToLower(strings.TrimSpace(a)), strings.ToLower(strings.TrimSpace(b))
	switch {
	case a == b:
		return 0
	case a != "" && b != "" && (strings.Contains(a, b) || strings.Contains(b, a)):
		return 1
	}
	ra, rb := []rune(a), []rune(b)
	ra, rb = ra[:min(len(ra), maxDistanceRunes)], rb[:min(len(rb), maxDistanceRunes)]
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// ListByName returns the list named name, with its fields: one request for the lists
// and one for the list found. No list or several of that name is a *LookupError, which
// names the lists there are, or the ids of those that match (GetList takes one).
func (c *Client) ListByName(ctx context.Context, name string, callOpts ...option.CallOption) (List, error) {
	lists, err := c.ListLists(ctx, callOpts...)
	if err != nil {
		return List{}, err
	}
	l, err := lookup("list", "", name, lists, func(l *List) string { return l.Name }, func(l *List) int64 { return l.ID })
	if err != nil {
		return List{}, err
	}
	return c.GetList(ctx, l.ID, callOpts...)
}

// Field returns the field of the list named name, from the list's Fields: those of a
// list from GetList or ListByName (ListLists gives lists without them). No field or
// several of that name is a *LookupError.
func (l List) Field(name string) (Field, error) {
	within := fmt.Sprintf("list %q (id %d)", l.Name, l.ID)
	f, err := lookup("field", within, name, l.Fields, fieldName, fieldID)
	if err != nil && l.Fields == nil {
		return Field{}, fmt.Errorf("%w (the list came without its fields, as ListLists gives lists: get it with GetList or ListByName)", err)
	}
	return f, err
}

// Option returns the dropdown option of the field whose text is text, from the
// field's DropdownOptions (empty for a field that is not a dropdown, and when
// ExcludeDropdownOptions left them out). No option or several of that text is a
// *LookupError.
func (f Field) Option(text string) (DropdownOption, error) {
	within := fmt.Sprintf("field %q (id %d)", f.Name, f.ID)
	return lookup("dropdown option", within, text, f.DropdownOptions,
		func(o *DropdownOption) string { return o.Text }, func(o *DropdownOption) int64 { return o.ID })
}

// FieldByName returns the field named name among those ListFields returns for q: a
// list's own with q.ListID, or every field, global and of every list, with the zero
// query. No field or several of that name is a *LookupError (fields of two lists may
// share a name: narrow q, or take the field by one of the ids it names).
func (c *Client) FieldByName(ctx context.Context, q FieldQuery, name string, callOpts ...option.CallOption) (Field, error) {
	fields, err := c.ListFields(ctx, q, callOpts...)
	if err != nil {
		return Field{}, err
	}
	within := ""
	if q.ListID != 0 {
		within = fmt.Sprintf("list %d", q.ListID)
	}
	return lookup("field", within, name, fields, fieldName, fieldID)
}

// OrganizationFieldByName returns the global organization field named name, among
// those ListOrganizationFields returns. No field or several of that name is a
// *LookupError.
func (c *Client) OrganizationFieldByName(ctx context.Context, name string, callOpts ...option.CallOption) (Field, error) {
	fields, err := c.ListOrganizationFields(ctx, callOpts...)
	if err != nil {
		return Field{}, err
	}
	return lookup("field", "the organization fields", name, fields, fieldName, fieldID)
}

func fieldName(f *Field) string { return f.Name }

func fieldID(f *Field) int64 { return f.ID }
