package presence

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"
)

// Config tunes the pilot and the Detector. Zero fields take the defaults in
// DefaultConfig.
type Config struct {
	// PilotHz is the pilot frequency (default 20000; 18000–22000 allowed):
	// above most adults' hearing, below the capture Nyquist frequency.
	PilotHz float64
	// SampleRate is the capture and playback rate (default 48000).
	SampleRate int
	// BandLowHz and BandHighHz bound the Doppler band on either side of the
	// pilot (default 20 and 300 Hz: 0.17–2.6 m/s at 20 kHz). The lower edge
	// keeps the carrier and its window leakage out.
	BandLowHz, BandHighHz float64
	// RefLowHz and RefHighHz bound the reference band (default 450 and
	// 750 Hz, faster than people move): energy there is broadband noise,
	// not motion.
	RefLowHz, RefHighHz float64
	// OnDB is how far the Doppler level must rise above its adaptive floor
	// to report presence (default 10 dB); OffDB is the level below which
	// the hold time runs (default 5 dB).
	OnDB, OffDB float64
	// Hold is how long the Doppler level must stay below OffDB before
	// absence is reported (default 10 s): people pause.
	Hold time.Duration
	// Level is the pilot's peak amplitude relative to full scale (default
	// 0.03, about -30 dBFS): enough for reflections a few metres away,
	// quiet enough for speakers and pets.
	Level float64
	// FadeIn is the pilot's raised-cosine fade-in (default 100 ms), so that
	// starting it makes no audible click.
	FadeIn time.Duration
}

// DefaultConfig returns the defaults documented on Config.
func DefaultConfig() Config {
	return Config{
		PilotHz:    20000,
		SampleRate: 48000,
		BandLowHz:  20,
		BandHighHz: 300,
		RefLowHz:   450,
		RefHighHz:  750,
		OnDB:       10,
		OffDB:      5,
		Hold:       10 * time.Second,
		Level:      0.03,
		FadeIn:     100 * time.Millisecond,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	set := func(v *float64, def float64) {
		if *v == 0 {
			*v = def
		}
	}
	set(&c.PilotHz, d.PilotHz)
	set(&c.BandLowHz, d.BandLowHz)
	set(&c.BandHighHz, d.BandHighHz)
	set(&c.RefLowHz, d.RefLowHz)
	set(&c.RefHighHz, d.RefHighHz)
	set(&c.OnDB, d.OnDB)
	set(&c.OffDB, d.OffDB)
	set(&c.Level, d.Level)
	if c.SampleRate == 0 {
		c.SampleRate = d.SampleRate
	}
	if c.Hold == 0 {
		c.Hold = d.Hold
	}
	if c.FadeIn == 0 {
		c.FadeIn = d.FadeIn
	}
	return c
}

// ErrUnsupported reports that a device cannot play or capture the pilot,
// such as a 16 kHz-only sound card.
var ErrUnsupported = errors.New("presence: device cannot reproduce the pilot tone")

// Validate checks the configuration (after defaults) against the capture
// rate: the pilot plus the reference band must stay below Nyquist.
func (c Config) Validate() error {
	c = c.withDefaults()
	nyq := float64(c.SampleRate) / 2
	switch {
	case c.PilotHz < 18000 || c.PilotHz > 22000:
		return fmt.Errorf("presence: pilot %.0f Hz outside 18000–22000 Hz", c.PilotHz)
	case !(c.BandLowHz > 0 && c.BandLowHz < c.BandHighHz && c.BandHighHz < c.RefLowHz && c.RefLowHz < c.RefHighHz):
		return fmt.Errorf("presence: bands must satisfy 0 < low %.0f < high %.0f < ref low %.0f < ref high %.0f Hz",
			c.BandLowHz, c.BandHighHz, c.RefLowHz, c.RefHighHz)
	case c.RefHighHz > 0.9*bbNyquist:
		return fmt.Errorf("presence: reference band edge %.0f Hz above the %.0f Hz baseband", c.RefHighHz, 0.9*bbNyquist)
	case c.PilotHz+c.RefHighHz >= nyq:
		return fmt.Errorf("%w: pilot %.0f Hz + %.0f Hz band >= Nyquist %.0f Hz at %d Hz",
			ErrUnsupported, c.PilotHz, c.RefHighHz, nyq, c.SampleRate)
	case c.SampleRate/int(math.Round(float64(c.SampleRate)/bbTarget)) < 1800:
		return fmt.Errorf("presence: sample rate %d Hz too low", c.SampleRate)
	case c.OffDB > c.OnDB || c.OffDB < 0:
		return fmt.Errorf("presence: need 0 <= OffDB %.1f <= OnDB %.1f", c.OffDB, c.OnDB)
	case c.Hold < 0 || c.Level < 0 || c.Level > 1:
		return errors.New("presence: negative hold or level outside [0, 1]")
	}
	return nil
}

// dacPassband is the fraction of the playback rate a sound card's
// anti-imaging filter passes flat (typically 0.45–0.4535·fs): a pilot above
// it is not reproduced.
const dacPassband = 0.46

// Enable returns a Detector for cfg, or nil after logging one warning line
// if the sound device (whose speaker or microphone runs natively at most at
// deviceRate) cannot reproduce the pilot, as a 16 kHz-only card cannot, or
// the configuration is invalid. Presence is then simply off.
func Enable(cfg Config, deviceRate int, log *slog.Logger) *Detector {
	c := cfg.withDefaults()
	if float64(deviceRate)*dacPassband <= c.PilotHz {
		log.Warn("presence detection disabled: the speaker or microphone cannot reproduce the pilot tone",
			"pilot_hz", c.PilotHz, "device_rate", deviceRate, "need_rate", int(c.PilotHz/dacPassband)+1)
		return nil
	}
	d, err := New(cfg)
	if err != nil {
		log.Warn("presence detection disabled", "err", err)
		return nil
	}
	return d
}
