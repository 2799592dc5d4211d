package enrichsync_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/enrichsync"
)

// Every error of a mapping file names its file and line, all of a file's errors come
// together, and a good file reads whole.
func TestMappingErrorsNameTheirLine(t *testing.T) {
	for _, c := range []struct {
		name, doc string
		want      []string
	}{
		{"unknown top key", "fields:\n  - apollo: industry\n    field: Industry\nfeilds: []\n", []string{`m.yaml:4: unknown key "feilds"`}},
		{"unknown entry key", "fields:\n  - apollo: industry\n    feild: Industry\n", []string{`m.yaml:3: unknown key "feild"`}},
		{"misspelt member", "fields:\n  - apollo: industy\n    field: Industry\n", []string{`m.yaml:2: apollo: "industy" is not a member`, "did you mean industry?"}},
		{"a member no field holds", "fields:\n  - apollo: funding_events\n    field: Funding\n", []string{`m.yaml:2: apollo: "funding_events"`}},
		{"bad rule", "fields:\n  - apollo: industry\n    field: Industry\n    rule: sometimes\n", []string{`m.yaml:4: rule: want one of fill-empty, overwrite-own, always`}},
		{"name and id", "fields:\n  - apollo: industry\n    field: Industry\n    field_id: 12\n", []string{`m.yaml:2: both field: "Industry" and field_id: 12`}},
		{"bad id", "fields:\n  - apollo: industry\n    field_id: twelve\n", []string{`m.yaml:3: field_id: want a positive field id`}},
		{"no field", "fields:\n  - apollo: industry\n", []string{`m.yaml:2: no field:`}},
		{"twice", "fields:\n  - apollo: industry\n    field: Industry\n  - apollo: keywords\n    field: Industry\n", []string{`m.yaml:4: field Industry is filled already on line 2`}},
		{"two errors", "fields:\n  - apollo: industy\n    field: Industry\n  - apollo: city\n    rule: never\n", []string{"m.yaml:2:", "m.yaml:5:"}},
		{"null in the list", "fields:\n  - apollo: industry\n    field: Industry\n  - null\n", []string{"m.yaml:4: want an entry"}},
		{"not a mapping", "- apollo: industry\n", []string{"m.yaml:1: want a mapping with a list of entries under the key fields"}},
		{"empty", "", []string{"m.yaml:1: want a mapping"}},
		{"no fields", "fields: []\n", []string{"m.yaml:1: fields: is empty"}},
		{"alias bomb", "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\nfields: [*f]\n", []string{"m.yaml"}},
	} {
		_, err := enrichsync.ParseMapping("m.yaml", []byte(c.doc))
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, want := range c.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not say %q", c.name, err, want)
			}
		}
	}
	// A good file, with a byte-order mark, comments and names outside ASCII.
	good := "\ufeff# ours\nfields:\n  - apollo: location\n    field: Sitz der Firma\n    rule: overwrite-own\n  - apollo: founded_year\n    field_id: 4521\n"
	path := filepath.Join(t.TempDir(), "mapping.yaml")
	if err := os.WriteFile(path, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := enrichsync.ReadMapping(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Fields) != 2 || m.Fields[0].Field != "Sitz der Firma" || m.Fields[0].Rule != enrichsync.OverwriteOwn || m.Fields[1].FieldID != 4521 || m.Fields[1].Line != 6 {
		t.Errorf("read %+v", m)
	}
	if _, err := enrichsync.ReadMapping(filepath.Join(t.TempDir(), "none.yaml")); err == nil || !strings.Contains(err.Error(), "none.yaml") {
		t.Errorf("a missing file: %v", err)
	}
}

// The mapping against the live fields, before anything is read or spent: each error
// names its line, and a plan stops there.
func TestMappingIsCheckedAgainstTheLiveFields(t *testing.T) {
	w := newWorld(t, 3)
	doc := "fields:\n" +
		"  - apollo: industry\n    field: Employees\n" + // text into a number field
		"  - apollo: industry\n    field: Nonexistent\n" +
		"  - apollo: keywords\n    field: Size\n" + // a list into a single dropdown
		"  - apollo: estimated_num_employees\n    field: Stage\n" + // a number into a dropdown without ranges
		"  - apollo: location\n    field: headquarters\n" // case aside, found
	m, err := enrichsync.ParseMapping("bad.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	store, err := enrichsync.OpenStore(t.Context(), w.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	s, err := enrichsync.New(w.ap, w.af, store, m)
	if err != nil {
		t.Fatal(err)
	}
	hits := w.apollo.Hits()
	var runErr error
	for _, err := range s.Plan(t.Context(), enrichsync.Target{ListID: w.list}) {
		if err != nil {
			runErr = err
		}
	}
	if runErr == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`bad.yaml:2: apollo: industry holds text, which a number field such as "Employees" cannot take`,
		`bad.yaml:4: no field "Nonexistent"`,
		`bad.yaml:6: apollo: keywords holds a list, and dropdown "Size" takes one value`,
		`bad.yaml:8: apollo: estimated_num_employees is a number, and no option of dropdown "Stage" reads as a range`,
	} {
		if !strings.Contains(runErr.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, runErr)
		}
	}
	if strings.Contains(runErr.Error(), "bad.yaml:10") {
		t.Errorf("the field found by name, case aside, is reported: %v", runErr)
	}
	if w.apollo.Hits() != hits || w.apollo.Credits() != 0 {
		t.Errorf("a plan with a bad mapping asked Apollo %d times", w.apollo.Hits()-hits)
	}
}
