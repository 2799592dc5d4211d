package cli

import (
	"net/http"
	"sync"

	"github.com/orgapis/orgapis/contract"
)

// bodyPool lends the readers the buffers of the bodies they read and the maps of the
// headers, and takes them back once an exchange is checked, so that reading a
// recording of thousands of large bodies does not leave the garbage collector to clear
// every one (about an eighth of the command's time on a HAR of 60 KB pages), nor one
// of thousands of small answers to make two maps for each. Buffers too small to be
// worth keeping are not kept.
type bodyPool struct {
	pool sync.Pool
	// local holds, per P, a batch of the header maps taken back there (a
	// *[]http.Header), so that a map is most often taken again on the P that gave it
	// back, its memory still in that core's cache: the parsers of a file check each
	// exchange and give its maps back on their own goroutines (contract.ReadPrepared),
	// and maps passed from one core to the other cost the two-core run about a tenth
	// of its CPU in cache misses. A batch past 2*headerBatch gives headerBatch maps to
	// headers, the list shared under mu (at most maxFreeHeaders), from which a P with
	// none takes a batch: the workers give back maps the readers' Ps take.
	local   sync.Pool
	mu      sync.Mutex
	headers []http.Header
	// poison, for tests, fills each buffer taken back with junk, and each header
	// value, so that a body or header still in use when it is taken back shows in the
	// findings.
	poison bool
}

// minPooledBody is the smallest buffer kept for reuse.
const minPooledBody = 4 << 10

// maxPooledHeader is the most names a header map may hold to be kept: the reader
// clears a kept map, which costs its room, and a hostile entry's thousands of headers
// should not cost every later entry that.
const maxPooledHeader = 32

// maxFreeHeaders bounds the header maps kept in the shared list, and headerBatch is
// how many move between it and a P's batch at once; a P's batch holds at most
// 2*headerBatch.
const (
	maxFreeHeaders = 256
	headerBatch    = 32
)

// slabBytes is the size of the slabs small bodies are carved from.
const slabBytes = 32 << 10

// readerAlloc is alloc for one reader: a body under minPooledBody is carved out of a
// slab, so that a recording of small answers costs an allocation a slab, not one a
// body and a look into the pool. A slab is never reused: the garbage collector takes
// it once no body of it is in use. The reader's slabs are kept in a sync.Pool, which
// gives each of its parsing goroutines (contract.WithParallel) one of its own: under
// one lock, two parsers taking a few bodies each per entry spent about 2% of the CPU
// waiting on each other.
func (p *bodyPool) readerAlloc() func(n int) []byte {
	var slabs sync.Pool // of *[]byte, the rest of a slab
	return func(n int) []byte {
		if n >= minPooledBody {
			return p.alloc(n)
		}
		slab, _ := slabs.Get().(*[]byte)
		if slab == nil {
			slab = new([]byte)
		}
		if len(*slab) < n {
			*slab = make([]byte, slabBytes)
		}
		b := (*slab)[:n:n] // its own capacity: appending to one body never reaches the next
		*slab = (*slab)[n:]
		slabs.Put(slab)
		return b
	}
}

// alloc is a buffer of length n: a kept one when one is large enough, else a new one.
func (p *bodyPool) alloc(n int) []byte {
	if b, ok := p.pool.Get().(*[]byte); ok {
		if cap(*b) >= n {
			return (*b)[:n]
		}
		p.pool.Put(b)
	}
	return make([]byte, n)
}

// put takes back a body that nothing uses any more.
func (p *bodyPool) put(b []byte) {
	if cap(b) < minPooledBody {
		return
	}
	if p.poison {
		for i := range b {
			b[i] = '#'
		}
	}
	kept := b // a variable of its own, so that a body too small to keep costs no allocation
	p.pool.Put(&kept)
}

// takeHeader is the readers' header alloc (contract.WithHeaderAlloc): a kept map, from
// the batch of the P it runs on, or a batch from the shared list when that one is
// empty; nil when none is kept (the reader makes one).
func (p *bodyPool) takeHeader() http.Header {
	batch, _ := p.local.Get().(*[]http.Header)
	if batch == nil {
		batch = new([]http.Header)
	}
	defer p.local.Put(batch)
	b := *batch
	if len(b) == 0 {
		p.mu.Lock()
		n := max(len(p.headers)-headerBatch, 0)
		b = append(b[:0], p.headers[n:]...)
		clear(p.headers[n:]) // the shared list holds no map a P has
		p.headers = p.headers[:n]
		p.mu.Unlock()
		if len(b) == 0 {
			*batch = b
			return nil
		}
	}
	h := b[len(b)-1]
	b[len(b)-1] = nil
	*batch = b[:len(b)-1]
	return h
}

// done takes back the bodies and header maps of an exchange that nothing uses any
// more: findings and coverage keep copies of what they need.
func (p *bodyPool) done(ex contract.Exchange) {
	p.put(ex.RequestBody)
	p.put(ex.ResponseBody)
	req, resp := p.keepable(ex.RequestHeader), p.keepable(ex.ResponseHeader)
	if !req && !resp {
		return
	}
	batch, _ := p.local.Get().(*[]http.Header)
	if batch == nil {
		batch = new([]http.Header)
	}
	defer p.local.Put(batch)
	for _, h := range []http.Header{ex.RequestHeader, ex.ResponseHeader} {
		if h == nil || len(h) > maxPooledHeader {
			continue
		}
		if len(*batch) >= 2*headerBatch {
			p.share(batch)
		}
		*batch = append(*batch, h)
	}
}

// share moves headerBatch maps of a P's batch to the shared list, as many as it has
// room for; the rest are dropped.
func (p *bodyPool) share(batch *[]http.Header) {
	b := *batch
	give := b[len(b)-headerBatch:]
	p.mu.Lock()
	room := max(maxFreeHeaders-len(p.headers), 0)
	p.headers = append(p.headers, give[:min(room, len(give))]...)
	p.mu.Unlock()
	clear(give)
	*batch = b[:len(b)-headerBatch]
}

// keepable reports whether h is worth keeping, poisoning its values for tests.
func (p *bodyPool) keepable(h http.Header) bool {
	if h == nil || len(h) > maxPooledHeader {
		return false
	}
	if p.poison {
		for _, vs := range h {
			for i := range vs {
				vs[i] = "#"
			}
		}
	}
	return true
}
