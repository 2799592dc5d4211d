// Command breaking is the breaking-change gate: it compares each spec with the same
// file at the last release (the newest v* tag, or, before the first release, the
// spec's first version) through oasdiff, and fails on a breaking change that the
// allow-list does not name. Each run first proves the gate can fail: a copy of each
// spec with a required response member removed must be reported.
//
//	breaking -oasdiff PATH -allowed specs/breaking-changes.txt specs/apollo.yaml specs/affinity.yaml
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("breaking", flag.ContinueOnError)
	oasdiff := fl.String("oasdiff", "oasdiff", "the oasdiff binary")
	allowed := fl.String("allowed", "", "the allow-list: one accepted change a line, as oasdiff's --err-ignore reads it")
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
		// The gate must be able to fail: a required response member removed is breaking.
		broken := filepath.Join(tmp, "broken-"+filepath.Base(spec))
		member, err := removeRequiredMember(spec, broken)
		if err != nil {
			fmt.Fprintf(stderr, "breaking: %s: self-test: %v\n", spec, err)
			return 2
		}
		if out, failed, err := diff(*oasdiff, spec, broken, *allowed); err != nil || !failed {
			fmt.Fprintf(stderr, "breaking: %s: self-test: removing %s was not reported as breaking (%v)\n%s", spec, member, err, out)
			return 2
		}
		out, failed, err := diff(*oasdiff, old, spec, *allowed)
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

// diff runs oasdiff breaking and reports whether it found a breaking change the
// allow-list does not name.
func diff(oasdiff, base, revision, allowed string) (string, bool, error) {
	cmd := exec.Command(oasdiff, "breaking", base, revision, "--fail-on", "WARN", "--err-ignore", allowed, "--warn-ignore", allowed, "--format", "singleline")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 {
		return out.String(), true, nil
	}
	return out.String(), false, err
}

// removeRequiredMember writes spec with the first required member of the first
// component schema that has one removed, and names it.
func removeRequiredMember(spec, to string) (string, error) {
	src, err := os.ReadFile(spec)
	if err != nil {
		return "", err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return "", err
	}
	schemas := lookup(lookup(doc.Content[0], "components"), "schemas")
	if schemas == nil {
		return "", errors.New("no components.schemas")
	}
	for i := 0; i+1 < len(schemas.Content); i += 2 {
		name, schema := schemas.Content[i].Value, schemas.Content[i+1]
		required, props := lookup(schema, "required"), lookup(schema, "properties")
		if required == nil || props == nil || len(required.Content) == 0 {
			continue
		}
		member := required.Content[0].Value
		required.Content = required.Content[1:]
		for j := 0; j+1 < len(props.Content); j += 2 {
			if props.Content[j].Value == member {
				props.Content = append(props.Content[:j], props.Content[j+2:]...)
				break
			}
		}
		out, err := yaml.Marshal(&doc)
		if err != nil {
			return "", err
		}
		return name + "." + member, os.WriteFile(to, out, 0o600)
	}
	return "", errors.New("no schema with a required member")
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
