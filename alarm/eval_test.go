package alarm

import (
	"flag"
	"io/fs"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wakegate/wakegate/audio"
	"github.com/wakegate/wakegate/internal/soundgen"
)

// Evaluation sweeps, off by default (minutes of CPU):
//
//	go test ./alarm -run TestEval -v -alarm.eval [-alarm.speech DIR]
//
// DIR holds real 16 kHz speech recordings (WAV or FLAC, searched
// recursively), used as near-misses and as interference; they are read in
// place, never copied.
var (
	evalFlag   = flag.Bool("alarm.eval", false, "run the evaluation sweeps")
	speechFlag = flag.String("alarm.speech", "", "directory of real speech recordings for the evaluation")
)

// hit reports whether evs is exactly the one expected event.
func hit(evs []Event, want soundgen.Expected) bool {
	return len(evs) == 1 && evs[0].Kind.String() == want.Kind &&
		math.Abs(float64(evs[0].Sample)/SampleRate-want.Time) <= tolerance
}

// TestEvalSeeds sweeps the generated catalogue over 20 seeds and reports
// the hit rate and the false events on near-misses.
func TestEvalSeeds(t *testing.T) {
	if !*evalFlag {
		t.Skip("-alarm.eval not set")
	}
	var hits, misses, falseEv, negs int
	for seed := uint64(1); seed <= 20; seed++ {
		for _, c := range soundgen.AlarmCases(seed) {
			evs := run(New(Config{}), soundgen.ToInt16(c.Audio))
			switch {
			case len(c.Events) == 0:
				negs++
				falseEv += len(evs)
				if len(evs) > 0 {
					t.Logf("false event: %s seed %d: %v", c.Name, seed, evs)
				}
			case hit(evs, c.Events[0]):
				hits++
			default:
				misses++
				t.Logf("miss: %s seed %d: got %v, want %v", c.Name, seed, evs, c.Events)
			}
		}
	}
	t.Logf("alarms: %d/%d hit; near-misses: %d scenes, %d false events", hits, hits+misses, negs, falseEv)
}

// TestEvalRealSpeech counts false events on real speech and the hit rate
// of alarms mixed with it at several SNRs.
func TestEvalRealSpeech(t *testing.T) {
	if !*evalFlag || *speechFlag == "" {
		t.Skip("-alarm.eval and -alarm.speech not set")
	}
	var speech []int16
	files := 0
	err := filepath.WalkDir(*speechFlag, func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() || !(strings.HasSuffix(path, ".flac") || strings.HasSuffix(path, ".wav")) {
			return err
		}
		x, err := audio.LoadInt16(path, SampleRate)
		if err != nil {
			t.Logf("skip %s: %v", path, err)
			return nil
		}
		files++
		speech = append(speech, x...)
		return nil
	})
	if err != nil || len(speech) < 30*SampleRate {
		t.Fatalf("speech: %d samples, %v", len(speech), err)
	}
	evs := run(New(Config{}), speech)
	t.Logf("real speech: %d files, %.2f h, %d false events %v", files, float64(len(speech))/SampleRate/3600, len(evs), evs)
	sp := make([]float64, len(speech))
	for i, v := range speech {
		sp[i] = float64(v) / 32768
	}
	for _, snr := range []float64{6, 0, -3, -6} {
		hits := 0
		const trials = 40 // a quarter each: smoke 3.1 kHz, CO 3.1 kHz, smoke 520 Hz square, CO 3.1 kHz
		for k := range trials {
			rng := soundgen.NewRand(uint64(100 + k))
			n := soundgen.Seconds(SampleRate, 20)
			x := make([]float64, n)
			spec := soundgen.AlarmSpec{Pattern: soundgen.Temporal3, FreqHz: 3100 * (0.92 + 0.16*rng.Float64()), Cycles: 3, Start: 1, Amp: 0.3}
			want := soundgen.Expected{Kind: "smoke", Time: 1}
			if k%2 == 1 {
				spec.Pattern, want.Kind = soundgen.Temporal4, "co"
			}
			if k%4 == 2 {
				spec.Square, spec.FreqHz = true, 520*(0.94+0.12*rng.Float64())
			}
			soundgen.AddAlarm(x, SampleRate, spec)
			off := rng.IntN(len(sp) - n)
			soundgen.MixSNR(x, append([]float64(nil), sp[off:off+n]...), SampleRate, snr)
			if hit(run(New(Config{}), soundgen.ToInt16(x)), want) {
				hits++
			}
		}
		t.Logf("alarms in real speech at %+.0f dB SNR: %d/%d hit", snr, hits, trials)
	}
}
