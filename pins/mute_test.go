package pins

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

const (
	switchMuted   = gpio.Low // active-low slide switch: closed to ground = muted
	switchUnmuted = gpio.High
)

func TestMuteSwitchInit(t *testing.T) {
	tests := []struct {
		name             string
		level            gpio.Level
		micActiveLow     bool
		ledActiveLow     bool
		wantMuted        bool
		wantMic, wantLED gpio.Level
	}{
		{"muted at boot", switchMuted, false, false, true, gpio.Low, gpio.High},
		{"unmuted at boot", switchUnmuted, false, false, false, gpio.High, gpio.Low},
		{"muted, active-low load switch and LED", switchMuted, true, true, true, gpio.High, gpio.Low},
		{"unmuted, active-low load switch and LED", switchUnmuted, true, true, false, gpio.Low, gpio.High},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.level)
			h.pin.stuck = true
			// Start the outputs in the opposite state, so Init must drive them.
			mic := &gpiotest.Pin{N: "GPIO22", L: !tt.wantMic}
			led := &gpiotest.Pin{N: "GPIO23", L: !tt.wantLED}
			m := &MuteSwitch{Pin: h.pin, ActiveLow: true, MicPower: mic, MicPowerActiveLow: tt.micActiveLow,
				RedLED: led, RedLEDActiveLow: tt.ledActiveLow, Clock: h.clk}
			muted, err := m.Init()
			if err != nil {
				t.Fatal(err)
			}
			if muted != tt.wantMuted || mic.Read() != tt.wantMic || led.Read() != tt.wantLED {
				t.Errorf("Init: muted=%v mic=%v led=%v; want %v %v %v", muted, mic.Read(), led.Read(), tt.wantMuted, tt.wantMic, tt.wantLED)
			}
			if h.pin.Pull() != gpio.PullUp {
				t.Errorf("pull = %v, want PullUp", h.pin.Pull())
			}
		})
	}
}

// failPin is a GPIO whose every operation fails, like a line another
// process holds.
type failPin struct{ gpiotest.Pin }

var errBusy = errors.New("device or resource busy")

func (p *failPin) In(gpio.Pull, gpio.Edge) error { return errBusy }
func (p *failPin) Out(gpio.Level) error          { return errBusy }

func TestMuteSwitchInitFailsClosed(t *testing.T) {
	mic := &gpiotest.Pin{N: "GPIO22", L: gpio.High}
	m := &MuteSwitch{Pin: &failPin{gpiotest.Pin{N: "GPIO24"}}, ActiveLow: true, MicPower: mic}
	muted, err := m.Init()
	if !muted || !errors.Is(err, errBusy) {
		t.Errorf("Init = %v, %v; want true and an error wrapping %v", muted, err, errBusy)
	}
	// An output failure still reports the true switch state.
	h := newHarness(t, switchUnmuted)
	m = &MuteSwitch{Pin: h.pin, ActiveLow: true, RedLED: &failPin{gpiotest.Pin{N: "GPIO23"}}, Clock: h.clk}
	muted, err = m.Init()
	if muted || !errors.Is(err, errBusy) || !strings.Contains(err.Error(), "red LED GPIO23") {
		t.Errorf("Init = %v, %v; want false and a red LED error", muted, err)
	}
}

// TestMuteSwitchOrder checks that the hardware acts before software hears:
// at the moment Mute is emitted the mic is already unpowered and the red LED
// lit; at Unmute the mic is already powered again.
func TestMuteSwitchOrder(t *testing.T) {
	h := newHarness(t, switchUnmuted)
	mic := &gpiotest.Pin{N: "GPIO22"}
	led := &gpiotest.Pin{N: "GPIO23"}
	m := &MuteSwitch{Pin: h.pin, ActiveLow: true, MicPower: mic, RedLED: led, Clock: h.clk}
	if muted, err := m.Init(); muted || err != nil {
		t.Fatalf("Init = %v, %v", muted, err)
	}
	type seen struct {
		ev       Event
		mic, led gpio.Level
	}
	var log []seen
	stop := h.run(t, func(ctx context.Context, emit func(Event)) error {
		return m.Run(ctx, func(e Event) {
			log = append(log, seen{e, mic.Read(), led.Read()})
			emit(e)
		})
	})
	// Slide to mute with contact bounce, then back 2 s later.
	h.edge(switchMuted)
	h.sleep(2 * ms)
	h.edge(switchUnmuted)
	h.sleep(1 * ms)
	h.edge(switchMuted)
	h.sleep(2 * time.Second)
	h.edge(switchUnmuted)
	h.sleep(5 * ms)
	h.edge(switchMuted)
	h.sleep(5 * ms)
	h.edge(switchUnmuted)
	h.sleep(100 * ms)
	got := h.got()
	stop()
	want := []Event{{Kind: Mute, At: h.at(0)}, {Kind: Unmute, At: h.at(2003 * ms)}}
	if !sameEvents(got, want) {
		t.Fatalf("events\n got %+v\nwant %+v", got, want)
	}
	if log[0].mic != gpio.Low || log[0].led != gpio.High {
		t.Errorf("at Mute: mic=%v led=%v; want mic unpowered (Low) and LED lit (High) already", log[0].mic, log[0].led)
	}
	if log[1].mic != gpio.High || log[1].led != gpio.Low {
		t.Errorf("at Unmute: mic=%v led=%v; want mic powered (High) and LED dark already", log[1].mic, log[1].led)
	}
}

// TestMuteSwitchChangeBeforeRun: the switch moved between Init and Run (no
// edge was watched); Run must notice at once.
func TestMuteSwitchChangeBeforeRun(t *testing.T) {
	h := newHarness(t, switchUnmuted)
	h.pin.stuck = true
	mic := &gpiotest.Pin{N: "GPIO22"}
	m := &MuteSwitch{Pin: h.pin, ActiveLow: true, MicPower: mic, Clock: h.clk}
	if muted, err := m.Init(); muted || err != nil {
		t.Fatalf("Init = %v, %v", muted, err)
	}
	_ = h.pin.Out(switchMuted)
	stop := h.run(t, m.Run)
	got := h.got()
	stop()
	if want := []Event{{Kind: Mute, At: h.at(0)}}; !sameEvents(got, want) {
		t.Errorf("events\n got %+v\nwant %+v", got, want)
	}
	if mic.Read() != gpio.Low {
		t.Error("mic still powered")
	}
}

// TestMuteSwitchRunWithoutInit: Run initialises itself, emitting nothing for
// the state it starts in.
func TestMuteSwitchRunWithoutInit(t *testing.T) {
	h := newHarness(t, switchMuted)
	h.pin.stuck = true
	led := &gpiotest.Pin{N: "GPIO23"}
	m := &MuteSwitch{Pin: h.pin, ActiveLow: true, RedLED: led, Clock: h.clk}
	stop := h.run(t, m.Run)
	h.sleep(time.Second)
	got := h.got()
	stop()
	if len(got) != 0 {
		t.Errorf("events %+v, want none", got)
	}
	if led.Read() != gpio.High {
		t.Error("red LED dark while muted")
	}
}

// TestMuteSwitchMutesAtFirstEdge: muting fails closed. The first edge
// towards "muted" cuts the mic power, lights the LED and emits Mute at once,
// before the debounce time has passed; the bounces after it add nothing. A
// glitch that settles back to "unmuted" unmutes only after the debounce.
func TestMuteSwitchMutesAtFirstEdge(t *testing.T) {
	h := newHarness(t, switchUnmuted)
	mic := &gpiotest.Pin{N: "GPIO22"}
	led := &gpiotest.Pin{N: "GPIO23"}
	m := &MuteSwitch{Pin: h.pin, ActiveLow: true, Debounce: 30 * ms, MicPower: mic, RedLED: led, Clock: h.clk}
	if muted, err := m.Init(); muted || err != nil {
		t.Fatalf("Init = %v, %v", muted, err)
	}
	stop := h.run(t, m.Run)
	defer stop()

	h.edge(switchMuted) // no time passes: the contacts have only just touched
	if got, want := h.got(), []Event{{Kind: Mute, At: h.at(0)}}; !sameEvents(got, want) {
		t.Fatalf("right after the first edge: events %+v, want %+v", got, want)
	}
	if mic.Read() != gpio.Low || led.Read() != gpio.High {
		t.Fatalf("right after the first edge: mic=%v led=%v; want unpowered (Low), lit (High)", mic.Read(), led.Read())
	}
	// Contact bounce, settling on "muted": nothing more.
	h.sleep(1 * ms)
	h.edge(switchUnmuted)
	h.sleep(1 * ms)
	h.edge(switchMuted)
	h.sleep(100 * ms)
	if got := h.got(); len(got) != 1 || mic.Read() != gpio.Low {
		t.Fatalf("after the bounces: events %+v, mic %v; want the one Mute, mic unpowered", got, mic.Read())
	}

	// Back to unmuted: that waits for the debounce.
	h.edge(switchUnmuted)
	h.sleep(29 * ms)
	if got := h.got(); len(got) != 1 || mic.Read() != gpio.Low {
		t.Fatalf("unmute before the debounce: events %+v, mic %v", got, mic.Read())
	}
	h.sleep(1 * ms)
	if got := h.got(); len(got) != 2 || got[1].Kind != Unmute || mic.Read() != gpio.High {
		t.Fatalf("unmute after the debounce: events %+v, mic %v", got, mic.Read())
	}

	// A 2 ms glitch towards "muted" mutes at once, and unmutes once quiet.
	h.sleep(time.Second)
	h.edge(switchMuted)
	if got := h.got(); len(got) != 3 || got[2].Kind != Mute {
		t.Fatalf("glitch: events %+v, want a Mute at once", got)
	}
	h.sleep(2 * ms)
	h.edge(switchUnmuted)
	h.sleep(100 * ms)
	got := h.got()
	if len(got) != 4 || got[3].Kind != Unmute || mic.Read() != gpio.High || led.Read() != gpio.Low {
		t.Fatalf("after the glitch: events %+v, mic %v, led %v; want Unmute, powered, dark", got, mic.Read(), led.Read())
	}
}
