package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wakegate/wakegate/leds"
)

func TestExampleIsDefault(t *testing.T) {
	got, err := Parse(Example, "wakegate.toml")
	if err != nil {
		t.Fatal(err)
	}
	if want := Default(); !reflect.DeepEqual(got, want) {
		t.Fatalf("the embedded example differs from Default():\n got %+v\nwant %+v", got, want)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, text, wantErr string
		check               func(Config) bool
	}{
		{name: "override", text: "[gate]\npreroll = \"250ms\"\n", check: func(c Config) bool {
			return c.Gate.Preroll.Duration == 250*time.Millisecond && c.Gate.MaxUtterance.Duration == 10*time.Second
		}},
		{name: "unknown key", text: "[gate]\nprerol = \"1s\"\n", wantErr: "unknown key gate.prerol"},
		{name: "unknown section", text: "[leds]\nx = 1\n", wantErr: "unknown key leds"},
		{name: "bad duration", text: "[gate]\npreroll = \"half a second\"\n", wantErr: "bad duration"},
		{name: "preroll cap", text: "[gate]\npreroll = \"2s\"\n", wantErr: "gate.preroll = 2s: must be between 0 and 1s"},
		{name: "bad driver", text: "[indicator]\ndriver = \"neon\"\n", wantErr: "indicator.driver"},
		{name: "syntax", text: "[gate\n", wantErr: "x.toml: line 2"},
		{name: "wrong type", text: "[audio]\nperiod_ms = \"20\"\n", wantErr: "x.toml"},
		{name: "theme", text: "[indicator.theme.listening]\npattern = \"pulse\"\ncolor = \"#ff00ff\"\nperiod_ms = 900\n", check: func(c Config) bool {
			st := c.Indicator.Theme["listening"]
			return st.Pattern == leds.Pulse && st.Color == (leds.Color{R: 255, B: 255}) && st.PeriodMs == 900
		}},
		{name: "theme bad state", text: "[indicator.theme.sleepy]\npattern = \"solid\"\n", wantErr: "indicator.theme"},
		{name: "theme bad colour", text: "[indicator.theme.muted]\ncolor = \"red-ish\"\n", wantErr: "x.toml"},
		{name: "mic power without mute", text: "[pins]\nmic_power = \"GPIO5\"\n", wantErr: `pins.mic_power = "GPIO5" needs pins.mute`},
		{name: "red LED without mute", text: "[pins]\nred_led = \"GPIO13\"\n", wantErr: `pins.red_led = "GPIO13" needs pins.mute`},
		{name: "mute outputs", text: "[pins]\nmute = \"GPIO12\"\nmic_power = \"GPIO5\"\nred_led = \"GPIO13\"\nbutton = \"GPIO17\"\n", check: func(c Config) bool {
			return c.Pins.MicPower == "GPIO5" && c.Pins.RedLED == "GPIO13"
		}},
		{name: "gpio light without pins", text: "[indicator]\ndriver = \"gpio\"\n", wantErr: `needs indicator.red_pin or indicator.blue_pin`},
		{name: "gpio light", text: "[indicator]\ndriver = \"gpio\"\nblue_pin = \"GPIO24\"\n", check: func(c Config) bool { return c.Indicator.BluePin == "GPIO24" }},
		{name: "pin twice", text: "[pins]\nmute = \"GPIO17\"\nbutton = \"gpio17\"\n", wantErr: `pins.mute and pins.button both name pin "gpio17"`},
		{name: "pin twice across sections", text: "[pins]\nmute = \"GPIO12\"\nred_led = \"GPIO13\"\n[indicator]\ndriver = \"gpio\"\nred_pin = \"GPIO13\"\n", wantErr: "pins.red_led and indicator.red_pin"},
		{name: "unused gpio light pins", text: "[pins]\nbutton = \"GPIO17\"\n[indicator]\nred_pin = \"GPIO17\"\n", check: func(c Config) bool { return true }},
		{name: "negative", text: "[gate]\nmax_utterance = \"-1s\"\n", wantErr: "gate.max_utterance = -1s: must be positive"},
		{name: "presence hold", text: "[presence]\nhold = \"2s\"\n", check: func(c Config) bool { return c.Presence.Hold.Duration == 2*time.Second }},
		{name: "presence hold zero", text: "[presence]\nhold = \"0s\"\n", wantErr: "presence.hold = 0s: must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.text, "x.toml")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Fatalf("unexpected config %+v", c)
			}
		})
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.toml"))
	if err == nil || !strings.Contains(err.Error(), "nope.toml") {
		t.Fatalf("err = %v", err)
	}
	p := filepath.Join(t.TempDir(), "ok.toml")
	os.WriteFile(p, []byte("device_id = \"kitchen\"\n"), 0o644)
	c, err := Load(p)
	if err != nil || c.DeviceID != "kitchen" {
		t.Fatalf("Load = %+v, %v", c.DeviceID, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(Example)
	f.Add("[gate]\npreroll = \"1s\"")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s, "fuzz")
		if err == nil {
			if verr := c.Validate(); verr != nil {
				t.Fatalf("Parse accepted an invalid config: %v", verr)
			}
		}
	})
}
