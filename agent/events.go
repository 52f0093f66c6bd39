package agent

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ControlKind is a control input of the gate.
type ControlKind int

// Control inputs. Button and Cancel come from the action button (a press and a
// long press), Mute and Unmute from the mute switch.
const (
	Button ControlKind = iota + 1
	Cancel
	Mute
	Unmute
)

var controlNames = map[ControlKind]string{Button: "button", Cancel: "cancel", Mute: "mute", Unmute: "unmute"}

func (k ControlKind) String() string {
	if s, ok := controlNames[k]; ok {
		return s
	}
	return fmt.Sprintf("ControlKind(%d)", int(k))
}

// ScheduledControl is a control input at a position of a replayed file.
type ScheduledControl struct {
	Sample int64 // 16 kHz samples from the start of the file
	Kind   ControlKind
}

// maxEventSeconds bounds event times to a day of audio: a larger value is a
// typo, not a fixture.
const maxEventSeconds = 24 * 3600

// ParseEvents reads an events file: one event per line, "<seconds> <kind>"
// with kind button, cancel, mute or unmute; blank lines and lines starting
// with # are ignored. Times must not decrease. name is used in errors.
func ParseEvents(r io.Reader, name string) ([]ScheduledControl, error) {
	var out []ScheduledControl
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) != 2 {
			return nil, fmt.Errorf("agent: %s:%d: want \"<seconds> button|cancel|mute|unmute\", got %q", name, line, text)
		}
		sec, err := strconv.ParseFloat(fields[0], 64)
		if err != nil || math.IsNaN(sec) || sec < 0 || sec > maxEventSeconds {
			return nil, fmt.Errorf("agent: %s:%d: bad time %q (seconds from the start of the file)", name, line, fields[0])
		}
		var kind ControlKind
		for k, s := range controlNames {
			if s == fields[1] {
				kind = k
			}
		}
		if kind == 0 {
			return nil, fmt.Errorf("agent: %s:%d: unknown event %q (want button, cancel, mute or unmute)", name, line, fields[1])
		}
		ev := ScheduledControl{Sample: int64(math.Round(sec * SampleRate)), Kind: kind}
		if n := len(out); n > 0 && ev.Sample < out[n-1].Sample {
			return nil, fmt.Errorf("agent: %s:%d: time %s is before the previous event", name, line, fields[0])
		}
		out = append(out, ev)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("agent: %s: %w", name, err)
	}
	return out, nil
}
