package webhook

import (
	"crypto/sha256"
	"sync"
	"time"
)

// seenSet remembers the events handed on, each until its expiry (the window after it
// arrived), and at most max of them: past that the oldest are forgotten first. The
// memory it takes is set by max, not by what senders send.
type seenSet struct {
	mu    sync.Mutex
	max   int
	keys  map[[sha256.Size]byte]time.Time // key → expiry
	order []seenEntry                     // arrival order, from head
	head  int
}

type seenEntry struct {
	key     [sha256.Size]byte
	expires time.Time
}

func newSeenSet(max int) *seenSet {
	return &seenSet{max: max, keys: map[[sha256.Size]byte]time.Time{}}
}

// add remembers key until expires and reports true, or reports false when it is
// remembered already. Entries expired at now are forgotten first.
func (s *seenSet) add(key [sha256.Size]byte, now, expires time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.head < len(s.order) && !s.order[s.head].expires.After(now) {
		s.evictHead()
	}
	if exp, ok := s.keys[key]; ok && exp.After(now) {
		return false
	}
	for len(s.order)-s.head >= s.max {
		s.evictHead()
	}
	s.keys[key] = expires
	s.order = append(s.order, seenEntry{key, expires})
	return true
}

// forget drops key, if it is still the entry of that expiry: an event the caller's
// function failed on must be handed on again when it is retried.
func (s *seenSet) forget(key [sha256.Size]byte, expires time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if exp, ok := s.keys[key]; ok && exp.Equal(expires) {
		delete(s.keys, key)
	}
}

// len is how many events are remembered.
func (s *seenSet) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.keys)
}

// evictHead forgets the oldest entry (unless its key was added again since) and
// compacts the queue once half of it is spent.
func (s *seenSet) evictHead() {
	e := s.order[s.head]
	if exp, ok := s.keys[e.key]; ok && exp.Equal(e.expires) {
		delete(s.keys, e.key)
	}
	s.order[s.head] = seenEntry{}
	s.head++
	if s.head > len(s.order)/2 {
		s.order = append(s.order[:0], s.order[s.head:]...)
		s.head = 0
	}
}
