package leds

import (
	"fmt"
	"log/slog"
	"sync"

	"periph.io/x/conn/v3/gpio"
)

// GPIOLEDs drives plain on/off LEDs on GPIO pins, for boards without a ring:
// each pin is lit in the states listed for it and dark otherwise. Plain LEDs
// cannot animate, so every pattern other than Off shows as steady light.
//
// Set writes the pins synchronously: a GPIO write is a register store or a
// single ioctl (microseconds), which does not hold up the audio path. Write
// errors are logged with slog and remembered (Err); they never panic.
// It is safe for concurrent use.
type GPIOLEDs struct {
	mu        sync.Mutex
	pins      []gpio.PinOut     // every distinct pin, in first-seen order
	lit       [numStates][]bool // lit[s][i]: pins[i] is on in state s
	activeLow bool
	cur       State
	err       error
}

// DefaultGPIOMap is the usual two-LED wiring: red for Muted, Error and
// Alarm; blue for Listening, Thinking and FollowUp. A nil pin is left out.
func DefaultGPIOMap(red, blue gpio.PinOut) map[State][]gpio.PinOut {
	m := map[State][]gpio.PinOut{}
	if red != nil {
		for _, s := range []State{Muted, Error, Alarm} {
			m[s] = append(m[s], red)
		}
	}
	if blue != nil {
		for _, s := range []State{Listening, Thinking, FollowUp} {
			m[s] = append(m[s], blue)
		}
	}
	return m
}

// NewGPIOLEDs returns an indicator that lights, in each state, the pins
// listed for it in on. With activeLow the LEDs are wired from the supply to
// the pin, so Low lights them. All pins are driven dark (the Idle state)
// before it returns; the first write error is returned.
func NewGPIOLEDs(on map[State][]gpio.PinOut, activeLow bool) (*GPIOLEDs, error) {
	g := &GPIOLEDs{activeLow: activeLow}
	index := map[gpio.PinOut]int{}
	for _, s := range States() { // fixed order, so pins[] does not depend on map iteration
		for _, p := range on[s] {
			if p == nil {
				continue
			}
			if _, ok := index[p]; !ok {
				index[p] = len(g.pins)
				g.pins = append(g.pins, p)
			}
		}
	}
	for s := range on {
		if !s.Valid() {
			return nil, fmt.Errorf("leds: gpio: invalid state %d", int(s))
		}
	}
	for s := range g.lit {
		g.lit[s] = make([]bool, len(g.pins))
		for _, p := range on[State(s)] {
			if p != nil {
				g.lit[s][index[p]] = true
			}
		}
	}
	g.cur = Idle
	if err := g.write(g.lit[Idle]); err != nil {
		return nil, err
	}
	return g, nil
}

// Set lights the pins of state s and darkens the others. An invalid state
// shows as Error, so a bug never shows "nothing is happening".
func (g *GPIOLEDs) Set(s State) {
	if !s.Valid() {
		s = Error
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.cur = s
	if err := g.write(g.lit[s]); err != nil {
		g.err = err
		slog.Warn("leds: gpio write failed", "state", s, "err", err)
	}
}

// write lights pins[i] where lit[i] and darkens the rest (all of them when
// lit is nil); the caller holds mu (or owns g).
func (g *GPIOLEDs) write(lit []bool) error {
	var first error
	for i, p := range g.pins {
		on := lit != nil && lit[i]
		l := gpio.Level(on != g.activeLow) // on xor active-low
		if err := p.Out(l); err != nil && first == nil {
			first = fmt.Errorf("leds: gpio %s: %w", p, err)
		}
	}
	return first
}

// Shown returns the state last written.
func (g *GPIOLEDs) Shown() State {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.cur
}

// Err returns the last write error, or nil.
func (g *GPIOLEDs) Err() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err
}

// Off darkens every pin, whatever the map says for Idle, for shutdown.
func (g *GPIOLEDs) Off() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.cur = Idle
	return g.write(nil)
}

var _ Indicator = (*GPIOLEDs)(nil)
