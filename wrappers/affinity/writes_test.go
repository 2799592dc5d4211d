package affinity_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/option"
)

// writeCase is one value type of one field kind: what is written, what every read
// must give back, and the same for an update.
type writeCase struct {
	name    string
	global  bool // a global organization field, not a list's
	t       affinity.ValueType
	multi   bool
	options []string
	write   func(f affinity.Field, orgs []int64) (affinity.SetValue, affinity.Value)
	rewrite func(f affinity.Field, orgs []int64) (affinity.SetValue, affinity.Value)
}

func str(s string) *string { return &s }

func option_(f affinity.Field, text string) (affinity.SetValue, affinity.Value) {
	for i, o := range f.DropdownOptions {
		if o.Text == text {
			rank := i
			return affinity.OptionValue(o.ID), affinity.Value{Type: affinity.ValueRankedDropdown, Option: &affinity.DropdownOption{ID: o.ID, Text: text, Rank: &rank}}
		}
	}
	panic("no option " + text) // the table names only options it made
}

// writeCases are every value type of every field kind the wrapper writes, single
// and multi, with values the happy path never has: non-ASCII text, a fraction, a
// location with members left null, a date with a time of day.
func writeCases() []writeCase {
	var cases []writeCase
	for _, multi := range []bool{false, true} {
		for _, global := range []bool{false, true} {
			kind := map[bool]string{false: "list", true: "global"}[global] + map[bool]string{false: "", true: " multi"}[multi]
			cases = append(cases,
				writeCase{name: "person " + kind, global: global, t: affinity.ValuePerson, multi: multi,
					write: func(affinity.Field, []int64) (affinity.SetValue, affinity.Value) {
						return affinity.EntityValue(38706), affinity.Value{Type: affinity.ValuePerson, EntityID: 38706}
					},
					rewrite: func(affinity.Field, []int64) (affinity.SetValue, affinity.Value) {
						return affinity.EntityValue(38707), affinity.Value{Type: affinity.ValuePerson, EntityID: 38707}
					}},
				writeCase{name: "organization " + kind, global: global, t: affinity.ValueOrganization, multi: multi,
					write: func(_ affinity.Field, orgs []int64) (affinity.SetValue, affinity.Value) {
						return affinity.EntityValue(orgs[1]), affinity.Value{Type: affinity.ValueOrganization, EntityID: orgs[1]}
					},
					rewrite: func(_ affinity.Field, orgs []int64) (affinity.SetValue, affinity.Value) {
						return affinity.EntityValue(orgs[0]), affinity.Value{Type: affinity.ValueOrganization, EntityID: orgs[0]}
					}},
				writeCase{name: "dropdown " + kind, global: global, t: affinity.ValueDropdown, multi: multi, options: []string{"Software", "Fintech", "Гео ü"},
					write: func(affinity.Field, []int64) (affinity.SetValue, affinity.Value) {
						return affinity.TextValue("Гео ü"), affinity.Value{Type: affinity.ValueDropdown, Text: "Гео ü"}
					},
					rewrite: func(affinity.Field, []int64) (affinity.SetValue, affinity.Value) {
						return affinity.TextValue("Fintech"), affinity.Value{Type: affinity.ValueDropdown, Text: "Fintech"}
					}},
				writeCase{name: "number " + kind, global: global, t: affinity.ValueNumber, multi: multi,
					write: func(affinity.Field, []int64) (affinity.SetValue, affinity.Value) {
						return affinity.NumberValue(1234.5), affinity.Value{Type: affinity.ValueNumber, Number: 1234.5}
					},
					rewrite: func(affinity.Field, []int64) (affinity.SetValue, affinity.Value) {
						return affinity.NumberValue(-0.25), affinity.Value{Type: affinity.ValueNumber, Number: -0.25}
					}},
				writeCase{name: "location " + kind, global: global, t: affinity.ValueLocation, multi: multi,
					write: func(affinity.Field, []int64) (affinity.SetValue, affinity.Value) {
						l := affinity.Location{City: str("Zürich"), Country: str("Switzerland")}
						return affinity.LocationValue(l), affinity.Value{Type: affinity.ValueLocation, Location: &l}
					},
					rewrite: func(affinity.Field, []int64) (affinity.SetValue, affinity.Value) {
						l := affinity.Location{City: str("São Paulo"), State: str("SP"), Country: str("Brazil"), StreetAddress: str("Av. Paulista 1"), Continent: str("South America")}
						return affinity.LocationValue(l), affinity.Value{Type: affinity.ValueLocation, Location: &l}
					}},
				writeCase{name: "filterable text " + kind, global: global, t: affinity.ValueFilterableText, multi: multi,
					write: func(affinity.Field, []int64) (affinity.SetValue, affinity.Value) {
						return affinity.TextValue("tag-α"), affinity.Value{Type: affinity.ValueFilterableText, Text: "tag-α"}
					},
					rewrite: func(affinity.Field, []int64) (affinity.SetValue, affinity.Value) {
						return affinity.TextValue("tag-β"), affinity.Value{Type: affinity.ValueFilterableText, Text: "tag-β"}
					}},
			)
			if multi {
				continue // v2 has no multi of the rest, and neither has Affinity's UI
			}
			cases = append(cases,
				writeCase{name: "ranked dropdown " + kind, global: global, t: affinity.ValueRankedDropdown, options: []string{"New", "In Progress", "Won"},
					write:   func(f affinity.Field, _ []int64) (affinity.SetValue, affinity.Value) { return option_(f, "Won") },
					rewrite: func(f affinity.Field, _ []int64) (affinity.SetValue, affinity.Value) { return option_(f, "New") }},
				writeCase{name: "date " + kind, global: global, t: affinity.ValueDate,
					write: func(affinity.Field, []int64) (affinity.SetValue, affinity.Value) {
						d := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
						return affinity.DateValue(d), affinity.Value{Type: affinity.ValueDate, Date: d}
					},
					rewrite: func(affinity.Field, []int64) (affinity.SetValue, affinity.Value) {
						d := time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC)
						return affinity.DateValue(d), affinity.Value{Type: affinity.ValueDate, Date: d}
					}},
				writeCase{name: "text " + kind, global: global, t: affinity.ValueText,
					write: func(affinity.Field, []int64) (affinity.SetValue, affinity.Value) {
						return affinity.TextValue("Привет, 世界 🚀 \"quoted\""), affinity.Value{Type: affinity.ValueText, Text: "Привет, 世界 🚀 \"quoted\""}
					},
					rewrite: func(affinity.Field, []int64) (affinity.SetValue, affinity.Value) {
						return affinity.TextValue(""), affinity.Value{Type: affinity.ValueText, Text: ""}
					}},
			)
		}
	}
	return cases
}

// agreed is v as every read path must agree on it: without its raw JSON, which is
// each API's own, and without an option's colour, which v2 names and v1 numbers.
func agreed(v affinity.Value) affinity.Value {
	v.Raw = nil
	if v.Option != nil {
		o := *v.Option
		o.Color = nil
		v.Option = &o
	}
	return v
}

func agreeds(vs []affinity.Value) []affinity.Value {
	out := make([]affinity.Value, len(vs))
	for i, v := range vs {
		out[i] = agreed(v)
	}
	return out
}

// reads are the values of field f on the entry (or its entity, for a global field) by
// every read the wrapper has: v1 field values, and ListRows through v1 and v2.
func reads(ctx context.Context, t *testing.T, v1, v2 *affinity.Client, list int64, entry affinity.ListEntry, f affinity.Field, global bool) map[string][]affinity.Value {
	t.Helper()
	out := map[string][]affinity.Value{}
	q := affinity.FieldValueQuery{ListEntryID: entry.ID}
	if global {
		q = affinity.FieldValueQuery{OrganizationID: entry.EntityID}
	}
	values, err := v1.ListFieldValues(ctx, q)
	if err != nil {
		t.Fatalf("ListFieldValues: %v", err)
	}
	out["ListFieldValues"] = []affinity.Value{}
	for _, fv := range values {
		if fv.FieldID == f.ID {
			out["ListFieldValues"] = append(out["ListFieldValues"], agreed(fv.Value))
		}
	}
	for name, c := range map[string]*affinity.Client{"ListRows v1": v1, "ListRows v2": v2} {
		out[name] = nil
		for row, err := range c.ListRows(ctx, list, affinity.RowOptions{}) {
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if row.Entry.ID == entry.ID {
				out[name] = agreeds(row.Values[f.Name])
				if out[name] == nil {
					out[name] = []affinity.Value{}
				}
			}
		}
	}
	return out
}

// Every write method meets the truth: each value type of each field kind, single and
// multi, list and global, is created, read back through v1's field values and
// ListRows on v1 and v2, updated, read back again, and deleted, against a fake held to
// the spec. Each read must give exactly what was written.
func TestEveryValueTypeRoundTripsThroughEveryWrite(t *testing.T) {
	for _, c := range writeCases() {
		t.Run(c.name, func(t *testing.T) {
			ctx := t.Context()
			fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
			list := fake.GenerateList("Deal Flow", 2, 1)
			var fieldList int64
			if !c.global {
				fieldList = list
			}
			f, err := fake.AddField(fieldList, "Field "+c.name, c.t, c.multi, c.options...)
			if err != nil {
				t.Fatal(err)
			}
			v1, _ := fake.Client(affinity.WithV1Only())
			v2, _ := fake.Client()
			var entries []affinity.ListEntry
			for e, err := range v1.ListEntries(ctx, affinity.ListEntryQuery{ListID: list}) {
				if err != nil {
					t.Fatal(err)
				}
				entries = append(entries, e)
			}
			orgs := []int64{entries[0].EntityID, entries[1].EntityID}
			entry := entries[0]
			place := affinity.NewFieldValue{FieldID: f.ID, EntityID: entry.EntityID, ListEntryID: entry.ID}
			if c.global {
				place.ListEntryID = 0
			}
			expect := func(step string, want []affinity.Value) {
				t.Helper()
				for path, got := range reads(ctx, t, v1, v2, list, entry, f, c.global) {
					if !reflect.DeepEqual(got, want) {
						t.Errorf("after %s, %s reads %s, want %s", step, path, show(got), show(want))
					}
				}
			}

			set, want := c.write(f, orgs)
			place.Value = set
			created, err := v1.CreateFieldValue(ctx, place)
			if err != nil {
				t.Fatalf("CreateFieldValue: %v", err)
			}
			if got := agreed(created.Value); !reflect.DeepEqual(got, want) || created.FieldID != f.ID || created.EntityID != entry.EntityID {
				t.Errorf("CreateFieldValue answered %s, want %s", show([]affinity.Value{got}), show([]affinity.Value{want}))
			}
			all := []affinity.Value{want}
			expect("the create", all)

			// The write's effect on the next read: the other entry is untouched.
			for _, other := range reads(ctx, t, v1, v2, list, entries[1], f, c.global) {
				if len(other) != 0 {
					t.Errorf("the other entry reads %s, want nothing", show(other))
				}
			}

			if c.multi {
				set2, want2 := c.rewrite(f, orgs)
				place.Value = set2
				if _, err := v1.CreateFieldValue(ctx, place); err != nil {
					t.Fatalf("second CreateFieldValue: %v", err)
				}
				all = append(all, want2)
				expect("a second create", all)
			}

			set, want = c.rewrite(f, orgs)
			updated, err := v1.UpdateFieldValue(ctx, created.ID, set)
			if err != nil {
				t.Fatalf("UpdateFieldValue: %v", err)
			}
			if got := agreed(updated.Value); !reflect.DeepEqual(got, want) || updated.ID != created.ID {
				t.Errorf("UpdateFieldValue answered %s (id %d), want %s (id %d)", show([]affinity.Value{got}), updated.ID, show([]affinity.Value{want}), created.ID)
			}
			all[0] = want
			expect("the update", all)

			if err := v1.DeleteFieldValue(ctx, created.ID); err != nil {
				t.Fatalf("DeleteFieldValue: %v", err)
			}
			expect("the delete", all[1:])
		})
	}
}

// The v2 list-entry field writes meet the same truth: each value type of each field
// kind, single and multi, list and global, set through SetListEntryField (one value,
// then for a multi field two), replaced, set through the batch SetListEntryFields, and
// cleared, with the same values v1's writes take, reads back exactly through v1's
// field values and ListRows on v1 and v2. Each write replaces the field whole, and
// leaves the other entry alone.
func TestEveryValueTypeRoundTripsThroughV2Writes(t *testing.T) {
	for _, c := range writeCases() {
		t.Run(c.name, func(t *testing.T) {
			ctx := t.Context()
			fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
			list := fake.GenerateList("Deal Flow", 2, 1)
			var fieldList int64
			if !c.global {
				fieldList = list
			}
			f, err := fake.AddField(fieldList, "Field "+c.name, c.t, c.multi, c.options...)
			if err != nil {
				t.Fatal(err)
			}
			v1, _ := fake.Client(affinity.WithV1Only())
			v2, _ := fake.Client()
			var entries []affinity.ListEntry
			for e, err := range v1.ListEntries(ctx, affinity.ListEntryQuery{ListID: list}) {
				if err != nil {
					t.Fatal(err)
				}
				entries = append(entries, e)
			}
			orgs := []int64{entries[0].EntityID, entries[1].EntityID}
			entry := entries[0]
			expect := func(step string, want []affinity.Value) {
				t.Helper()
				for path, got := range reads(ctx, t, v1, v2, list, entry, f, c.global) {
					if !reflect.DeepEqual(got, want) {
						t.Errorf("after %s, %s reads %s, want %s", step, path, show(got), show(want))
					}
				}
				for path, other := range reads(ctx, t, v1, v2, list, entries[1], f, c.global) {
					if len(other) != 0 {
						t.Errorf("after %s, the other entry reads %s through %s, want nothing", step, show(other), path)
					}
				}
			}
			set, want := c.write(f, orgs)
			set2, want2 := c.rewrite(f, orgs)

			if err := v2.SetListEntryField(ctx, list, entry.ID, f, []affinity.SetValue{set}); err != nil {
				t.Fatalf("SetListEntryField: %v", err)
			}
			expect("SetListEntryField", []affinity.Value{want})
			if c.multi {
				if err := v2.SetListEntryField(ctx, list, entry.ID, f, []affinity.SetValue{set, set2}); err != nil {
					t.Fatalf("SetListEntryField of two: %v", err)
				}
				expect("SetListEntryField of two", []affinity.Value{want, want2})
			}
			if err := v2.SetListEntryField(ctx, list, entry.ID, f, []affinity.SetValue{set2}); err != nil {
				t.Fatalf("SetListEntryField again: %v", err)
			}
			expect("SetListEntryField again", []affinity.Value{want2})

			if err := v2.SetListEntryFields(ctx, list, entry.ID, []affinity.FieldSet{{Field: f, Values: []affinity.SetValue{set}}}); err != nil {
				t.Fatalf("SetListEntryFields: %v", err)
			}
			expect("SetListEntryFields", []affinity.Value{want})

			if err := v2.ClearListEntryField(ctx, list, entry.ID, f); err != nil {
				t.Fatalf("ClearListEntryField: %v", err)
			}
			expect("ClearListEntryField", []affinity.Value{})
			if err := v2.SetListEntryFields(ctx, list, entry.ID, []affinity.FieldSet{{Field: f, Values: []affinity.SetValue{set2}}}); err != nil {
				t.Fatalf("SetListEntryFields after the clear: %v", err)
			}
			expect("SetListEntryFields after the clear", []affinity.Value{want2})
			if err := v2.SetListEntryFields(ctx, list, entry.ID, []affinity.FieldSet{{Field: f, Clear: true}}); err != nil {
				t.Fatalf("SetListEntryFields clearing: %v", err)
			}
			expect("SetListEntryFields clearing", []affinity.Value{})
		})
	}
}

func show(vs []affinity.Value) string {
	out := "["
	for i, v := range vs {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%+v", v)
		if v.Option != nil {
			out += fmt.Sprintf(" option %+v", *v.Option)
		}
		if v.Location != nil {
			out += fmt.Sprintf(" location %v/%v/%v", deref(v.Location.City), deref(v.Location.State), deref(v.Location.Country))
		}
	}
	return out + "]"
}

func deref(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// A value of the wrong shape for its field is refused before it is stored, with the
// field named; so is a list field's value without its entry, or a global one with one.
func TestAWriteOfTheWrongShapeIsRefused(t *testing.T) {
	c, fake := setup(t)
	ctx := t.Context()
	list := fake.GenerateList("Deal Flow", 1, 1) // Status, a ranked dropdown
	entries := slices.Collect(func(yield func(affinity.ListEntry) bool) {
		for e, err := range c.ListEntries(ctx, affinity.ListEntryQuery{ListID: list}) {
			if err != nil || !yield(e) {
				return
			}
		}
	})
	fields, err := c.ListFields(ctx, affinity.FieldQuery{ListID: list})
	if err != nil || len(fields) != 1 {
		t.Fatalf("fields %+v, %v", fields, err)
	}
	status, e := fields[0], entries[0]
	before := len(fake.Requests())
	for _, bad := range []struct {
		name string
		v    affinity.NewFieldValue
		want string
	}{
		{"an option's text, not its id", affinity.NewFieldValue{FieldID: status.ID, EntityID: e.EntityID, ListEntryID: e.ID, Value: affinity.TextValue("Won")}, "option"},
		{"an option of another field", affinity.NewFieldValue{FieldID: status.ID, EntityID: e.EntityID, ListEntryID: e.ID, Value: affinity.OptionValue(1)}, "not an option"},
		{"a list field without its entry", affinity.NewFieldValue{FieldID: status.ID, EntityID: e.EntityID, Value: affinity.OptionValue(status.DropdownOptions[0].ID)}, "list_entry_id"},
		{"a global field with an entry", affinity.NewFieldValue{FieldID: 662, EntityID: e.EntityID, ListEntryID: e.ID, Value: affinity.NumberValue(1)}, "global"},
		{"another entity than the entry's", affinity.NewFieldValue{FieldID: status.ID, EntityID: e.EntityID + 1, ListEntryID: e.ID, Value: affinity.OptionValue(status.DropdownOptions[0].ID)}, "of entity"},
	} {
		t.Run(bad.name, func(t *testing.T) {
			_, err := c.CreateFieldValue(ctx, bad.v, option.WithRetries(0))
			if !isStatus(err, 422) || !contains(err.Error(), bad.want) {
				t.Errorf("got %v, want a 422 saying %q", err, bad.want)
			}
		})
	}
	values, err := c.ListFieldValues(ctx, affinity.FieldValueQuery{ListEntryID: e.ID})
	if err != nil || len(values) != 1 { // the one GenerateList set
		t.Errorf("after refused writes the entry holds %d values, %v; want 1", len(values), err)
	}
	if n := len(fake.Requests()) - before; n != 6 {
		t.Errorf("%d requests, want one per write and one read", n)
	}
}

func isStatus(err error, code int) bool {
	var e *affinity.Error
	return errors.As(err, &e) && e.StatusCode == code
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
