package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
	"periph.io/x/conn/v3/spi/spitest"

	"github.com/wakegate/wakegate/config"
	"github.com/wakegate/wakegate/leds"
	"github.com/wakegate/wakegate/pins"
)

// hwOutput is a bytes.Buffer safe for the watchers' goroutines.
type hwOutput struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *hwOutput) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *hwOutput) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls until out contains want.
func hwWaitFor(t *testing.T, out *hwOutput, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("output never contained %q:\n%s", want, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestHWTestLights runs the light and tone part on an APA102 ring over a
// recording SPI fake (plus the terminal driver, to see the order) and the
// null audio backend.
func TestHWTestLights(t *testing.T) {
	var spiBytes bytes.Buffer
	strip, err := leds.OpenAPA102(spitest.NewRecordRaw(&spiBytes), 12, 8)
	if err != nil {
		t.Fatal(err)
	}
	ring := leds.NewRing(strip, leds.DefaultTheme(), 30)
	var term, out hwOutput
	hw := &hardware{indicator: leds.Multi{ring, leds.NewTerminal(&term)}, ring: ring}
	c := config.Default()
	c.Indicator.Driver = "apa102"
	o := hwTestOptions{hold: 50 * time.Millisecond, sounds: true, backend: "null"}
	if err := hwTest(context.Background(), c, hw, o, &out, quietLog()); err != nil {
		t.Fatal(err)
	}
	var want []string
	want = append(want, "lights: driver apa102, 50ms per state")
	for _, s := range leds.States() {
		want = append(want, "light: "+s.String())
	}
	want = append(want, "tone: start (200ms)", "tone: end (200ms)", "no mute switch or button configured (pins.mute, pins.button); done")
	if got := strings.Split(strings.TrimSpace(out.String()), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("output:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range leds.States() {
		if !strings.Contains(term.String(), s.String()) {
			t.Errorf("the indicator never showed %s", s)
		}
	}
	// 12 LEDs: a 4-byte start frame, 12 4-byte LED frames, and an end frame.
	if spiBytes.Len() < 4+12*4 {
		t.Errorf("%d bytes reached the SPI bus, want at least one frame", spiBytes.Len())
	}
	if !bytes.HasPrefix(spiBytes.Bytes(), []byte{0, 0, 0, 0}) {
		t.Errorf("SPI stream starts % x, want the APA102 start frame 00 00 00 00", spiBytes.Bytes()[:4])
	}
}

// TestHWTestEvents checks that the mute switch's state at start and the
// debounced events of both controls are printed, and that Ctrl-C
// (cancellation) ends the command cleanly.
func TestHWTestEvents(t *testing.T) {
	clk := clockwork.NewRealClock() // set up front: gpiotest sets it lazily, racing with Read
	mutePin := &gpiotest.Pin{N: "GPIO16", L: gpio.High, EdgesChan: make(chan gpio.Level, 1), Clock: clk}
	buttonPin := &gpiotest.Pin{N: "GPIO17", L: gpio.High, EdgesChan: make(chan gpio.Level, 1), Clock: clk}
	red := &gpiotest.Pin{N: "GPIO23"}
	debounce := 10 * time.Millisecond
	hw := &hardware{
		indicator: nopIndicator{},
		mute:      &pins.MuteSwitch{Pin: mutePin, ActiveLow: true, Debounce: debounce, RedLED: red},
		button:    &pins.Button{Pin: buttonPin, ActiveLow: true, Debounce: debounce, LongPress: time.Hour},
	}
	c := config.Default()
	c.Indicator.Driver = "none"
	c.Pins.Mute, c.Pins.Button = "GPIO16", "GPIO17"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out hwOutput
	done := make(chan error, 1)
	go func() {
		done <- hwTest(ctx, c, hw, hwTestOptions{hold: time.Millisecond}, &out, quietLog())
	}()
	hwWaitFor(t, &out, "mute switch GPIO16: off (microphones live)")
	hwWaitFor(t, &out, "watching the controls")

	buttonPin.EdgesChan <- gpio.Low // pressed (to ground)
	time.Sleep(5 * debounce)
	buttonPin.EdgesChan <- gpio.High
	hwWaitFor(t, &out, "button: press (held ")

	mutePin.EdgesChan <- gpio.Low // switched on
	hwWaitFor(t, &out, "mute switch: mute")
	if red.Read() != gpio.High {
		t.Error("the red LED is not lit while muted")
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("hw-test did not stop on cancel")
	}
}

// TestCheckPins: every missing pin is reported, each with its config key.
func TestCheckPins(t *testing.T) {
	c := config.Default()
	c.Indicator.Driver = "gpio"
	c.Indicator.RedPin = "NO_SUCH_PIN_1"
	c.Pins.Mute = "NO_SUCH_PIN_2"
	c.Pins.Button = "NO_SUCH_PIN_3"
	err := checkPins(c)
	if err == nil {
		t.Fatal("no error for pins that do not exist")
	}
	for _, want := range []string{`indicator.red_pin = "NO_SUCH_PIN_1"`, `pins.mute = "NO_SUCH_PIN_2"`, `pins.button = "NO_SUCH_PIN_3"`, "no such pin"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if err := checkPins(config.Default()); err != nil {
		t.Errorf("no pins configured: %v", err)
	}
}
