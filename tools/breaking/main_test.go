package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// oasdiffBinary is the oasdiff the Makefile pins and installs, ORGAPIS_OASDIFF if set
// (make breaking sets it, so there a missing binary fails the test). Without either,
// the test is skipped: it needs the real oasdiff, and tests fetch nothing.
func oasdiffBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("ORGAPIS_OASDIFF"); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			t.Fatalf("ORGAPIS_OASDIFF: %v", err)
		}
		return bin
	}
	makefile, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^OASDIFF_VERSION := (\S+)$`).FindSubmatch(makefile)
	if m == nil {
		t.Fatal("the Makefile pins no OASDIFF_VERSION")
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			t.Skip("no home directory to find the Makefile's oasdiff in")
		}
		cache = filepath.Join(home, ".cache")
	}
	bin := filepath.Join(cache, "orgapis", "bin", "oasdiff-"+string(m[1]))
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("%s is not installed; make breaking installs it and runs this test", bin)
	}
	return bin
}

// base is a spec small enough to read: a response type Thing with an optional member
// (name), an enum (status) and a number (score), and a request type NewThing.
const base = `openapi: 3.0.3
info: {title: planted, version: "1"}
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: The thing.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
  /things:
    post:
      operationId: createThing
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewThing'}
      responses:
        "204":
          description: Created.
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: string}
        name: {type: string}
        status: {type: string, enum: [active, archived]}
        score: {type: number}
    NewThing:
      type: object
      required: [name]
      properties:
        name: {type: string}
        note: {type: string}
        kind: {type: string, enum: [a, b]}
        count: {type: integer}
`

// repo makes a git repository in a temporary directory with base committed as
// spec.yaml, makes it the working directory, and returns the levels file's path.
func repo(t *testing.T) string {
	t.Helper()
	levels, err := filepath.Abs("../../specs/breaking-levels.txt")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	write(t, "spec.yaml", base)
	write(t, "allowed.txt", "# nothing allowed\n")
	for _, args := range [][]string{{"init", "-q"}, {"add", "spec.yaml"}, {"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base"}} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return levels
}

func write(t *testing.T, name, text string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// change replaces old with new in base, and fails if old is not there: a case that
// changes nothing would pass for the wrong reason.
func change(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(base, old) {
		t.Fatalf("the planted spec has no %q", old)
	}
	return strings.Replace(base, old, new, 1)
}

// gateRun runs the gate on spec.yaml against the committed base.
func gateRun(bin string, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"-oasdiff", bin, "-allowed", "allowed.txt", "-base", "HEAD"}, append(args, "spec.yaml")...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// Each change generated Go code feels fails the gate, reported by the check named;
// the changes it does not feel pass.
func TestGateCountsWhatGeneratedCodeFeels(t *testing.T) {
	bin := oasdiffBinary(t)
	cases := []struct {
		name, old, new string
		want           string // the check that fails the gate; "" when it must pass
	}{
		{"an optional response member removed", "        name: {type: string}\n        status:", "        status:", "response-optional-property-removed"},
		{"a response enum value removed", "enum: [active, archived]", "enum: [active]", "response-property-enum-value-removed"},
		{"a request enum value removed", "enum: [a, b]", "enum: [a]", "request-property-enum-value-removed"},
		{"a new required request member", "      required: [name]\n      properties:\n        name: {type: string}\n",
			"      required: [name, owner]\n      properties:\n        owner: {type: string}\n        name: {type: string}\n", "new-required-request-property"},
		{"a request member made required", "required: [name]", "required: [name, note]", "request-property-became-required"},
		{"a response type narrowed", "score: {type: number}", "score: {type: integer}", "response-property-type-specialized"},
		{"a request type widened", "count: {type: integer}", "count: {type: number}", "request-property-type-generalized"},
		{"a request member made optional", "required: [name]", "required: []", "request-property-became-optional"},
		{"an optional response member added", "        score: {type: number}\n", "        score: {type: number}\n        nickname: {type: string}\n", ""},
		{"an optional request member added", "        note: {type: string}\n", "        note: {type: string}\n        tag: {type: string}\n", ""},
		{"a request enum value added", "enum: [a, b]", "enum: [a, b, c]", ""},
		{"a description changed", "description: The thing.", "description: The thing, as stored.", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			levels := repo(t)
			write(t, "spec.yaml", change(t, c.old, c.new))
			code, stdout, stderr := gateRun(bin, "-levels", levels)
			if c.want == "" {
				if code != 0 || !strings.Contains(stdout, "no breaking change since HEAD") || !strings.Contains(stdout, "removing Thing.name is caught") {
					t.Fatalf("exit %d, want 0\n%s%s", code, stdout, stderr)
				}
				return
			}
			if code != 1 || !strings.Contains(stdout, "["+c.want+"]") || !strings.Contains(stdout, "that allowed.txt does not name") {
				t.Fatalf("exit %d, want 1 with [%s]\n%s%s", code, c.want, stdout, stderr)
			}
		})
	}
}

// The allow-list still works with the levels: the removal's line lets it through, and
// a line that names another member does not. (The self-test reads the allow-list too,
// so a list that would let every removal through stops the gate.)
func TestAllowListNamesARemovedResponseMember(t *testing.T) {
	bin := oasdiffBinary(t)
	levels := repo(t)
	write(t, "spec.yaml", change(t, "        name: {type: string}\n        status:", "        status:"))
	write(t, "allowed.txt", "GET /things/{id} removed the optional property `score` from the response with the `200` status\n")
	if code, stdout, stderr := gateRun(bin, "-levels", levels); code != 1 {
		t.Fatalf("another member allowed: exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	write(t, "allowed.txt", "# name moved\nGET /things/{id} removed the optional property `name` from the response with the `200` status\n")
	if code, stdout, stderr := gateRun(bin, "-levels", levels); code != 0 {
		t.Fatalf("the removal allowed: exit %d, want 0\n%s%s", code, stdout, stderr)
	}
}

// Without the levels oasdiff rates the removal as information and passes it; the gate
// then refuses to run, since its self-test is not caught, rather than pass.
func TestWithoutTheLevelsTheGateRefusesToRun(t *testing.T) {
	bin := oasdiffBinary(t)
	repo(t)
	write(t, "spec.yaml", change(t, "        name: {type: string}\n        status:", "        status:"))
	g := gate{oasdiff: bin, allowed: "allowed.txt"}
	baseFile := filepath.Join(t.TempDir(), "base.yaml")
	write(t, baseFile, base)
	if out, failed, err := g.diff(baseFile, "spec.yaml"); err != nil || failed {
		t.Fatalf("oasdiff alone: failed %v, %v; it rates the removal as information, so the levels are what catch it\n%s", failed, err, out)
	}
	code, stdout, stderr := gateRun(bin)
	if code != 2 || !strings.Contains(stderr, "self-test: removing Thing.status was not reported as a failing response-optional-property-removed") {
		t.Fatalf("no levels: exit %d, want 2 naming the self-test\n%s%s", code, stdout, stderr)
	}
}

// A levels file oasdiff cannot read (an id it does not know) stops the gate; one with
// nothing in it too.
func TestBadLevelsStopTheGate(t *testing.T) {
	bin := oasdiffBinary(t)
	repo(t)
	for name, text := range map[string]string{
		"unknown id": "# a typo\nresponse-optional-property-remove err\n",
		"only notes": "# nothing\n\n",
	} {
		write(t, "levels.txt", text)
		if code, stdout, stderr := gateRun(bin, "-levels", "levels.txt"); code != 2 {
			t.Errorf("%s: exit %d, want 2\n%s%s", name, code, stdout, stderr)
		}
	}
}

// failing reads oasdiff's JSON report: warnings and errors count, information not.
func TestFailingReadsOasdiffsReport(t *testing.T) {
	ids, _, err := failing([]byte(`[{"id":"a","level":3},{"id":"b","level":1},{"id":"c","level":2},{"id":"a","level":3}]`))
	if err != nil || !slices.Equal(ids, []string{"a", "c"}) {
		t.Fatalf("got %v, %v; want [a c]", ids, err)
	}
	if ids, _, err := failing([]byte(`null`)); err != nil || ids != nil {
		t.Fatalf("no change: got %v, %v", ids, err)
	}
	if _, _, err := failing([]byte(`not json`)); err == nil {
		t.Fatal("a report that is not JSON was read")
	}
}
