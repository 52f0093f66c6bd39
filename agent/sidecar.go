package agent

import "github.com/wakegate/wakegate/alarm"

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
