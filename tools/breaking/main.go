// Command breaking is the breaking-change gate: it compares each spec with the same
// file at the last release (the newest v* tag, or, before the first release, the
// spec's first version) through oasdiff, and fails on a breaking change that the
// allow-list does not name. The levels file raises the checks oasdiff rates as
// information but generated Go code feels (a response member removed, a response enum
// value removed, a narrowed type, ...) to errors, through oasdiff's own
// --severity-levels. Each run first proves the gate can fail with those levels: a copy
// of each spec with an optional member of a response removed must be reported as
// response-optional-property-removed, which oasdiff alone rates as information.
//
//	breaking -oasdiff PATH -levels specs/breaking-levels.txt -allowed specs/breaking-changes.txt specs/apollo.yaml specs/affinity.yaml
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("breaking", flag.ContinueOnError)
	oasdiff := fl.String("oasdiff", "oasdiff", "the oasdiff binary")
	allowed := fl.String("allowed", "", "the allow-list: one accepted change a line, as oasdiff's --err-ignore reads it")
	levelsFile := fl.String("levels", "", "check ids and the level each is raised to, one a line, as oasdiff's --severity-levels reads them; # comments and blank lines allowed")
	base := fl.String("base", "", "the git revision to compare with (default: the newest v* tag, else each spec's first version)")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	specs := fl.Args()
	if len(specs) == 0 || *allowed == "" {
		fmt.Fprintln(stderr, "breaking: give -allowed and at least one spec; nothing was checked")
		return 2
	}
	tmp, err := os.MkdirTemp("", "breaking")
	if err != nil {
		fmt.Fprintln(stderr, "breaking:", err)
		return 2
	}
	defer os.RemoveAll(tmp)
	levels := ""
	if *levelsFile != "" {
		levels = filepath.Join(tmp, "levels.txt")
		if err := stripComments(*levelsFile, levels); err != nil {
			fmt.Fprintln(stderr, "breaking:", err)
			return 2
		}
	}
	g := gate{oasdiff: *oasdiff, allowed: *allowed, levels: levels}
	code := 0
	for _, spec := range specs {
		ref := *base
		if ref == "" {
			ref = releaseRef(spec)
		}
		if ref == "" {
			fmt.Fprintf(stderr, "breaking: %s: no release tag and no first version in git history (a shallow clone?); nothing was checked\n", spec)
			return 2
		}
		old := filepath.Join(tmp, "base-"+filepath.Base(spec))
		if err := gitShow(ref, spec, old); err != nil {
			fmt.Fprintf(stderr, "breaking: %s at %s: %v\n", spec, ref, err)
			return 2
		}
		// The gate must be able to fail, with the levels: an optional response member
		// removed is breaking, and reported as that.
		broken := filepath.Join(tmp, "broken-"+filepath.Base(spec))
		member, err := removeOptionalResponseMember(spec, broken)
		if err != nil {
			fmt.Fprintf(stderr, "breaking: %s: self-test: %v\n", spec, err)
			return 2
		}
		if ids, out, err := g.ids(spec, broken); err != nil || !slices.Contains(ids, selfTestID) {
			fmt.Fprintf(stderr, "breaking: %s: self-test: removing %s was not reported as a failing %s (%v; failing: %s)\n%s", spec, member, selfTestID, err, strings.Join(ids, ", "), out)
			return 2
		}
		out, failed, err := g.diff(old, spec)
		switch {
		case err != nil:
			fmt.Fprintf(stderr, "breaking: %s: %v\n%s", spec, err, out)
			return 2
		case failed:
			fmt.Fprintf(stdout, "%s: breaking changes since %s that %s does not name:\n%s\n", spec, ref, *allowed, out)
			code = 1
		default:
			fmt.Fprintf(stdout, "%s: no breaking change since %s beyond %s (and removing %s is caught)\n", spec, ref, *allowed, member)
		}
	}
	if code != 0 {
		fmt.Fprintf(stdout, "If a change is meant, name it in CHANGELOG.md's unreleased section and add its line above to %s.\n", *allowed)
	}
	return code
}

// releaseRef is the newest v* tag, or the commit that added spec.
func releaseRef(spec string) string {
	if out, err := exec.Command("git", "describe", "--tags", "--abbrev=0", "--match", "v*").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	out, err := exec.Command("git", "log", "--diff-filter=A", "--format=%H", "--", spec).Output()
	if err != nil {
		return ""
	}
	lines := strings.Fields(string(out))
	if len(lines) == 0 {
		return ""
	}
	return lines[len(lines)-1]
}

func gitShow(ref, path, to string) error {
	out, err := exec.Command("git", "show", ref+":"+filepath.ToSlash(path)).Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("git show: %s", bytes.TrimSpace(exit.Stderr))
		}
		return err
	}
	return os.WriteFile(to, out, 0o600)
}

// selfTestID is the check the self-test's planted change must be reported as: one
// oasdiff rates as information, so only the levels make it fail.
const selfTestID = "response-optional-property-removed"

// gate is one way of running oasdiff breaking: the binary, the allow-list and the
// levels file (comments stripped; empty for oasdiff's own levels).
type gate struct{ oasdiff, allowed, levels string }

func (g gate) command(base, revision, format string) *exec.Cmd {
	args := []string{"breaking", base, revision, "--fail-on", "WARN", "--err-ignore", g.allowed, "--warn-ignore", g.allowed, "--format", format}
	if g.levels != "" {
		args = append(args, "--severity-levels", g.levels)
	}
	return exec.Command(g.oasdiff, args...)
}

// diff runs oasdiff breaking and reports whether it found a breaking change the
// allow-list does not name.
func (g gate) diff(base, revision string) (string, bool, error) {
	cmd := g.command(base, revision, "singleline")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 {
		return out.String(), true, nil
	}
	return out.String(), false, err
}

// ids runs oasdiff breaking and lists the ids of the changes that fail the gate
// (warnings and errors the allow-list does not name); out is what oasdiff wrote to
// standard error.
func (g gate) ids(base, revision string) (ids []string, out string, err error) {
	cmd := g.command(base, revision, "json")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 {
		err = nil
	}
	if err != nil {
		return nil, stderr.String(), err
	}
	return failing(stdout.Bytes())
}

// failing lists the ids of the changes in oasdiff's JSON report at level warning or
// error, the levels --fail-on WARN fails on; oasdiff writes a level as its number.
func failing(report []byte) ([]string, string, error) {
	var changes []struct {
		ID    string `json:"id"`
		Level int    `json:"level"`
	}
	if err := json.Unmarshal(report, &changes); err != nil {
		return nil, string(report), fmt.Errorf("oasdiff's JSON report: %w", err)
	}
	var ids []string
	for _, c := range changes {
		if c.Level >= levelWarn && !slices.Contains(ids, c.ID) {
			ids = append(ids, c.ID)
		}
	}
	return ids, "", nil
}

// levelWarn is oasdiff's number for a warning (INFO 1, WARN 2, ERR 3).
const levelWarn = 2

// stripComments writes the levels file without its comments and blank lines, which
// oasdiff's --severity-levels refuses; oasdiff checks each id and level itself.
func stripComments(from, to string) error {
	f, err := os.Open(from)
	if err != nil {
		return err
	}
	defer f.Close()
	var b strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if line = strings.TrimSpace(line); line != "" {
			b.WriteString(line + "\n")
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	if b.Len() == 0 {
		return fmt.Errorf("%s: no level in it", from)
	}
	return os.WriteFile(to, []byte(b.String()), 0o600)
}

// removeOptionalResponseMember writes spec with one optional member removed from the
// JSON schema of a success response (after $refs, in the component that declares it),
// and names it: the first operation's first 2xx response whose schema has one.
func removeOptionalResponseMember(spec, to string) (string, error) {
	src, err := os.ReadFile(spec)
	if err != nil {
		return "", err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return "", err
	}
	if len(doc.Content) == 0 {
		return "", errors.New("an empty document")
	}
	root := doc.Content[0]
	paths := lookup(root, "paths")
	if paths == nil {
		return "", errors.New("no paths")
	}
	for i := 0; i+1 < len(paths.Content); i += 2 {
		item := paths.Content[i+1]
		for j := 0; j+1 < len(item.Content); j += 2 {
			responses := lookup(item.Content[j+1], "responses")
			if responses == nil {
				continue
			}
			for k := 0; k+1 < len(responses.Content); k += 2 {
				if !strings.HasPrefix(responses.Content[k].Value, "2") {
					continue
				}
				schema := lookup(lookup(lookup(resolve(root, responses.Content[k+1]), "content"), "application/json"), "schema")
				name, schema := schemaName(root, schema)
				member, ok := removeOptional(schema)
				if !ok {
					continue
				}
				out, err := yaml.Marshal(&doc)
				if err != nil {
					return "", err
				}
				return strings.TrimPrefix(name, "components/schemas/") + "." + member, os.WriteFile(to, out, 0o600)
			}
		}
	}
	return "", errors.New("no success response whose schema has an optional member")
}

// removeOptional removes the first member of schema's properties that its required
// list does not name, and names it.
func removeOptional(schema *yaml.Node) (string, bool) {
	props := lookup(schema, "properties")
	if props == nil {
		return "", false
	}
	var required []string
	if r := lookup(schema, "required"); r != nil {
		for _, n := range r.Content {
			required = append(required, n.Value)
		}
	}
	for j := 0; j+1 < len(props.Content); j += 2 {
		if member := props.Content[j].Value; !slices.Contains(required, member) {
			props.Content = append(props.Content[:j], props.Content[j+2:]...)
			return member, true
		}
	}
	return "", false
}

// maxRefHops bounds the local $refs followed from one node, for cycles.
const maxRefHops = 16

// resolve follows n's local $refs (#/a/b) to the node they name.
func resolve(root, n *yaml.Node) *yaml.Node {
	_, n = schemaName(root, n)
	return n
}

// schemaName follows n's local $refs and names the last one's target ("inline" when n
// is no $ref).
func schemaName(root, n *yaml.Node) (string, *yaml.Node) {
	name := "inline"
	for range maxRefHops {
		ref := lookup(n, "$ref")
		if ref == nil || !strings.HasPrefix(ref.Value, "#/") {
			break
		}
		name = strings.TrimPrefix(ref.Value, "#/")
		n = root
		for _, part := range strings.Split(name, "/") {
			n = lookup(n, strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~"))
		}
	}
	return name, n
}

func lookup(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
