package enrichsync_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/enrichsync"
)

// Hostile mapping files: each is refused with an error naming the file and line (or
// the file, for one refused whole), never a panic and never a silent choice.
func TestHostileMappingFiles(t *testing.T) {
	many := "fields:\n"
	for i := range enrichsync.MaxMappedFields + 1 {
		many += "  - apollo: industry\n    field: F" + strings.Repeat("x", i) + "\n"
	}
	deep := "fields: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n"
	for _, c := range []struct {
		name, doc string
		want      []string
	}{
		{"more fields than allowed", many, []string{"m.yaml:2:", "at most 50"}},
		{"a list as a value", "fields:\n  - apollo: [industry]\n    field: Industry\n", []string{"m.yaml:2: apollo: want a single value"}},
		{"a mapping as fields", "fields:\n  apollo: industry\n", []string{"m.yaml:2: fields: want a list"}},
		{"deep nesting", deep, []string{"m.yaml"}},
		{"not UTF-8", "fields:\n  - apollo: industry\n    field: \xff\xfe\n", []string{"m.yaml"}},
		{"a tab for indent", "fields:\n\t- apollo: industry\n", []string{"m.yaml"}},
		{"field id zero", "fields:\n  - apollo: industry\n    field_id: 0\n", []string{"m.yaml:3: field_id: want a positive field id"}},
		{"field id too big", "fields:\n  - apollo: industry\n    field_id: 99999999999999999999\n", []string{"m.yaml:3: field_id: want a positive field id"}},
		{"field id as text", "fields:\n  - apollo: industry\n    field_id: \"12\"\n", []string{"m.yaml:3: field_id: want a positive field id"}},
		{"same field id twice", "fields:\n  - apollo: industry\n    field_id: 12\n  - apollo: city\n    field_id: 12\n", []string{"m.yaml:4: field 12 is filled already on line 2"}},
		{"same field named twice", "fields:\n  - apollo: industry\n    field: Industry\n  - apollo: city\n    field: Industry\n", []string{"m.yaml:4: field Industry is filled already on line 2"}},
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
}

// A mapping file larger than a mapping can be is refused by its size, before it is
// parsed, naming the file; one just under passes the size check.
func TestAHugeMappingFile(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.yaml")
	body := "fields:\n  - apollo: industry\n    field: Industry\n# " + strings.Repeat("x", 300<<10) + "\n"
	if err := os.WriteFile(huge, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := enrichsync.ReadMapping(huge); err == nil || !strings.Contains(err.Error(), "huge.yaml") {
		t.Errorf("a 300 KiB mapping: %v", err)
	}
	if _, err := enrichsync.ParseMapping("huge.yaml", []byte(body)); err == nil || !strings.Contains(err.Error(), "huge.yaml") {
		t.Errorf("a 300 KiB mapping parsed from bytes: %v", err)
	}
	fine := filepath.Join(dir, "fine.yaml")
	body = "fields:\n  - apollo: industry\n    field: Industry\n# " + strings.Repeat("x", 200<<10) + "\n"
	if err := os.WriteFile(fine, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := enrichsync.ReadMapping(fine); err != nil {
		t.Errorf("a 200 KiB mapping: %v", err)
	}
}

// Against the live fields: a field by an id that does not exist, one field named by
// name and by id, or in two cases, each names its line, and nothing is spent.
func TestHostileMappingAgainstTheLiveFields(t *testing.T) {
	w := newWorld(t, 2)
	industry := w.fields["Industry"]
	// A list field named as a global one, and a field of another list.
	twin, err := w.affinity.AddField(w.list, "Industry", 6, false)
	if err != nil {
		t.Fatal(err)
	}
	otherList, err := w.affinity.AddList("Other", 1000)
	if err != nil {
		t.Fatal(err)
	}
	elsewhere, err := w.affinity.AddField(otherList, "Elsewhere", 6, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ doc, want string }{
		{"fields:\n  - apollo: industry\n    field: Industry\n", "mapping.yaml:2: 2 fields named \"Industry\" (ids " + itoa(twin.ID) + ", " + itoa(industry.ID) + "); name the one to fill by field_id"},
		{"fields:\n  - apollo: industry\n    field_id: " + itoa(elsewhere.ID) + "\n", "mapping.yaml:2: no field of id " + itoa(elsewhere.ID)},
		{"fields:\n  - apollo: industry\n    field_id: 424242\n", "mapping.yaml:2: no field of id 424242"},
		{"fields:\n  - apollo: industry\n    field: Stage\n  - apollo: city\n    field: STAGE\n", "mapping.yaml:4: field \"Stage\" (id " + itoa(w.fields["Stage"].ID) + ") is filled by another line too"},
		{"fields:\n  - apollo: industry\n    field: Stage\n  - apollo: latest_funding_stage\n    field_id: " + itoa(w.fields["Stage"].ID) + "\n", "mapping.yaml:4: field \"Stage\" (id " + itoa(w.fields["Stage"].ID) + ") is filled by another line too"},
	} {
		_, _, err := run(w.syncerWith(t, c.doc).Plan(t.Context(), enrichsync.Target{ListID: w.list}))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.doc, err, c.want)
		}
	}
	if w.apollo.Hits() != 0 || w.apollo.Credits() != 0 {
		t.Errorf("a bad mapping asked Apollo %d times", w.apollo.Hits())
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A key given twice (in an entry, or fields: itself) is an error naming the line of
// the second, never the last one silently taken.
func TestAMappingKeyGivenTwice(t *testing.T) {
	for _, c := range []struct{ name, doc, want string }{
		{"field twice in an entry", "fields:\n  - apollo: industry\n    field: Industry\n    field: Other\n", `m.yaml:4: field: given twice (first on line 3)`},
		{"apollo twice in an entry", "fields:\n  - apollo: industry\n    apollo: city\n    field: Industry\n", `m.yaml:3: apollo: given twice (first on line 2)`},
		{"fields twice", "fields:\n  - apollo: industry\n    field: Industry\nfields:\n  - apollo: city\n    field: City\n", `m.yaml:4: fields: given twice (first on line 1)`},
	} {
		_, err := enrichsync.ParseMapping("m.yaml", []byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// A file written on Windows (a byte-order mark, CRLF line ends) reads as the same file
// with LF, and its errors name the same lines.
func TestAMappingWithCRLF(t *testing.T) {
	lf := "# ours\nfields:\n  - apollo: industry\n    field: Industry\n  - apollo: industy\n    field: Other\n"
	crlf := "\ufeff" + strings.ReplaceAll(lf, "\n", "\r\n")
	_, errLF := enrichsync.ParseMapping("m.yaml", []byte(lf))
	_, errCRLF := enrichsync.ParseMapping("m.yaml", []byte(crlf))
	if errLF == nil || errCRLF == nil || errLF.Error() != errCRLF.Error() || !strings.Contains(errCRLF.Error(), "m.yaml:5:") {
		t.Errorf("LF: %v\nCRLF: %v", errLF, errCRLF)
	}
	good := strings.ReplaceAll("fields:\n  - apollo: industry\n    field: Industry\n    rule: always\n", "\n", "\r\n")
	m, err := enrichsync.ParseMapping("m.yaml", []byte(good))
	if err != nil || len(m.Fields) != 1 || m.Fields[0].Field != "Industry" || m.Fields[0].Rule != enrichsync.Always || m.Fields[0].Line != 2 {
		t.Errorf("%+v, %v", m, err)
	}
}
