package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/spi"
	"periph.io/x/conn/v3/spi/spireg"

	"github.com/wakegate/wakegate/agent"
	"github.com/wakegate/wakegate/config"
	"github.com/wakegate/wakegate/leds"
	"github.com/wakegate/wakegate/pins"
)

// hardware is the indicator and the pins the configuration names.
type hardware struct {
	indicator agent.Indicator
	ring      *leds.Ring
	mute      *pins.MuteSwitch
	button    *pins.Button
	closers   []io.Closer
}

// withCues adds the request sounds to the light, keeping the light's
// report of what it shows (the gate waits for it before streaming).
type withCues struct {
	light agent.Indicator
	cues  leds.Indicator
}

func (w withCues) Set(s leds.State) {
	w.light.Set(s)
	w.cues.Set(s)
}

// Shown reports what the light shows, if it can tell.
func (w withCues) Shown() leds.State {
	if sh, ok := w.light.(interface{ Shown() leds.State }); ok {
		return sh.Shown()
	}
	return leds.Listening // a light that cannot tell never holds the gate back
}

type nopIndicator struct{}

func (nopIndicator) Set(leds.State) {}

// lookupOut resolves an optional output pin ("" = none).
func lookupOut(name string) (gpio.PinOut, error) {
	if name == "" {
		return nil, nil
	}
	return pins.Lookup(name)
}

// openHardware opens the configured indicator and pins. A configured pin
// that does not exist is an error: never a silent start without the mute
// switch.
func openHardware(ctx context.Context, c config.Config, log *slog.Logger) (*hardware, error) {
	hw := &hardware{}
	needHost := c.Pins.Mute != "" || c.Pins.Button != "" || c.Indicator.Driver == "apa102" || c.Indicator.Driver == "gpio"
	if needHost {
		if err := pins.InitHost(); err != nil {
			return nil, err
		}
	}
	switch c.Indicator.Driver {
	case "terminal":
		hw.indicator = leds.NewTerminal(os.Stderr)
	case "none":
		hw.indicator = nopIndicator{}
	case "apa102":
		port, err := spireg.Open(c.Indicator.SPIPort)
		if err != nil {
			return nil, fmt.Errorf("indicator: SPI port %q: %w", c.Indicator.SPIPort, err)
		}
		hw.closers = append(hw.closers, port)
		strip, err := leds.OpenAPA102(spi.Port(port), c.Indicator.LEDs, uint8(c.Indicator.Brightness))
		if err != nil {
			hw.close()
			return nil, err
		}
		theme, err := leds.ThemeFromNames(leds.DefaultTheme(), c.Indicator.Theme)
		if err != nil {
			hw.close()
			return nil, fmt.Errorf("indicator.theme: %w", err)
		}
		hw.ring = leds.NewRing(strip, theme, 30)
		hw.indicator = hw.ring
	case "gpio":
		red, err := lookupOut(c.Indicator.RedPin)
		if err != nil {
			return nil, fmt.Errorf("indicator.red_pin: %w", err)
		}
		blue, err := lookupOut(c.Indicator.BluePin)
		if err != nil {
			return nil, fmt.Errorf("indicator.blue_pin: %w", err)
		}
		g, err := leds.NewGPIOLEDs(leds.DefaultGPIOMap(red, blue), c.Indicator.ActiveLow)
		if err != nil {
			return nil, err
		}
		hw.indicator = g
	}
	if c.Pins.Mute != "" {
		p, err := pins.Lookup(c.Pins.Mute)
		if err != nil {
			return nil, fmt.Errorf("pins.mute: %w", err)
		}
		power, err := lookupOut(c.Pins.MicPower)
		if err != nil {
			return nil, fmt.Errorf("pins.mic_power: %w", err)
		}
		red, err := lookupOut(c.Pins.RedLED)
		if err != nil {
			return nil, fmt.Errorf("pins.red_led: %w", err)
		}
		hw.mute = &pins.MuteSwitch{Pin: p, ActiveLow: c.Pins.MuteActiveLow, Debounce: c.Pins.Debounce.Duration,
			MicPower: power, MicPowerActiveLow: c.Pins.MicPowerLowOn, RedLED: red, RedLEDActiveLow: c.Pins.RedLEDLowOn}
	}
	if c.Pins.Button != "" {
		p, err := pins.Lookup(c.Pins.Button)
		if err != nil {
			return nil, fmt.Errorf("pins.button: %w", err)
		}
		hw.button = &pins.Button{Pin: p, ActiveLow: c.Pins.ButtonLowOn, Debounce: c.Pins.Debounce.Duration, LongPress: c.Pins.LongPress.Duration}
	}
	return hw, nil
}

// start runs the ring animation and the pin watchers until ctx ends.
func (hw *hardware) start(ctx context.Context, wg *sync.WaitGroup, a *agent.Agent, log *slog.Logger) {
	emit := func(ev pins.Event) {
		switch ev.Kind {
		case pins.Press:
			a.Press()
		case pins.LongPress:
			a.LongPress()
		case pins.Mute:
			a.SetMuted(true)
		case pins.Unmute:
			a.SetMuted(false)
		}
	}
	run := func(name string, f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(ctx); err != nil {
				log.Error(name+" stopped", "err", err)
			}
		}()
	}
	if hw.ring != nil {
		run("light ring", hw.ring.Run)
	}
	if hw.mute != nil {
		// A switch that cannot be watched could not mute: fail closed, and
		// keep the microphone off until the service is restarted.
		run("mute switch", func(ctx context.Context) error {
			err := hw.mute.Run(ctx, emit)
			if err != nil {
				a.SetMuted(true)
				err = fmt.Errorf("%w (microphone kept off until restarted)", err)
			}
			return err
		})
	}
	if hw.button != nil {
		run("button", func(ctx context.Context) error { return hw.button.Run(ctx, emit) })
	}
}

func (hw *hardware) close() {
	for _, c := range hw.closers {
		c.Close()
	}
}
