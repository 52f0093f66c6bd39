package presence

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/wakegate/wakegate/internal/soundgen"
)

// tolerance is how far a reported change may be from the annotation.
const tolerance = 0.5 // s, from the acceptance criteria

const block = 480 // 10 ms at 48 kHz

// run pushes a signal through d in 10 ms blocks and returns the events.
func run(d *Detector, x []int16) []Event {
	var evs []Event
	for i := 0; i+block <= len(x); i += block {
		if e, ok := d.Push(x[i : i+block]); ok {
			evs = append(evs, e)
		}
	}
	return evs
}

func TestPresenceCases(t *testing.T) {
	t.Parallel()
	const hold = 2.0 // s: short, so scenes stay short
	for _, seed := range seeds() {
		for _, pilot := range pilots() {
			for _, c := range soundgen.PresenceCases(seed, pilot, hold) {
				t.Run(fmt.Sprintf("%s/%.0f/seed%d", c.Name, pilot, seed), func(t *testing.T) {
					t.Parallel()
					checkScene(t, c, pilot, hold, t.Errorf)
				})
			}
		}
	}
}

// checkScene runs a fresh detector with the given pilot and hold over
// scene c and reports, through report, a wrong number of events or any
// event of the wrong kind or more than tolerance from its annotated time.
func checkScene(t *testing.T, c soundgen.Case, pilot, hold float64, report func(string, ...any)) {
	t.Helper()
	d, err := New(Config{PilotHz: pilot, Hold: time.Duration(hold * float64(time.Second))})
	if err != nil {
		t.Fatal(err)
	}
	evs := run(d, soundgen.ToInt16(c.Audio))
	if len(evs) != len(c.Events) {
		report("%s: got %v, want %v", c.Note, evs, c.Events)
		return
	}
	for i, want := range c.Events {
		got := evs[i]
		gt := float64(got.Sample) / 16000
		kind := map[bool]string{true: "present", false: "absent"}[got.Present]
		if kind != want.Kind || math.Abs(gt-want.Time) > tolerance {
			report("%s: event %d = %s at %.2f s, want %s at %.2f s", c.Note, i, kind, gt, want.Kind, want.Time)
		}
	}
}

// seeds are the scene seeds; the race detector run takes one.
func seeds() []uint64 {
	if raceEnabled {
		return []uint64{1}
	}
	return []uint64{1, 2, 3}
}

// pilots are the pilot frequencies swept; the race detector run takes one.
func pilots() []float64 {
	if raceEnabled {
		return []float64{20000}
	}
	return []float64{18500, 20000, 21500}
}
