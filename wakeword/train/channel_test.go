package train

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wakegate/wakegate/dsp"
	"github.com/wakegate/wakegate/wakeword/nn"
)

// firstOrder filters x by 1 - a·z⁻¹, whose power response at angular
// frequency w is 1 + a² - 2a·cos w.
func firstOrder(x []float32, a float32) []float32 {
	y := make([]float32, len(x))
	var prev float32
	for i, v := range x {
		y[i] = v - a*prev
		prev = v
	}
	return y
}

// TestMeasuredResponses checks that a measured response is the filter
// that sets a "real" recording apart from its reference: white noise
// heard through a first-order filter against the same noise unfiltered
// gives the filter's power response at each band's centre, with its mean
// over the bands removed (a profile has no level), clamped to
// ±maxResponse.
func TestMeasuredResponses(t *testing.T) {
	cfg := nn.DefaultConfig().FeatureConfig()
	centres := dsp.MelCenters(cfg)
	r := rand.New(rand.NewPCG(1, 2))
	white := make([]float32, 3*SampleRate)
	for i := range white {
		white[i] = float32(0.1 * r.NormFloat64())
	}
	for _, tc := range []struct {
		name string
		a    float32
		// The band's response is its filter's power averaged over a
		// triangle, not the power at its centre: a few tenths of a
		// decibel off where the response bends fastest.
		tol float64
	}{
		{"gentle tilt", 0.5, 0.1},     // -6 dB at DC to +3.5 dB at 8 kHz: no band clamped
		{"deep bass cut", 0.99, 0.25}, // about -40 dB at the lowest band: clamped
	} {
		t.Run(tc.name, func(t *testing.T) {
			real := []*clip{{x: firstOrder(white, tc.a)}}
			ref := []*clip{{x: white}}
			resp, err := measuredResponses(cfg, real, ref)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]float64, len(centres))
			var mean float64
			for b, f := range centres {
				w := 2 * math.Pi * f / SampleRate
				a := float64(tc.a)
				want[b] = math.Log(1 + a*a - 2*a*math.Cos(w))
				mean += want[b] / float64(len(want))
			}
			clamped := 0
			for b := range want {
				want[b] -= mean
				if math.Abs(want[b]) > maxResponse {
					want[b] = math.Copysign(maxResponse, want[b])
					clamped++
				}
			}
			if (tc.a > 0.9) != (clamped > 0) {
				t.Fatalf("%d bands clamped: the case does not test what it says", clamped)
			}
			for b, v := range resp[0] {
				if math.Abs(v-want[b]) > tc.tol {
					t.Errorf("band %d (%.0f Hz): %.3f, want %.3f", b, centres[b], v, want[b])
				}
			}
		})
	}
}

// TestProfileIgnoresLevelAndPauses checks that a profile is a clip's
// spectral shape: the same clip louder gives the same profile, and
// silence added around it does not change it (the profile averages the
// loudest frames).
func TestProfileIgnoresLevelAndPauses(t *testing.T) {
	cfg := nn.DefaultConfig().FeatureConfig()
	fe, err := dsp.NewFeatures(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Harmonics of 100 Hz repeat every hop (10 ms), so every frame that
	// lies wholly inside the clip has the same spectrum, whichever the
	// profile picks; they fall off with frequency, so it is not flat.
	r := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, SampleRate)
	for k := 1; k < 78; k++ {
		amp, ph := 0.02/float64(k), 2*math.Pi*r.Float64()
		for i := range x {
			x[i] += float32(amp * math.Sin(2*math.Pi*100*float64(k)*float64(i)/SampleRate+ph))
		}
	}
	loud := make([]float32, len(x))
	for i, v := range x {
		loud[i] = 4 * v
	}
	padded := make([]float32, 3*len(x)) // one second of silence on either side
	copy(padded[len(x):], x)
	p0, _ := spectralProfile(fe, x)
	for name, y := range map[string][]float32{"12 dB louder": loud, "silence around": padded} {
		p, ok := spectralProfile(fe, y)
		if !ok {
			t.Fatalf("%s: no profile", name)
		}
		for b := range p {
			if math.Abs(p[b]-p0[b]) > 0.01 {
				t.Errorf("%s: band %d %.3f, alone %.3f", name, b, p[b], p0[b])
			}
		}
	}
	if _, ok := spectralProfile(fe, x[:100]); ok {
		t.Error("a profile from less than one frame")
	}
}

// TestTrainMicFrom checks `train --mic-from` and `--mic-ref`: the
// measured responses are used (the weights differ from random ones'),
// and the flags are refused where they cannot work.
func TestTrainMicFrom(t *testing.T) {
	dir := t.TempDir()
	pos, neg := corpus(t, dir, 5, 8, 8)
	real := filepath.Join(dir, "real")
	if err := os.MkdirAll(real, 0o755); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(6, 7))
	for i := range 16 { // four sessions of four: the split holds some out
		writeWAV(t, filepath.Join(real, "m"+itoa(i)+".wav"), firstOrder(synthWord(r, false), 0.9))
	}
	random, _ := trainSmall(t, dir, pos, neg, "random.wgm", "--mic", "1")
	measured, log := trainSmall(t, dir, pos, neg, "measured.wgm", "--mic", "1", "--mic-from", real, "--mic-ref", neg)
	if !strings.Contains(log, "microphone responses measured from") {
		t.Errorf("log does not report the measured responses: %q", log)
	}
	if slices.Equal(random.Params, measured.Params) {
		t.Error("--mic-from trained the same weights as random responses")
	}
	empty := filepath.Join(dir, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--mic-from", real}, "--mic-from needs --mic"},
		{[]string{"--mic", "0.5", "--mic-ref", neg}, "--mic-ref needs --mic-from"},
		{[]string{"--mic", "0.5", "--mic-from", empty}, "no .wav or .flac files"},
		{[]string{"--mic", "0.5", "--mic-from", filepath.Join(dir, "missing")}, "missing"},
	} {
		args := append([]string{"--word", "chirp", "--pos", pos, "--neg", neg, "--out", filepath.Join(dir, "x.wgm"), "--quiet"}, tc.args...)
		var so, se bytes.Buffer
		if err := Main(context.Background(), args, &so, &se); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want %q", tc.args, err, tc.want)
		}
	}
}
