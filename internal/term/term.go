// Package term answers one question about an output stream: is it a
// terminal, where colour and a redrawn progress line make sense, or a file
// or pipe, where they are noise in a log?
package term

import (
	"io"
	"os"
)

// IsTerminal reports whether w is a character device (a terminal).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
