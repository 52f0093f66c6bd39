package leds

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/wakegate/wakegate/internal/term"
)

// Terminal is the development indicator: it writes one line per state
// change, such as "◉ listening". When the writer is a terminal (and NO_COLOR
// is not set) the symbol is drawn in the state's DefaultTheme colour.
//
// Terminal writes synchronously inside Set: it is meant for a terminal or a
// log file, where a line costs microseconds. Do not give it a writer that
// can stall (a pipe nobody reads), since the gate calls Set on its path.
// Write errors are ignored: a broken terminal must not stop the device.
// It is safe for concurrent use.
type Terminal struct {
	mu    sync.Mutex
	w     io.Writer
	color bool
	theme Theme
	last  State
	shown bool // whether any line was written yet (so the first Idle prints)
}

// NewTerminal returns a Terminal writing to w. Colour is used only when w is
// an *os.File on a character device and the NO_COLOR environment variable
// (https://no-color.org) is empty.
func NewTerminal(w io.Writer) *Terminal {
	return &Terminal{w: w, color: term.IsTerminal(w) && os.Getenv("NO_COLOR") == "", theme: DefaultTheme()}
}

// Set writes a line if s differs from the last state written; repeats are
// dropped so that a gate that re-asserts its state each frame does not
// flood the terminal.
func (t *Terminal) Set(s State) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.shown && s == t.last {
		return
	}
	t.last, t.shown = s, true
	sym := "◉"
	st := t.theme[s]
	if st.Pattern == Off {
		sym = "○"
	}
	if t.color && st.Pattern != Off {
		// 24-bit foreground colour (SGR 38;2;r;g;b), then reset (SGR 0).
		fmt.Fprintf(t.w, "\x1b[38;2;%d;%d;%dm%s\x1b[0m %s\n", st.Color.R, st.Color.G, st.Color.B, sym, s)
		return
	}
	fmt.Fprintf(t.w, "%s %s\n", sym, s)
}

// Shown returns the last state written (Idle before the first Set). Because
// Terminal writes synchronously, this is also what the owner sees.
func (t *Terminal) Shown() State {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last
}

var _ Indicator = (*Terminal)(nil)
