package leds

import (
	"testing"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

func TestGPIOLEDsLevels(t *testing.T) {
	const L, H = gpio.Low, gpio.High
	// want[s] = {red, blue} for the DefaultGPIOMap wiring, active high.
	want := map[State][2]gpio.Level{
		Idle:      {L, L},
		Listening: {L, H},
		Thinking:  {L, H},
		FollowUp:  {L, H},
		Muted:     {H, L},
		Error:     {H, L},
		Alarm:     {H, L},
	}
	for _, activeLow := range []bool{false, true} {
		red := &gpiotest.Pin{N: "GPIO5", L: gpio.High}
		blue := &gpiotest.Pin{N: "GPIO6", L: gpio.High}
		g, err := NewGPIOLEDs(DefaultGPIOMap(red, blue), activeLow)
		if err != nil {
			t.Fatal(err)
		}
		// Every level is inverted when the LEDs are wired active low.
		lv := func(l gpio.Level) gpio.Level { return l != gpio.Level(activeLow) }
		if red.Read() != lv(L) || blue.Read() != lv(L) {
			t.Errorf("activeLow=%v: after New red=%v blue=%v, want both dark", activeLow, red.Read(), blue.Read())
		}
		// Go through every state twice, in an order that changes both pins.
		for _, s := range append(States(), Muted, Listening, Idle, Alarm, FollowUp) {
			g.Set(s)
			w := want[s]
			if red.Read() != lv(w[0]) || blue.Read() != lv(w[1]) {
				t.Errorf("activeLow=%v %s: red=%v blue=%v, want %v %v", activeLow, s, red.Read(), blue.Read(), lv(w[0]), lv(w[1]))
			}
			if g.Shown() != s {
				t.Errorf("Shown() = %v, want %v", g.Shown(), s)
			}
		}
		if err := g.Off(); err != nil {
			t.Fatal(err)
		}
		if red.Read() != lv(L) || blue.Read() != lv(L) {
			t.Errorf("activeLow=%v: after Off red=%v blue=%v", activeLow, red.Read(), blue.Read())
		}
		if g.Err() != nil {
			t.Errorf("Err() = %v", g.Err())
		}
	}
}

func TestGPIOLEDsIdlePinAndInvalidState(t *testing.T) {
	green := &gpiotest.Pin{N: "GPIO13"}
	red := &gpiotest.Pin{N: "GPIO5"}
	g, err := NewGPIOLEDs(map[State][]gpio.PinOut{Idle: {green}, Error: {red}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if green.Read() != gpio.High {
		t.Error("a pin mapped to Idle is not lit after New")
	}
	g.Set(State(77)) // a bug upstream must show as Error, not as nothing
	if red.Read() != gpio.High || green.Read() != gpio.Low || g.Shown() != Error {
		t.Errorf("invalid state: red=%v green=%v shown=%v", red.Read(), green.Read(), g.Shown())
	}
	if err := g.Off(); err != nil || green.Read() != gpio.Low {
		t.Errorf("Off left the idle pin at %v (err %v)", green.Read(), err)
	}
	if _, err := NewGPIOLEDs(map[State][]gpio.PinOut{State(-1): {red}}, false); err == nil {
		t.Error("invalid state in the map accepted")
	}
}
