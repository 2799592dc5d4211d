package contract

import (
	"bytes"
	"errors"
	"io"
)

// windowRead is how much a harWindow asks its reader for at a time: enough for a few
// typical entries, so that few straddle two reads, and little enough for the window
// to stay in the processor's cache (1 MiB measured slower, and 1.5 MiB more RSS).
const windowRead = 256 << 10

// harWindow holds the bytes of a HAR file's entries as they are read, so that each
// entry is parsed where it lies, in one pass: an entry is parsed from the window, and
// only when that fails is it scanned for its end, to tell an entry the window cut off
// (read more, parse again) from a broken one (report it, go on after it). An entry
// larger than the window is gathered on its own, up to the limit, and parsed then; the
// window keeps its size.
type harWindow struct {
	r     io.Reader
	step  int    // how much to read at a time: windowRead, or less in tests
	buf   []byte // the bytes read; buf[off:] are not consumed yet
	off   int
	eof   bool
	err   error // a read error, which ends reading
	lines int   // the newlines consumed
	done  int64 // the bytes consumed, so that a reader knows each entry's offset
	// read counts the bytes read from r, and past them, when not 0, reads start small
	// and double: a parallel parser needs only the end of its chunk's last entry past
	// its chunk, which the next chunk's parser reads in full (whole windows read past
	// every chunk's end had each byte of the file read twice).
	read, ease int64
}

func (w *harWindow) unread() []byte { return w.buf[w.off:] }

// consume moves past n unread bytes.
func (w *harWindow) consume(n int) {
	w.lines += bytes.Count(w.buf[w.off:w.off+n], []byte{'\n'})
	w.off += n
	w.done += int64(n)
}

// restart has w read r from its start, keeping the room of its buffer.
func (w *harWindow) restart(r io.Reader) {
	*w = harWindow{r: r, step: w.step, buf: w.buf[:0]}
}

// easeAfter has reads past the input's first n bytes start small (see read).
func (w *harWindow) easeAfter(n int64) { w.ease = n }

// easeFirst is the first read past a window's ease.
const easeFirst = 16 << 10

// full says the unread bytes take the whole window.
func (w *harWindow) full() bool { return w.off == 0 && len(w.buf) == cap(w.buf) && len(w.buf) > 0 }

// fill moves the unread bytes to the window's start and reads after them, as much as
// fits; false when nothing more can come, or there is no room.
func (w *harWindow) fill() bool {
	if w.eof || w.err != nil {
		return false
	}
	if w.buf == nil {
		w.buf = make([]byte, 0, 2*w.step)
	}
	n := copy(w.buf, w.buf[w.off:])
	w.buf, w.off = w.buf[:n], 0
	if n == cap(w.buf) {
		return false
	}
	// A full read each time, so that an entry that spans reads is parsed again only
	// once or twice, however little each read of the input brings.
	want := int64(cap(w.buf) - n)
	if w.ease > 0 && w.read+want > w.ease {
		want = min(want, max(w.ease-w.read, 0)+max(easeFirst, w.read-w.ease))
	}
	m, err := io.ReadFull(w.r, w.buf[n:n+int(want)])
	w.buf = w.buf[:n+m]
	w.read += int64(m)
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		w.eof = true
	case err != nil:
		w.err = err
	}
	return m > 0
}

// stopped is why reading cannot go on: a read error, or the input's end.
func (w *harWindow) stopped() error {
	if w.err != nil {
		return w.err
	}
	return io.ErrUnexpectedEOF
}

// skipSpace consumes white space and returns the next byte, unconsumed.
func (w *harWindow) skipSpace() (byte, error) {
	for {
		rest := w.unread()
		i := 0
		for i < len(rest) && (rest[i] == ' ' || rest[i] == '\t' || rest[i] == '\r' || rest[i] == '\n') {
			i++
		}
		w.consume(i)
		if i < len(rest) {
			return rest[i], nil
		}
		if !w.fill() {
			return 0, w.stopped()
		}
	}
}

// entry reads the entry at the window's start into e. A broken or over-large entry is
// consumed and returned as its error; fatal is a file that cannot be read on.
func (w *harWindow) entry(limit int, scratch *[]byte, cfg readConfig, e *harEntry) (err, fatal error) {
	for {
		data := w.unread()
		n, err := parseHAREntryAt(data, scratch, cfg, e)
		_, syntax := err.(*syntaxError) // never wrapped
		var st structScan
		end := -2 // not scanned
		if syntax || n == len(data) && !w.eof {
			// Broken, or what ended with the window, which may go on past it (a
			// number): the entry's end, if the window has it, says which.
			end = st.feed(data)
		}
		switch {
		case end == -2 || end >= 0 && !syntax:
			w.consume(n)
			if n > limit {
				return &valueTooLargeError{size: int64(n), limit: limit}, nil
			}
			return err, nil
		case end >= 0:
			w.consume(end)
			return err, nil
		}
		if w.full() {
			return w.large(&st, limit, scratch, cfg, e)
		}
		if !w.fill() {
			return nil, w.stopped()
		}
	}
}

// large reads an entry that does not fit the window: its pieces are gathered while
// they fit the limit and parsed once the entry ends; past the limit they are dropped
// and the entry is read past. st has scanned the unread bytes, which are all the
// entry's.
func (w *harWindow) large(st *structScan, limit int, scratch *[]byte, cfg readConfig, e *harEntry) (err, fatal error) {
	kept := keptValue{limit: limit}
	for end := -1; ; {
		rest := w.unread()
		take := len(rest)
		if end >= 0 {
			take = end
		}
		kept.add(rest[:take])
		w.consume(take)
		if end >= 0 {
			raw, err := kept.value()
			if err != nil {
				return err, nil
			}
			return parseHAREntry(raw, scratch, cfg, e), nil
		}
		if !w.fill() {
			return nil, w.stopped()
		}
		end = st.feed(w.unread())
	}
}
