package pins

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jonboulle/clockwork"
	"periph.io/x/conn/v3/gpio"
)

// MuteSwitch is the latching microphone switch. While it is on, the
// microphones are unpowered (if MicPower is wired) and the red LED is lit
// (if RedLED is wired): the privacy promise holds in hardware even if the
// software above misbehaves.
//
// Call Init before capture starts, then Run. Zero values of Debounce, Pull
// and Clock pick defaults.
type MuteSwitch struct {
	Pin gpio.PinIn
	// ActiveLow: muted reads Low (switch to ground).
	ActiveLow bool
	// Pull: as for Button (PullNoChange: pull-up when ActiveLow, else
	// pull-down).
	Pull gpio.Pull
	// Debounce: 0 means DefaultDebounce.
	Debounce time.Duration
	// MicPower, optional, drives the microphones' load switch. The mics are
	// powered when it is High, or Low with MicPowerActiveLow.
	MicPower          gpio.PinOut
	MicPowerActiveLow bool
	// RedLED, optional, is lit while muted: High, or Low with
	// RedLEDActiveLow.
	RedLED          gpio.PinOut
	RedLEDActiveLow bool
	// Clock is for tests; nil means the real clock.
	Clock clockwork.Clock

	muted  bool // the state Init found, Run's starting point
	inited bool
}

// Init reads the switch and sets the mic power and red LED to match. Call
// it at start-up before capture ever starts, and start capture only if it
// returns muted == false.
//
// It fails closed: if the pin cannot be read, it returns muted == true with
// the error (and still tries to cut the mic power and light the LED). If
// only an output fails, muted is the switch's true state and err says which
// output failed; the software gate must then still honour muted.
func (m *MuteSwitch) Init() (muted bool, err error) {
	in := m.input()
	if err := in.pin.In(in.pull, gpio.NoEdge); err != nil {
		m.muted, m.inited = true, true
		return true, fmt.Errorf("pins: mute switch %s: %w (treating as muted)", m.Pin, err)
	}
	m.muted, m.inited = in.active(), true
	return m.muted, m.apply(m.muted)
}

func (m *MuteSwitch) input() input {
	return newInput(m.Pin, m.ActiveLow, m.Pull, m.Debounce, m.Clock)
}

// apply drives the outputs for the muted state; both are attempted even if
// one fails, and the first error is returned.
func (m *MuteSwitch) apply(muted bool) error {
	var first error
	if m.MicPower != nil {
		powered := !muted
		if err := m.MicPower.Out(gpio.Level(powered != m.MicPowerActiveLow)); err != nil {
			first = fmt.Errorf("pins: mic power %s: %w", m.MicPower, err)
		}
	}
	if m.RedLED != nil {
		if err := m.RedLED.Out(gpio.Level(muted != m.RedLEDActiveLow)); err != nil && first == nil {
			first = fmt.Errorf("pins: red LED %s: %w", m.RedLED, err)
		}
	}
	return first
}

// Run watches the switch until ctx is cancelled, then returns nil; it
// returns an error only if the pin cannot be set up. It calls Init first if
// nobody has, and reports a change that happened between Init and Run.
//
// Muting fails closed: the first edge towards "muted" mutes at once,
// without waiting for the contacts to settle, so not one more debounce
// period of audio is captured; the bounces that follow are ignored. Only
// unmuting waits until the pin has been quiet for Debounce, and a glitch
// that settles back to "unmuted" unmutes again after it.
//
// The order on each change is fixed and is the point of this type: the
// hardware acts first, then the software hears of it.
//   - Mute: cut mic power, light the red LED, then emit Mute. By the time
//     the gate learns of the mute, the microphones are already dead.
//   - Unmute: restore mic power, darken the red LED, then emit Unmute, so
//     that capture, restarted by the gate, finds the mics powered.
//
// An output error is logged (slog) and the event is emitted anyway: the
// software gate is the second line of defence and must still close.
// emit runs on Run's goroutine and must not block for long.
func (m *MuteSwitch) Run(ctx context.Context, emit func(Event)) error {
	if !m.inited {
		if _, err := m.Init(); err != nil {
			slog.Error("pins: mute switch init", "err", err)
		}
	}
	in := m.input()
	if err := in.pin.In(in.pull, gpio.BothEdges); err != nil {
		return fmt.Errorf("pins: mute switch %s: %w", m.Pin, err)
	}
	defer haltOnCancel(ctx, in.pin)()
	change := func(muted bool, at time.Time) {
		m.muted = muted
		if err := m.apply(muted); err != nil {
			slog.Error("pins: mute switch outputs", "muted", muted, "err", err)
		}
		kind := Unmute
		if muted {
			kind = Mute
		}
		emit(Event{Kind: kind, At: at})
	}
	in.loop(ctx, m.muted, true, watcher{
		change: change,
		early: func(muted bool, at time.Time) bool {
			if muted {
				change(true, at)
			}
			return muted
		},
	})
	return nil
}
