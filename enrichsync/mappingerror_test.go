package enrichsync_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/enrichsync"
)

// onePerLine is a problem of a mapping file: its file and line, then what is wrong, on
// one line.
var onePerLine = regexp.MustCompile(`^[a-z.]+\.yaml:\d+: [^\n]+$`)

// A bad mapping is a *MappingError whose problems are one per bad line, each naming its
// file and line, whether the file does not parse, New refuses it, or a run finds it
// does not fit the live fields; a good mapping is no error at all.
func TestMappingErrorListsEachBadLine(t *testing.T) {
	problems := func(t *testing.T, err error, want ...string) {
		t.Helper()
		var me *enrichsync.MappingError
		if !errors.As(err, &me) {
			t.Fatalf("%v (%T) is not a *MappingError", err, err)
		}
		if len(me.Problems) != len(want) {
			t.Fatalf("%d problems, want %d: %q", len(me.Problems), len(want), me.Error())
		}
		for i, p := range me.Problems {
			if !onePerLine.MatchString(p.Error()) || !strings.HasPrefix(p.Error(), want[i]) {
				t.Errorf("problem %d: %q, want one line starting %q", i, p, want[i])
			}
		}
		if me.Error() != strings.Join(func() []string {
			var s []string
			for _, p := range me.Problems {
				s = append(s, p.Error())
			}
			return s
		}(), "\n") {
			t.Errorf("Error() is not the problems one to a line: %q", me.Error())
		}
	}

	// Parsing: errors of several entries and of one entry's several keys, flattened;
	// an entry with a key refused is checked for the rest too (entry 2 names no field).
	_, err := enrichsync.ParseMapping("m.yaml", []byte("fields:\n  - apollo: industy\n    field: Industry\n  - apollo: city\n    rule: never\n    colour: red\n"))
	problems(t, err, "m.yaml:5:", "m.yaml:6:", "m.yaml:4: no field", "m.yaml:2:")
	// A refused rule and a misspelt member in one entry: both said, the rule once; a
	// member that is not one value is refused, and not said missing.
	_, err = enrichsync.ParseMapping("m.yaml", []byte("fields:\n  - apollo: industri\n    rule: bogus\n    field: Ïndustry\n  - apollo: [a, b]\n    rule: always\n"))
	problems(t, err, "m.yaml:3: rule: want", "m.yaml:2: apollo: \"industri\" is not", "m.yaml:5: apollo: want a single value", "m.yaml:5: no field")
	_, err = enrichsync.ParseMapping("m.yaml", []byte("fields: [\n"))
	var me *enrichsync.MappingError
	if !errors.As(err, &me) || len(me.Problems) != 1 || !strings.Contains(err.Error(), "m.yaml") {
		t.Errorf("YAML that does not parse: %v", err)
	}
	if m, err := enrichsync.ParseMapping("m.yaml", []byte("fields:\n  - apollo: industry\n    field: Industry\n")); err != nil || len(m.Fields) != 1 {
		t.Errorf("a good mapping: %v, %+v", err, m)
	}

	// New: a mapping made in code.
	w := newWorld(t, 2)
	store, err := enrichsync.OpenStore(t.Context(), w.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	_, err = enrichsync.New(w.ap, w.af, store, enrichsync.Mapping{Name: "code.yaml", Fields: []enrichsync.FieldMap{
		{Apollo: "industry", Field: "Industry", Line: 3}, {Apollo: "nope", Field: "Other", Line: 9}}})
	problems(t, err, "code.yaml:9:")

	// A run: the live fields.
	m, err := enrichsync.ParseMapping("live.yaml", []byte("fields:\n  - apollo: industry\n    field: Employees\n  - apollo: city\n    field: Nonexistent\n  - apollo: industry\n    field: Industry\n"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := enrichsync.New(w.ap, w.af, store, m)
	if err != nil {
		t.Fatal(err)
	}
	var runErr error
	for _, err := range s.Plan(t.Context(), enrichsync.Target{ListID: w.list}) {
		if err != nil {
			runErr = err
		}
	}
	problems(t, runErr, "live.yaml:2:", "live.yaml:4:")
}
