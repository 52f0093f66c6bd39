package replay

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wakegate/wakegate/agent"
	"github.com/wakegate/wakegate/alarm"
	"github.com/wakegate/wakegate/internal/soundgen"
	"github.com/wakegate/wakegate/presence"
	"github.com/wakegate/wakegate/wav"
)

// eventTolerance is the bound on event time vs the annotated onset.
const eventTolerance = 0.5 // seconds

func writeCase(t *testing.T, c soundgen.Case) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), c.Name+".wav")
	if err := os.WriteFile(p, wav.EncodeInt16(c.Rate, soundgen.ToInt16(c.Audio)), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func alarmSidecars() []agent.Sidecar {
	return []agent.Sidecar{agent.AlarmSidecar(alarm.New(alarm.DefaultConfig()))}
}

// checkEvents compares the ledger's events with the annotation: same kinds
// in order, each within eventTolerance of its annotated time.
func checkEvents(t *testing.T, got []agent.EventRecord, want []soundgen.Expected) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("events %+v, want %+v", got, want)
	}
	for i := range want {
		at := float64(got[i].Sample) / agent.SampleRate
		if got[i].Kind != want[i].Kind || math.Abs(at-want[i].Time) > eventTolerance {
			t.Errorf("event %d: %s at %.2f s, want %s at %.2f s", i, got[i].Kind, at, want[i].Kind, want[i].Time)
		}
	}
}

// checkServiceEvents checks that every event in the ledger reached the
// reference service through the unary ReportEvent call (real gRPC on
// loopback), with the same kind and sample, and that nothing else did but
// mute changes.
func checkServiceEvents(t *testing.T, res *Result) {
	t.Helper()
	var got []agent.EventRecord
	for _, e := range res.ServiceEvents {
		var kind string
		switch e.Kind {
		case "mute":
			continue
		case "alarm":
			kind = e.Alarm
		case "presence":
			kind = "absent"
			if e.Present {
				kind = "present"
			}
		default:
			t.Fatalf("the service received an unknown event %+v", e)
		}
		if e.DeviceID != "replay" {
			t.Errorf("event %+v from device %q", e, e.DeviceID)
		}
		got = append(got, agent.EventRecord{Sample: e.DeviceSample, Kind: kind})
	}
	// Events are reported concurrently: compare them in timeline order.
	slices.SortStableFunc(got, func(a, b agent.EventRecord) int { return cmp.Compare(a.Sample, b.Sample) })
	if !slices.Equal(got, res.Events) {
		t.Fatalf("the service received events %+v, the ledger lists %+v", got, res.Events)
	}
}

// TestAlarmScenes replays every generated alarm scene (true alarms and
// near-misses) through the real pipeline: the events in the ledger match
// the annotation, and no audio leaves the device.
func TestAlarmScenes(t *testing.T) {
	for _, c := range soundgen.AlarmCases(1) {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			res, err := Run(context.Background(), Options{Input: writeCase(t, c), Sidecars: alarmSidecars()})
			if err != nil {
				t.Fatal(err)
			}
			checkEvents(t, res.Events, c.Events)
			checkServiceEvents(t, res)
			if len(res.Streams) != 0 || len(res.Records) != 0 {
				t.Fatalf("an alarm sent audio: %+v", res.Streams)
			}
		})
	}
}

// TestAlarmMutedHalfway: muted in the middle of an alarm, before two full
// cycles were heard, nothing is reported, then or later.
func TestAlarmMutedHalfway(t *testing.T) {
	for _, c := range soundgen.AlarmCases(1) {
		if len(c.Events) == 0 {
			continue
		}
		onset := c.Events[0].Time
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			// One cycle in (4 s for smoke, 5.8 s for CO would be two), mute for
			// the rest of the file.
			muteAt := int64((onset + 1.0) * agent.SampleRate)
			res, err := Run(context.Background(), Options{Input: writeCase(t, c), Sidecars: alarmSidecars(),
				Events: []agent.ScheduledControl{{Sample: muteAt, Kind: agent.Mute}}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Events) != 0 {
				t.Fatalf("events while muted: %+v", res.Events)
			}
			checkServiceEvents(t, res) // the service heard of the mute only
			if res.FramesReadWhileMuted != 0 {
				t.Fatalf("%d frames read while muted", res.FramesReadWhileMuted)
			}
		})
		break // one scene of each kind is enough; the gate is the same
	}
}

// TestPresenceScenes replays the generated 48 kHz presence scenes with
// presence detection on.
func TestPresenceScenes(t *testing.T) {
	cfg := presence.DefaultConfig()
	cfg.Hold = 2 * time.Second // short, so that "absent" falls inside the 11 s scenes
	for _, c := range soundgen.PresenceCases(1, cfg.PilotHz, cfg.Hold.Seconds()) {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			res, err := Run(context.Background(), Options{Input: writeCase(t, c), Presence: true, PresenceConfig: cfg})
			if err != nil {
				t.Fatal(err)
			}
			checkEvents(t, res.Events, c.Events)
			checkServiceEvents(t, res)
		})
	}
}

// TestPilotStopsOnMute: the mute that stops the microphone stops the pilot
// tone within one audio period (10 ms), and a muted replay reports no
// presence.
func TestPilotStopsOnMute(t *testing.T) {
	cfg := presence.DefaultConfig()
	var c soundgen.Case
	for _, pc := range soundgen.PresenceCases(1, cfg.PilotHz, cfg.Hold.Seconds()) {
		if len(pc.Events) > 0 && pc.Events[0].Kind == "present" {
			c = pc
			break
		}
	}
	if c.Name == "" {
		t.Fatal("no presence scene with motion")
	}
	pilot := presence.PilotTone(cfg)
	var mu sync.Mutex
	var afterStop []int16
	onMute := func(muted bool) {
		if !muted {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		pilot.Stop()
		period := make([]int16, cfg.SampleRate/100) // one 10 ms playback period
		pilot.Fill(period)
		afterStop = make([]int16, cfg.SampleRate/10)
		pilot.Fill(afterStop)
	}
	warm := make([]int16, cfg.SampleRate) // the tone has been playing for a second
	pilot.Fill(warm)
	res, err := Run(context.Background(), Options{Input: writeCase(t, c), Presence: true, PresenceConfig: cfg, OnMute: onMute,
		Events: []agent.ScheduledControl{{Sample: 0, Kind: agent.Mute}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != 0 {
		t.Fatalf("presence events while muted: %+v", res.Events)
	}
	checkServiceEvents(t, res)
	mu.Lock()
	defer mu.Unlock()
	if afterStop == nil {
		t.Fatal("the mute did not reach the pilot")
	}
	for i, v := range afterStop {
		if v != 0 {
			t.Fatalf("pilot still sounding %d samples after the first period following mute (value %d)", i, v)
		}
	}
}

// TestPresenceAfterUnmute: a mute stops presence detection (and the
// pilot), the unmute restarts both, and a walk that starts after the
// unmute is reported as annotated, on the file's 16 kHz timeline.
func TestPresenceAfterUnmute(t *testing.T) {
	cfg := presence.DefaultConfig()
	cfg.Hold = 2 * time.Second
	for _, seed := range []uint64{1, 2} {
		var c soundgen.Case
		for _, pc := range soundgen.PresenceCases(seed, cfg.PilotHz, cfg.Hold.Seconds()) {
			if pc.Name == "walk" {
				c = pc
			}
		}
		if c.Name == "" {
			t.Fatal("no walk scene")
		}
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			t.Parallel()
			walk := c.Events[0].Time
			muteAt, unmuteAt := 0.2, walk-0.8 // the detector needs about 0.3 s of pilot after a restart
			var mu sync.Mutex
			var calls []bool
			res, err := Run(context.Background(), Options{Input: writeCase(t, c), Presence: true, PresenceConfig: cfg,
				OnMute: func(m bool) { mu.Lock(); calls = append(calls, m); mu.Unlock() },
				Events: []agent.ScheduledControl{
					{Sample: int64(muteAt * agent.SampleRate), Kind: agent.Mute},
					{Sample: int64(unmuteAt * agent.SampleRate), Kind: agent.Unmute},
				}})
			if err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if !slices.Equal(calls, []bool{true, false}) {
				t.Errorf("pilot switched %v, want off then on again", calls)
			}
			checkEvents(t, res.Events, c.Events)
			checkServiceEvents(t, res)
			if res.FramesReadWhileMuted != 0 {
				t.Errorf("%d frames read while muted", res.FramesReadWhileMuted)
			}
		})
	}
}

// TestAlarmAndPresenceAt48k: with presence on, the alarm detector hears
// the 48 kHz capture through the anti-aliased 16 kHz path, and both kinds
// of event land on the same 16 kHz timeline as the annotation.
func TestAlarmAndPresenceAt48k(t *testing.T) {
	cfg := presence.DefaultConfig()
	cfg.Hold = 2 * time.Second
	rate := soundgen.PresenceRate
	for _, tc := range []struct {
		name   string
		alarm  soundgen.AlarmSpec
		kind   string
		walkAt float64
	}{
		{"smoke_3k", soundgen.AlarmSpec{Pattern: soundgen.Temporal3, FreqHz: 2950, Cycles: 3, Start: 2.3, Amp: 0.2}, "smoke", 1.4},
		{"co_3k", soundgen.AlarmSpec{Pattern: soundgen.Temporal4, FreqHz: 3300, Cycles: 2, Start: 3.1, Amp: 0.2}, "co", 6.2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := soundgen.PresenceScene{
				Rate: rate, Seconds: 15, PilotHz: cfg.PilotHz, PilotAmp: 0.04, FadeIn: 0.1, NoiseRMS: 4e-4, PinkRMS: 0.003,
				Echoes: []soundgen.Echo{{Amp: 0.3, Delay: 0.004}, {Amp: 0.15, Delay: 0.011}},
				Movers: []soundgen.Mover{{Kind: soundgen.Walk, Start: tc.walkAt, Dur: 4, Distance: 1.5, Speed: 1.1, Amp: 0.1}},
			}
			s.Audible = make([]float64, soundgen.Seconds(rate, s.Seconds))
			soundgen.AddAlarm(s.Audible, rate, tc.alarm)
			x := s.Render(soundgen.NewRand(7))
			want := []soundgen.Expected{
				{Kind: "present", Time: tc.walkAt},
				{Kind: tc.kind, Time: tc.alarm.Start},
				{Kind: "absent", Time: tc.walkAt + 4 + cfg.Hold.Seconds()},
			}
			slices.SortFunc(want, func(a, b soundgen.Expected) int { return cmp.Compare(a.Time, b.Time) })
			c := soundgen.Case{Name: tc.name, Rate: rate, Audio: x}
			res, err := Run(context.Background(), Options{Input: writeCase(t, c), Presence: true, PresenceConfig: cfg,
				Sidecars: alarmSidecars()})
			if err != nil {
				t.Fatal(err)
			}
			// The ledger lists events as they are decided; an alarm is
			// decided after two cycles, so sort by sample to compare.
			got := slices.Clone(res.Events)
			slices.SortStableFunc(got, func(a, b agent.EventRecord) int { return cmp.Compare(a.Sample, b.Sample) })
			checkEvents(t, got, want)
			res.Events = got
			checkServiceEvents(t, res)
			if len(res.Streams) != 0 {
				t.Errorf("audio left the device: %+v", res.Streams)
			}
		})
	}
}
