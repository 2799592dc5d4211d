package cli

import (
	"cmp"
	"container/heap"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/orgapis/orgapis/contract"
)

// A run counts every finding and keeps a bounded part of them, so that its memory
// follows the limits below and not the number of entries: a million findings cost what
// ten thousand do. What is kept:
//
//   - a sample of whole findings: the first ones in source and entry order, at most
//     maxPerRule of each operation and kind and at most maxFindings in all; the JSON,
//     SARIF and JUnit reports list these, and the text report its unreadable input;
//   - the groups of the text report (findings alike but for array indices and source),
//     each with its exact count and first sources, at most maxFindings groups;
//   - exact counts: every finding, those a baseline knows, those of each kind.
//
// The reports say how many findings they leave out and the flag that lists more.
const (
	defaultMaxFindings = 10000
	defaultMaxPerRule  = 1000
	// maxFieldBytes cuts a kept finding's texts (a pointer or path built from what a
	// recording holds), so that a kept finding costs a bounded amount too.
	maxFieldBytes = 1024
)

// findingLimits are the bounds of what a run keeps of its findings, and of what the
// validators find in one exchange (perExchange, contract.WithMaxFindings: past it an
// exchange's check stops and says so with a finding of kind too-many-findings).
type findingLimits struct {
	max, perRule, perExchange int
}

func defaultLimits() findingLimits {
	return findingLimits{max: defaultMaxFindings, perRule: defaultMaxPerRule, perExchange: contract.DefaultMaxFindings}
}

// ruleKey is what the per-rule bound counts by: an API's operation (undocumented
// endpoints are one) and a kind of finding.
type ruleKey struct{ api, operation, kind string }

// kept is a finding of the sample, with its place in both heaps.
type kept struct {
	f    contract.Finding
	seq  int // its place among its exchange's findings
	rule ruleKey
	pos  [2]int // index in the global heap, in its rule's heap
}

// before orders findings as reports list them: by source, entry, and place within the
// exchange; what is left (equal findings of one entry) by content, so that the order
// never depends on which check finished first.
func before(a, b *kept) bool {
	if c := cmp.Or(strings.Compare(a.f.Source, b.f.Source), cmp.Compare(a.f.Entry, b.f.Entry), cmp.Compare(a.seq, b.seq),
		strings.Compare(a.f.Kind, b.f.Kind), strings.Compare(a.f.Pointer, b.f.Pointer), strings.Compare(a.f.Found, b.f.Found)); c != 0 {
		return c < 0
	}
	return false
}

// keptHeap is a max-heap of kept findings (the last in report order on top); which
// says which of a finding's two positions it maintains.
type keptHeap struct {
	items []*kept
	which int
}

func (h *keptHeap) Len() int           { return len(h.items) }
func (h *keptHeap) Less(i, j int) bool { return before(h.items[j], h.items[i]) }
func (h *keptHeap) Swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.items[i].pos[h.which], h.items[j].pos[h.which] = i, j
}
func (h *keptHeap) Push(x any) {
	k := x.(*kept)
	k.pos[h.which] = len(h.items)
	h.items = append(h.items, k)
}
func (h *keptHeap) Pop() any {
	k := h.items[len(h.items)-1]
	h.items[len(h.items)-1] = nil
	h.items = h.items[:len(h.items)-1]
	return k
}

// sample keeps, of the findings added in any order, exactly those a pass over all of
// them in report order would keep: a finding is kept when fewer than perRule of its
// rule and fewer than max in all were kept before it. A finding left out once is never
// kept later (more findings only fill the quotas earlier), so the sample needs nothing
// but what it holds: a heap of all it keeps and one per rule, each with the last
// finding on top.
type sample struct {
	limits findingLimits
	all    keptHeap
	rules  map[ruleKey]*keptHeap
}

func newSample(l findingLimits) *sample {
	return &sample{limits: l, all: keptHeap{which: 0}, rules: map[ruleKey]*keptHeap{}}
}

func (s *sample) add(k *kept) {
	rh := s.rules[k.rule]
	if rh != nil && rh.Len() >= s.limits.perRule {
		// The rule's quota is full: k takes the place of its rule's last finding if it
		// comes before it (which leaves the total as it was), and is left out if not.
		last := rh.items[0]
		if !before(k, last) {
			return
		}
		s.remove(last)
		s.push(k)
		return
	}
	if s.all.Len() >= s.limits.max {
		last := s.all.items[0]
		if !before(k, last) {
			return
		}
		s.remove(last)
	}
	s.push(k)
}

func (s *sample) push(k *kept) {
	rh := s.rules[k.rule]
	if rh == nil {
		rh = &keptHeap{which: 1}
		s.rules[k.rule] = rh
	}
	heap.Push(&s.all, k)
	heap.Push(rh, k)
}

func (s *sample) remove(k *kept) {
	heap.Remove(&s.all, k.pos[0])
	rh := s.rules[k.rule]
	heap.Remove(rh, k.pos[1])
	if rh.Len() == 0 {
		delete(s.rules, k.rule)
	}
}

// findings is the sample in report order.
func (s *sample) findings() []contract.Finding {
	ks := slices.Clone(s.all.items)
	slices.SortFunc(ks, func(a, b *kept) int {
		if before(a, b) {
			return -1
		}
		if before(b, a) {
			return 1
		}
		return 0
	})
	out := make([]contract.Finding, len(ks))
	for i, k := range ks {
		out[i] = k.f
	}
	return out
}

// groupKey is what findings of one text-report line share: their operation (the
// group title), kind, location, pointer with indices generalized, what was expected,
// and the known mark. Findings that differ in what was expected stay apart.
type groupKey struct {
	title, kind, location, pointer, expected string
	known                                    bool
}

func groupKeyOf(f contract.Finding) groupKey {
	return groupKey{groupTitle(f), f.Kind, f.Location, generalize(f.Pointer), f.Expected, f.Known}
}

// clustered reports whether findings of f's kind are grouped: unreadable input and
// failed calls are listed one by one.
func clustered(f contract.Finding) bool {
	return f.Kind != contract.KindUnreadable && f.Kind != KindCallFailed
}

// findingSet is everything a run keeps of its findings; see the comment at the top.
type findingSet struct {
	limits findingLimits
	sample *sample

	total, known int
	// warned counts the findings of a warning severity that no baseline knows.
	warned int
	byKind map[string]int

	groups    map[groupKey]*findingCluster
	ungrouped int // findings of groups past the limit

	// matcher marks what a baseline knows, as findings arrive; nil without one.
	matcher *baselineMatcher
	// entries gathers the baseline entries of the findings, for --write-baseline; nil
	// when none is written.
	entries *entrySet
}

func newFindingSet(l findingLimits) *findingSet {
	return &findingSet{limits: l, sample: newSample(l), byKind: map[string]int{}, groups: map[groupKey]*findingCluster{}}
}

// add folds in the findings of one exchange (or one unreadable entry), in the
// validator's order.
func (s *findingSet) add(fs []contract.Finding) {
	var inThis map[*findingCluster]bool // the groups this exchange already counts in
	for i, f := range fs {
		if s.matcher != nil && baselineable(f) && s.matcher.match(f) {
			f.Known = true
		}
		if s.entries != nil && baselineable(f) {
			s.entries.add(entryOf(f))
		}
		s.total++
		s.byKind[f.Kind]++
		if f.Known {
			s.known++
		} else if f.Severity == "warning" {
			s.warned++
		}
		f = clip(f)
		s.sample.add(&kept{f: f, seq: i, rule: ruleKey{f.API, f.OperationID, f.Kind}})
		if !clustered(f) {
			continue
		}
		c := s.group(f)
		if c == nil {
			s.ungrouped++
			continue
		}
		if inThis == nil {
			inThis = map[*findingCluster]bool{}
		}
		c.fold(f, i, !inThis[c])
		inThis[c] = true
	}
}

// group is f's group, made if there is room for one more.
func (s *findingSet) group(f contract.Finding) *findingCluster {
	key := groupKeyOf(f)
	c := s.groups[key]
	if c == nil {
		if len(s.groups) >= s.limits.max {
			return nil
		}
		c = &findingCluster{first: f, pointer: f.Pointer}
		s.groups[key] = c
	}
	return c
}

// failing is the number of findings that fail the run: neither known nor warnings.
func (s *findingSet) failing() int { return s.total - s.known - s.warned }

// omitted is the number of findings counted but not in the sample.
func (s *findingSet) omitted() int { return s.total - s.sample.all.Len() }

// markKnown marks every finding a baseline may accept as known: the run that wrote the
// baseline holding them all. Groups that become alike merge.
func (s *findingSet) markKnown() {
	for _, k := range s.sample.all.items {
		if baselineable(k.f) {
			k.f.Known = true
		}
	}
	s.known, s.warned = 0, 0
	for kind, n := range s.byKind {
		if baselineableKind(kind) {
			s.known += n
		}
	}
	old := s.groups
	s.groups = make(map[groupKey]*findingCluster, len(old))
	for _, c := range sortedClusters(old) {
		c.first.Known = true
		key := groupKeyOf(c.first)
		if into := s.groups[key]; into != nil {
			into.merge(c)
		} else {
			s.groups[key] = c
		}
	}
}

// sortedClusters lists groups in report order: by title (unreadable input last, though
// it has no groups), then by their first finding.
func sortedClusters(groups map[groupKey]*findingCluster) []*findingCluster {
	out := make([]*findingCluster, 0, len(groups))
	for _, c := range groups {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *findingCluster) int {
		return cmp.Or(strings.Compare(groupTitle(a.first), groupTitle(b.first)), strings.Compare(a.first.Source, b.first.Source),
			cmp.Compare(a.first.Entry, b.first.Entry), cmp.Compare(a.seq, b.seq), strings.Compare(a.first.Pointer, b.first.Pointer),
			strings.Compare(a.first.Expected, b.first.Expected))
	})
	return out
}

// clip cuts f's texts that come from a recording to maxFieldBytes.
func clip(f contract.Finding) contract.Finding {
	for _, s := range []*string{&f.Source, &f.Path, &f.Pointer, &f.Expected, &f.Found, &f.Method, &f.OperationID} {
		if len(*s) > maxFieldBytes {
			cut := maxFieldBytes - 3
			for cut > 0 && (*s)[cut]&0xC0 == 0x80 {
				cut-- // not inside a UTF-8 sequence
			}
			*s = (*s)[:cut] + "..."
		}
	}
	return f
}

// setOf is the finding set of res: the run's own, or, for a result built from a list
// (live mode, tests), one made of every finding it lists.
func (res *Result) setOf() *findingSet {
	if res.set != nil {
		return res.set
	}
	n := max(len(res.Findings), 1)
	s := newFindingSet(findingLimits{max: n, perRule: n})
	var batch []contract.Finding
	for i, f := range res.Findings {
		batch = append(batch, f)
		if i+1 == len(res.Findings) || res.Findings[i+1].Source != f.Source || res.Findings[i+1].Entry != f.Entry {
			s.add(batch)
			batch = batch[:0]
		}
	}
	return s
}

// omittedLine says how many findings a report leaves out and how to list them, or "".
func omittedLine(s Summary) string {
	if s.OmittedFindings == 0 {
		return ""
	}
	return fmt.Sprintf("%d of %d findings not listed (the first %d of each operation and kind, %d in all, are; raise --max-findings and --max-findings-per-rule to list more)",
		s.OmittedFindings, s.Findings, s.MaxFindingsPerRule, s.MaxFindings)
}

// limitFlag is a positive count given on the command line.
type limitFlag struct{ n *int }

func (l limitFlag) String() string {
	if l.n == nil {
		return ""
	}
	return strconv.Itoa(*l.n)
}

func (l limitFlag) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return fmt.Errorf("want a whole number of at least 1, not %q", s)
	}
	*l.n = n
	return nil
}
