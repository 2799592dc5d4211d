package affinity_test

import (
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
)

// What setting all seven fields of a Deal Flow entry costs in requests, the rate
// limit's currency: v2's batch sends one, v2's single write one a field, and v1 reads
// the entry's values to find each one's id, then updates each.
func BenchmarkSetSevenFields(b *testing.B) {
	for _, how := range []string{"v2 batch", "v2 one a field", "v1 read and update"} {
		b.Run(how, func(b *testing.B) {
			fake := affinitytest.NewServer(key, affinitytest.WithTest(b))
			defer fake.Close()
			fake.GenerateList("Deal Flow", 1, 7)
			c, err := fake.Client()
			if err != nil {
				b.Fatal(err)
			}
			ctx := b.Context()
			list, err := c.ListByName(ctx, "Deal Flow")
			if err != nil {
				b.Fatal(err)
			}
			var entry affinity.ListEntry
			for e, err := range c.ListEntries(ctx, affinity.ListEntryQuery{ListID: list.ID}) {
				if err != nil {
					b.Fatal(err)
				}
				entry = e
			}
			// Each field's current value written again: what a sync that found no change
			// would send.
			current, err := c.ListFieldValues(ctx, affinity.FieldValueQuery{ListEntryID: entry.ID})
			if err != nil || len(current) != 7 {
				b.Fatalf("%d values, %v", len(current), err)
			}
			sets := make([]affinity.FieldSet, 0, 7)
			values := map[int64]affinity.SetValue{}
			for _, fv := range current {
				f := list.Fields[indexOf(list.Fields, fv.FieldID)]
				v := again(b, fv.Value)
				sets = append(sets, affinity.FieldSet{Field: f, Values: []affinity.SetValue{v}})
				values[fv.FieldID] = v
			}
			before := len(fake.Requests())
			b.ResetTimer()
			for b.Loop() {
				switch how {
				case "v2 batch":
					err = c.SetListEntryFields(ctx, list.ID, entry.ID, sets)
				case "v2 one a field":
					for _, s := range sets {
						if err = c.SetListEntryField(ctx, list.ID, entry.ID, s.Field, s.Values); err != nil {
							break
						}
					}
				default:
					var vs []affinity.FieldValue
					vs, err = c.ListFieldValues(ctx, affinity.FieldValueQuery{ListEntryID: entry.ID})
					for _, fv := range vs {
						if err == nil {
							_, err = c.UpdateFieldValue(ctx, fv.ID, values[fv.FieldID])
						}
					}
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(fake.Requests())-before)/float64(b.N), "requests/op")
		})
	}
}

func indexOf(fields []affinity.Field, id int64) int {
	for i, f := range fields {
		if f.ID == id {
			return i
		}
	}
	return -1
}

// again is the SetValue that writes v back.
func again(b *testing.B, v affinity.Value) affinity.SetValue {
	switch {
	case v.Option != nil:
		return affinity.OptionValue(v.Option.ID)
	case v.Location != nil:
		return affinity.LocationValue(*v.Location)
	}
	switch v.Type {
	case affinity.ValuePerson, affinity.ValueOrganization:
		return affinity.EntityValue(v.EntityID)
	case affinity.ValueNumber:
		return affinity.NumberValue(v.Number)
	case affinity.ValueDate:
		return affinity.DateValue(v.Date)
	case affinity.ValueText, affinity.ValueDropdown, affinity.ValueFilterableText:
		return affinity.TextValue(v.Text)
	}
	b.Fatalf("no SetValue for %+v", v)
	return affinity.SetValue{}
}
