package audiodev

import (
	"errors"
	"fmt"
	"strings"
)

// Config selects and configures a sound device.
type Config struct {
	// Device is a case-insensitive substring of the device name, or "" for
	// the backend's default device.
	Device string
	// SampleRate is 16000 or 48000 (Hz); 0 means 16000.
	SampleRate int
	// PeriodMs is the callback period, 10..100 ms; 0 means 20.
	PeriodMs int
	// Backend is "", "alsa", "pulse" or "null" (see the package doc).
	Backend string
}

// Defaults for zero Config fields.
const (
	defaultRate     = 16000
	defaultPeriodMs = 20 // ms: 320 samples at 16 kHz, a common ALSA period
)

func (c Config) withDefaults() (Config, error) {
	if c.SampleRate == 0 {
		c.SampleRate = defaultRate
	}
	if c.PeriodMs == 0 {
		c.PeriodMs = defaultPeriodMs
	}
	if c.SampleRate != 16000 && c.SampleRate != 48000 {
		return c, fmt.Errorf("audiodev: sample rate %d Hz (want 16000 or 48000)", c.SampleRate)
	}
	if c.PeriodMs < 10 || c.PeriodMs > 100 {
		return c, fmt.Errorf("audiodev: period %d ms (want 10..100)", c.PeriodMs)
	}
	if err := checkBackend(c.Backend); err != nil {
		return c, err
	}
	return c, nil
}

// checkBackend validates a Config.Backend name.
func checkBackend(name string) error {
	switch strings.ToLower(name) {
	case "", "alsa", "pulse", "pulseaudio", "null":
		return nil
	}
	return fmt.Errorf("audiodev: unknown backend %q (want \"\", \"alsa\", \"pulse\" or \"null\")", name)
}

// DeviceInfo describes one sound device.
type DeviceInfo struct {
	Name    string // human-readable, what Config.Device matches
	ID      string // backend-specific identifier (hex)
	Default bool   // the backend's default device
}

// errClosed is returned by Playback methods after Close.
var errClosed = errors.New("audiodev: device closed")
