package affinity

import "hash/maphash"

// tokenSet remembers the page tokens of one listing as 8-byte hashes, so that a
// listing of many pages with long tokens keeps its repeat guard small.
type tokenSet struct {
	seed maphash.Seed
	seen map[uint64]struct{}
}

func newTokenSet(start string) *tokenSet {
	s := &tokenSet{seed: maphash.MakeSeed(), seen: map[uint64]struct{}{}}
	if start != "" {
		s.add(start)
	}
	return s
}

// add records token and reports whether it is new.
func (s *tokenSet) add(token string) bool {
	h := maphash.String(s.seed, token)
	if _, ok := s.seen[h]; ok {
		return false
	}
	s.seen[h] = struct{}{}
	return true
}
