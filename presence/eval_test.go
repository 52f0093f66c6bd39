package presence

import (
	"flag"
	"math"
	"testing"
	"time"

	"github.com/wakegate/wakegate/internal/soundgen"
)

// The evaluation sweep is off by default (a minute of CPU):
//
//	go test ./presence -run TestEval -v -presence.eval
var evalFlag = flag.Bool("presence.eval", false, "run the evaluation sweep")

// TestEvalSeeds sweeps the generated scenes (PresenceCases, then the
// tonal interference scenes of PresenceToneCases) over 15 seeds and five
// pilot frequencies and reports scenes fully right (both events within
// 0.5 s), false events on still scenes, the timing error, and the highest
// level a still scene reached with a peaky Doppler band (the margin below
// OnDB).
func TestEvalSeeds(t *testing.T) {
	if !*evalFlag {
		t.Skip("-presence.eval not set")
	}
	evalSet(t, "scenes", soundgen.PresenceCases)
	evalSet(t, "tonal scenes", soundgen.PresenceToneCases)
}

func evalSet(t *testing.T, set string, cases func(seed uint64, pilotHz, hold float64) []soundgen.Case) {
	const hold = 2.0
	var right, moving, still, falseEv int
	var sumErr, maxErr float64
	var nErr int
	stillMax := math.Inf(-1)
	for seed := uint64(1); seed <= 15; seed++ {
		for _, pilot := range []float64{18000, 19000, 20000, 21000, 22000} {
			for _, c := range cases(seed, pilot, hold) {
				d, err := New(Config{PilotHz: pilot, Hold: time.Duration(hold * float64(time.Second))})
				if err != nil {
					t.Fatal(err)
				}
				x := soundgen.ToInt16(c.Audio)
				var evs []Event
				peak := math.Inf(-1)
				for i := 0; i+block <= len(x); i += block {
					if e, ok := d.Push(x[i : i+block]); ok {
						evs = append(evs, e)
					}
					if d.flat <= flatMax {
						peak = max(peak, d.Level())
					}
				}
				if len(c.Events) == 0 {
					still++
					falseEv += len(evs)
					stillMax = max(stillMax, peak)
					if len(evs) > 0 {
						t.Logf("false event: %s %.0f Hz seed %d: %v", c.Name, pilot, seed, evs)
					}
					continue
				}
				moving++
				ok := len(evs) == len(c.Events)
				for i := 0; ok && i < len(evs); i++ {
					e := float64(evs[i].Sample)/16000 - c.Events[i].Time
					sumErr += e
					maxErr = max(maxErr, math.Abs(e))
					nErr++
					ok = evs[i].Present == (c.Events[i].Kind == "present") && math.Abs(e) <= tolerance
				}
				if ok {
					right++
				} else {
					t.Logf("miss: %s %.0f Hz seed %d: got %v, want %v", c.Name, pilot, seed, evs, c.Events)
				}
			}
		}
	}
	t.Logf("%s: moving scenes: %d/%d right; still scenes: %d, %d false events, highest peaky level %.1f dB; event time error mean %+.2f s, max %.2f s",
		set, right, moving, still, falseEv, stillMax, sumErr/float64(max(nErr, 1)), maxErr)
}
