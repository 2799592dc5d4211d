package contract

import "fmt"

// harCursor reads the entries of log.entries one at a time from a window, and knows
// the file offset and line of each: the sequential reader, each parallel parser and
// the parallel reader's own fallback read entries through it, so that all of them
// read an entry, and what follows it, the same way.
type harCursor struct {
	w       *harWindow
	base    int64 // the file offset of the window's first byte
	source  string
	limit   int
	cfg     readConfig
	scratch []byte   // the strings of one entry, reused
	entry   harEntry // filled again by each entry
}

// pos is the file offset of the next byte not consumed.
func (c *harCursor) pos() int64 { return c.base + c.w.done }

// brokenJSON is the error that ends reading.
func brokenJSON(err error) error { return fmt.Errorf("broken JSON, reading stops here: %w", err) }

// start skips the white space before an entry; an error ends reading.
func (c *harCursor) start() error {
	if _, err := c.w.skipSpace(); err != nil {
		return brokenJSON(err)
	}
	return nil
}

// read reads the entry at the cursor as the index-th: the exchange, or the entry's
// own error (reading goes on after it), or fatal (reading stops). The exchange's Line
// is not set: only the caller knows the line the window started on.
func (c *harCursor) read(index int) (ex Exchange, err, fatal error) {
	err, fatal = c.w.entry(c.limit, &c.scratch, c.cfg, &c.entry)
	if fatal != nil {
		return Exchange{}, nil, brokenJSON(fatal)
	}
	if err != nil {
		return Exchange{}, err, nil
	}
	ex, err = c.entry.exchange(c.source, index)
	return ex, err, nil
}

// sep reads what follows an entry: ']' ends the entries (end), ',' is consumed, and
// anything else ends reading (fatal).
func (c *harCursor) sep() (end bool, fatal error) {
	b, err := c.w.skipSpace()
	if err == nil && b != ',' && b != ']' {
		err = fmt.Errorf("want ',' or ']' after an entry, found %q", b)
	}
	if err != nil {
		return false, brokenJSON(err)
	}
	if b == ']' {
		return true, nil
	}
	c.w.consume(1)
	return false, nil
}

// emit hands what reading entry i gave to the caller: the exchange, starting on line,
// to yield, or its error to fail; false when reading stops there (a fatal error ends
// the file, or the caller is done). The sequential reader and the parallel one's own
// reads go through it, so an entry is said the same way by both.
func emit(yield func(Exchange, error) bool, fail func(int, error) bool, i, line int, ex Exchange, err, fatal error) bool {
	switch {
	case fatal != nil:
		fail(i, fatal)
		return false
	case err != nil:
		return fail(i, err)
	}
	ex.Line = line
	return yield(ex, nil)
}
