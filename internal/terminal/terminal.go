// Package terminal answers what the commands ask of their output streams: whether a
// progress line, which rewrites itself, has a terminal to draw on.
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
