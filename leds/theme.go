package leds

import (
	"fmt"
	"strconv"
	"strings"
)

// Pattern is how a Style animates its colour over time.
type Pattern int

// The patterns a Style can use. Render defines each one exactly.
const (
	// Off: every pixel dark.
	Off Pattern = iota
	// Solid: every pixel the style's colour.
	Solid
	// Pulse: every pixel the style's colour, its level rising and falling
	// linearly once per period between a quarter and full.
	Pulse
	// Spin: a bright head with a fading tail goes round the ring once per
	// period.
	Spin
	// Flash: the whole ring on for the first half of each period, dark for
	// the second.
	Flash

	numPatterns // keep last
)

var patternNames = [numPatterns]string{"off", "solid", "pulse", "spin", "flash"}

// String returns the lower-case name used in configuration.
func (p Pattern) String() string {
	if p < 0 || p >= numPatterns {
		return fmt.Sprintf("Pattern(%d)", int(p))
	}
	return patternNames[p]
}

// ParsePattern is the inverse of Pattern.String; it ignores case.
func ParsePattern(name string) (Pattern, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	for i, v := range patternNames {
		if v == n {
			return Pattern(i), nil
		}
	}
	return Off, fmt.Errorf("leds: unknown pattern %q (want one of %s)", name, strings.Join(patternNames[:], ", "))
}

// MarshalText implements encoding.TextMarshaler (names in TOML/JSON).
func (p Pattern) MarshalText() ([]byte, error) {
	if p < 0 || p >= numPatterns {
		return nil, fmt.Errorf("leds: invalid pattern %d", int(p))
	}
	return []byte(p.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler using ParsePattern.
func (p *Pattern) UnmarshalText(b []byte) error {
	v, err := ParsePattern(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Color is a 24-bit sRGB colour as the LEDs take it (no gamma applied).
type Color struct{ R, G, B uint8 }

// ParseColor reads "#rrggbb" (the leading '#' is optional; hex digits in
// either case), the form used in the configuration file.
func ParseColor(s string) (Color, error) {
	h := strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(h) != 6 { // rrggbb: two hex digits per channel
		return Color{}, fmt.Errorf("leds: colour %q: want #rrggbb", s)
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return Color{}, fmt.Errorf("leds: colour %q: want #rrggbb: %w", s, err)
	}
	return Color{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v)}, nil
}

// String returns the colour as "#rrggbb", the form ParseColor reads.
func (c Color) String() string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// MarshalText implements encoding.TextMarshaler ("#rrggbb").
func (c Color) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler using ParseColor.
func (c *Color) UnmarshalText(b []byte) error {
	v, err := ParseColor(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Style is how one state looks.
// The tags give the configuration file's spelling:
//
//	[leds.theme.listening]
//	pattern = "solid"
//	color = "#00c8ff"
//	period_ms = 0
type Style struct {
	Pattern Pattern `toml:"pattern" json:"pattern"`
	Color   Color   `toml:"color" json:"color"`
	// PeriodMs is the length of one animation cycle in milliseconds. It is
	// ignored by Off and Solid; an animated pattern with PeriodMs <= 0 is
	// shown as Solid rather than dividing by zero.
	PeriodMs int `toml:"period_ms" json:"period_ms"`
}

// Theme maps each state to its style. A state missing from the map is shown
// as Off.
type Theme map[State]Style

// DefaultTheme returns the stock look, after the Alexa attention system:
// idle off, listening solid cyan, thinking a blue spin, follow-up a dim blue
// pulse, muted solid red, error an orange flash, alarm a yellow flash.
// Each call returns a new map the caller may modify.
func DefaultTheme() Theme {
	return Theme{
		Idle:      {Pattern: Off},
		Listening: {Pattern: Solid, Color: Color{0x00, 0xc8, 0xff}},                 // cyan, the "listening" colour
		Thinking:  {Pattern: Spin, Color: Color{0x00, 0x30, 0xff}, PeriodMs: 1000},  // blue, one turn per second
		FollowUp:  {Pattern: Pulse, Color: Color{0x00, 0x20, 0x80}, PeriodMs: 2000}, // dim blue, a slow breath
		Muted:     {Pattern: Solid, Color: Color{0xff, 0x00, 0x00}},                 // red: mic off
		Error:     {Pattern: Flash, Color: Color{0xff, 0x50, 0x00}, PeriodMs: 500},  // orange, 2 Hz
		Alarm:     {Pattern: Flash, Color: Color{0xff, 0xc0, 0x00}, PeriodMs: 1000}, // yellow, 1 Hz
	}
}

// ThemeFromNames returns base with the entries of named replacing its
// styles; named is keyed by state name (as ParseState reads them), which
// is how a TOML or JSON table decodes (neither allows non-string map keys).
// Each entry replaces a whole style. base is not modified.
func ThemeFromNames(base Theme, named map[string]Style) (Theme, error) {
	th := make(Theme, len(base)+len(named))
	for s, st := range base {
		th[s] = st
	}
	for name, st := range named {
		s, err := ParseState(name)
		if err != nil {
			return nil, fmt.Errorf("leds: theme: %w", err)
		}
		th[s] = st
	}
	if err := th.Validate(); err != nil {
		return nil, err
	}
	return th, nil
}

// Validate reports a Theme entry that cannot be shown: an unknown state or
// pattern, or a negative period.
func (th Theme) Validate() error {
	for s, st := range th {
		if !s.Valid() {
			return fmt.Errorf("leds: theme: invalid state %d", int(s))
		}
		if st.Pattern < 0 || st.Pattern >= numPatterns {
			return fmt.Errorf("leds: theme: %s: invalid pattern %d", s, int(st.Pattern))
		}
		if st.PeriodMs < 0 {
			return fmt.Errorf("leds: theme: %s: negative period %d ms", s, st.PeriodMs)
		}
	}
	return nil
}
