package fixturegen

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Rate is the sample rate of the fixtures' timeline (and of every fixture
// file except the resampler scene).
const Rate = 16000

// Segment labels.
const (
	LabelWake    = "wake"    // the wake word; start/end are exact
	LabelCommand = "command" // speech meant for the service
	LabelPrivate = "private" // speech that must never be sent
	LabelOther   = "other"   // speech without an expectation
	LabelNoise   = "noise"   // background noise, may overlap speech
)

// Stream triggers.
const (
	TriggerWakeword = "wakeword"
	TriggerButton   = "button"
	TriggerFollowup = "followup"
)

// Event kinds used in a scene's events file.
const (
	EventButton = "button"
	EventCancel = "cancel" // long press of the action button
	EventMute   = "mute"
	EventUnmute = "unmute"
)

// Annotation is the JSON document written next to each scene WAV. The lead's
// replay tests parse it; field names and meanings are fixed.
type Annotation struct {
	Name        string    `json:"name"`
	Description string    `json:"description"`
	WAV         string    `json:"wav"`
	SampleRate  int       `json:"sample_rate"`      // of the file; positions below are at Rate
	Events      string    `json:"events,omitempty"` // events file name, if the scene has events
	Service     Service   `json:"service"`
	Segments    []Segment `json:"segments"`
	Expect      Expect    `json:"expect"`
}

// Service configures the reference voice service for the scene.
type Service struct {
	ExpectSpeechMS    int `json:"expect_speech_ms"`    // follow-up window the service opens, 0 = none
	ExpectSpeechTurns int `json:"expect_speech_turns"` // how many follow-up windows it opens
}

// Segment is one synthesized piece on the 16 kHz timeline, [Start, End).
type Segment struct {
	Label string `json:"label"`
	Text  string `json:"text"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Expect says what the service may receive.
type Expect struct {
	Streams   []Stream `json:"streams"`    // in order; empty = nothing may be sent
	NeverSent []int    `json:"never_sent"` // segment indices no stream may touch
}

// Stream is one expected interaction.
type Stream struct {
	Trigger     string   `json:"trigger"`                // wakeword, button or followup
	WakeSegment *int     `json:"wake_segment,omitempty"` // wakeword streams: the wake segment index
	PressEvent  *int     `json:"press_event,omitempty"`  // button streams: index into the events file
	MustContain []int    `json:"must_contain"`           // segments fully inside the stream
	EndReasons  []string `json:"end_reasons"`            // acceptable End reasons
}

// Event is one line of an events file.
type Event struct {
	Seconds float64
	Kind    string
}

// Sample is the event's position on the 16 kHz timeline.
func (e Event) Sample() int { return int(e.Seconds*Rate + 0.5) }

// FormatEvents renders events as the events file ("<seconds> <kind>\n").
func FormatEvents(evs []Event) []byte {
	var b bytes.Buffer
	for _, e := range evs {
		fmt.Fprintf(&b, "%.3f %s\n", e.Seconds, e.Kind)
	}
	return b.Bytes()
}

// ParseEvents reads an events file. Blank lines and lines starting with '#'
// are ignored.
func ParseEvents(data []byte) ([]Event, error) {
	var evs []Event
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("fixturegen: events line %d: want \"<seconds> <kind>\", got %q", n, line)
		}
		sec, err := strconv.ParseFloat(f[0], 64)
		if err != nil || !(sec >= 0) || math.IsInf(sec, 1) { // !(>=) also rejects NaN
			return nil, fmt.Errorf("fixturegen: events line %d: bad time %q", n, f[0])
		}
		switch f[1] {
		case EventButton, EventCancel, EventMute, EventUnmute:
		default:
			return nil, fmt.Errorf("fixturegen: events line %d: unknown event %q", n, f[1])
		}
		evs = append(evs, Event{Seconds: sec, Kind: f[1]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("fixturegen: events: %w", err)
	}
	return evs, nil
}

// LoadAnnotation reads dir/name.json and, if it names one, its events file.
func LoadAnnotation(dir, name string) (*Annotation, []Event, error) {
	data, err := os.ReadFile(filepath.Join(dir, name+".json"))
	if err != nil {
		return nil, nil, fmt.Errorf("fixturegen: %w", err)
	}
	a := new(Annotation)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(a); err != nil {
		return nil, nil, fmt.Errorf("fixturegen: %s.json: %w", name, err)
	}
	var evs []Event
	if a.Events != "" {
		ed, err := os.ReadFile(filepath.Join(dir, a.Events))
		if err != nil {
			return nil, nil, fmt.Errorf("fixturegen: %s.json: %w", name, err)
		}
		if evs, err = ParseEvents(ed); err != nil {
			return nil, nil, fmt.Errorf("fixturegen: %s: %w", a.Events, err)
		}
	}
	return a, evs, nil
}

// Validate checks that an annotation is self-consistent for a file holding
// frames samples on the 16 kHz timeline: segments inside the file and
// non-empty, indices in range, events sorted and inside the file, and the
// trigger of each stream backed by the right segment or event.
func (a *Annotation) Validate(frames int, evs []Event) error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("fixturegen: %s: "+format, append([]any{a.Name}, args...)...))
	}
	if a.WAV == "" || a.SampleRate <= 0 {
		bad("missing wav or sample_rate")
	}
	for i, s := range a.Segments {
		switch s.Label {
		case LabelWake, LabelCommand, LabelPrivate, LabelOther, LabelNoise:
		default:
			bad("segment %d: unknown label %q", i, s.Label)
		}
		if s.Start < 0 || s.End > frames || s.Start >= s.End {
			bad("segment %d [%d,%d) empty or outside the file (%d samples)", i, s.Start, s.End, frames)
		}
	}
	for i, e := range evs {
		if i > 0 && e.Seconds < evs[i-1].Seconds {
			bad("event %d (%.3f s) before event %d", i, e.Seconds, i-1)
		}
		if e.Sample() > frames {
			bad("event %d at %.3f s is after the end of the file", i, e.Seconds)
		}
	}
	seg := func(what string, i int) bool {
		if i < 0 || i >= len(a.Segments) {
			bad("%s: segment %d does not exist", what, i)
			return false
		}
		return true
	}
	if a.Expect.Streams == nil {
		bad("expect.streams is null, want a list")
	}
	if a.Expect.NeverSent == nil {
		bad("expect.never_sent is null, want a list")
	}
	for i, st := range a.Expect.Streams {
		what := fmt.Sprintf("stream %d", i)
		switch st.Trigger {
		case TriggerWakeword:
			if st.WakeSegment == nil {
				bad("%s: wakeword stream without wake_segment", what)
			} else if seg(what, *st.WakeSegment) && a.Segments[*st.WakeSegment].Label != LabelWake {
				bad("%s: wake_segment %d is not a wake segment", what, *st.WakeSegment)
			}
		case TriggerButton:
			if st.PressEvent == nil || *st.PressEvent < 0 || *st.PressEvent >= len(evs) || evs[*st.PressEvent].Kind != EventButton {
				bad("%s: button stream without a button press_event", what)
			}
		case TriggerFollowup:
			if a.Service.ExpectSpeechMS <= 0 || a.Service.ExpectSpeechTurns <= 0 {
				bad("%s: followup stream but the service opens no follow-up window", what)
			}
		default:
			bad("%s: unknown trigger %q", what, st.Trigger)
		}
		if len(st.EndReasons) == 0 {
			bad("%s: no end_reasons", what)
		}
		for _, r := range st.EndReasons {
			if !slices.Contains([]string{"SERVICE_STOP", "ENDPOINT", "TIMEOUT", "MUTED", "CANCELLED", "ERROR"}, r) {
				bad("%s: unknown end reason %q", what, r)
			}
		}
		for _, j := range st.MustContain {
			if seg(what, j) && slices.Contains(a.Expect.NeverSent, j) {
				bad("%s: segment %d is both must_contain and never_sent", what, j)
			}
		}
	}
	for _, j := range a.Expect.NeverSent {
		seg("never_sent", j)
	}
	return errors.Join(errs...)
}
