package leds

import (
	"fmt"
	"strings"
)

// State is what the device is doing, as far as the owner must be able to see.
// The zero value is Idle.
type State int

// The indicator states. The order is part of the API only through String and
// ParseState; do not persist the numbers.
const (
	// Idle: no audio leaves the device; the ring is dark.
	Idle State = iota
	// Listening: a stream is open and audio is being sent.
	Listening
	// Thinking: the stream has ended and the device waits for the service.
	Thinking
	// FollowUp: the service asked for more speech; a window is open.
	FollowUp
	// Muted: the microphones are cut off in hardware.
	Muted
	// Error: an interaction failed (service down, timeout).
	Error
	// Alarm: a smoke or CO alarm pattern was heard.
	Alarm

	numStates // keep last: the number of states, for tables indexed by State
)

var stateNames = [numStates]string{
	Idle:      "idle",
	Listening: "listening",
	Thinking:  "thinking",
	FollowUp:  "followup",
	Muted:     "muted",
	Error:     "error",
	Alarm:     "alarm",
}

// States lists every valid state in order, for tables and tests.
func States() []State {
	s := make([]State, numStates)
	for i := range s {
		s[i] = State(i)
	}
	return s
}

// Valid reports whether s is one of the defined states.
func (s State) Valid() bool { return s >= 0 && s < numStates }

// String returns the lower-case name used in configuration and logs
// ("idle", "listening", ...), or "State(n)" for an undefined value.
func (s State) String() string {
	if !s.Valid() {
		return fmt.Sprintf("State(%d)", int(s))
	}
	return stateNames[s]
}

// ParseState is the inverse of State.String. It ignores case and
// surrounding space, and also accepts "follow-up" and "follow_up".
func ParseState(name string) (State, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	n = strings.NewReplacer("-", "", "_", "").Replace(n)
	for i, v := range stateNames {
		if v == n {
			return State(i), nil
		}
	}
	return Idle, fmt.Errorf("leds: unknown state %q (want one of %s)", name, strings.Join(stateNames[:], ", "))
}

// MarshalText implements encoding.TextMarshaler so states read and write as
// names in TOML and JSON.
func (s State) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("leds: invalid state %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler using ParseState.
func (s *State) UnmarshalText(b []byte) error {
	v, err := ParseState(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Indicator is what the gate drives. Set records the new state and returns
// at once: it must never block the audio path, so implementations that do
// slow work (SPI writes, animation) do it on their own goroutine.
type Indicator interface {
	Set(s State)
}

// Multi fans one state out to several indicators, in order. Each member
// must honour the non-blocking contract itself.
type Multi []Indicator

// Set calls Set on every member.
func (m Multi) Set(s State) {
	for _, ind := range m {
		ind.Set(s)
	}
}

var _ Indicator = Multi(nil)
