package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "validate.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A configuration file sets flags: scalars, lists and the severity mapping; a flag on
// the command line overrides its key, and the rest of the file still holds.
func TestConfigFileSetsFlagsAndTheCommandLineOverrides(t *testing.T) {
	cfg := writeConfig(t, "\ufeff# the repository's settings\nstrict: true\noperations:\n  - updateOrganization\nseverity:\n  undocumented-field: warning\n  body: warning\nformat: json\n")
	r := cli(t, nil, "--config", cfg, "testdata/recordings")
	if r.code != 0 || !strings.Contains(r.stdout, `"warnings": 2`) || !strings.Contains(r.stdout, `"not_selected": 13`) {
		t.Errorf("from the file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// --severity on the command line replaces the file's mapping; --format too.
	r = cli(t, nil, "--config", cfg, "--severity", "undocumented-field=warning", "--format", "text", "testdata/recordings")
	if r.code != 1 || !strings.Contains(r.stdout, "(warning)") || !strings.Contains(r.stdout, "found 42\n") || !strings.Contains(r.stdout, "updateOrganization (") {
		t.Errorf("overridden: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The same with the file as the working directory's default.
	dir := t.TempDir()
	data, _ := os.ReadFile(cfg)
	if err := os.WriteFile(filepath.Join(dir, DefaultConfig), data, 0o644); err != nil {
		t.Fatal(err)
	}
	recordings, _ := filepath.Abs(filepath.Join(root, "testdata", "recordings"))
	t.Chdir(dir)
	var out, errOut strings.Builder
	if code := Run(t.Context(), []string{recordings}, strings.NewReader(""), &out, &errOut); code != 0 || !strings.Contains(out.String(), `"warnings": 2`) {
		t.Errorf("the default file: exit %d\n%s%s", code, out.String(), errOut.String())
	}
}

// Bad files name the file and line: an unknown key (with the keys there are), a key
// twice, a value of the wrong shape, a value its flag refuses, a missing --config; an
// empty file sets nothing.
func TestConfigFileErrorsNameTheLine(t *testing.T) {
	for _, c := range []struct {
		text, says string
	}{
		{"strict: true\nstrickt: true\n", `:2: unknown key "strickt" (known: allow-empty, api, baseline,`},
		{"strict: true\nstrict: false\n", ":2: strict is set twice"},
		{"operations:\n  - [a]\n", ":2: operations: want a list of values"},
		{"operations:\n  - null\n", ":2: operations: want a list of values"},
		{"strict: {a: 1}\n", ":1: strict: want one value"},
		{"include: {a: 1}\n", ":1: include: want a value or a list"},
		{"severity:\n  body: fatal\n", `:2: severity: "body=fatal": want a level of error, warning, off`},
		{"workers: 1000\n", "--workers 1000: want 1 to 256, or 0 for all cores (set in "},
		{"operations: [nosuch]\n", `--operation "nosuch"`},
		{"- strict\n", ":1: want a mapping of settings"},
		{"api: ~\n", ":1: api: want one value"},
		{"\"\\u001b[31m\": 1\n", `unknown key "\x1b[31m"`},
		{"strïct: true\n", `unknown key "strïct"`},
	} {
		cfg := writeConfig(t, c.text)
		r := cli(t, nil, "--config", cfg, "testdata/recordings")
		if r.code != 2 || !strings.Contains(r.stderr, c.says) || r.stdout != "" {
			t.Errorf("%q: exit %d, stderr %q, want it to say %q", c.text, r.code, r.stderr, c.says)
		}
		if !strings.Contains(c.says, "--operation") && !strings.Contains(r.stderr, cfg+":") {
			t.Errorf("%q: the error does not name the file: %q", c.text, r.stderr)
		}
	}
	if r := cli(t, nil, "--config", filepath.Join(t.TempDir(), "none.yaml"), "testdata/recordings"); r.code != 2 || !strings.Contains(r.stderr, "--config") {
		t.Errorf("a missing --config: exit %d, %q", r.code, r.stderr)
	}
	if r := cli(t, nil, "--config", writeConfig(t, ""), "testdata/recordings"); r.code != 1 {
		t.Errorf("an empty file: exit %d, %q", r.code, r.stderr)
	}
	bomb := "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	if r := cli(t, nil, "--config", writeConfig(t, bomb), "testdata/recordings"); r.code != 2 || r.stdout != "" {
		t.Errorf("an alias bomb: exit %d, %q", r.code, r.stderr)
	}
}
