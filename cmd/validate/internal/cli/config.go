package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/orgapis/orgapis/internal/docread"
	"github.com/orgapis/orgapis/internal/terminal"
)

// DefaultConfig is the file validate check reads its flags from when --config names
// none and the working directory holds one: the repository's own settings, which
// flags on the command line override.
const DefaultConfig = ".validate.yaml"

// configKeys are the keys a configuration file takes, each the name of the flag it
// sets (a list's key is plural: operations for --operation).
var configKeys = map[string]string{
	"api": "api", "spec": "spec", "strict": "strict", "requests": "requests", "format": "format",
	"report": "report", "operations": "operation", "skip-operations": "skip-operation", "severity": "severity",
	"workers": "workers", "allow-empty": "allow-empty", "include": "include", "exclude": "exclude",
	"baseline": "baseline", "quiet": "quiet", "coverage": "coverage", "overlays": "overlay",
	"min-coverage": "min-coverage", "max-document-bytes": "max-document-bytes", "max-findings": "max-findings",
	"max-findings-per-rule": "max-findings-per-rule", "max-findings-per-exchange": "max-findings-per-exchange",
}

// mapKeys are the keys whose value may be a mapping, each pair set as KEY=VALUE.
var mapKeys = []string{"severity", "min-coverage"}

// listKeys are the keys whose value may be a list: those of repeatable flags, and the
// mappings (whose pairs a list may give as KEY=VALUE strings).
var listKeys = []string{"report", "operations", "skip-operations", "include", "exclude", "overlays", "severity", "min-coverage"}

// readConfig applies the configuration file --config names (named, or DefaultConfig
// when there is one) to the flags of fl the command line did not set, and returns
// where each was set; false when the file is wrong, said on stderr as command's. A
// file read without being asked for is said too, since it may name files to write.
func readConfig(fl *flag.FlagSet, config, command string, stderr io.Writer) (map[string][]configValue, bool) {
	path, named := configPath(config)
	if path == "" {
		return nil, true
	}
	setIn, err := applyConfig(fl, path, named)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", command, err)
		return nil, false
	}
	if !named {
		fmt.Fprintf(stderr, "%s: settings from %s\n", command, path)
	}
	return setIn, true
}

// applyConfig sets, from the configuration file at path, every flag of fl the command
// line did not set, and returns where each was set, as FILE:LINE, for errors found
// later. Without --config (named false) a missing default file is no error. Every error
// names the file and line, and an unknown key the keys there are.
func applyConfig(fl *flag.FlagSet, path string, named bool) (setIn map[string][]configValue, err error) {
	data, err := docread.ReadFile(path, docread.Default())
	if err != nil {
		if !named && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("--config %w", err)
	}
	if line := secondDocument(data); line > 0 {
		return nil, fmt.Errorf("%s:%d: a second YAML document; a configuration file holds one", path, line)
	}
	root, err := docread.YAML(path, data, docread.Default())
	if err != nil {
		return nil, fmt.Errorf("--config %w", err)
	}
	if root == nil || root.Kind == 0 || (root.Kind == yaml.DocumentNode && len(root.Content) == 0) {
		return nil, nil // an empty file sets nothing
	}
	doc := root
	if doc.Kind == yaml.DocumentNode {
		doc = doc.Content[0]
	}
	if doc.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want a mapping of settings, such as strict: true", path, doc.Line)
	}
	onCommandLine := map[string]bool{}
	fl.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	seen := map[string]bool{}
	setIn = map[string][]configValue{}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		name, ok := configKeys[k.Value]
		switch {
		case k.Kind != yaml.ScalarNode || !ok:
			return nil, fmt.Errorf("%s:%d: unknown key \"%s\" (known: %s)", path, k.Line, terminal.Safe(k.Value), strings.Join(slices.Sorted(maps.Keys(configKeys)), ", "))
		case seen[k.Value]:
			return nil, fmt.Errorf("%s:%d: %s is set twice", path, k.Line, k.Value)
		}
		seen[k.Value] = true
		if onCommandLine[name] || fl.Lookup(name) == nil {
			// Set on the command line, or a setting of another command (validate proxy
			// reads the file validate check does, and leaves it --include and the like).
			continue
		}
		var values []string
		var lines []int
		switch {
		case v.Kind == yaml.ScalarNode && v.Tag != "!!null":
			values, lines = []string{v.Value}, []int{v.Line}
		case v.Kind == yaml.SequenceNode && slices.Contains(listKeys, k.Value):
			for _, item := range v.Content {
				if item.Kind != yaml.ScalarNode || item.Tag == "!!null" {
					return nil, fmt.Errorf("%s:%d: %s: want a list of values", path, item.Line, k.Value)
				}
				values, lines = append(values, item.Value), append(lines, item.Line)
			}
		case v.Kind == yaml.MappingNode && slices.Contains(mapKeys, k.Value):
			for j := 0; j+1 < len(v.Content); j += 2 {
				mk, mv := v.Content[j], v.Content[j+1]
				if mk.Kind != yaml.ScalarNode || mv.Kind != yaml.ScalarNode || mv.Tag == "!!null" {
					return nil, fmt.Errorf("%s:%d: %s: want KIND: VALUE pairs", path, mk.Line, k.Value)
				}
				values, lines = append(values, mk.Value+"="+mv.Value), append(lines, mk.Line)
			}
		default:
			want := "one value"
			switch {
			case slices.Contains(mapKeys, k.Value):
				want = "a value, a list or a mapping"
			case slices.Contains(listKeys, k.Value):
				want = "a value or a list"
			}
			return nil, fmt.Errorf("%s:%d: %s: want %s", path, v.Line, k.Value, want)
		}
		for j, value := range values {
			if err := fl.Set(name, value); err != nil {
				return nil, fmt.Errorf("%s:%d: %s: %v", path, lines[j], k.Value, err)
			}
			setIn[name] = append(setIn[name], configValue{value, fmt.Sprintf("%s:%d", path, lines[j])})
		}
	}
	return setIn, nil
}

// configPath is the file to read: --config's, else the default when there is one.
func configPath(given string) (string, bool) {
	if given != "" {
		return given, true
	}
	if _, err := os.Stat(DefaultConfig); err == nil {
		return DefaultConfig, false
	}
	return "", false
}

// configValue is one value a configuration file gave a flag, and where, as FILE:LINE.
type configValue struct{ value, at string }

// whereSet adds to a usage error about a flag the configuration set where it did so:
// the line of the value the message quotes, else of the flag's last value.
func whereSet(err error, setIn map[string][]configValue) error {
	var u usageError
	if !errors.As(err, &u) {
		return err
	}
	for name, values := range setIn {
		if !strings.HasPrefix(u.msg, "--"+name+" ") && !strings.HasPrefix(u.msg, "--"+name+":") {
			continue
		}
		at := values[len(values)-1].at
		for _, v := range values {
			if strings.Contains(u.msg, fmt.Sprintf("%q", v.value)) || strings.Contains(u.msg, " "+v.value+":") {
				at = v.at
				break
			}
		}
		return usageError{u.msg + " (set in " + at + ")"}
	}
	return err
}

// secondDocument is the line of a document marker (--- or ...) that follows content,
// 0 for none: the file would hold a second document, which the reader, reading the
// first, would otherwise leave unread, its mistakes and all. A marker inside a block
// scalar is one too; a configuration has no use for one there.
func secondDocument(data []byte) int {
	content := false
	for i, line := range strings.Split(string(data), "\n") {
		t := strings.TrimRight(strings.TrimPrefix(line, "\ufeff"), " \t\r")
		marker := t == "---" || t == "..." || strings.HasPrefix(t, "--- ") || strings.HasPrefix(t, "... ") || strings.HasPrefix(t, "---\t")
		switch {
		case marker && content:
			return i + 1
		case marker, t == "", strings.HasPrefix(strings.TrimSpace(t), "#"), strings.HasPrefix(t, "%"):
		default:
			content = true
		}
	}
	return 0
}
