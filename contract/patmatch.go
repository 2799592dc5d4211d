package contract

import (
	"math/bits"
	"regexp"
	"regexp/syntax"
)

// A patternMatcher answers regexp.MatchString for the patterns the specs give headers
// (anchored alternations of literals, character classes and their repeats, as in
// ^([0-9]+|unlimited)$) without the regexp machine, whose set-up costs more than
// checking a small answer's body. It works on the set of byte positions a part of
// the pattern can end at, one bit each, so that alternations and repeats cost no
// backtracking; only strings of up to maxMatchedLen bytes fit the set, and longer
// ones go to the regexp. A pattern with anything else (a case-insensitive or
// non-ASCII part, any character, line or word assertions) has no matcher.
type patternMatcher struct {
	root *patNode
}

// maxMatchedLen is the longest string a patternMatcher matches itself: its positions,
// 0 to the length, are the bits of a uint64.
const maxMatchedLen = 63

// maxPatNodes bounds the nodes of a pattern given a matcher, and so its cost per
// string: past it, the regexp is as good.
const maxPatNodes = 64

// patNode is one part of a pattern.
type patNode struct {
	op       patOp
	literal  string     // patLiteral
	class    [2]uint64  // patClass: the ASCII bytes it takes, one bit each
	subs     []*patNode // patConcat, patAlternate; patRepeat's one
	min, max int        // patRepeat; max -1 for no bound
}

type patOp uint8

const (
	patEmpty patOp = iota
	patLiteral
	patClass
	patConcat
	patAlternate
	patRepeat
	patBegin // ^ of the text
	patEnd   // $ of the text
	patFail  // matches nothing (an empty class)
)

// compilePattern is the matcher of re, or nil when its pattern has a part the matcher
// does not take.
func compilePattern(re *regexp.Regexp) *patternMatcher {
	// regexp.Compile parses with syntax.Perl; the same tree is the same language.
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	count := 0
	root := patFrom(tree, &count)
	if root == nil {
		return nil
	}
	return &patternMatcher{root: root}
}

// patFrom is the node of a parsed pattern, nil for a part the matcher does not take.
func patFrom(re *syntax.Regexp, count *int) *patNode {
	if *count++; *count > maxPatNodes {
		return nil
	}
	switch re.Op {
	case syntax.OpEmptyMatch:
		return &patNode{op: patEmpty}
	case syntax.OpNoMatch:
		return &patNode{op: patFail}
	case syntax.OpBeginText:
		return &patNode{op: patBegin}
	case syntax.OpEndText:
		return &patNode{op: patEnd}
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil // (?i)k takes the Kelvin sign too: not ASCII
		}
		b := make([]byte, 0, len(re.Rune))
		for _, r := range re.Rune {
			if r >= 0x80 {
				return nil
			}
			b = append(b, byte(r))
		}
		return &patNode{op: patLiteral, literal: string(b)}
	case syntax.OpCharClass:
		n := &patNode{op: patClass}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi >= 0x80 {
				return nil
			}
			for c := lo; c <= hi; c++ {
				n.class[c>>6] |= 1 << (c & 63)
			}
		}
		if n.class == [2]uint64{} {
			n.op = patFail
		}
		return n
	case syntax.OpCapture:
		return patFrom(re.Sub[0], count)
	case syntax.OpConcat, syntax.OpAlternate:
		n := &patNode{op: patConcat}
		if re.Op == syntax.OpAlternate {
			n.op = patAlternate
		}
		for _, sub := range re.Sub {
			s := patFrom(sub, count)
			if s == nil {
				return nil
			}
			n.subs = append(n.subs, s)
		}
		return n
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		// Greedy or not, a repeat matches the same strings.
		sub := patFrom(re.Sub[0], count)
		if sub == nil {
			return nil
		}
		n := &patNode{op: patRepeat, subs: []*patNode{sub}, min: re.Min, max: re.Max}
		switch re.Op {
		case syntax.OpStar:
			n.min, n.max = 0, -1
		case syntax.OpPlus:
			n.min, n.max = 1, -1
		case syntax.OpQuest:
			n.min, n.max = 0, 1
		}
		if n.min > maxPatNodes || n.max > maxPatNodes {
			return nil // x{1000}: the regexp's
		}
		return n
	}
	return nil
}

// match is re.MatchString(s) for the re the matcher was compiled from; ok is false
// for a string too long for the matcher, which the caller gives to the regexp.
func (m *patternMatcher) match(s string) (matched, ok bool) {
	if len(s) > maxMatchedLen {
		return false, false
	}
	// A match may start anywhere; ^ keeps only the start.
	all := uint64(1)<<(len(s)+1) - 1
	return m.root.ends(s, all) != 0, true
}

// ends is the set of positions at which n, starting at any position of starts, can
// end in s.
func (n *patNode) ends(s string, starts uint64) uint64 {
	if starts == 0 {
		return 0
	}
	switch n.op {
	case patEmpty:
		return starts
	case patFail:
		return 0
	case patBegin:
		return starts & 1
	case patEnd:
		return starts & (1 << len(s))
	case patLiteral:
		var out uint64
		for set := starts; set != 0; set &= set - 1 {
			p := bits.TrailingZeros64(set)
			if len(s)-p >= len(n.literal) && s[p:p+len(n.literal)] == n.literal {
				out |= 1 << (p + len(n.literal))
			}
		}
		return out
	case patClass:
		return n.step(s, starts)
	case patConcat:
		for _, sub := range n.subs {
			if starts = sub.ends(s, starts); starts == 0 {
				return 0
			}
		}
		return starts
	case patAlternate:
		var out uint64
		for _, sub := range n.subs {
			out |= sub.ends(s, starts)
		}
		return out
	}
	return n.repeat(s, starts)
}

// step is a class's ends: the positions after a byte of the class at a start.
func (n *patNode) step(s string, starts uint64) uint64 {
	var out uint64
	for set := starts; set != 0; set &= set - 1 {
		p := bits.TrailingZeros64(set)
		if p < len(s) && n.takes(s[p]) {
			out |= 1 << (p + 1)
		}
	}
	return out
}

// takes reports whether a class takes the byte c; none of 0x80 or more, which are
// parts of runes no class of an ASCII-only pattern holds.
func (n *patNode) takes(c byte) bool {
	return c < 0x80 && n.class[c>>6]&(1<<(c&63)) != 0
}

// repeat is the ends of a repeat: its sub's min times, then up to max-min more (any
// number when max is -1), each time from every position reached so far.
func (n *patNode) repeat(s string, starts uint64) uint64 {
	sub := n.subs[0]
	for range n.min {
		if starts = sub.ends(s, starts); starts == 0 {
			return 0
		}
	}
	if n.max == -1 && sub.op == patClass {
		// One pass left to right: a position reached extends by the class's run.
		reach := starts
		for p := 0; p < len(s); p++ {
			if reach&(1<<p) != 0 && sub.takes(s[p]) {
				reach |= 1 << (p + 1)
			}
		}
		return reach
	}
	reach := starts
	for i := n.min; n.max == -1 || i < n.max; i++ {
		next := reach | sub.ends(s, reach)
		if next == reach {
			break // nothing new: more turns add nothing either
		}
		reach = next
	}
	return reach
}
