package webhook

import (
	"crypto/sha256"
	"testing"
	"time"
)

// Entries go when their window ends, and the set never holds more than its limit,
// however many are added or forgotten.
func TestSeenSetExpiresAndStaysBounded(t *testing.T) {
	start := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	s := newSeenSet(3)
	key := func(i int) [sha256.Size]byte { return sha256.Sum256([]byte{byte(i)}) }
	if !s.add(key(1), start, start.Add(time.Hour)) || s.add(key(1), start, start.Add(time.Hour)) {
		t.Fatal("add twice")
	}
	// An hour later the first is gone; a minute before, it is not.
	if s.add(key(1), start.Add(59*time.Minute), start.Add(2*time.Hour)) {
		t.Error("forgotten before its window ended")
	}
	if !s.add(key(1), start.Add(time.Hour), start.Add(2*time.Hour)) || s.len() != 1 {
		t.Errorf("kept after its window: %d", s.len())
	}
	// A thousand events, half of them forgotten (failed): never more than three held,
	// in the map or the queue.
	for i := range 1000 {
		now := start.Add(time.Hour)
		s.add(key(i+2), now, now.Add(time.Hour))
		if i%2 == 0 {
			s.forget(key(i+2), now.Add(time.Hour))
		}
		if s.len() > 3 || len(s.order)-s.head > 3 || cap(s.order) > 16 {
			t.Fatalf("after %d: %d keys, %d queued, cap %d", i, s.len(), len(s.order)-s.head, cap(s.order))
		}
	}
	// Forgetting an entry that was added again since keeps the new one.
	s.add(key(5000), start.Add(time.Hour), start.Add(3*time.Hour))
	s.forget(key(5000), start.Add(2*time.Hour))
	if s.add(key(5000), start.Add(time.Hour), start.Add(3*time.Hour)) {
		t.Error("forget of an older expiry removed the newer entry")
	}
}
