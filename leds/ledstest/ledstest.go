// Package ledstest provides a recording leds.Indicator for tests of code
// that drives indicators, such as the gate's "indicator first" (P3) and
// "mute shows red" (P4) checks.
package ledstest

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/wakegate/wakegate/leds"
)

// Change is one Set call.
type Change struct {
	State leds.State
	At    time.Time
}

// Recorder is an leds.Indicator that remembers every Set. The zero value is
// ready to use; it is safe for concurrent use and Set never blocks for
// longer than a mutex hold.
type Recorder struct {
	// OnSet, if set before use, is called synchronously from Set, after
	// recording. A test can use it to put indicator changes into the same
	// ordered log as, say, audio bytes sent upstream.
	OnSet func(leds.State)
	// Now stamps changes; nil means time.Now. Set a fake clock's Now for
	// exact times.
	Now func() time.Time

	mu      sync.Mutex
	changes []Change
	wake    chan struct{} // closed and replaced on every Set, for WaitFor
}

// Set records s.
func (r *Recorder) Set(s leds.State) {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	r.mu.Lock()
	r.changes = append(r.changes, Change{State: s, At: now()})
	if r.wake != nil {
		close(r.wake)
		r.wake = nil
	}
	r.mu.Unlock()
	if r.OnSet != nil {
		r.OnSet(s)
	}
}

// Last returns the most recent state (Idle if Set was never called).
func (r *Recorder) Last() leds.State {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.changes) == 0 {
		return leds.Idle
	}
	return r.changes[len(r.changes)-1].State
}

// Changes returns a copy of every Set call, in order.
func (r *Recorder) Changes() []Change {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.changes)
}

// States returns the sequence of states with consecutive repeats removed:
// what an owner watching the light would have seen.
func (r *Recorder) States() []leds.State {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []leds.State
	for _, c := range r.changes {
		if len(out) == 0 || out[len(out)-1] != c.State {
			out = append(out, c.State)
		}
	}
	return out
}

// WaitFor blocks until the last state is s or ctx is done.
func (r *Recorder) WaitFor(ctx context.Context, s leds.State) error {
	for {
		r.mu.Lock()
		if n := len(r.changes); n > 0 && r.changes[n-1].State == s || n == 0 && s == leds.Idle {
			r.mu.Unlock()
			return nil
		}
		if r.wake == nil {
			r.wake = make(chan struct{})
		}
		wake := r.wake
		r.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

var _ leds.Indicator = (*Recorder)(nil)
