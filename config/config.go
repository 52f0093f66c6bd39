package config

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/wakegate/wakegate/leds"
)

// Example is the commented default configuration file.
//
//go:embed wakegate.toml
var Example string

// DefaultPath is where the service looks for its configuration.
const DefaultPath = "/etc/wakegate/wakegate.toml"

// Duration is a time.Duration written as "500ms", "8s", "720h".
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("bad duration %q (write e.g. \"500ms\" or \"8s\")", b)
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration as Go prints it.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Config is the whole configuration.
type Config struct {
	DeviceID  string    `toml:"device_id"`
	Audio     Audio     `toml:"audio"`
	WakeWord  WakeWord  `toml:"wakeword"`
	Gate      Gate      `toml:"gate"`
	Upstream  Upstream  `toml:"upstream"`
	Indicator Indicator `toml:"indicator"`
	Pins      Pins      `toml:"pins"`
	Alarm     Alarm     `toml:"alarm"`
	Presence  Presence  `toml:"presence"`
	Log       Log       `toml:"log"`
	Audit     Audit     `toml:"audit"`
}

// Audio selects the capture source.
type Audio struct {
	Input    string `toml:"input"`     // "" = microphone, "-" = raw s16le on stdin, else a WAV file
	Device   string `toml:"device"`    // capture device name (substring); "" = default
	Backend  string `toml:"backend"`   // "", "alsa", "pulse", "null"
	PeriodMs int    `toml:"period_ms"` // capture period
	Paced    bool   `toml:"paced"`     // WAV input in real time
}

// WakeWord selects the wake-word files.
type WakeWord struct {
	Files       []string `toml:"files"`
	Sensitivity float64  `toml:"sensitivity"`
	Refractory  Duration `toml:"refractory"`
}

// Gate holds the gate's timing.
type Gate struct {
	Preroll         Duration `toml:"preroll"`
	EndpointSilence Duration `toml:"endpoint_silence"`
	NoSpeechTimeout Duration `toml:"no_speech_timeout"`
	MaxUtterance    Duration `toml:"max_utterance"`
	FollowUpMax     Duration `toml:"follow_up_max"`
}

// Upstream is the voice service connection.
type Upstream struct {
	Addr                string `toml:"addr"`
	TokenFile           string `toml:"token_file"`
	CAFile              string `toml:"ca_file"`
	CertFile            string `toml:"cert_file"`
	KeyFile             string `toml:"key_file"`
	ServerName          string `toml:"server_name"`
	Plaintext           bool   `toml:"plaintext"`
	AllowInsecureRemote bool   `toml:"allow_insecure_remote"`
	QueueChunks         int    `toml:"queue_chunks"`
}

// Indicator selects the light and the request sounds.
type Indicator struct {
	Driver        string `toml:"driver"` // terminal, apa102, gpio, none
	SPIPort       string `toml:"spi_port"`
	LEDs          int    `toml:"leds"`
	Brightness    int    `toml:"brightness"`
	RedPin        string `toml:"red_pin"`
	BluePin       string `toml:"blue_pin"`
	ActiveLow     bool   `toml:"active_low"`
	RequestSounds bool   `toml:"request_sounds"`
	// Theme overrides the look of states by name ("listening", "muted", ...);
	// states not named keep the default theme (after the Alexa attention
	// system).
	Theme map[string]leds.Style `toml:"theme"`
}

// Pins names the mute switch and the action button.
type Pins struct {
	Mute          string   `toml:"mute"`
	MuteActiveLow bool     `toml:"mute_active_low"`
	MicPower      string   `toml:"mic_power"`
	MicPowerLowOn bool     `toml:"mic_power_active_low"`
	RedLED        string   `toml:"red_led"`
	RedLEDLowOn   bool     `toml:"red_led_active_low"`
	Button        string   `toml:"button"`
	ButtonLowOn   bool     `toml:"button_active_low"`
	Debounce      Duration `toml:"debounce"`
	LongPress     Duration `toml:"long_press"`
}

// Alarm configures smoke/CO alarm-sound detection.
type Alarm struct {
	Enabled bool `toml:"enabled"`
}

// Presence configures ultrasonic presence detection.
type Presence struct {
	Enabled bool     `toml:"enabled"`
	PilotHz float64  `toml:"pilot_hz"`
	Hold    Duration `toml:"hold"` // no motion this long before "absent"
}

// Log configures logging.
type Log struct {
	Level  string `toml:"level"`  // debug, info, warn, error
	Format string `toml:"format"` // text, json
}

// Audit configures the metadata-only egress log.
type Audit struct {
	File string `toml:"file"` // JSON lines, one per stream; "" = none
}

// Default returns the built-in configuration; it equals Example.
func Default() Config {
	ms := func(n int) Duration { return Duration{time.Duration(n) * time.Millisecond} }
	return Config{
		DeviceID: "wakegate",
		Audio:    Audio{PeriodMs: 20},
		WakeWord: WakeWord{Files: []string{"/usr/share/wakegate/models/alexa.wgm"}, Refractory: ms(1000)},
		Gate: Gate{Preroll: ms(500), EndpointSilence: ms(1000), NoSpeechTimeout: ms(6000),
			MaxUtterance: ms(10000), FollowUpMax: ms(8000)},
		Upstream:  Upstream{Addr: "127.0.0.1:7443", QueueChunks: 50},
		Indicator: Indicator{Driver: "terminal", SPIPort: "/dev/spidev0.0", LEDs: 12, Brightness: 8},
		Pins:      Pins{MuteActiveLow: true, ButtonLowOn: true, Debounce: ms(30), LongPress: ms(1500)},
		Alarm:     Alarm{Enabled: true},
		Presence:  Presence{PilotHz: 20000, Hold: ms(10000)},
		Log:       Log{Level: "info", Format: "text"},
	}
}

// Load reads path over the defaults. Unknown keys and out-of-range values
// are errors that name the file and the key.
func Load(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return Parse(string(b), path)
}

// Parse reads TOML text over the defaults; name is used in errors.
func Parse(text, name string) (Config, error) {
	c := Default()
	md, err := toml.Decode(text, &c)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return Config{}, fmt.Errorf("config: %s: line %d: %s", name, perr.Position.Line, perr.Message)
		}
		return Config{}, fmt.Errorf("config: %s: %w", name, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		sort.Strings(keys)
		return Config{}, fmt.Errorf("config: %s: unknown key %s (see `wakegate config` for every key)", name, strings.Join(keys, ", "))
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("config: %s: %w", name, err)
	}
	return c, nil
}

// Validate checks values that the type system cannot.
func (c Config) Validate() error {
	switch {
	case c.Gate.Preroll.Duration < 0 || c.Gate.Preroll.Duration > time.Second:
		return fmt.Errorf("gate.preroll = %v: must be between 0 and 1s", c.Gate.Preroll)
	case c.Audio.PeriodMs < 5 || c.Audio.PeriodMs > 100:
		return fmt.Errorf("audio.period_ms = %d: must be between 5 and 100", c.Audio.PeriodMs)
	case c.WakeWord.Sensitivity < 0 || c.WakeWord.Sensitivity > 1:
		return fmt.Errorf("wakeword.sensitivity = %v: must be between 0 and 1 (0 = the file's default)", c.WakeWord.Sensitivity)
	case c.Upstream.QueueChunks < 1 || c.Upstream.QueueChunks > 1000:
		return fmt.Errorf("upstream.queue_chunks = %d: must be between 1 and 1000", c.Upstream.QueueChunks)
	case c.Indicator.Brightness < 0 || c.Indicator.Brightness > 31:
		return fmt.Errorf("indicator.brightness = %d: must be between 0 and 31", c.Indicator.Brightness)
	case c.Indicator.LEDs < 1 || c.Indicator.LEDs > 1024:
		return fmt.Errorf("indicator.leds = %d: must be between 1 and 1024", c.Indicator.LEDs)
	case c.Presence.PilotHz < 18000 || c.Presence.PilotHz > 22000:
		return fmt.Errorf("presence.pilot_hz = %v: must be between 18000 and 22000", c.Presence.PilotHz)
	}
	if _, err := leds.ThemeFromNames(leds.DefaultTheme(), c.Indicator.Theme); err != nil {
		return fmt.Errorf("indicator.theme: %w", err)
	}
	if !oneOf(c.Indicator.Driver, "terminal", "apa102", "gpio", "none") {
		return fmt.Errorf("indicator.driver = %q: want terminal, apa102, gpio or none", c.Indicator.Driver)
	}
	if !oneOf(c.Audio.Backend, "", "alsa", "pulse", "null") {
		return fmt.Errorf("audio.backend = %q: want \"\", alsa, pulse or null", c.Audio.Backend)
	}
	if !oneOf(c.Log.Level, "debug", "info", "warn", "error") {
		return fmt.Errorf("log.level = %q: want debug, info, warn or error", c.Log.Level)
	}
	if !oneOf(c.Log.Format, "text", "json") {
		return fmt.Errorf("log.format = %q: want text or json", c.Log.Format)
	}
	if err := c.checkPins(); err != nil {
		return err
	}
	for name, d := range map[string]Duration{"gate.endpoint_silence": c.Gate.EndpointSilence, "gate.no_speech_timeout": c.Gate.NoSpeechTimeout,
		"gate.max_utterance": c.Gate.MaxUtterance, "gate.follow_up_max": c.Gate.FollowUpMax, "wakeword.refractory": c.WakeWord.Refractory,
		"pins.debounce": c.Pins.Debounce, "pins.long_press": c.Pins.LongPress, "presence.hold": c.Presence.Hold} {
		if d.Duration <= 0 {
			return fmt.Errorf("%s = %v: must be positive", name, d)
		}
	}
	return nil
}

// checkPins rejects pin settings that would be silently ignored or that
// fight over one pin: a mute-switch output without the switch, the gpio
// light without a pin, and one pin named by two keys.
func (c Config) checkPins() error {
	if c.Pins.Mute == "" {
		for key, name := range map[string]string{"pins.mic_power": c.Pins.MicPower, "pins.red_led": c.Pins.RedLED} {
			if name != "" {
				return fmt.Errorf("%s = %q needs pins.mute: it follows the mute switch", key, name)
			}
		}
	}
	type pin struct{ key, name string }
	ps := []pin{{"pins.mute", c.Pins.Mute}, {"pins.mic_power", c.Pins.MicPower}, {"pins.red_led", c.Pins.RedLED}, {"pins.button", c.Pins.Button}}
	if c.Indicator.Driver == "gpio" {
		if c.Indicator.RedPin == "" && c.Indicator.BluePin == "" {
			return errors.New(`indicator.driver = "gpio" needs indicator.red_pin or indicator.blue_pin`)
		}
		ps = append(ps, pin{"indicator.red_pin", c.Indicator.RedPin}, pin{"indicator.blue_pin", c.Indicator.BluePin})
	}
	seen := map[string]string{}
	for _, p := range ps {
		if p.name == "" {
			continue
		}
		n := strings.ToUpper(p.name)
		if other, ok := seen[n]; ok {
			return fmt.Errorf("%s and %s both name pin %q: one pin cannot do both", other, p.key, p.name)
		}
		seen[n] = p.key
	}
	return nil
}

func oneOf(s string, opts ...string) bool {
	for _, o := range opts {
		if s == o {
			return true
		}
	}
	return false
}
