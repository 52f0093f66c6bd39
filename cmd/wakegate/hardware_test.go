package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/conn/v3/gpio/gpiotest"

	"github.com/wakegate/wakegate/agent"
	"github.com/wakegate/wakegate/capture"
	"github.com/wakegate/wakegate/config"
	"github.com/wakegate/wakegate/dsp"
	"github.com/wakegate/wakegate/leds"
	"github.com/wakegate/wakegate/leds/ledstest"
	"github.com/wakegate/wakegate/pins"
	"github.com/wakegate/wakegate/upstream"
)

// TestMuteEdgeStopsCapture drives the whole chain the way the switch on a
// board does: an edge on the mute pin (periph's gpiotest), the debounced
// MuteSwitch, the wiring in hardware.start, and the agent. After the edge
// the microphone power pin is cut, the red LED is lit, and not one more
// frame is read from the capture source, although audio keeps arriving.
func TestMuteEdgeStopsCapture(t *testing.T) {
	_, addr := startService(t)
	client, err := upstream.Dial(upstream.Config{Addr: addr, DeviceID: "pins", Plaintext: true})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()

	mutePin := &gpiotest.Pin{N: "GPIO16", L: gpio.High, EdgesChan: make(chan gpio.Level, 4)}
	power := &gpiotest.Pin{N: "GPIO5"}
	red := &gpiotest.Pin{N: "GPIO6"}
	hw := &hardware{mute: &pins.MuteSwitch{Pin: mutePin, ActiveLow: true, Debounce: 30 * time.Millisecond, MicPower: power, RedLED: red}}
	muted, err := hw.mute.Init()
	if err != nil || muted {
		t.Fatalf("Init = %v, %v; want unmuted", muted, err)
	}

	pr, pw := io.Pipe()
	src := capture.NewRaw(pr)
	defer src.Close()
	rec := &ledstest.Recorder{}
	log := slog.New(slog.DiscardHandler)
	a, err := agent.New(agent.Config{}, agent.Deps{Source: src, VAD: dsp.NewVAD(dsp.DefaultVADConfig()), Indicator: rec, Upstream: client, Log: log}, muted)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	hw.start(ctx, &wg, a, log)
	runDone := make(chan error, 1)
	go func() { runDone <- a.Run(ctx) }()
	feedDone := feedRoom(ctx, pw)
	waitUntil := func(cond func() bool, what string) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	waitUntil(func() bool { return src.Delivered() > 8000 }, "capture")

	mutePin.EdgesChan <- gpio.Low // the owner slides the switch to "mic off"
	waitUntil(func() bool { return rec.Last() == leds.Muted }, "the gate to mute")
	if power.Read() != gpio.Low || red.Read() != gpio.High {
		t.Errorf("after mute: mic power %v, red LED %v; want Low, High", power.Read(), red.Read())
	}
	at := src.Delivered()
	time.Sleep(300 * time.Millisecond)
	if got := src.Delivered(); got != at {
		t.Fatalf("%d samples read after the mute edge", got-at)
	}
	if n := a.Ledger.Snapshot().FramesReadWhileMuted; n != 0 {
		// A frame that was in flight when the switch moved is discarded, not
		// processed; tolerate at most one hop of it.
		if n > agent.HopSamples {
			t.Fatalf("%d samples read while muted", n)
		}
	}

	mutePin.EdgesChan <- gpio.High // and back on
	waitUntil(func() bool { return rec.Last() == leds.Idle && src.Delivered() > at }, "capture to resume")
	if power.Read() != gpio.High || red.Read() != gpio.Low {
		t.Errorf("after unmute: mic power %v, red LED %v; want High, Low", power.Read(), red.Read())
	}
	cancel()
	if err := <-runDone; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	<-feedDone
}

// TestMutedAtBootNeverOpensMicrophone: a device whose mute switch is on at
// start-up does not open the microphone at all (null backend), until the
// owner unmutes.
func TestMutedAtBootNeverOpensMicrophone(t *testing.T) {
	_, addr := startService(t)
	client, err := upstream.Dial(upstream.Config{Addr: addr, DeviceID: "boot", Plaintext: true})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	src, closeSrc, err := openSource(config.Config{Audio: config.Audio{Backend: "null", PeriodMs: 20}}, agent.SampleRate)
	if err != nil {
		t.Fatal(err)
	}
	defer closeSrc()
	mic := src.(*lazyMic)
	rec := &ledstest.Recorder{}
	a, err := agent.New(agent.Config{}, agent.Deps{Source: src, VAD: dsp.NewVAD(dsp.DefaultVADConfig()), Indicator: rec, Upstream: client,
		Log: slog.New(slog.DiscardHandler)}, true)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	time.Sleep(300 * time.Millisecond)
	if mic.Opened() {
		t.Fatal("muted at boot, yet the microphone was opened")
	}
	a.SetMuted(false)
	deadline := time.Now().Add(3 * time.Second)
	for !mic.Opened() || rec.Last() != leds.Idle {
		if time.Now().After(deadline) {
			t.Fatal("unmute did not open the microphone")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// closedSwitch is a gpiotest pin wired to a switch that holds its level:
// setting a pull (In) does not move it, as a switch closed to ground
// overrides the internal pull-up.
type closedSwitch struct{ *gpiotest.Pin }

func (p closedSwitch) In(pull gpio.Pull, edge gpio.Edge) error {
	l := p.Read()
	err := p.Pin.In(pull, edge)
	_ = p.Out(l)
	return err
}

// TestHardwareFromConfig: the pin keys of the configuration reach the
// drivers, polarities included. With periph's registry holding gpiotest
// pins, a mute switch that reads "muted" at start-up cuts the (active-low)
// mic power and lights the (active-low) red LED before capture starts, the
// agent starts muted, and the gpio light drives its pins.
func TestHardwareFromConfig(t *testing.T) {
	if err := pins.InitHost(); err != nil {
		t.Fatal(err)
	}
	reg := func(p gpio.PinIO) {
		t.Helper()
		if err := gpioreg.Register(p); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { gpioreg.Unregister(p.Name()) })
	}
	newPin := func(name string, l gpio.Level) *gpiotest.Pin {
		return &gpiotest.Pin{N: name, L: l, EdgesChan: make(chan gpio.Level, 1)}
	}
	mute := newPin("WGTEST_MUTE", gpio.Low) // active low: closed to ground = muted
	power, red := newPin("WGTEST_MIC_POWER", gpio.Low), newPin("WGTEST_RED_LED", gpio.High)
	button := newPin("WGTEST_BUTTON", gpio.High)
	indRed, indBlue := newPin("WGTEST_IND_RED", gpio.Low), newPin("WGTEST_IND_BLUE", gpio.Low)
	reg(closedSwitch{mute})
	for _, p := range []*gpiotest.Pin{power, red, button, indRed, indBlue} {
		reg(p)
	}
	c := config.Default()
	c.Pins.Mute, c.Pins.MuteActiveLow = "WGTEST_MUTE", true
	c.Pins.MicPower, c.Pins.MicPowerLowOn = "WGTEST_MIC_POWER", true
	c.Pins.RedLED, c.Pins.RedLEDLowOn = "WGTEST_RED_LED", true
	c.Pins.Button = "WGTEST_BUTTON"
	c.Indicator.Driver, c.Indicator.RedPin, c.Indicator.BluePin = "gpio", "WGTEST_IND_RED", "WGTEST_IND_BLUE"
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	hw, err := openHardware(context.Background(), c, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer hw.close()
	if hw.mute == nil || hw.button == nil || hw.mute.Pin.Name() != "WGTEST_MUTE" || hw.button.Pin.Name() != "WGTEST_BUTTON" {
		t.Fatalf("mute switch %v, button %v: not the configured pins", hw.mute, hw.button)
	}
	muted, err := hw.mute.Init()
	if err != nil || !muted {
		t.Fatalf("Init = %v, %v; want muted", muted, err)
	}
	// Active-low outputs: mic power off = High, red LED lit = Low.
	if power.Read() != gpio.High || red.Read() != gpio.Low {
		t.Errorf("muted at start-up: mic power %v, red LED %v; want High (off, active low), Low (lit, active low)", power.Read(), red.Read())
	}
	hw.indicator.Set(leds.Muted)
	if indRed.Read() != gpio.High || indBlue.Read() != gpio.Low {
		t.Errorf("light muted: red %v, blue %v; want High, Low", indRed.Read(), indBlue.Read())
	}
	hw.indicator.Set(leds.Listening)
	if indRed.Read() != gpio.Low || indBlue.Read() != gpio.High {
		t.Errorf("light listening: red %v, blue %v; want Low, High", indRed.Read(), indBlue.Read())
	}

	// The same configuration through `wakegate run`: it starts muted (the
	// null microphone is never opened) and stops cleanly.
	_, addr := startService(t)
	c.Upstream.Addr, c.Upstream.Plaintext = addr, true
	c.Audio.Backend = "null"
	c.WakeWord.Files = []string{abs(t, "../../testdata/computer.wgt")}
	cfgPath := filepath.Join(t.TempDir(), "wakegate.toml")
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(c); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfgPath, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	var errOut lockedBuffer
	if err := dispatch(ctx, []string{"run", "--config", cfgPath}, &bytes.Buffer{}, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	if log := errOut.String(); !strings.Contains(log, "muted=true") || !strings.Contains(log, "wakegate stopped") {
		t.Errorf("run did not start muted and stop cleanly:\n%s", log)
	}
	if power.Read() != gpio.High {
		t.Error("run powered the microphones while the switch says muted")
	}
}

// noEdgePin reads fine but cannot watch for edges, like a line whose
// driver has no interrupt support or that another process holds for
// events.
type noEdgePin struct{ *gpiotest.Pin }

func (p noEdgePin) In(pull gpio.Pull, edge gpio.Edge) error {
	if edge != gpio.NoEdge {
		return errors.New("edge detection not supported")
	}
	return p.Pin.In(pull, edge)
}

// TestMuteSwitchUnwatchableFailsClosed: a mute switch that reads "unmuted"
// at start-up but whose edges cannot be watched could never mute; the
// agent mutes itself (capture stops, the red light shows it) instead of
// running with a dead switch.
func TestMuteSwitchUnwatchableFailsClosed(t *testing.T) {
	_, addr := startService(t)
	client, err := upstream.Dial(upstream.Config{Addr: addr, DeviceID: "pins", Plaintext: true})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	hw := &hardware{mute: &pins.MuteSwitch{Pin: noEdgePin{&gpiotest.Pin{N: "GPIO16", L: gpio.High}}, ActiveLow: true}}
	if muted, err := hw.mute.Init(); err != nil || muted {
		t.Fatalf("Init = %v, %v; want unmuted", muted, err)
	}
	pr, pw := io.Pipe()
	src := capture.NewRaw(pr)
	defer src.Close()
	rec := &ledstest.Recorder{}
	var logs lockedBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	a, err := agent.New(agent.Config{}, agent.Deps{Source: src, VAD: dsp.NewVAD(dsp.DefaultVADConfig()), Indicator: rec, Upstream: client, Log: log}, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- a.Run(ctx) }()
	feedDone := feedRoom(ctx, pw)
	for deadline := time.Now().Add(5 * time.Second); src.Delivered() < 1600; time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("capture did not start")
		}
	}
	var wg sync.WaitGroup
	hw.start(ctx, &wg, a, log)
	for deadline := time.Now().Add(5 * time.Second); rec.Last() != leds.Muted; time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the agent did not mute itself; indicator %v\n%s", rec.Last(), logs.String())
		}
	}
	at := src.Delivered()
	time.Sleep(200 * time.Millisecond)
	if got := src.Delivered(); got != at {
		t.Errorf("%d samples read after the mute switch failed", got-at)
	}
	if !strings.Contains(logs.String(), "microphone kept off") {
		t.Errorf("no clear log line:\n%s", logs.String())
	}
	cancel()
	wg.Wait()
	if err := <-runDone; err != nil {
		t.Fatal(err)
	}
	<-feedDone
}

// feedRoom writes silence into pw, 10 ms every 2 ms, until ctx ends (then
// closes pw) or a write fails: the room, where audio never stops arriving.
// The returned channel is closed when it has stopped.
func feedRoom(ctx context.Context, pw *io.PipeWriter) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 320)
		for ctx.Err() == nil {
			if _, err := pw.Write(buf); err != nil {
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
		pw.Close()
	}()
	return done
}
