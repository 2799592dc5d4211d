package contract

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/orgapis/orgapis/specs"
)

// specPatterns is every pattern of both specs' schemas, each once, in a fixed order.
func specPatterns(t testing.TB) []string {
	seen := map[*openapi3.Schema]bool{}
	set := map[string]bool{}
	var walk func(*openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if s.Pattern != "" {
			set[s.Pattern] = true
		}
		for _, refs := range [][]*openapi3.SchemaRef{s.AllOf, s.AnyOf, s.OneOf} {
			for _, r := range refs {
				walk(r)
			}
		}
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.Items)
		walk(s.Not)
		walk(s.AdditionalProperties.Schema)
	}
	for _, api := range specs.APIs() {
		doc, err := specs.Load(t.Context(), api)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range doc.Components.Schemas {
			walk(s)
		}
		for _, h := range doc.Components.Headers {
			walk(h.Value.Schema)
		}
		for _, p := range doc.Components.Parameters {
			walk(p.Value.Schema)
		}
		for _, item := range doc.Paths.Map() {
			for _, p := range item.Parameters {
				walk(p.Value.Schema)
			}
			for _, op := range item.Operations() {
				for _, p := range op.Parameters {
					walk(p.Value.Schema)
				}
				if op.RequestBody != nil && op.RequestBody.Value != nil {
					for _, m := range op.RequestBody.Value.Content {
						walk(m.Schema)
					}
				}
				for _, r := range op.Responses.Map() {
					for _, h := range r.Value.Headers {
						walk(h.Value.Schema)
					}
					for _, m := range r.Value.Content {
						walk(m.Schema)
					}
				}
			}
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// matcherPatterns are patterns that exercise each part the matcher takes: anchors or
// none, alternations whose branches overlap, repeats of every kind around classes,
// literals and groups, empty classes and empty matches.
var matcherPatterns = []string{
	`^([0-9]+|unlimited)$`, `[0-9]`, `^$`, `$`, `^`, ``, `a*`, `^a*$`, `(a|ab)(c|bcd)$`, `^(a|ab)(c|bcd)$`,
	`x{2,4}`, `^x{2,4}$`, `^x{2}$`, `^x{2,}$`, `^(ab)*$`, `^(ab)+c?$`, `^[a-c]+?$`, `^(a*)*$`, `^(a|b*)+$`,
	`^\d{4}-\d{2}-\d{2}$`, `^([0-9]{4}-[0-9]{2}-[0-9]{2}|current)$`, `^[0-9]+,[0-9]+$`, `^(?:abc|ab|a)c$`,
	`z$`, `^a`, `[\x00-\x1f]`, `^[ -~]*$`, `^(|x)$`, `^(x{0})y$`, `\Aab\z`, `^a{0,0}$`,
	`^(([0-9])|(-[0-9]))$`, `^(a+)+b$`,
}

// unmatchedPatterns have a part the matcher leaves to the regexp.
var unmatchedPatterns = []string{`(?i)k`, `.`, `^[^a]$`, `\bx`, `(?m)^a$`, `é`, `^[à-ü]$`, `\pL`, `x{1000}`, `^a(?i:b)$`, `^[^\x00-\x7f]$`}

// matchStrings are strings to match each pattern with: the patterns' own pieces,
// near misses, empties, white space, non-ASCII, bytes that are not UTF-8, a null, a
// BOM, and lengths either side of what the matcher takes.
func matchStrings(pattern string) []string {
	out := []string{"", "0", "1", "12", "900", "unlimited", "Unlimited", "unlimitedx", "x900", " 900", "900 ", "9a",
		"2026-11-20", "2026-1-20", "current", "currentx", "1,2", "1,", ",2", "a", "ab", "abc", "abcd", "abbcd", "acd",
		"abab", "ababc", "xx", "xxx", "xxxx", "xxxxx", "x", "y", "xy", "z", "az", "za", "-1", "--1", "é", "éé", "\xff",
		"9\xff", "\x00", "a\x00", "\ufeff900", "aaab", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac",
		"k", "K", "\u212a", "x\ny"}
	for _, n := range []int{maxMatchedLen - 1, maxMatchedLen, maxMatchedLen + 1, 200} {
		out = append(out, strings.Repeat("9", n), strings.Repeat("a", n)+"b", strings.Repeat("ab", n/2), "unlimited"+strings.Repeat(" ", n))
	}
	// The literal runs of the pattern itself, and the pattern as text.
	out = append(out, pattern, strings.Trim(pattern, "^$"))
	return out
}

// checkAgrees fails t when m and re disagree on s; a string too long for m must say
// so, and no other.
func checkAgrees(t *testing.T, re *regexp.Regexp, m *patternMatcher, s string) {
	t.Helper()
	got, ok := m.match(s)
	if ok != (len(s) <= maxMatchedLen) {
		t.Fatalf("%q on %q: taken %v, want %v", re, s, ok, len(s) <= maxMatchedLen)
	}
	if want := re.MatchString(s); ok && got != want {
		t.Fatalf("%q on %q: matcher %v, regexp %v", re, s, got, want)
	}
	if want := re.MatchString(s); (patternSet{{re, m}}).match(re, s) != want {
		t.Fatalf("%q on %q: patternSet.match disagrees with the regexp (%v)", re, s, want)
	}
}

// The matcher agrees with regexp.MatchString on every pattern of both specs, each of
// which it takes, and on patterns exercising each part it takes, over strings on
// both sides of each pattern and of the length it takes.
func TestPatternMatcherAgreesWithRegexp(t *testing.T) {
	fromSpecs := specPatterns(t)
	if len(fromSpecs) < 5 {
		t.Fatalf("%d patterns in the specs: %q", len(fromSpecs), fromSpecs)
	}
	for i, src := range append(fromSpecs, matcherPatterns...) {
		re := regexp.MustCompile(src)
		m := compilePattern(re)
		if m == nil {
			t.Errorf("%q: no matcher", src)
			continue
		}
		strs := matchStrings(src)
		for _, other := range append(fromSpecs, matcherPatterns...) {
			strs = append(strs, strings.Trim(other, "^$"))
		}
		matched := 0
		for _, s := range strs {
			checkAgrees(t, re, m, s)
			if re.MatchString(s) {
				matched++
			}
		}
		if i < len(fromSpecs) && (matched == 0 || matched == len(strs)) {
			t.Errorf("%q: %d of %d strings match, want some on each side", src, matched, len(strs))
		}
	}
}

// A pattern with a part the matcher does not take (case folding, any character, a
// negated or non-ASCII class, line and word assertions, a huge repeat) has no
// matcher, and patternSet.match gives it to the regexp.
func TestPatternMatcherLeavesTheRestToRegexp(t *testing.T) {
	for _, src := range unmatchedPatterns {
		re := regexp.MustCompile(src)
		if m := compilePattern(re); m != nil {
			t.Errorf("%q: a matcher, want none", src)
		}
		for _, s := range matchStrings(src) {
			if got, want := (patternSet{}).match(re, s), re.MatchString(s); got != want {
				t.Errorf("%q on %q: %v, want %v", src, s, got, want)
			}
		}
	}
	// Too many parts: left to the regexp too.
	if m := compilePattern(regexp.MustCompile(strings.Repeat("(a|b)", maxPatNodes))); m != nil {
		t.Error("a pattern of more than maxPatNodes parts has a matcher")
	}
}

// The header patterns' matcher makes no allocation.
func TestPatternMatcherAllocatesNothing(t *testing.T) {
	re := regexp.MustCompile(`^([0-9]+|unlimited)$`)
	ps := patternSet{{re, compilePattern(re)}}
	if n := testing.AllocsPerRun(100, func() {
		if !ps.match(re, "899") || !ps.match(re, "unlimited") || ps.match(re, "lots") {
			t.Fatal("wrong answer")
		}
	}); n != 0 {
		t.Errorf("%v allocations a run", n)
	}
}

func FuzzPatternMatcher(f *testing.F) {
	for _, src := range append(specPatterns(f), matcherPatterns...) {
		for _, s := range []string{"", "899", "unlimited", "2026-11-20", "ab", "\xff"} {
			f.Add(src, s)
		}
	}
	f.Fuzz(func(t *testing.T, src, s string) {
		re, err := regexp.Compile(src)
		if err != nil {
			return
		}
		m := compilePattern(re)
		if m == nil {
			return
		}
		checkAgrees(t, re, m, s)
	})
}

// patternsOf visits each node once: a schema whose anyOf and allOf refer to itself,
// twice each, forty levels down, gives its pattern once, without a walk of 4^40 steps.
func TestPatternsOfVisitsEachNodeOnce(t *testing.T) {
	re := regexp.MustCompile(`^[0-9]+$`)
	root := &checkNode{pattern: re}
	n := root
	for range 40 {
		next := &checkNode{pattern: re}
		n.anyOf, n.allOf = []*checkNode{next, root}, []*checkNode{next, n}
		n = next
	}
	n.anyOf = []*checkNode{root, root}
	set := patternsOf(root, nil, map[*checkNode]bool{})
	if len(set) != 1 || set[0].re != re || set[0].m == nil {
		t.Fatalf("%d patterns, want the one with its matcher", len(set))
	}
}
