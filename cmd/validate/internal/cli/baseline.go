package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/docread"
	"github.com/orgapis/orgapis/specs"
)

// A baseline lists known drift: findings that are reported as known and do not fail a
// run. Its file is either an earlier JSON report, or a baseline file, which
// --write-baseline writes and people edit: one entry a line, five fields separated by
// tabs (api, operation, kind, location, pointer), where a pointer segment * matches any
// segment, so /organizations/*/domain stands for every element. Both APIs have
// operations of the same name (getOrganization), so an entry names its API; a line of
// the first format, without it, still reads and matches either, with a warning.
const baselineHeader = "# orgapis validate baseline 2: api<TAB>operation<TAB>kind<TAB>location<TAB>pointer; a * segment matches any\n"

type baselineEntry struct {
	api                                string // "" matches either API (a line of the first format)
	operation, kind, location, pointer string
}

func (e baselineEntry) String() string {
	fields := []string{e.operation, e.kind, e.location, e.pointer}
	if e.api != "" {
		fields = append([]string{e.api}, fields...)
	}
	return strings.Join(fields, "\t")
}

type baseline struct {
	entries []baselineEntry
	legacy  int                    // lines without an API, which match either
	seen    map[baselineEntry]bool // for add, so that reading stays linear
}

// maxBaselineBytes bounds a baseline file by default (--max-document-bytes raises it);
// a real one is a few KiB, a JSON report of many findings a few MiB.
const maxBaselineBytes = 16 << 20

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
	return baselineEntry{f.API, operationKey(f), f.Kind, f.Location, generalize(f.Pointer)}
}

// baselineable reports whether f is drift a baseline may accept; unreadable input
// and failed calls are never known.
func baselineable(f contract.Finding) bool {
	return f.Kind != contract.KindUnreadable && f.Kind != KindCallFailed
}

// baselineIndex finds the entry a finding matches in time that does not grow with the
// number of entries: entries are grouped by what must match exactly and by where their
// pointer has * segments (its shape), and a finding, masked by each shape of its group,
// is one map look-up per shape.
type baselineIndex struct {
	shapes  map[shapeKey][]string // the wildcard masks present for an exact key
	entries map[patternKey]int    // the entry of each pattern
}

type shapeKey struct {
	api, operation, kind, location string
	segments                       int
}

type patternKey struct {
	shapeKey
	mask, pointer string
}

// wildcardMask marks the * segments of a pointer: "0100" for /a/*/b split as "", a, *, b.
func wildcardMask(segments []string) string {
	mask := make([]byte, len(segments))
	for i, s := range segments {
		mask[i] = '0'
		if s == "*" {
			mask[i] = '1'
		}
	}
	return string(mask)
}

func (b *baseline) index() baselineIndex {
	idx := baselineIndex{shapes: map[shapeKey][]string{}, entries: map[patternKey]int{}}
	for j, e := range b.entries {
		segs := strings.Split(e.pointer, "/")
		sk := shapeKey{e.api, e.operation, e.kind, e.location, len(segs)}
		mask := wildcardMask(segs)
		if !slices.Contains(idx.shapes[sk], mask) {
			idx.shapes[sk] = append(idx.shapes[sk], mask)
		}
		idx.entries[patternKey{sk, mask, e.pointer}] = j // entries are distinct: add keeps one of each
	}
	return idx
}

// match is the first entry (in file order) that knows f, or -1: one of f's API, or
// one that names none.
func (idx baselineIndex) match(f contract.Finding) int {
	best := -1
	for _, api := range []string{f.API, ""} {
		if j := idx.matchAPI(f, api); j >= 0 && (best < 0 || j < best) {
			best = j
		}
		if f.API == "" {
			break
		}
	}
	return best
}

func (idx baselineIndex) matchAPI(f contract.Finding, api string) int {
	segs := strings.Split(f.Pointer, "/")
	sk := shapeKey{api, operationKey(f), f.Kind, f.Location, len(segs)}
	best := -1
	masked := make([]string, len(segs))
	for _, mask := range idx.shapes[sk] {
		for i, s := range segs {
			masked[i] = s
			if mask[i] == '1' {
				masked[i] = "*"
			}
		}
		if j, ok := idx.entries[patternKey{sk, mask, strings.Join(masked, "/")}]; ok && (best < 0 || j < best) {
			best = j
		}
	}
	return best
}

// readBaseline reads a JSON report or a baseline file, saying which line is wrong. It
// reads only a regular file (a FIFO or a device is refused before it is opened, as it
// could block or never end) of at most maxBaselineBytes.
func readBaseline(path string) (*baseline, error) {
	return readBaselineWithin(path, documentLimits(maxBaselineBytes))
}

// readBaselineWithin is readBaseline through the bounded reader with lim, the
// command's limits.
func readBaselineWithin(path string, lim docread.Limits) (*baseline, error) {
	data, err := docread.ReadFile(path, lim)
	if err != nil {
		return nil, err
	}
	b := &baseline{}
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		var rep struct {
			Findings []contract.Finding `json:"findings"`
		}
		if err := docread.JSON(path, data, &rep, lim); err != nil {
			return nil, fmt.Errorf("not a JSON report: %w", err)
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
		_, apiErr := specs.ParseAPI(fields[0])
		switch {
		case apiErr == nil && len(fields) >= 3 && len(fields) <= 5:
			// Location and pointer are empty for some kinds, and an editor that trims
			// trailing white space takes their tabs: they may be left out.
			fields = append(fields, "", "")[:5]
			b.add(baselineEntry{fields[0], fields[1], fields[2], fields[3], fields[4]})
		case len(fields) == 5:
			return nil, fmt.Errorf("%s:%d: first field: %w", path, line, apiErr)
		case len(fields) == 4:
			b.legacy++
			b.add(baselineEntry{"", fields[0], fields[1], fields[2], fields[3]})
		default:
			return nil, fmt.Errorf("%s:%d: want 5 fields separated by tabs (api, operation, kind, location, pointer), found %d", path, line, len(fields))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

func (b *baseline) add(e baselineEntry) {
	if b.seen == nil {
		b.seen = map[baselineEntry]bool{}
	}
	if !b.seen[e] {
		b.seen[e] = true
		b.entries = append(b.entries, e)
	}
}

// readBounded reads a regular file of at most limit bytes.
func readBounded(path string, limit int64) ([]byte, error) {
	return docread.ReadFile(path, documentLimits(limit))
}

// apply marks the findings the baseline knows, counts them, and lists the entries that
// matched nothing: drift that went away, whose entry can go too.
func (b *baseline) apply(res *Result) {
	used := make([]bool, len(b.entries))
	idx := b.index()
	for i := range res.Findings {
		f := &res.Findings[i]
		if !baselineable(*f) {
			continue
		}
		if j := idx.match(*f); j >= 0 {
			f.Known, used[j] = true, true
			res.Summary.Known++
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
