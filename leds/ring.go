package leds

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"
)

// Ring animates a Theme onto a Strip at a fixed frame rate on the goroutine
// that calls Run. Set only stores the state (latest wins) and nudges Run, so
// it never blocks, however slow the strip is; intermediate states set
// between two frames are skipped, which is what a light should do.
type Ring struct {
	strip  Strip
	styles [numStates]Style // the theme, copied: no map lookups per frame
	period time.Duration
	state  atomic.Int32  // the State most recently Set
	shown  atomic.Int32  // the State of the last frame written successfully
	wake   chan struct{} // capacity 1: a pending "state changed" nudge
	pix    []Color
	last   []Color // the pixels last written, to skip identical static frames
	run    atomic.Bool
}

// refresh is how often an unchanged frame is re-sent anyway, so a glitch on
// the LED data line (noise, a brown-out) heals within a second.
const refresh = time.Second

// NewRing returns a Ring drawing theme on strip at fps frames per second
// (25–60 look smooth; 30 is a good default). The theme is copied. It panics
// on a nil strip, fps < 1 or an invalid theme: programming errors, since the
// configuration layer validates themes with Theme.Validate.
func NewRing(strip Strip, theme Theme, fps int) *Ring {
	if strip == nil || fps < 1 {
		panic(fmt.Sprintf("leds: NewRing(%v, fps=%d): need a strip and fps >= 1", strip, fps))
	}
	if err := theme.Validate(); err != nil {
		panic(err.Error())
	}
	r := &Ring{
		strip:  strip,
		period: time.Second / time.Duration(fps),
		wake:   make(chan struct{}, 1),
		pix:    make([]Color, strip.Len()),
		last:   make([]Color, strip.Len()),
	}
	for s, st := range theme {
		r.styles[s] = st
	}
	return r
}

// Set records s as the state to show and returns at once. An invalid state
// shows as Error, so a bug never looks like "nothing is happening".
func (r *Ring) Set(s State) {
	if !s.Valid() {
		s = Error
	}
	r.state.Store(int32(s))
	select {
	case r.wake <- struct{}{}:
	default: // a nudge is already pending; Run will read the latest state
	}
}

// Shown returns the state of the last frame written to the strip without
// error (Idle before the first). A caller that must know the light is on,
// not just requested, can poll it.
func (r *Ring) Shown() State { return State(r.shown.Load()) }

// Run draws frames until ctx is cancelled, then turns the strip off and
// returns nil. A state change is drawn at once, not at the next tick. It
// returns an error if the strip fails, so the supervisor can restart us:
// a ring that cannot show "listening" must not fail silently. Run must not
// be called twice at once.
func (r *Ring) Run(ctx context.Context) (err error) {
	if !r.run.CompareAndSwap(false, true) {
		return errors.New("leds: ring: Run called twice")
	}
	defer r.run.Store(false)
	defer func() {
		if offErr := r.strip.Off(); offErr != nil && err == nil {
			err = fmt.Errorf("leds: ring: off: %w", offErr)
		}
	}()

	tick := time.NewTicker(r.period)
	defer tick.Stop()
	cur := State(r.state.Load())
	since := time.Now()
	var lastShow time.Time
	first := true
	for ctx.Err() == nil {
		now := time.Now()
		if s := State(r.state.Load()); s != cur {
			cur, since = s, now
		}
		st := r.styles[cur]
		st.Render(r.pix, now.Sub(since))
		static := st.Pattern == Off || st.Pattern == Solid || st.PeriodMs <= 0
		if first || !static || !slices.Equal(r.pix, r.last) || now.Sub(lastShow) >= refresh {
			if err := r.strip.Show(r.pix); err != nil {
				return fmt.Errorf("leds: ring: %w", err)
			}
			copy(r.last, r.pix)
			lastShow, first = now, false
			r.shown.Store(int32(cur))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		case <-r.wake:
		}
	}
	return nil
}

var _ Indicator = (*Ring)(nil)
