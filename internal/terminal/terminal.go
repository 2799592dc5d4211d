// Package terminal answers what the commands ask of their output streams: whether a
// progress line, which rewrites itself, has a terminal to draw on (Is), and how a text
// from a server or a file is printed so that it cannot drive the terminal or hide
// from its reader (Safe).
package terminal

import (
	"io"
	"os"
)

// Is reports whether w is a character device, as a terminal is; a pipe, a file or a
// buffer is not.
func Is(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
