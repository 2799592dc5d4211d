package cli

import "sync"

// bodyPool lends the readers the buffers of the bodies they read and takes them back
// once an exchange is checked, so that reading a recording of thousands of large
// bodies does not leave the garbage collector to clear every one (about an eighth of
// the command's time on a HAR of 60 KB pages). Buffers too small to be worth keeping
// are not kept.
type bodyPool struct {
	pool sync.Pool
	// poison, for tests, fills each buffer taken back with junk, so that a body still
	// in use when it is taken back shows in the findings.
	poison bool
}

// minPooledBody is the smallest buffer kept for reuse.
const minPooledBody = 4 << 10

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
