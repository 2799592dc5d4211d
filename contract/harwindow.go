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
// (read more, parse again) from a broken one (report it, go on after it).
type harWindow struct {
	r     io.Reader
	step  int    // how much to read at least at a time: windowRead, or less in tests
	buf   []byte // the bytes read; buf[off:] are not consumed yet
	off   int
	eof   bool
	err   error // a read error, which ends reading
	lines int   // the newlines consumed
}

func (w *harWindow) unread() []byte { return w.buf[w.off:] }

// consume moves past n unread bytes.
func (w *harWindow) consume(n int) {
	w.lines += bytes.Count(w.buf[w.off:w.off+n], []byte{'\n'})
	w.off += n
}

// fill reads more after the unread bytes, growing the window to hold at most about
// limit of them; false when nothing more can come.
func (w *harWindow) fill(limit int) bool {
	if w.eof || w.err != nil {
		return false
	}
	n := copy(w.buf, w.buf[w.off:])
	w.buf, w.off = w.buf[:n], 0
	if cap(w.buf)-n < w.step {
		size := max(4*cap(w.buf), n+w.step, 2*w.step)
		if size > limit+2*w.step {
			size = max(limit, n) + w.step
		}
		grown := make([]byte, n, size)
		copy(grown, w.buf)
		w.buf = grown
	}
	// A full read each time, so that an entry that spans reads is parsed again only a
	// few times as the window grows fourfold, however little each read of the input brings.
	m, err := io.ReadFull(w.r, w.buf[n:cap(w.buf)])
	w.buf = w.buf[:n+m]
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		w.eof = true
	case err != nil:
		w.err = err
	}
	return m > 0
}

// skipSpace consumes white space and returns the next byte, unconsumed.
func (w *harWindow) skipSpace(limit int) (byte, error) {
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
		if !w.fill(limit) {
			if w.err != nil {
				return 0, w.err
			}
			return 0, io.ErrUnexpectedEOF
		}
	}
}

// entry reads the entry at the window's start. A broken or over-large entry is
// consumed and returned as its error; fatal is a file that cannot be read on.
func (w *harWindow) entry(limit int, scratch *[]byte) (e *harEntry, err, fatal error) {
	for {
		data := w.unread()
		e, n, err := parseHAREntryAt(data, scratch)
		var syntax *syntaxError
		if !errors.As(err, &syntax) {
			if n == len(data) && w.fill(limit) {
				continue // what ended with the window may go on past it
			}
			w.consume(n)
			if n > limit {
				return nil, &valueTooLargeError{size: int64(n), limit: limit}, nil
			}
			return e, err, nil
		}
		var st structScan
		if end := st.feed(data); end >= 0 {
			w.consume(end)
			return nil, err, nil
		}
		if len(data) > limit {
			return nil, w.skipLarge(&st, limit), nil
		}
		if !w.fill(limit) {
			if w.err != nil {
				return nil, nil, w.err
			}
			return nil, nil, io.ErrUnexpectedEOF
		}
	}
}

// skipLarge reads past an entry over the limit without keeping it; st has scanned
// the unread bytes, which are all the entry's.
func (w *harWindow) skipLarge(st *structScan, limit int) error {
	size := int64(len(w.unread()))
	w.consume(len(w.unread()))
	for {
		if !w.fill(limit) {
			if w.err != nil {
				return w.err
			}
			return io.ErrUnexpectedEOF
		}
		rest := w.unread()
		if end := st.feed(rest); end >= 0 {
			w.consume(end)
			return &valueTooLargeError{size: size + int64(end), limit: limit}
		}
		size += int64(len(rest))
		w.consume(len(rest))
	}
}
