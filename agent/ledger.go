package agent

import (
	"strings"
	"sync"
)

// StreamRecord is the metadata of one stream that left the device. It holds
// no audio.
type StreamRecord struct {
	ID              string  `json:"id"`
	Trigger         string  `json:"trigger"` // wakeword, button or followup
	WakeWord        string  `json:"wake_word,omitempty"`
	StartSample     int64   `json:"start_sample"`      // first streamed sample on the capture timeline
	EndSample       int64   `json:"end_sample"`        // one past the last streamed sample
	WakeStartSample int64   `json:"wake_start_sample"` // detected wake word on the timeline (wake-word streams)
	WakeEndSample   int64   `json:"wake_end_sample"`
	WakeScore       float64 `json:"wake_score,omitempty"`
	PrerollMs       int     `json:"preroll_ms"` // audio before the wake word actually sent
	Bytes           int64   `json:"bytes"`      // PCM bytes the upstream client handed to gRPC
	EndReason       string  `json:"end_reason"` // SERVICE_STOP, ENDPOINT, TIMEOUT, MUTED, CANCELLED, ERROR
	Error           string  `json:"error,omitempty"`
}

// IndicatorRecord is one change of the indicator state.
type IndicatorRecord struct {
	Sample int64  `json:"sample"`
	State  string `json:"state"`
}

// EventRecord is one audio-free event (presence, alarm).
type EventRecord struct {
	Sample int64  `json:"sample"`
	Kind   string `json:"kind"`
}

// Ledger is the egress record of a run: what left the device and when, as
// metadata only (P5). It is safe for concurrent use.
type Ledger struct {
	mu                   sync.Mutex
	streams              []StreamRecord
	indicators           []IndicatorRecord
	events               []EventRecord
	framesReadWhileMuted int64
}

// Snapshot is a copy of a Ledger, in the replay's JSON shape.
type Snapshot struct {
	Streams              []StreamRecord    `json:"streams"`
	Indicators           []IndicatorRecord `json:"indicators"`
	Events               []EventRecord     `json:"events"`
	FramesReadWhileMuted int64             `json:"frames_read_while_muted"`
}

// Snapshot returns a copy of everything recorded so far.
func (l *Ledger) Snapshot() Snapshot {
	l.mu.Lock()
	defer l.mu.Unlock()
	return Snapshot{
		Streams:              append([]StreamRecord{}, l.streams...),
		Indicators:           append([]IndicatorRecord{}, l.indicators...),
		Events:               append([]EventRecord{}, l.events...),
		FramesReadWhileMuted: l.framesReadWhileMuted,
	}
}

// addStream records r (end reason in the protocol's upper case) and
// returns the record as stored.
func (l *Ledger) addStream(r StreamRecord) StreamRecord {
	l.mu.Lock()
	r.EndReason = strings.ToUpper(r.EndReason)
	l.streams = append(l.streams, r)
	l.mu.Unlock()
	return r
}

func (l *Ledger) addIndicator(sample int64, state string) {
	l.mu.Lock()
	l.indicators = append(l.indicators, IndicatorRecord{sample, state})
	l.mu.Unlock()
}

func (l *Ledger) addEvent(sample int64, kind string) {
	l.mu.Lock()
	l.events = append(l.events, EventRecord{sample, kind})
	l.mu.Unlock()
}

func (l *Ledger) addMutedFrames(n int64) {
	l.mu.Lock()
	l.framesReadWhileMuted += n
	l.mu.Unlock()
}
