package leds

import (
	"bytes"
	"maps"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

func TestStateStringParseRoundTrip(t *testing.T) {
	want := []string{"idle", "listening", "thinking", "followup", "muted", "error", "alarm"}
	states := States()
	if len(states) != len(want) {
		t.Fatalf("States() has %d entries, want %d", len(states), len(want))
	}
	for i, s := range states {
		if got := s.String(); got != want[i] {
			t.Errorf("State(%d).String() = %q, want %q", i, got, want[i])
		}
		got, err := ParseState(strings.ToUpper(want[i]))
		if err != nil || got != s {
			t.Errorf("ParseState(%q) = %v, %v; want %v", strings.ToUpper(want[i]), got, err, s)
		}
	}
}

func TestParseState(t *testing.T) {
	tests := []struct {
		in      string
		want    State
		wantErr bool
	}{
		{"follow-up", FollowUp, false},
		{" follow_up ", FollowUp, false},
		{"Muted", Muted, false},
		{"", Idle, true},
		{"speaking", Idle, true},
	}
	for _, tt := range tests {
		got, err := ParseState(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseState(%q) = %v, %v; want %v, err=%v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "leds: ") {
			t.Errorf("ParseState(%q) error %q lacks package prefix", tt.in, err)
		}
	}
	if got := State(42).String(); got != "State(42)" {
		t.Errorf("State(42).String() = %q", got)
	}
	var s State
	if err := s.UnmarshalText([]byte("thinking")); err != nil || s != Thinking {
		t.Errorf("UnmarshalText(thinking) = %v, %v", s, err)
	}
	if _, err := State(-1).MarshalText(); err == nil {
		t.Error("MarshalText(State(-1)) succeeded, want error")
	}
}

func TestParseColor(t *testing.T) {
	tests := []struct {
		in      string
		want    Color
		wantErr bool
	}{
		{"#00c8ff", Color{0x00, 0xc8, 0xff}, false},
		{"FF8000", Color{0xff, 0x80, 0x00}, false},
		{"#fff", Color{}, true},
		{"#gg0000", Color{}, true},
		{"#-12345", Color{}, true},
	}
	for _, tt := range tests {
		got, err := ParseColor(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseColor(%q) = %v, %v; want %v, err=%v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	if got := (Color{1, 0xab, 0xff}).String(); got != "#01abff" {
		t.Errorf("String() = %q", got)
	}
}

func FuzzParseColor(f *testing.F) {
	for _, s := range []string{"#00c8ff", "abcdef", "#", "+12345", "#0x1234"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseColor(s)
		if err != nil {
			return
		}
		// Whatever parses must print back to something that parses the same.
		c2, err := ParseColor(c.String())
		if err != nil || c2 != c {
			t.Fatalf("ParseColor(%q) = %v, but round trip gave %v, %v", s, c, c2, err)
		}
	})
}

func TestParsePattern(t *testing.T) {
	for i, name := range []string{"off", "solid", "pulse", "spin", "flash"} {
		p, err := ParsePattern(name)
		if err != nil || p != Pattern(i) || p.String() != name {
			t.Errorf("ParsePattern(%q) = %v, %v", name, p, err)
		}
	}
	if _, err := ParsePattern("strobe"); err == nil {
		t.Error("ParsePattern(strobe) succeeded")
	}
}

func TestDefaultThemeCoversEveryState(t *testing.T) {
	th := DefaultTheme()
	if err := th.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, s := range States() {
		st, ok := th[s]
		if !ok {
			t.Errorf("DefaultTheme has no entry for %s", s)
		}
		if (s == Idle) != (st.Pattern == Off) {
			t.Errorf("%s: pattern %s; only idle may be off", s, st.Pattern)
		}
	}
	if th[Muted].Color != (Color{0xff, 0, 0}) || th[Muted].Pattern != Solid {
		t.Errorf("muted must be solid red, got %+v", th[Muted])
	}
	// Each call must return a fresh map.
	th[Idle] = Style{Pattern: Solid}
	if DefaultTheme()[Idle].Pattern != Off {
		t.Error("DefaultTheme returned a shared map")
	}
	bad := Theme{Thinking: {Pattern: Spin, PeriodMs: -1}}
	if err := bad.Validate(); err == nil {
		t.Error("Validate accepted a negative period")
	}
}

func TestTerminalPlain(t *testing.T) {
	var buf bytes.Buffer
	term := NewTerminal(&buf)
	for _, s := range []State{Idle, Listening, Listening, Thinking, Idle, Muted} {
		term.Set(s)
	}
	want := "○ idle\n◉ listening\n◉ thinking\n○ idle\n◉ muted\n"
	if got := buf.String(); got != want {
		t.Errorf("output:\n%q\nwant\n%q", got, want)
	}
	if got := term.Shown(); got != Muted {
		t.Errorf("Shown() = %v, want muted", got)
	}
}

func TestTerminalColour(t *testing.T) {
	var buf bytes.Buffer
	term := NewTerminal(&buf)
	term.color = true // what NewTerminal decides for a TTY
	term.Set(Muted)
	term.Set(Idle)
	want := "\x1b[38;2;255;0;0m◉\x1b[0m muted\n○ idle\n"
	if got := buf.String(); got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}

type recorder struct{ got []State }

func (r *recorder) Set(s State) { r.got = append(r.got, s) }

func TestMulti(t *testing.T) {
	a, b := &recorder{}, &recorder{}
	m := Multi{a, b}
	m.Set(Listening)
	m.Set(Idle)
	for i, r := range []*recorder{a, b} {
		if len(r.got) != 2 || r.got[0] != Listening || r.got[1] != Idle {
			t.Errorf("member %d got %v", i, r.got)
		}
	}
}

func TestThemeFromTOML(t *testing.T) {
	const cfg = `
[theme.listening]
pattern = "pulse"
color = "#102030"
period_ms = 1200

[theme.follow-up]
pattern = "off"
`
	var c struct {
		Theme map[string]Style `toml:"theme"`
	}
	if _, err := toml.Decode(cfg, &c); err != nil {
		t.Fatal(err)
	}
	th, err := ThemeFromNames(DefaultTheme(), c.Theme)
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultTheme()
	want[Listening] = Style{Pattern: Pulse, Color: Color{0x10, 0x20, 0x30}, PeriodMs: 1200}
	want[FollowUp] = Style{Pattern: Off}
	if !maps.Equal(th, want) {
		t.Errorf("theme\n got %v\nwant %v", th, want)
	}
	for _, bad := range []string{
		"[theme.speaking]\npattern = \"solid\"",
		"[theme.idle]\npattern = \"strobe\"",
		"[theme.idle]\ncolor = \"red\"",
		"[theme.idle]\npattern = \"spin\"\nperiod_ms = -5",
	} {
		var c struct {
			Theme map[string]Style `toml:"theme"`
		}
		_, err := toml.Decode(bad, &c)
		if err == nil {
			_, err = ThemeFromNames(DefaultTheme(), c.Theme)
		}
		if err == nil {
			t.Errorf("config %q accepted", bad)
		}
	}
}

func FuzzParseState(f *testing.F) {
	for _, s := range []string{"idle", "follow-up", "FOLLOW_UP", " muted ", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := ParseState(s)
		if err != nil {
			return
		}
		if back, err := ParseState(st.String()); err != nil || back != st {
			t.Fatalf("ParseState(%q) = %v, round trip %v, %v", s, st, back, err)
		}
	})
}
