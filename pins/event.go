package pins

import (
	"fmt"
	"time"
)

// EventKind says what happened to a control.
type EventKind int

// The event kinds. The zero value is deliberately not a valid kind.
const (
	// Press: the button was pressed and released before LongPress.
	Press EventKind = iota + 1
	// LongPress: the button has been held for LongPress (sent once, while
	// still held; its release sends nothing).
	LongPress
	// Mute: the mute switch was turned on; the microphones are already
	// unpowered and the red LED lit.
	Mute
	// Unmute: the mute switch was turned off; the microphones are powered
	// again.
	Unmute
)

// String returns "press", "longpress", "mute" or "unmute".
func (k EventKind) String() string {
	switch k {
	case Press:
		return "press"
	case LongPress:
		return "longpress"
	case Mute:
		return "mute"
	case Unmute:
		return "unmute"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is one debounced happening on a control.
type Event struct {
	Kind EventKind
	// At is when the owner acted: the first edge of the (bouncing)
	// transition for Press (the release), Mute and Unmute; the moment the
	// hold reached LongPress for LongPress.
	At time.Time
	// Held is how long the button was down (Press, LongPress); zero for
	// the mute switch. At−Held is when the button went down.
	Held time.Duration
}
