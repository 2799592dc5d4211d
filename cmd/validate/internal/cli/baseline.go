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
	partial int                    // findings a JSON report left out, whose entries it lacks
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

// baselineable reports whether f is drift a baseline may accept; unreadable input,
// failed calls and an exchange's findings cut at their bound (too-many-findings: what
// lies past the cut was never checked, so it cannot be known) are never known.
func baselineable(f contract.Finding) bool { return baselineableKind(f.Kind) }

// baselineableKind is baselineable for a kind.
func baselineableKind(kind string) bool {
	return kind != contract.KindUnreadable && kind != KindCallFailed && kind != contract.KindTooManyFindings
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
	// An editor's byte-order mark is no part of the first line, nor of the report.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	b := &baseline{}
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		var rep struct {
			Summary  Summary             `json:"summary"`
			Findings []*contract.Finding `json:"findings"`
		}
		if err := docread.JSON(path, data, &rep, lim); err != nil {
			return nil, fmt.Errorf("not a JSON report: %w", err)
		}
		b.partial = rep.Summary.OmittedFindings
		for i, f := range rep.Findings {
			if f == nil { // read as a finding of nothing, it would match nothing, unsaid
				return nil, fmt.Errorf("%s: findings[%d] is null, where a report has a finding", path, i)
			}
			if baselineable(*f) {
				b.add(entryOf(*f))
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

// baselineMatcher marks the findings a baseline knows as a run finds them, and
// remembers which entries matched, so that no finding needs to be kept for it.
type baselineMatcher struct {
	b    *baseline
	idx  baselineIndex
	used []bool
}

func (b *baseline) matcher() *baselineMatcher {
	return &baselineMatcher{b: b, idx: b.index(), used: make([]bool, len(b.entries))}
}

// match reports whether the baseline knows f; unreadable input and failed calls are
// never known.
func (m *baselineMatcher) match(f contract.Finding) bool {
	if !baselineable(f) {
		return false
	}
	j := m.idx.match(f)
	if j < 0 {
		return false
	}
	m.used[j] = true
	return true
}

// stale lists the entries that matched nothing: drift that went away, whose entry can
// go too.
func (m *baselineMatcher) stale(sel *selection) []string {
	var out []string
	for j, e := range m.b.entries {
		if !m.used[j] && sel.looksFor(e.api, e.operation, e.kind) {
			out = append(out, e.String())
		}
	}
	return out
}

// apply marks the findings of res the baseline knows, counts them, and lists the
// entries that matched nothing. A run does this as it goes (Runner.known); apply is
// for a result built from a list.
func (b *baseline) apply(res *Result) {
	m := b.matcher()
	for i := range res.Findings {
		if f := &res.Findings[i]; m.match(*f) {
			f.Known = true
			res.Summary.Known++
		}
	}
	res.Stale = append(res.Stale, m.stale(nil)...)
}

// entrySet gathers the distinct baseline entries of a run's findings, up to what a
// baseline file may hold (maxBaselineBytes, which --baseline reads): past that, over is
// set and nothing more is kept.
type entrySet struct {
	seen  map[baselineEntry]bool
	list  []baselineEntry
	bytes int
	over  bool
}

func (s *entrySet) add(e baselineEntry) {
	if s.over || s.seen[e] {
		return
	}
	n := len(e.String()) + 1
	if len(baselineHeader)+s.bytes+n > maxBaselineBytes {
		s.over = true
		return
	}
	if s.seen == nil {
		s.seen = map[baselineEntry]bool{}
	}
	s.seen[e] = true
	s.list = append(s.list, e)
	s.bytes += n
}

// entriesOf is the entry set of a list of findings.
func entriesOf(fs []contract.Finding) *entrySet {
	s := &entrySet{}
	for _, f := range fs {
		if baselineable(f) {
			s.add(entryOf(f))
		}
	}
	return s
}

// writeBaseline writes the baseline of entries: one entry per operation, kind,
// location and pointer with indices generalized, sorted. It refuses a set that went
// over what a baseline file may hold, as --baseline could not read the file back.
func writeBaseline(path string, entries *entrySet) error {
	if entries.over {
		return fmt.Errorf("the findings have more distinct entries than a baseline file holds (%d MiB, which --baseline reads); nothing written: fix or --exclude the worst drift first", maxBaselineBytes>>20)
	}
	lines := make([]string, len(entries.list))
	for i, e := range entries.list {
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
