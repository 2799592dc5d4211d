package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every bad flag is a usage error (exit 2) naming the flag, before anything is sent.
func TestBadFlagsNameTheFlag(t *testing.T) {
	f := newFixture(t)
	list := fmt.Sprint(f.list)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "--list", list, "--budget", "-1"}, "--budget -1"},
		{[]string{"apply", "--list", list, "--budget", "lots"}, `invalid value "lots" for flag --budget`},
		{[]string{"apply", "--list", list, "--budget", "1000001"}, "--budget 1000001"},
		{[]string{"plan", "--list", list, "--ttl", "0"}, "--ttl 0"},
		{[]string{"plan", "--list", list, "--ttl", "5x"}, `invalid value "5x" for flag --ttl`},
		{[]string{"plan", "--list", list, "--ttl", "-3d"}, `for flag --ttl`},
		{[]string{"apply", "--list", list, "--deadline", "-5m"}, "--deadline -5m"},
		{[]string{"plan", "--list", list, "--format", "xml"}, `--format "xml"`},
		{[]string{"plan", "--list", "-3"}, "--list -3"},
		{[]string{"plan", "--list", "x"}, `invalid value "x" for flag --list`},
		{[]string{"plan", "--all-organizations", "--saved-view", "7"}, "--saved-view"},
		{[]string{"plan", "--list", list, "--saved-view", "-7"}, "--saved-view -7"},
		{[]string{"plan", "--list", list, "--list-name", "Pipeline"}, "--list, --list-name and --all-organizations"},
		{[]string{"plan"}, "no target: give --list ID, --list-name NAME or --all-organizations"},
		{[]string{"plan", "--lsit", list}, "flag provided but not defined: --lsit"},
		{[]string{"plan", "--list", list, "Pipeline"}, `unexpected argument "Pipeline"`},
		{[]string{"plan", "--list", list, "--apollo-base-url", "ftp://example.com"}, `--apollo-base-url "ftp://example.com"`},
		{[]string{"plan", "--list", list, "--affinity-base-url", "localhost:8080"}, `--affinity-base-url "localhost:8080"`},
		{[]string{"plan", "--list", list, "--mapping", ""}, "--mapping"},
		{[]string{"plan", "--list", list, "--db", ""}, "--db"},
		{[]string{"log", "--limit", "0"}, "--limit 0"},
		{[]string{"log", "--limit", "10001"}, "--limit 10001"},
		{[]string{"log", "--since", "yesterday"}, `--since "yesterday"`},
		{[]string{"log", "--org", "not a domain!"}, `--org "not a domain!"`},
		{[]string{"log", "--state", "done"}, `--state "done"`},
		{[]string{"log", "--run", "-1"}, "--run -1"},
		{[]string{"log", "--format", "csv"}, `--format "csv"`},
		{[]string{"log", "--db", filepath.Join(f.dir, "none.db")}, "--db: no store at"},
		{[]string{"demo", "--format", "yaml"}, `--format "yaml"`},
		{[]string{"demo", "extra"}, `unexpected argument "extra"`},
		{[]string{"example", "--mapping", "x"}, "flag provided but not defined: --mapping"},
		{[]string{"version", "now"}, `unexpected arguments ["now"]`},
		{[]string{"help", "plan", "apply"}, "help takes one command"},
		{[]string{"help", "sync"}, `unknown command "sync"`},
		{[]string{"sync"}, `unknown command "sync"`},
	} {
		r := f.run(t, false, c.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%q: want exit 2 and %q\n%s", c.args, c.want, r)
		}
		if r.stdout != "" {
			t.Errorf("%q: a usage error wrote to stdout: %q", c.args, r.stdout)
		}
	}
	if f.ap.Hits() != 0 || f.ap.Credits() != 0 {
		t.Errorf("usage errors sent %d requests to Apollo", f.ap.Hits())
	}
	if _, err := os.Stat(filepath.Join(f.dir, "none.db")); !os.IsNotExist(err) {
		t.Errorf("log made the store it was asked to read: %v", err)
	}
}

// A missing key is a usage error naming the variable; nothing is sent.
func TestMissingKeyNamesTheVariable(t *testing.T) {
	f := newFixture(t)
	hits := f.aff.Hits()
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"AFFINITY_API_KEY": plantedAffinityKey}, "APOLLO_API_KEY is not set"},
		{map[string]string{"APOLLO_API_KEY": plantedApolloKey}, "AFFINITY_API_KEY is not set"},
		{map[string]string{}, "APOLLO_API_KEY and AFFINITY_API_KEY are not set"},
	} {
		f.env = c.env
		for _, mode := range []string{"plan", "apply"} {
			r := f.run(t, false, append([]string{mode, "--budget", "5"}, f.target()...)...)
			if r.code != exitUsage || !strings.Contains(r.stderr, c.want) || !strings.Contains(r.stderr, "nothing was read or sent") {
				t.Errorf("%s with %v: %s", mode, c.env, r)
			}
		}
	}
	if f.ap.Hits() != 0 || f.aff.Hits() != hits {
		t.Errorf("without a key, %d requests reached Apollo and %d Affinity", f.ap.Hits(), f.aff.Hits()-hits)
	}
}

// A bad mapping: each bad line printed as FILE:LINE on a line of its own, exit 2, and
// nothing spent: whether the file does not parse or does not fit the live fields.
func TestBadMappingNamesFileAndLine(t *testing.T) {
	f := newFixture(t)
	bad := filepath.Join(f.dir, "bad.yaml")
	write := func(doc string) {
		if err := os.WriteFile(bad, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	target := []string{"--list", fmt.Sprint(f.list), "--db", f.db, "--apollo-base-url", f.ap.URL, "--affinity-base-url", f.aff.URL, "--mapping", bad, "--budget", "100"}
	lineRE := func(line int) *regexp.Regexp {
		return regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(bad) + fmt.Sprintf(`:%d: [^\n]+$`, line))
	}

	// Parsing: two bad entries, a bad key; nothing is sent at all.
	write("fields:\n  - apollo: industy\n    field: Industry\n  - apollo: city\n    field: City\n    rule: sometimes\nextra: 1\n")
	hits := f.aff.Hits()
	r := f.run(t, false, append([]string{"apply"}, target...)...)
	if r.code != exitUsage || !strings.Contains(r.stderr, "the mapping has 3 problems; nothing was written or spent") {
		t.Fatalf("a mapping that does not parse: %s", r)
	}
	at := -1
	for _, line := range []int{2, 6, 7} {
		loc := lineRE(line).FindStringIndex(r.stderr)
		if loc == nil {
			t.Errorf("no line for %s:%d:\n%s", bad, line, r.stderr)
			continue
		}
		if loc[0] < at {
			t.Errorf("%s:%d is not in the order of the file:\n%s", bad, line, r.stderr)
		}
		at = loc[0]
	}
	if f.aff.Hits() != hits || f.ap.Hits() != 0 {
		t.Errorf("a mapping that does not parse sent requests")
	}

	// The live fields: a field that is not there, and a text into a number.
	write("fields:\n  - apollo: industry\n    field: Employees\n  - apollo: city\n    field: Nonexistent\n  - apollo: founded_year\n    field: Founded\n")
	for _, mode := range []string{"plan", "apply"} {
		r = f.run(t, false, append([]string{mode}, target...)...)
		if r.code != exitUsage || !lineRE(2).MatchString(r.stderr) || !lineRE(4).MatchString(r.stderr) || lineRE(6).MatchString(r.stderr) {
			t.Errorf("%s, a mapping that does not fit the list: %s", mode, r)
		}
		if !strings.Contains(r.stderr, `no field "Nonexistent"`) {
			t.Errorf("%s: the missing field is not named:\n%s", mode, r.stderr)
		}
	}
	if f.ap.Credits() != 0 || f.ap.Hits() != 0 {
		t.Errorf("a mapping that does not fit spent %d credits in %d requests", f.ap.Credits(), f.ap.Hits())
	}

	// All organizations take global fields only: each of the example's list fields is
	// named by its line, its global field (Industry) is not.
	r = f.run(t, false, "plan", "--all-organizations", "--mapping", f.mapping, "--db", f.db, "--apollo-base-url", f.ap.URL, "--affinity-base-url", f.aff.URL)
	if r.code != exitUsage {
		t.Errorf("the example mapping over all organizations: %s", r)
	}
	for i, l := range strings.Split(exampleMapping, "\n") {
		if !strings.HasPrefix(l, "  - apollo: ") {
			continue
		}
		named := strings.Contains(r.stderr, fmt.Sprintf("%s:%d: ", f.mapping, i+1))
		if global := strings.Contains(l, "apollo: industry"); named == global {
			t.Errorf("line %d (%s): named %v, a global field %v:\n%s", i+1, l, named, global, r.stderr)
		}
	}

	// No mapping file where the default is looked for: a hint to the example.
	t.Chdir(f.dir)
	if err := os.Remove(f.mapping); err != nil {
		t.Fatal(err)
	}
	r = f.run(t, false, "plan", "--list", fmt.Sprint(f.list), "--apollo-base-url", f.ap.URL, "--affinity-base-url", f.aff.URL)
	if r.code != exitUsage || !strings.Contains(r.stderr, "no mapping file enrichsync.yaml") || !strings.Contains(r.stderr, "enrichsync example > enrichsync.yaml") {
		t.Errorf("no enrichsync.yaml: %s", r)
	}
}

// A list by name, case aside; a name that is no list is a usage error naming the
// lists there are; a saved view narrows the list.
func TestListByNameAndSavedView(t *testing.T) {
	f := newFixture(t)
	base := []string{"--mapping", f.mapping, "--db", f.db, "--apollo-base-url", f.ap.URL, "--affinity-base-url", f.aff.URL, "--budget", "100"}
	r := f.run(t, false, append([]string{"plan", "--list-name", "pipeline"}, base...)...)
	if r.code != exitOK || !strings.Contains(r.stdout, fmt.Sprintf("plan of list %d \"Pipeline\"", f.list)) {
		t.Errorf("--list-name pipeline: %s", r)
	}
	r = f.run(t, false, append([]string{"plan", "--list-name", "Deal Flow"}, base...)...)
	if r.code != exitUsage || !strings.Contains(r.stderr, "--list-name") || !strings.Contains(r.stderr, "Pipeline") {
		t.Errorf("--list-name Deal Flow: %s", r)
	}
	// Every list of the fake has one saved view, of id the list's times ten plus one.
	view := fmt.Sprint(f.list*10 + 1)
	r = f.run(t, false, append([]string{"plan", "--list", fmt.Sprint(f.list), "--saved-view", view}, base...)...)
	if r.code != exitOK || !strings.Contains(r.stdout, "saved view "+view) {
		t.Errorf("--saved-view %s: %s", view, r)
	}
	if f.ap.Credits() != 0 {
		t.Errorf("plans spent %d credits", f.ap.Credits())
	}
}

// Every organization, with a mapping of global fields: read through v2 and written
// through v1.
func TestAllOrganizations(t *testing.T) {
	f := newFixture(t)
	global := filepath.Join(f.dir, "global.yaml")
	if err := os.WriteFile(global, []byte("fields:\n  - apollo: industry\n    field: Industry\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"apply", "--all-organizations", "--mapping", global, "--db", f.db, "--apollo-base-url", f.ap.URL, "--affinity-base-url", f.aff.URL, "--budget", "100", "--format", "jsonl"}
	r := f.run(t, false, args...)
	if r.code != exitOK {
		t.Fatalf("all organizations: %s", r)
	}
	sum := summaryOf(t, parseJSONL(t, r.stdout), "")
	// Acme's industry is a person's: seven of the eight companies are written.
	if sum.Organizations != 8 || sum.Changed != 7 || sum.ValuesWritten != 7 {
		t.Errorf("all organizations: %+v", sum)
	}
}
