package alarm

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/wakegate/wakegate/internal/soundgen"
)

// run pushes a whole signal through d and returns the events.
func run(d *Detector, x []int16) []Event {
	var evs []Event
	for i := 0; i+HopSize <= len(x); i += HopSize {
		if e, ok := d.Push(x[i : i+HopSize]); ok {
			evs = append(evs, e)
		}
	}
	return evs
}

// tolerance is how far a reported onset may be from the annotation.
const tolerance = 0.5 // s, from the acceptance criteria

// seeds are the scene seeds; the race detector run (8× slower) takes one.
func seeds() []uint64 {
	if raceEnabled {
		return []uint64{1}
	}
	return []uint64{1, 2, 3}
}

func TestAlarmCases(t *testing.T) {
	t.Parallel()
	for _, seed := range seeds() {
		for i, c := range soundgen.AlarmCases(seed) {
			if raceEnabled && i%2 == 1 {
				continue // the race run samples half the scenes; a normal run takes all
			}
			t.Run(fmt.Sprintf("%s/seed%d", c.Name, seed), func(t *testing.T) {
				evs := run(New(Config{}), soundgen.ToInt16(c.Audio))
				if len(evs) != len(c.Events) {
					t.Fatalf("%s: got events %v, want %v", c.Note, evs, c.Events)
				}
				for i, want := range c.Events {
					got := evs[i]
					gt := float64(got.Sample) / SampleRate
					if got.Kind.String() != want.Kind || math.Abs(gt-want.Time) > tolerance {
						t.Errorf("%s: event %d = %v at %.2f s, want %s at %.2f s", c.Note, i, got.Kind, gt, want.Kind, want.Time)
					}
				}
			})
		}
	}
}

func TestKindString(t *testing.T) {
	t.Parallel()
	for k, want := range map[Kind]string{Smoke: "smoke", CO: "co", Kind(7): "alarm.Kind(7)"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

// TestRefractory checks that a long alarm gives one event, and that a new
// episode after the refractory period gives another.
func TestRefractory(t *testing.T) {
	t.Parallel()
	rate := soundgen.AlarmRate
	x := make([]float64, soundgen.Seconds(rate, 60))
	soundgen.AddAlarm(x, rate, soundgen.AlarmSpec{Pattern: soundgen.Temporal3, FreqHz: 3100, Cycles: 5, Start: 1, Amp: 0.3})
	soundgen.AddAlarm(x, rate, soundgen.AlarmSpec{Pattern: soundgen.Temporal3, FreqHz: 3100, Cycles: 3, Start: 45, Amp: 0.3})
	soundgen.AddNoise(x, soundgen.NewRand(1), 0.001)
	evs := run(New(Config{Refractory: 20 * time.Second}), soundgen.ToInt16(x))
	if len(evs) != 2 {
		t.Fatalf("events %v, want two", evs)
	}
	for i, want := range []float64{1, 45} {
		if got := float64(evs[i].Sample) / SampleRate; math.Abs(got-want) > tolerance {
			t.Errorf("event %d at %.2f s, want %.2f", i, got, want)
		}
	}
}

// TestResetRestartsTimeline checks that Reset forgets a half-heard pattern
// and restarts sample indices.
func TestResetRestartsTimeline(t *testing.T) {
	t.Parallel()
	rate := soundgen.AlarmRate
	x := make([]float64, soundgen.Seconds(rate, 14))
	soundgen.AddAlarm(x, rate, soundgen.AlarmSpec{Pattern: soundgen.Temporal4, FreqHz: 3000, Cycles: 2, Start: 0.5, Amp: 0.3})
	pcm := soundgen.ToInt16(x)
	d := New(Config{})
	// Hear the first cycle only, then reset: one cycle must not count.
	half := soundgen.Seconds(rate, 3) / HopSize * HopSize
	if evs := run(d, pcm[:half]); len(evs) != 0 {
		t.Fatalf("events after one cycle: %v", evs)
	}
	d.Reset()
	if evs := run(d, pcm[half:]); len(evs) != 0 {
		t.Fatalf("events after reset with one cycle left: %v", evs)
	}
	d.Reset()
	evs := run(d, pcm)
	if len(evs) != 1 || evs[0].Kind != CO || math.Abs(float64(evs[0].Sample)/SampleRate-0.5) > tolerance {
		t.Fatalf("events %v, want one CO at 0.5 s", evs)
	}
}

func TestPushPanicsOnWrongHop(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("no panic for a short hop")
		}
	}()
	New(Config{}).Push(make([]int16, 100))
}

// TestPushDoesNotAllocate pushes whole scenes, alarms and their episode
// searches included, and counts every allocation.
func TestPushDoesNotAllocate(t *testing.T) {
	cases := soundgen.AlarmCases(1)
	d := New(Config{})
	for _, c := range []soundgen.Case{cases[1], cases[9]} {
		x := soundgen.ToInt16(c.Audio)
		events := 0
		allocs := testing.AllocsPerRun(1, func() {
			d.Reset()
			for i := 0; i+HopSize <= len(x); i += HopSize {
				if _, ok := d.Push(x[i : i+HopSize]); ok {
					events++
				}
			}
		})
		if allocs != 0 || events == 0 {
			t.Errorf("%s: %.0f allocations, %d events", c.Name, allocs, events)
		}
	}
}

// BenchmarkPush measures the CPU per 10 ms hop on a smoke alarm mixed with
// speech; ns/op is the cost per hop (100 hops per second of audio).
func BenchmarkPush(b *testing.B) {
	x := soundgen.ToInt16(soundgen.AlarmCases(1)[1].Audio)
	d := New(Config{})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i+HopSize > len(x) {
			i = 0
		}
		d.Push(x[i : i+HopSize])
		i += HopSize
	}
}

// TestLowBandDisabled checks that LowHz < 0 turns the 520 Hz band off and
// leaves the high band working.
func TestLowBandDisabled(t *testing.T) {
	t.Parallel()
	rate := soundgen.AlarmRate
	for _, tc := range []struct {
		freq   float64
		square bool
		want   int
	}{
		{520, true, 0},
		{3100, false, 1},
	} {
		x := make([]float64, soundgen.Seconds(rate, 11))
		soundgen.AddAlarm(x, rate, soundgen.AlarmSpec{Pattern: soundgen.Temporal3, FreqHz: tc.freq, Square: tc.square, Cycles: 2, Start: 1, Amp: 0.3})
		if evs := run(New(Config{LowHz: -1}), soundgen.ToInt16(x)); len(evs) != tc.want {
			t.Errorf("%.0f Hz with the low band off: events %v, want %d", tc.freq, evs, tc.want)
		}
		if evs := run(New(Config{}), soundgen.ToInt16(x)); len(evs) != 1 {
			t.Errorf("%.0f Hz with defaults: events %v, want 1", tc.freq, evs)
		}
	}
}
