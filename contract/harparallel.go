package contract

import (
	"bytes"
	"cmp"
	"io"
	"io/fs"
	"iter"
	"math"
	"slices"
	"sync"
	"sync/atomic"
)

// harChunkBytes is the parallel HAR reader's nominal chunk: each parser takes the
// entries that start in one chunk at a time. Large enough that finding where a
// chunk's entries start, and reading past its end to finish its last entry (a
// parser's window reads up to 512 KiB ahead), cost little against parsing it; small
// enough that the chunks parsed ahead (parsers+1) hold little memory. With 1 MiB and
// 8 MiB held, a million entries of 170 bytes (1 MiB holds 6,000 of them) took a
// peak RSS of 87 MB against 41 MB reading one at a time; with 256 KiB and 2 MiB, 55 MB.
const harChunkBytes = 512 << 10

// harChunkHeld bounds what a parser holds for one chunk, its bodies and
// harRecordBytes an entry: a chunk of entries whose bodies decompress to far more
// than their size (a gzip bomb in every entry), or of a great many tiny entries, is
// parsed only up to it, and the committer reads the rest one entry at a time, as the
// caller takes them. The parallel reader holds at most parsers+1 chunks, each within
// this bound and one entry.
const harChunkHeld = 4 << 20

// harRecordBytes is about what an entry read holds besides its bodies (the exchange,
// its URL and header maps, the record), counted against harChunkHeld.
const harRecordBytes = 1 << 10

// WithParallel has the HAR reader parse up to n entries at once, on n goroutines,
// and yield them in order, exactly as reading one at a time would (the same
// exchanges, indexes, lines and errors). It is used only when the input is an
// io.ReaderAt whose size is known: a regular *os.File (its Stat), or a reader with a
// Size method such as *bytes.Reader or *io.SectionReader; reading starts at its
// position, Seek(0, io.SeekCurrent), when it is an io.Seeker, else at 0. With n <= 1,
// or any other reader (standard input, a pipe, a stream), entries are read one at a
// time. The file is read up to the size it had when reading started. Read passes the
// option on for HAR inputs; the other formats ignore it. A body allocator given with
// WithBodyAlloc is then called from several goroutines at once. Memory: at most n+1
// chunks of about 512 KiB of the file are parsed ahead of the caller, each holding at
// most 4 MiB of bodies, exchanges and ReadPrepared values that say their Size (and one
// entry past that); past it, entries are read as the caller takes them.
func WithParallel(n int) ReadOption {
	return func(c *readConfig) { c.parallel = n }
}

// withChunkBytes sets the parallel reader's nominal chunk and the bodies a parser
// holds for one, for tests that cut small files into many chunks.
func withChunkBytes(n, held int64) ReadOption {
	return func(c *readConfig) { c.chunk, c.held = n, held }
}

// parallelStats counts, for tests, the entries the parallel reader committed from
// its parsers and those it read itself where no parser had.
type parallelStats struct {
	parsed, fallback int
}

// offsetReader is an input that can be read at any offset: Reader reads it on from
// origin (which may be a buffered reader over it), ra reads it anywhere.
type offsetReader struct {
	io.Reader
	ra     io.ReaderAt
	origin int64
	size   int64
}

// offsetReaderOf is r as an offsetReader, if cfg asks for parallel reading and r
// can be read at any offset with a known size.
func offsetReaderOf(r io.Reader, cfg readConfig) (*offsetReader, bool) {
	if cfg.parallel <= 1 {
		return nil, false
	}
	if o, ok := r.(*offsetReader); ok {
		return o, true
	}
	ra, ok := r.(io.ReaderAt)
	if !ok {
		return nil, false
	}
	var size int64
	switch f := r.(type) {
	case interface{ Stat() (fs.FileInfo, error) }:
		fi, err := f.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return nil, false
		}
		size = fi.Size()
	case interface{ Size() int64 }:
		size = f.Size()
	default:
		return nil, false
	}
	var origin int64
	if s, ok := r.(io.Seeker); ok {
		off, err := s.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, false
		}
		origin = off
	}
	if origin > size {
		return nil, false
	}
	return &offsetReader{Reader: r, ra: ra, origin: origin, size: size}, true
}

// byteCounter counts the bytes read through it.
type byteCounter struct {
	r io.Reader
	n int64
}

func (c *byteCounter) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// harRecord is an entry a parser read: where it starts, on which line (counted from
// its run's start), and the exchange or the entry's own error.
type harRecord struct {
	start int64
	line  int
	ex    Exchange
	err   error
	value any  // what ReadPrepared's prepare returned for ex
	ready bool // prepare ran
}

// harRun is the entries a parser read one after the other from one start, and what
// ended them: ']' (end), an error that stops reading (fatal), or the next entry's
// start at or past the chunk's limit (next, nextLine).
type harRun struct {
	records  []harRecord
	end      bool
	fatal    error
	next     int64
	nextLine int
}

// harChunk is what a parser read of the entries that start in [from, limit).
type harChunk struct {
	from, limit int64
	runs        []harRun
	done        chan struct{}
}

// find is the run and record of the entry a parser read at start, if one did. A
// chunk's runs, and each run's records, are in the order of their starts, which never
// repeat: a parser looks for the next start past what it has read.
func (c *harChunk) find(start int64) ([2]int, bool) {
	for i, run := range c.runs {
		if n := len(run.records); n == 0 || run.records[n-1].start < start {
			continue
		}
		j, ok := slices.BinarySearchFunc(run.records, start, func(r harRecord, at int64) int { return cmp.Compare(r.start, at) })
		return [2]int{i, j}, ok
	}
	return [2]int{}, false
}

// parallelHAR reads the entries of a HAR file in chunks parsed at once, and commits
// them in order (see readHARParallel).
type parallelHAR struct {
	in          *offsetReader
	source      string
	limit, step int
	cfg         readConfig
	chunkBytes  int64
	held        int64 // harChunkHeld, or a test's
	stopped     atomic.Bool
	// spare holds the record slices of the chunks the committer is done with, for the
	// parsers to fill again: grown anew for each chunk, they were the most the
	// parallel reader allocated (a third of it on a HAR of 1 KB entries).
	spare chan []harRecord
}

// takeRecords is a spare record slice, empty, or nil when there is none.
func (p *parallelHAR) takeRecords() []harRecord {
	select {
	case r := <-p.spare:
		return r
	default:
		return nil
	}
}

// giveBack keeps records for a parser to fill again, unless enough are kept. Its
// exchanges are cleared first, so that a kept slice holds no body.
func (p *parallelHAR) giveBack(records []harRecord) {
	if cap(records) == 0 {
		return
	}
	clear(records)
	select {
	case p.spare <- records[:0]:
	default:
	}
}

// readHARParallel reads as readHAR does, parsing with cfg.parallel goroutines. The
// sequential part finds the first entry (enterHAR). The rest of the file is cut at
// nominal offsets; the parser of a chunk after the first guesses where an entry
// starts in it (a '{' after ',' and before '"' that reads as an entry followed by ','
// or ']') and reads entries from there while they start in the chunk. Reading is
// determined by where it starts, so once the true entries reach a start a parser
// read from, what it read is what reading one at a time gives. The committer walks
// the chunks in order with the true next entry's offset: a chunk that read an entry
// there gives it and those after it; where none did (a wrong guess), the committer
// reads entries itself until it reaches one a parser read, so that a file that
// defeats every guess reads at the speed of one parser, never wrongly.
func readHARParallel(source string, in *offsetReader, entryLimit, step int, cfg readConfig) iter.Seq2[Exchange, error] {
	return func(yield func(Exchange, error) bool) {
		counted := &byteCounter{r: in.Reader}
		s := newRawScanner(counted)
		if !firstEntry(source, s, yield) {
			return
		}
		first := in.origin + counted.n - int64(s.br.Buffered())
		p := &parallelHAR{in: in, source: source, limit: entryLimit, step: step, cfg: cfg, chunkBytes: cfg.chunk}
		if p.chunkBytes <= 0 {
			p.chunkBytes = harChunkBytes
		}
		if p.held = cfg.held; p.held <= 0 {
			p.held = harChunkHeld
		}
		p.run(first, s.line, yield)
	}
}

func (p *parallelHAR) run(first int64, line int, yield func(Exchange, error) bool) {
	n := p.cfg.parallel
	count := max((p.in.size-first+p.chunkBytes-1)/p.chunkBytes, 1)
	chunks := make([]*harChunk, count)
	for k := range chunks {
		chunks[k] = &harChunk{from: first + int64(k)*p.chunkBytes, limit: first + int64(k+1)*p.chunkBytes, done: make(chan struct{})}
	}
	chunks[count-1].limit = math.MaxInt64
	p.spare = make(chan []harRecord, 2*(n+1))

	// At most n+1 chunks are parsed and not yet committed: a slot is taken as a chunk
	// is handed out and given back once the committer is done with it.
	slots := make(chan struct{}, n+1)
	work := make(chan *harChunk)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(work)
		for _, c := range chunks {
			select {
			case slots <- struct{}{}:
			case <-stop:
				return
			}
			select {
			case work <- c:
			case <-stop:
				return
			}
		}
	}()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pr := p.newParser()
			for c := range work {
				pr.chunk(c, c.from == first)
				close(c.done)
			}
		}()
	}
	defer func() {
		p.stopped.Store(true)
		close(stop)
		wg.Wait()
	}()
	p.commit(chunks, first, line, slots, yield)
}

// commit yields the entries in order; see readHARParallel.
func (p *parallelHAR) commit(chunks []*harChunk, pos int64, line int, slots <-chan struct{}, yield func(Exchange, error) bool) {
	fail := func(index int, err error) bool {
		return yield(Exchange{}, &EntryError{Source: p.source, Index: index, Err: err})
	}
	var fb *harCursor    // reads where no parser did, while none does
	var spare *harCursor // fb's cursor, kept with its window between uses
	fbLine := 0          // the line fb's window starts on
	i := 0
	for k := 0; ; {
		c := chunks[k]
		<-c.done
		if pos >= c.limit {
			for _, run := range c.runs {
				p.giveBack(run.records)
			}
			chunks[k] = nil // its exchanges are garbage now
			<-slots
			k++
			continue
		}
		if at, ok := c.find(pos); ok {
			fb = nil
			run := &c.runs[at[0]]
			delta := line - run.records[at[1]].line
			if p.cfg.stats != nil {
				p.cfg.stats.parsed += len(run.records) - at[1]
			}
			for _, r := range run.records[at[1]:] {
				if r.err != nil {
					if !fail(i, r.err) {
						return
					}
				} else {
					r.ex.Index, r.ex.Line = i, r.line+delta+1
					if p.cfg.prepared != nil {
						*p.cfg.prepared = preparedSlot{value: r.value, ready: r.ready}
					}
					if !yield(r.ex, nil) {
						return
					}
				}
				i++
			}
			switch {
			case run.fatal != nil:
				fail(i, run.fatal)
				return
			case run.end:
				return
			}
			pos, line = run.next, run.nextLine+delta
			continue
		}
		// No parser read an entry here: read one.
		if fb == nil {
			if spare == nil {
				spare = p.cursor()
			}
			fb = spare
			fb.w.restart(io.NewSectionReader(p.in.ra, pos, p.in.size-pos))
			fb.base, fbLine = pos, line
		}
		if p.cfg.stats != nil {
			p.cfg.stats.fallback++
		}
		ex, err, fatal := fb.read(i)
		if !emit(yield, fail, i, line+1, ex, err, fatal) {
			return
		}
		i++
		end, fatal := fb.sep()
		if fatal == nil && !end {
			fatal = fb.start()
		}
		if fatal != nil {
			fail(i, fatal)
			return
		}
		if end {
			return
		}
		pos, line = fb.pos(), fbLine+fb.w.lines
	}
}

func (p *parallelHAR) cursor() *harCursor {
	return &harCursor{w: &harWindow{step: p.step}, source: p.source, limit: p.limit, cfg: p.cfg}
}

// harParser is one parsing goroutine's cursor and scanning buffer, reused from chunk
// to chunk.
type harParser struct {
	p    *parallelHAR
	c    *harCursor
	scan []byte
	held int64 // the bodies read for the chunk so far
}

func (p *parallelHAR) newParser() *harParser {
	return &harParser{p: p, c: p.cursor(), scan: make([]byte, 64<<10)}
}

// chunk reads the entries that start in c: from its start for the first chunk,
// whose start is an entry's; from each likely entry start otherwise.
func (pr *harParser) chunk(c *harChunk, first bool) {
	pr.held = 0
	add := func(run harRun) { c.runs = append(c.runs, run) }
	if first {
		run, _ := pr.run(c.from, c.limit, false)
		add(run)
		return
	}
	for from := c.from; from < c.limit && !pr.p.stopped.Load(); {
		start, ok := pr.candidate(from, c.limit)
		if !ok {
			return
		}
		run, ok := pr.run(start, c.limit, true)
		if !ok {
			pr.p.giveBack(run.records)
			from = start + 1
			continue
		}
		add(run)
		if pr.held >= pr.p.held {
			return // the committer reads the rest
		}
		from = max(pr.c.pos(), start+1)
	}
}

// run reads entries from start while they start before limit and the chunk's bodies
// are within the parser's bound. guess says start is only likely an entry's: then
// the first entry must read without error and be followed by ',' or ']', else ok is
// false.
func (pr *harParser) run(start, limit int64, guess bool) (run harRun, ok bool) {
	in := pr.p.in
	c := pr.c
	c.w.restart(io.NewSectionReader(in.ra, start, in.size-start))
	c.w.easeAfter(limit - start)
	c.base = start
	run.records = pr.p.takeRecords()
	for !pr.p.stopped.Load() {
		at, line := c.pos(), c.w.lines
		if len(run.records) > 0 && (at >= limit || pr.held >= pr.p.held) {
			run.next, run.nextLine = at, line
			return run, true
		}
		ex, err, fatal := c.read(0)
		if guess && len(run.records) == 0 && (err != nil || fatal != nil) {
			return run, false
		}
		if fatal != nil {
			run.fatal = fatal
			return run, true
		}
		run.records = append(run.records, harRecord{start: at, line: line, ex: ex, err: err})
		pr.held += int64(len(ex.RequestBody)+len(ex.ResponseBody)) + harRecordBytes
		end, fatal := c.sep()
		if guess && len(run.records) == 1 && fatal != nil {
			return run, false
		}
		if r := &run.records[len(run.records)-1]; r.err == nil && pr.p.cfg.prepare != nil {
			r.value, r.ready = pr.p.cfg.prepare(r.ex), true
			if s, ok := r.value.(interface{ Size() int }); ok {
				pr.held += int64(max(s.Size(), 0)) // held until committed, as the bodies are
			}
		}
		if fatal == nil && !end {
			fatal = c.start()
		}
		switch {
		case fatal != nil:
			run.fatal = fatal
			return run, true
		case end:
			run.end = true
			return run, true
		}
	}
	// Stopped: what was read is never committed.
	return harRun{}, false
}

// candidateFirst is the first block candidate scans.
const candidateFirst = 4 << 10

// candidate is the first offset in [from, limit) that likely starts an entry: a '{'
// whose previous byte other than white space is ',' and next one is '"'.
func (pr *harParser) candidate(from, limit int64) (int64, bool) {
	ra := pr.p.in.ra
	// Blocks start small and double: an entry usually starts near the chunk's start,
	// and what is scanned here is read again by the run from it.
	size := int64(candidateFirst)
	for block := from; block < limit; size = min(2*size, int64(len(pr.scan))) {
		// Only what can hold a start before limit: a chunk may be small.
		n, err := ra.ReadAt(pr.scan[:min(size, limit-block)], block)
		b := pr.scan[:n]
		for i := 0; ; i++ {
			j := bytes.IndexByte(b[i:], '{')
			if j < 0 {
				break
			}
			i += j
			at := block + int64(i)
			if at >= limit {
				return 0, false
			}
			if pr.before(b, i, block) == ',' && pr.after(b, i, block) == '"' {
				return at, true
			}
		}
		if n == 0 || err != nil {
			return 0, false
		}
		block += int64(n)
	}
	return 0, false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// before is the last byte other than white space before b[i] (b read at offset
// block), read at any offset where b ends; 0 for none.
func (pr *harParser) before(b []byte, i int, block int64) byte {
	for j := i - 1; j >= 0; j-- {
		if !isSpace(b[j]) {
			return b[j]
		}
	}
	var piece [64]byte
	for end := block; end > 0; {
		from := max(end-int64(len(piece)), 0)
		n, _ := pr.p.in.ra.ReadAt(piece[:end-from], from)
		if n < int(end-from) {
			return 0
		}
		for j := n - 1; j >= 0; j-- {
			if !isSpace(piece[j]) {
				return piece[j]
			}
		}
		end = from
	}
	return 0
}

// after is the first byte other than white space after b[i], as before.
func (pr *harParser) after(b []byte, i int, block int64) byte {
	for j := i + 1; j < len(b); j++ {
		if !isSpace(b[j]) {
			return b[j]
		}
	}
	var piece [64]byte
	for from := block + int64(len(b)); ; from += int64(len(piece)) {
		n, _ := pr.p.in.ra.ReadAt(piece[:], from)
		for j := range n {
			if !isSpace(piece[j]) {
				return piece[j]
			}
		}
		if n < len(piece) {
			return 0
		}
	}
}
