package agent

import (
	"github.com/wakegate/wakegate/alarm"
	"github.com/wakegate/wakegate/presence"
)

// alarmSidecar adapts the alarm-sound detector to the gate.
type alarmSidecar struct{ d *alarm.Detector }

// AlarmSidecar returns a Sidecar reporting smoke and CO alarm patterns
// ("smoke", "co") with their onsets.
func AlarmSidecar(d *alarm.Detector) Sidecar { return alarmSidecar{d} }

func (s alarmSidecar) Push(hop []int16) (string, int64, bool) {
	ev, ok := s.d.Push(hop)
	if !ok {
		return "", 0, false
	}
	return ev.Kind.String(), ev.Sample, true
}

func (s alarmSidecar) Reset() { s.d.Reset() }

// presenceAdapter adapts the ultrasonic presence detector to the gate.
type presenceAdapter struct{ d *presence.Detector }

// PresenceDetector returns the gate's view of d.
func PresenceDetector(d *presence.Detector) Presence { return presenceAdapter{d} }

func (p presenceAdapter) Push(block []int16) (bool, int64, bool) {
	ev, ok := p.d.Push(block)
	return ev.Present, ev.Sample, ok
}

func (p presenceAdapter) Reset() { p.d.Reset() }
