package validatecmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/orgapis/orgapis/contract"
)

// A baseline lists known drift: findings that are reported as known and do not fail a
// run. Its file is either an earlier JSON report, or a baseline file, which
// --write-baseline writes and people edit: one entry a line, four fields separated by
// tabs (operation, kind, location, pointer), where a pointer segment * matches any
// segment, so /organizations/*/domain stands for every element.
const baselineHeader = "# orgapis validate baseline 1: operation<TAB>kind<TAB>location<TAB>pointer; a * segment matches any\n"

type baselineEntry struct {
	operation, kind, location, pointer string
}

func (e baselineEntry) String() string {
	return strings.Join([]string{e.operation, e.kind, e.location, e.pointer}, "\t")
}

type baseline struct {
	entries []baselineEntry
}

var arrayIndex = regexp.MustCompile(`/[0-9]+(/|$)`)

// generalize replaces the array indices of a pointer with *.
func generalize(pointer string) string {
	for {
		next := arrayIndex.ReplaceAllString(pointer, "/*$1")
		if next == pointer {
			return next
		}
		pointer = next
	}
}

// operationKey names a finding's operation, or the undocumented endpoint it hit.
func operationKey(f contract.Finding) string {
	if f.OperationID != "" {
		return f.OperationID
	}
	return fmt.Sprintf("(undocumented) %s %s %s", f.API, f.Method, f.Path)
}

// entryOf is the baseline entry that covers f.
func entryOf(f contract.Finding) baselineEntry {
	return baselineEntry{operationKey(f), f.Kind, f.Location, generalize(f.Pointer)}
}

// baselineable reports whether f is drift a baseline may accept; unreadable input
// and failed calls are never known.
func baselineable(f contract.Finding) bool {
	return f.Kind != contract.KindUnreadable && f.Kind != KindCallFailed
}

func (e baselineEntry) matches(f contract.Finding) bool {
	if e.operation != operationKey(f) || e.kind != f.Kind || e.location != f.Location {
		return false
	}
	want, got := strings.Split(e.pointer, "/"), strings.Split(f.Pointer, "/")
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if want[i] != "*" && want[i] != got[i] {
			return false
		}
	}
	return true
}

// readBaseline reads a JSON report or a baseline file, saying which line is wrong.
func readBaseline(path string) (*baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b := &baseline{}
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		var rep struct {
			Findings []contract.Finding `json:"findings"`
		}
		if err := json.Unmarshal(data, &rep); err != nil {
			return nil, fmt.Errorf("%s: not a JSON report: %w", path, err)
		}
		for _, f := range rep.Findings {
			if baselineable(f) {
				b.add(entryOf(f))
			}
		}
		return b, nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Split(text, "\t")
		if len(fields) != 4 {
			return nil, fmt.Errorf("%s:%d: want 4 fields separated by tabs (operation, kind, location, pointer), found %d", path, line, len(fields))
		}
		b.add(baselineEntry{fields[0], fields[1], fields[2], fields[3]})
	}
	return b, sc.Err()
}

func (b *baseline) add(e baselineEntry) {
	if !slices.Contains(b.entries, e) {
		b.entries = append(b.entries, e)
	}
}

// apply marks the findings the baseline knows, counts them, and lists the entries that
// matched nothing: drift that went away, whose entry can go too.
func (b *baseline) apply(res *Result) {
	used := make([]bool, len(b.entries))
	for i := range res.Findings {
		f := &res.Findings[i]
		if !baselineable(*f) {
			continue
		}
		for j, e := range b.entries {
			if e.matches(*f) {
				f.Known, used[j] = true, true
				res.Summary.Known++
				break
			}
		}
	}
	for j, e := range b.entries {
		if !used[j] {
			res.Stale = append(res.Stale, e.String())
		}
	}
}

// writeBaseline writes the baseline that makes res known: one entry per operation,
// kind, location and pointer with indices generalized, sorted.
func writeBaseline(path string, res Result) error {
	var b baseline
	for _, f := range res.Findings {
		if baselineable(f) {
			b.add(entryOf(f))
		}
	}
	lines := make([]string, len(b.entries))
	for i, e := range b.entries {
		lines[i] = e.String()
	}
	slices.Sort(lines)
	var out strings.Builder
	out.WriteString(baselineHeader)
	for _, l := range lines {
		out.WriteString(l + "\n")
	}
	return os.WriteFile(path, []byte(out.String()), 0o644)
}
