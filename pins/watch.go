package pins

import (
	"context"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
	"periph.io/x/conn/v3/gpio"
)

// Defaults for zero-valued fields.
const (
	// DefaultDebounce: contact bounce in tactile and slide switches dies
	// out within 5–20 ms; 30 ms leaves margin and is still below what a
	// person perceives as lag (~50 ms).
	DefaultDebounce = 30 * time.Millisecond
	// DefaultLongPress is the hold time for LongPress, as on Echo devices'
	// action button (hold to enter setup).
	DefaultLongPress = 1500 * time.Millisecond
	// pollTimeout bounds every WaitForEdge, so a cancelled context is seen
	// within this time even where Halt cannot unblock the wait.
	pollTimeout = 250 * time.Millisecond
)

// input is the part shared by the button and the mute switch: a pin, its
// polarity and the debounce loop.
type input struct {
	pin       gpio.PinIn
	activeLow bool
	pull      gpio.Pull
	debounce  time.Duration
	clk       clockwork.Clock
}

func newInput(pin gpio.PinIn, activeLow bool, pull gpio.Pull, debounce time.Duration, clk clockwork.Clock) input {
	if pull == gpio.PullNoChange {
		// The switch connects the pin to the level that means "active",
		// so pull it the other way.
		pull = gpio.PullDown
		if activeLow {
			pull = gpio.PullUp
		}
	}
	if debounce <= 0 {
		debounce = DefaultDebounce
	}
	if clk == nil {
		clk = clockwork.NewRealClock()
	}
	return input{pin: pin, activeLow: activeLow, pull: pull, debounce: debounce, clk: clk}
}

// active reads the pin and reports whether the control is on (pressed,
// muted).
func (in *input) active() bool { return in.pin.Read() != gpio.Level(in.activeLow) }

// haltOnCancel calls pin.Halt when ctx is cancelled, to unblock a pending
// WaitForEdge at once where the driver supports it. The returned func stops
// the watcher and waits for it, so no goroutine outlives the caller.
func haltOnCancel(ctx context.Context, pin gpio.PinIn) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		select {
		case <-ctx.Done():
			_ = pin.Halt() // best effort: the finite poll timeout is the real guarantee
		case <-done:
		}
	})
	return func() { close(done); wg.Wait() }
}

// watcher callbacks, called on the loop's goroutine.
type watcher struct {
	// change is called with each new debounced state and the time of the
	// first edge of the burst that led to it.
	change func(active bool, at time.Time)
	// early, if set, is called at the first edge of a burst with the level
	// read right after it, when that differs from the stable state. If it
	// returns true it has acted on the level at once (without waiting for
	// the burst to settle), which becomes the stable state: change is then
	// called only if the settled level differs from it.
	early func(active bool, at time.Time) bool
	// deadline returns a time the owner wants to be woken at, if any.
	deadline func() (time.Time, bool)
	// expired is called once the deadline has passed; it must make
	// deadline return false or a later time.
	expired func(deadline time.Time)
}

// loop waits for edges until ctx is done and reports debounced changes
// from the state stable. A change is accepted when the pin has been quiet
// for the debounce time after the last edge of a burst; the level is read
// then, so bounces inside the burst never count. With checkNow, the level is
// compared with stable at once (a change while nobody watched).
func (in *input) loop(ctx context.Context, stable, checkNow bool, w watcher) {
	var (
		settling          = checkNow
		settleAt, burstAt = in.clk.Now(), in.clk.Now()
	)
	for ctx.Err() == nil {
		now := in.clk.Now()
		if settling && !now.Before(settleAt) {
			settling = false
			if a := in.active(); a != stable {
				stable = a
				w.change(a, burstAt)
			}
			continue
		}
		timeout := pollTimeout
		if settling {
			// A deadline waits until the burst settles: a release that
			// began before the long-press deadline is a Press.
			timeout = min(timeout, settleAt.Sub(now))
		} else if w.deadline != nil {
			if d, ok := w.deadline(); ok {
				if !now.Before(d) {
					w.expired(d)
					continue
				}
				timeout = min(timeout, d.Sub(now))
			}
		}
		if in.pin.WaitForEdge(timeout) {
			now = in.clk.Now()
			if !settling {
				burstAt = now
				if a := in.active(); w.early != nil && a != stable && w.early(a, now) {
					stable = a
				}
			}
			// Every edge restarts the quiet period.
			settling, settleAt = true, now.Add(in.debounce)
		}
	}
}
