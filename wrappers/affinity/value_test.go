package affinity

import (
	"encoding/json"
	"testing"
)

// Each value shape decodes into its own member, and a value of the wrong shape for its
// field's type is an error naming the type, never a silently empty value.
func TestDecodeValue(t *testing.T) {
	for _, c := range []struct {
		raw  string
		typ  ValueType
		ok   bool
		show func(Value) any
		want any
	}{
		{`null`, ValueNumber, true, func(v Value) any { return v.Number == 0 && v.Option == nil }, true},
		{`7`, ValuePerson, true, func(v Value) any { return v.EntityID }, int64(7)},
		{`2.5`, ValueNumber, true, func(v Value) any { return v.Number }, 2.5},
		{`"hi"`, ValueText, true, func(v Value) any { return v.Text }, "hi"},
		{`{"id":3,"text":"New","rank":1,"color":0}`, ValueRankedDropdown, true, func(v Value) any { return v.Option.Text }, "New"},
		{`{"id":3}`, ValueRankedDropdown, false, nil, nil},
		{`"seven"`, ValueOrganization, false, nil, nil},
		{`{"city":"Paris"}`, ValueLocation, true, func(v Value) any { return *v.Location.City }, "Paris"},
	} {
		t.Run(c.raw, func(t *testing.T) {
			v, err := decodeValue(json.RawMessage(c.raw), c.typ)
			if (err == nil) != c.ok {
				t.Fatalf("decodeValue(%s, %d): error %v, want ok=%v", c.raw, c.typ, err, c.ok)
			}
			if c.ok && c.show(v) != c.want {
				t.Errorf("decodeValue(%s, %d) = %v, want %v", c.raw, c.typ, c.show(v), c.want)
			}
		})
	}
}
