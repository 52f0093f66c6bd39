package template

import (
	"math"
	"testing"

	"github.com/wakegate/wakegate/wakeword"
)

// TestNoiseRobustness enrolls in a quiet room and detects the word in
// white noise at falling signal-to-noise ratios. It asserts only the easy
// end (20 dB and up, a loud room); the rest is reported.
func TestNoiseRobustness(t *testing.T) {
	t.Parallel()
	tm := enrollComputer(t, EnrollOptions{})
	word := synth(t, "computer", 150)
	var p float64
	for _, x := range word {
		p += float64(x) * float64(x)
	}
	rms := math.Sqrt(p / float64(len(word)))
	for _, snr := range []float64{30, 20, 15, 10, 5} {
		found, best := 0, 0.0
		const trials = 5
		for seed := range uint64(trials) {
			std := rms / math.Pow(10, snr/20)
			s := append(append(silence(500), word...), silence(1000)...)
			s = mix(s, noise(len(s), std, 200+seed))
			d, _ := tm.NewDetector(wakeword.Options{})
			if len(run(d, s)) == 1 {
				found++
			}
			best = max(best, d.maxSeen)
		}
		t.Logf("SNR %2.0f dB: detected %d/%d, best score %.2f", snr, found, trials, best)
		if snr >= 20 && found < trials {
			t.Errorf("SNR %.0f dB: detected %d/%d", snr, found, trials)
		}
	}
}
