package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/wakegate/wakegate/config"
	"github.com/wakegate/wakegate/leds"
	"github.com/wakegate/wakegate/pins"
	"github.com/wakegate/wakegate/tone"
)

func init() {
	extraCommands = append(extraCommands,
		command{"hw-test", "bring-up check: light each LED state, play the tones, print mute and button events", hwTestMain})
}

// hwTestOptions are hw-test's knobs.
type hwTestOptions struct {
	hold    time.Duration // how long each indicator state is shown
	sounds  bool          // play the start and end tones
	backend string        // audio backend for the tones
}

func hwTestMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("hw-test", "hw-test [--config FILE] [--hold 1s] [--no-sounds] [--backend alsa|pulse|null]", stderr)
	configPath := fs.String("config", "", "configuration `FILE` (default "+defaultConfigHint+")")
	hold := fs.Duration("hold", time.Second, "how long each indicator state is shown")
	noSounds := fs.Bool("no-sounds", false, "do not play the request tones")
	backend := fs.String("backend", "", "audio backend for the tones (overrides audio.backend)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: hw-test takes no arguments", errUsage)
	}
	if *hold <= 0 {
		return fmt.Errorf("%w: hw-test: --hold must be positive", errUsage)
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	if *backend != "" {
		cfg.Audio.Backend = *backend
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	if err := checkPins(cfg); err != nil {
		return err
	}
	hw, err := openHardware(ctx, cfg, log)
	if err != nil {
		return fmt.Errorf("hw-test: %w", err)
	}
	defer hw.close()
	return hwTest(ctx, cfg, hw, hwTestOptions{hold: *hold, sounds: !*noSounds, backend: cfg.Audio.Backend}, stdout, log)
}

// configuredPins lists the pin keys the configuration sets, as
// "section.key" → pin name, in a fixed order.
func configuredPins(c config.Config) [][2]string {
	var out [][2]string
	add := func(key, name string) {
		if name != "" {
			out = append(out, [2]string{key, name})
		}
	}
	if c.Indicator.Driver == "gpio" {
		add("indicator.red_pin", c.Indicator.RedPin)
		add("indicator.blue_pin", c.Indicator.BluePin)
	}
	add("pins.mute", c.Pins.Mute)
	add("pins.mic_power", c.Pins.MicPower)
	add("pins.red_led", c.Pins.RedLED)
	add("pins.button", c.Pins.Button)
	return out
}

// checkPins resolves every configured pin and reports all that do not
// exist at once (openHardware stops at the first), which is what a person
// wiring a new board wants to see.
func checkPins(c config.Config) error {
	ps := configuredPins(c)
	if len(ps) == 0 {
		return nil
	}
	if err := pins.InitHost(); err != nil {
		return fmt.Errorf("hw-test: %w", err)
	}
	var errs []error
	for _, p := range ps {
		if _, err := pins.Lookup(p[1]); err != nil {
			errs = append(errs, fmt.Errorf("hw-test: %s = %q: %w", p[0], p[1], err))
		}
	}
	return errors.Join(errs...)
}

// hwTest lights each indicator state for o.hold, plays the tones, then
// prints the mute switch's and the button's events until ctx ends.
func hwTest(ctx context.Context, c config.Config, hw *hardware, o hwTestOptions, stdout io.Writer, log *slog.Logger) error {
	var outMu sync.Mutex // the event watchers print from their own goroutines
	say := func(format string, args ...any) {
		outMu.Lock()
		defer outMu.Unlock()
		fmt.Fprintf(stdout, format+"\n", args...)
	}

	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if hw.ring != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := hw.ring.Run(ctx); err != nil {
				say("light ring: %v", err)
			}
		}()
	}

	say("lights: driver %s, %v per state", c.Indicator.Driver, o.hold)
	for _, s := range leds.States() {
		say("light: %s", s)
		hw.indicator.Set(s)
		if !sleepCtx(ctx, o.hold) {
			return nil
		}
	}
	hw.indicator.Set(leds.Idle)

	if o.sounds {
		if err := playTestTones(ctx, o.backend, say, log); err != nil {
			return err
		}
	}

	if hw.mute == nil && hw.button == nil {
		say("no mute switch or button configured (pins.mute, pins.button); done")
		return nil
	}
	var errMu sync.Mutex
	var errs []error
	watch := func(name string, run func(context.Context, func(pins.Event)) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := run(ctx, func(ev pins.Event) {
				if ev.Held > 0 {
					say("%s %s: %s (held %v)", ev.At.Format("15:04:05.000"), name, ev.Kind, ev.Held.Round(time.Millisecond))
				} else {
					say("%s %s: %s", ev.At.Format("15:04:05.000"), name, ev.Kind)
				}
			})
			if err != nil {
				errMu.Lock()
				errs = append(errs, fmt.Errorf("hw-test: %s: %w", name, err))
				errMu.Unlock()
				cancel()
			}
		}()
	}
	if hw.mute != nil {
		muted, err := hw.mute.Init()
		if err != nil {
			return fmt.Errorf("hw-test: mute switch: %w", err)
		}
		state := "off (microphones live)"
		if muted {
			state = "ON (microphones cut)"
		}
		say("mute switch %s: %s", c.Pins.Mute, state)
		watch("mute switch", hw.mute.Run)
	}
	if hw.button != nil {
		say("button %s: press it; hold %v for a long press", c.Pins.Button, c.Pins.LongPress.Duration)
		watch("button", hw.button.Run)
	}
	say("watching the controls; Ctrl-C to stop")
	<-ctx.Done()
	wg.Wait()
	return errors.Join(errs...)
}

// playTestTones plays the start tone, then the end tone, on the playback
// device.
func playTestTones(ctx context.Context, backend string, say func(string, ...any), log *slog.Logger) error {
	sink, err := openPlaybackSink(backend, log)
	if err != nil {
		return fmt.Errorf("hw-test: %w", err)
	}
	p := tone.NewPlayer(sink, soundRate)
	for _, k := range []tone.Kind{tone.StartTone, tone.EndTone} {
		say("tone: %s (%v)", k, time.Duration(tone.Duration*float64(time.Second)))
		p.Play(k)
		p.Wait()
		// A pause between the tones, so they are heard as two.
		if !sleepCtx(ctx, 300*time.Millisecond) {
			break
		}
	}
	p.Close()
	return sink.Close()
}

// sleepCtx sleeps for d and reports whether ctx is still live.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
