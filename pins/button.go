package pins

import (
	"context"
	"fmt"
	"time"

	"github.com/jonboulle/clockwork"
	"periph.io/x/conn/v3/gpio"
)

// Button is the action button: a momentary switch on a GPIO input.
// The zero values of Debounce, LongPress, Pull and Clock pick defaults.
type Button struct {
	Pin gpio.PinIn
	// Debounce is how long the pin must be quiet before a change counts
	// (0: DefaultDebounce).
	Debounce time.Duration
	// LongPress is the hold time for a LongPress event (0: DefaultLongPress).
	LongPress time.Duration
	// ActiveLow: pressed reads Low (the usual wiring: switch to ground).
	ActiveLow bool
	// Pull is the internal resistor; PullNoChange (the zero value) means
	// pull-up when ActiveLow, else pull-down. Use gpio.Float when the board
	// has its own resistor.
	Pull gpio.Pull
	// Clock is for tests; nil means the real clock. It must be the clock
	// the pin's WaitForEdge uses.
	Clock clockwork.Clock
}

// Run watches the button until ctx is cancelled, then returns nil; it
// returns an error only if the pin cannot be set up. It calls emit on its
// own goroutine: a Press when the button is released before LongPress, or
// one LongPress as soon as it has been held that long (its release then
// sends nothing). A button already held when Run starts is ignored until it
// is released. emit must not block for long: edges are not watched while it
// runs.
func (b *Button) Run(ctx context.Context, emit func(Event)) error {
	long := b.LongPress
	if long <= 0 {
		long = DefaultLongPress
	}
	in := newInput(b.Pin, b.ActiveLow, b.Pull, b.Debounce, b.Clock)
	if err := in.pin.In(in.pull, gpio.BothEdges); err != nil {
		return fmt.Errorf("pins: button %s: %w", b.Pin, err)
	}
	defer haltOnCancel(ctx, in.pin)()

	var (
		tracking bool      // a press we saw begin and have not finished
		down     time.Time // when it began
		longSent bool
	)
	in.loop(ctx, in.active(), false, watcher{
		change: func(pressed bool, at time.Time) {
			if pressed {
				tracking, down, longSent = true, at, false
				return
			}
			if tracking && !longSent {
				emit(Event{Kind: Press, At: at, Held: at.Sub(down)})
			}
			tracking = false
		},
		deadline: func() (time.Time, bool) {
			return down.Add(long), tracking && !longSent
		},
		expired: func(d time.Time) {
			longSent = true
			emit(Event{Kind: LongPress, At: d, Held: long})
		},
	})
	return nil
}
