package affinity

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

// Every v2 value type decodes into the Values v1 would give for it: one per element of
// a -multi value, none for null, typed as v1 types them.
func TestV2ValuesMapOntoV1Values(t *testing.T) {
	date := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		value string
		want  []Value // Raw is not compared
	}{
		{`{"type":"text","data":"Met at the fair"}`, []Value{{Type: ValueText, Text: "Met at the fair"}}},
		{`{"type":"filterable-text","data":"Software"}`, []Value{{Type: ValueFilterableText, Text: "Software"}}},
		{`{"type":"filterable-text-multi","data":["b2b","saas"]}`, []Value{{Type: ValueFilterableText, Text: "b2b"}, {Type: ValueFilterableText, Text: "saas"}}},
		{`{"type":"number","data":1200}`, []Value{{Type: ValueNumber, Number: 1200}}},
		{`{"type":"number-multi","data":[3,4.5]}`, []Value{{Type: ValueNumber, Number: 3}, {Type: ValueNumber, Number: 4.5}}},
		{`{"type":"formula-number","data":{"calculatedValue":7.5}}`, []Value{{Type: ValueNumber, Number: 7.5}}},
		{`{"type":"formula-number","data":{"calculatedValue":null}}`, nil},
		{`{"type":"datetime","data":"2025-06-30T00:00:00Z"}`, []Value{{Type: ValueDate, Date: date}}},
		{`{"type":"dropdown","data":{"dropdownOptionId":9,"text":"Seed"}}`, []Value{{Type: ValueDropdown, Text: "Seed"}}},
		{`{"type":"dropdown-multi","data":[{"dropdownOptionId":7,"text":"Fintech"},{"dropdownOptionId":8,"text":"Health"}]}`,
			[]Value{{Type: ValueDropdown, Text: "Fintech"}, {Type: ValueDropdown, Text: "Health"}}},
		{`{"type":"ranked-dropdown","data":{"dropdownOptionId":2,"text":"Lead","rank":1,"color":"white"}}`,
			[]Value{{Type: ValueRankedDropdown, Option: &DropdownOption{ID: 2, Text: "Lead", Rank: ptr(1)}}}},
		{`{"type":"location","data":{"streetAddress":null,"city":"Paris","state":null,"country":"France","continent":"Europe"}}`,
			[]Value{{Type: ValueLocation, Location: &Location{City: ptr("Paris"), Country: ptr("France"), Continent: ptr("Europe")}}}},
		{`{"type":"location-multi","data":[{"streetAddress":"1 Main Street","city":null,"state":null,"country":null,"continent":null}]}`,
			[]Value{{Type: ValueLocation, Location: &Location{StreetAddress: ptr("1 Main Street")}}}},
		{`{"type":"person","data":{"id":38706,"firstName":"Jane","lastName":null,"primaryEmailAddress":null,"type":"internal"}}`, []Value{{Type: ValuePerson, EntityID: 38706}}},
		{`{"type":"person-multi","data":[{"id":1,"type":"internal"},{"id":2,"type":"external"}]}`, []Value{{Type: ValuePerson, EntityID: 1}, {Type: ValuePerson, EntityID: 2}}},
		{`{"type":"company","data":{"id":1001,"name":"Beta","domain":null}}`, []Value{{Type: ValueOrganization, EntityID: 1001}}},
		{`{"type":"company-multi","data":[{"id":1002,"name":"Gamma","domain":"gamma.vc"}]}`, []Value{{Type: ValueOrganization, EntityID: 1002}}},
		{`{"type":"interaction","data":{"type":"email","id":88,"sentAt":"2025-03-04T09:00:00Z"}}`, []Value{{Type: ValueInteraction}}},
		{`{"type":"text","data":null}`, nil},
		{`{"type":"company-multi","data":null}`, nil},
		{`{"type":"dropdown-multi","data":[]}`, []Value{}},
	} {
		t.Run(c.value, func(t *testing.T) {
			var w v2Value
			if err := json.Unmarshal([]byte(c.value), &w); err != nil {
				t.Fatal(err)
			}
			got, err := w.values("value", "", DefaultMaxFieldValues)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("%d values, want %d: %+v", len(got), len(c.want), got)
			}
			for i := range got {
				if len(got[i].Raw) == 0 {
					t.Errorf("value %d has no Raw", i)
				}
				got[i].Raw = nil
				g, _ := json.Marshal(got[i])
				w, _ := json.Marshal(c.want[i])
				if string(g) != string(w) {
					t.Errorf("value %d = %s, want %s", i, g, w)
				}
			}
		})
	}
}

// A type v2 does not document, a -multi form of a type that has none, and data of
// another shape than the type are errors naming the type.
func TestV2ValuesRefuseWhatTheyCannotBe(t *testing.T) {
	for _, value := range []string{
		`{"type":"colour","data":"red"}`,
		`{"type":"datetime-multi","data":[]}`,
		`{"type":"number","data":"12"}`,
		`{"type":"number-multi","data":12}`,
		`{"type":"person","data":{"id":0}}`,
		`{"type":"company","data":{"name":"no id"}}`,
		`{"type":"ranked-dropdown","data":{"dropdownOptionId":2}}`,
		`{"type":"dropdown","data":{"text":"no id"}}`,
		`{"type":"datetime","data":"yesterday"}`,
		`{"type":"interaction","data":{"id":3}}`,
	} {
		var w v2Value
		if err := json.Unmarshal([]byte(value), &w); err != nil {
			t.Fatal(err)
		}
		if _, err := w.values("value", "", DefaultMaxFieldValues); err == nil || !strings.Contains(err.Error(), w.Type) && !strings.Contains(err.Error(), "value type") {
			t.Errorf("%s: err = %v, want one naming the type", value, err)
		}
	}
}

// Decoding a value leaves it as it was, so that a second read gives the same values:
// ListRows reads each value once to check the page and once to make the row, and a
// multi value's first element once overwrote the array it came from.
func TestV2ValuesReadTwiceGiveTheSame(t *testing.T) {
	for _, raw := range []string{`{"type":"number-multi","data":[3,4.5]}`, `{"type":"person-multi","data":[{"id":7},{"id":8}]}`,
		`{"type":"dropdown-multi","data":[{"dropdownOptionId":1,"text":"Ü"}]}`, `{"type":"number","data":3}`} {
		var w v2Value
		if err := json.Unmarshal([]byte(raw), &w); err != nil {
			t.Fatal(err)
		}
		before := string(w.Data)
		first, err1 := w.values("value", "", DefaultMaxFieldValues)
		second, err2 := w.values("value", "", DefaultMaxFieldValues)
		if err1 != nil || err2 != nil || len(first) == 0 || len(first) != len(second) || string(w.Data) != before {
			t.Errorf("%s: read %d values (%v), then %d (%v); data %s became %s", raw, len(first), err1, len(second), err2, before, w.Data)
		}
	}
}
