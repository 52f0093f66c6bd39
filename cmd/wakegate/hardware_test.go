package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
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
	feedDone := make(chan struct{})
	go func() { // the room: audio never stops arriving
		defer close(feedDone)
		buf := make([]byte, 320)
		for ctx.Err() == nil {
			if _, err := pw.Write(buf); err != nil {
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
		pw.Close()
	}()
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
