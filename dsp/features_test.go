package dsp

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/floats"
)

// refMel is the HTK mel scale, written out independently of HzToMel.
func refMel(hz float64) float64 { return 2595 * math.Log10(1+hz/700) }

// refMelWeight is the weight of frequency hz in mel filter i of cfg, from the
// definition: a triangle in mel from centre i-1 to centre i+1 peaking at 1.
func refMelWeight(cfg FeatureConfig, i int, hz float64) float64 {
	lo, hi := refMel(cfg.LowHz), refMel(cfg.HighHz)
	step := (hi - lo) / float64(cfg.NumMels+1)
	left, centre, right := lo+float64(i)*step, lo+float64(i+1)*step, lo+float64(i+2)*step
	m := refMel(hz)
	switch {
	case m <= left || m >= right:
		return 0
	case m <= centre:
		return (m - left) / (centre - left)
	default:
		return (right - m) / (right - centre)
	}
}

// refFeatures computes log-mel and MFCC of one window the slow way: a
// textbook Hann window, gonum's complex FFT of the full zero-padded frame,
// dense filter weights and a naive DCT-II. emph is the already pre-emphasised
// window.
func refFeatures(cfg FeatureConfig, emph []float64) (logMel, mfcc []float64) {
	n := cfg.FFTSize
	seq := make([]complex128, n)
	for i, x := range emph {
		w := 0.5 * (1 - math.Cos(2*math.Pi*float64(i)/float64(len(emph)-1)))
		seq[i] = complex(x*w, 0)
	}
	spec := fourier.NewCmplxFFT(n).Coefficients(nil, seq)
	logMel = make([]float64, cfg.NumMels)
	for i := range logMel {
		var e float64
		for k := 0; k <= n/2; k++ {
			hz := float64(k) * float64(cfg.SampleRate) / float64(n)
			p := real(spec[k])*real(spec[k]) + imag(spec[k])*imag(spec[k])
			e += refMelWeight(cfg, i, hz) * p
		}
		logMel[i] = math.Log(math.Max(e, 1e-10))
	}
	M := float64(cfg.NumMels)
	mfcc = make([]float64, cfg.NumCeps)
	for c := range mfcc {
		var s float64
		for m, l := range logMel {
			s += l * math.Cos(math.Pi*float64(c)*(float64(m)+0.5)/M)
		}
		if c == 0 {
			mfcc[c] = s * math.Sqrt(1/M)
		} else {
			mfcc[c] = s * math.Sqrt(2/M)
		}
	}
	return logMel, mfcc
}

func TestHTKMel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ hz, mel float64 }{
		{0, 0},
		{700, 2595 * math.Log10(2)}, // mel(700 Hz) = 2595·log10(2) by construction
		{1000, 999.9855},            // the scale's anchor: 1 kHz ≈ 1000 mel
		{7600, 2786.9782},           // 2595·log10(1 + 7600/700), computed with awk
	} {
		if got := HzToMel(tc.hz); math.Abs(got-tc.mel) > 1e-3 {
			t.Errorf("HzToMel(%g) = %.4f, want %.4f", tc.hz, got, tc.mel)
		}
		if got := MelToHz(tc.mel); math.Abs(got-tc.hz) > 1e-3 {
			t.Errorf("MelToHz(%g) = %.4f, want %.4f", tc.mel, got, tc.hz)
		}
	}
}

func TestMelFilterbank(t *testing.T) {
	t.Parallel()
	cfg := DefaultFeatureConfig()
	starts, weights, err := melFilterbank(cfg)
	if err != nil {
		t.Fatal(err)
	}
	centres := MelCenters(cfg)
	if len(centres) != cfg.NumMels {
		t.Fatalf("%d centres, want %d", len(centres), cfg.NumMels)
	}
	for i := 1; i < len(centres); i++ {
		if centres[i] <= centres[i-1] {
			t.Errorf("centre %d (%g Hz) not above centre %d (%g Hz)", i, centres[i], i-1, centres[i-1])
		}
	}
	if centres[0] <= cfg.LowHz || centres[len(centres)-1] >= cfg.HighHz {
		t.Errorf("centres %g..%g Hz outside %g..%g", centres[0], centres[len(centres)-1], cfg.LowHz, cfg.HighHz)
	}
	nbins := cfg.FFTSize/2 + 1
	binHz := float64(cfg.SampleRate) / float64(cfg.FFTSize)
	dense := make([]float64, nbins) // Σ_i weight_i[k]
	for i, w := range weights {
		peak := 0.0
		for j, v := range w {
			k := starts[i] + j
			if v <= 0 || v > 1 {
				t.Errorf("filter %d bin %d weight %g outside (0, 1]", i, k, v)
			}
			if want := refMelWeight(cfg, i, float64(k)*binHz); math.Abs(v-want) > 1e-12 {
				t.Errorf("filter %d bin %d weight %g, want %g", i, k, v, want)
			}
			dense[k] += v
			peak = max(peak, v)
		}
		// The bin nearest the centre is within half a bin of it, so the peak
		// weight is at least 1 - (binHz/2)/(distance to the nearer edge).
		if peak < 0.3 {
			t.Errorf("filter %d peaks at only %g", i, peak)
		}
	}
	for k, s := range dense {
		hz := float64(k) * binHz
		switch {
		case hz > centres[0] && hz < centres[len(centres)-1]:
			// Between the first and last centre neighbouring triangles overlap
			// exactly, so the weights sum to one.
			if math.Abs(s-1) > 1e-9 {
				t.Errorf("bin %d (%g Hz): weights sum to %g, want 1", k, hz, s)
			}
		case hz <= cfg.LowHz || hz >= cfg.HighHz:
			if s != 0 {
				t.Errorf("bin %d (%g Hz) outside the mel range has weight %g", k, hz, s)
			}
		}
	}
}

func TestFeatureConfigErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		mod  func(*FeatureConfig)
		want string
	}{
		{"rate", func(c *FeatureConfig) { c.SampleRate = 0 }, "sample rate"},
		{"window", func(c *FeatureConfig) { c.WindowSamples = -1 }, "window"},
		{"hop", func(c *FeatureConfig) { c.HopSamples = 500 }, "hop"},
		{"fft pow2", func(c *FeatureConfig) { c.FFTSize = 500 }, "power of two"},
		{"fft short", func(c *FeatureConfig) { c.FFTSize = 256 }, "shorter than the window"},
		{"mels", func(c *FeatureConfig) { c.NumMels = 0 }, "mel filters"},
		{"ceps", func(c *FeatureConfig) { c.NumCeps = 41 }, "cepstral"},
		{"range", func(c *FeatureConfig) { c.HighHz = 9000 }, "mel range"},
		{"range order", func(c *FeatureConfig) { c.LowHz = 8000; c.HighHz = 100 }, "mel range"},
		{"preemph", func(c *FeatureConfig) { c.PreEmphasis = 1 }, "pre-emphasis"},
		{"too many mels", func(c *FeatureConfig) { c.NumMels = 200; c.NumCeps = 13 }, "covers no FFT bin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultFeatureConfig()
			tc.mod(&cfg)
			_, err := NewFeatures(cfg)
			if err == nil || !strings.HasPrefix(err.Error(), "dsp: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewFeatures error = %v, want one with prefix %q containing %q", err, "dsp: ", tc.want)
			}
		})
	}
	if _, err := NewFeatures(DefaultFeatureConfig()); err != nil {
		t.Errorf("default config: %v", err)
	}
}

// pushAll feeds s hop by hop and calls fn after each complete window with the
// index of the window's first sample.
func pushAll(t testing.TB, f *Features, s []int16, fn func(start int)) {
	t.Helper()
	h, w := f.Config().HopSamples, f.Config().WindowSamples
	for i := 0; i+h <= len(s); i += h {
		ok := f.Push(s[i : i+h])
		if want := i+h >= w; ok != want {
			t.Fatalf("Push of hop at %d = %v, want %v", i, ok, want)
		}
		if ok {
			fn(i + h - w)
		}
	}
}

// TestFeaturesMatchReference compares every window of a chirp-plus-tone
// signal with the slow reference, for the default and a pre-emphasis-free
// configuration.
func TestFeaturesMatchReference(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	n := 4000
	x := mix(scaleTo(tone(440, n), -10), scaleTo(tone(2500, n), -30), scaleTo(whiteNoise(rng, n), -50))
	s := toInt16(x)
	for _, pre := range []float64{0.97, 0} {
		t.Run(fmt.Sprint("preemphasis ", pre), func(t *testing.T) {
			cfg := DefaultFeatureConfig()
			cfg.PreEmphasis = pre
			f, err := NewFeatures(cfg)
			if err != nil {
				t.Fatal(err)
			}
			windows := 0
			pushAll(t, f, s, func(start int) {
				windows++
				if windows%3 == 0 {
					// Skip a window's lazily derived values now and then: the
					// next window must not see stale ones.
					return
				}
				emph := make([]float64, cfg.WindowSamples)
				for i := range emph {
					cur := float64(s[start+i]) / 32768
					prev := 0.0
					if start+i > 0 {
						prev = float64(s[start+i-1]) / 32768
					}
					emph[i] = cur - pre*prev
				}
				wantMel, wantMFCC := refFeatures(cfg, emph)
				if !floats.EqualApprox(f.LogMel(), wantMel, 1e-9) {
					t.Fatalf("window at %d: LogMel\n got %v\nwant %v", start, f.LogMel(), wantMel)
				}
				if !floats.EqualApprox(f.MFCC(), wantMFCC, 1e-9) {
					t.Fatalf("window at %d: MFCC\n got %v\nwant %v", start, f.MFCC(), wantMFCC)
				}
				if len(f.Power()) != cfg.FFTSize/2+1 {
					t.Fatalf("len(Power) = %d", len(f.Power()))
				}
			})
			if want := (n-cfg.WindowSamples)/cfg.HopSamples + 1; windows != want {
				t.Errorf("%d windows, want %d", windows, want)
			}
		})
	}
}

// TestLogMelKnownValues checks log-mel values that follow from the input
// alone: digital silence sits at the log floor, and a lone impulse has a flat
// power spectrum (w[t0]·A)², so each band is that times its filter's summed
// weights.
func TestLogMelKnownValues(t *testing.T) {
	t.Parallel()
	cfg := DefaultFeatureConfig()
	cfg.PreEmphasis = 0
	f, err := NewFeatures(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := make([]int16, 3*HopSamples)
	pushAll(t, f, s, func(int) {})
	for i, l := range f.LogMel() {
		if l != math.Log(1e-10) {
			t.Errorf("silence: LogMel[%d] = %g, want ln(1e-10)", i, l)
		}
	}
	if e := f.Energy(); e != -120 {
		t.Errorf("silence: Energy = %g, want -120", e)
	}

	f.Reset()
	const amp = 16384 // half scale
	const t0 = 200    // near the window centre; 3 hops = 480 samples, window = the last 400
	s[80+t0] = amp
	pushAll(t, f, s, func(int) {})
	w := 0.5 * (1 - math.Cos(2*math.Pi*t0/399))
	binHz := float64(cfg.SampleRate) / float64(cfg.FFTSize)
	for i, l := range f.LogMel() {
		var sw float64
		for k := 0; k <= cfg.FFTSize/2; k++ {
			sw += refMelWeight(cfg, i, float64(k)*binHz)
		}
		want := 2*math.Log(w*amp/32768) + math.Log(sw)
		if math.Abs(l-want) > 1e-9 {
			t.Errorf("impulse: LogMel[%d] = %.12g, want %.12g", i, l, want)
		}
	}
}

func TestFeaturesEnergy(t *testing.T) {
	t.Parallel()
	for _, db := range []float64{0, -6, -20, -60} {
		f, err := NewFeatures(DefaultFeatureConfig())
		if err != nil {
			t.Fatal(err)
		}
		// 1 kHz: 25 whole periods per window, so the window mean square is exact.
		x := tone(1000, 3*HopSamples)
		for i := range x {
			x[i] *= math.Pow(10, db/20) * 32767 / 32768
		}
		pushAll(t, f, toInt16(x), func(int) {})
		if got := f.Energy(); math.Abs(got-db) > 0.05 {
			t.Errorf("sine at %g dBFS: Energy = %.3f", db, got)
		}
	}
}

func TestFeaturesResetAndPanic(t *testing.T) {
	t.Parallel()
	f, err := NewFeatures(DefaultFeatureConfig())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	s := toInt16(scaleTo(whiteNoise(rng, 3*HopSamples), -20))
	var first []float64
	pushAll(t, f, s, func(int) { first = append([]float64(nil), f.MFCC()...) })
	f.Reset()
	// After Reset the same input must give the same output: no history leaks.
	pushAll(t, f, s, func(int) {})
	if !floats.Equal(first, f.MFCC()) {
		t.Errorf("after Reset MFCC = %v, want %v", f.MFCC(), first)
	}
	defer func() {
		if recover() == nil {
			t.Error("Push with a short hop did not panic")
		}
	}()
	f.Push(s[:HopSamples-1])
}

func TestFeaturesPushAllocs(t *testing.T) {
	f, err := NewFeatures(DefaultFeatureConfig())
	if err != nil {
		t.Fatal(err)
	}
	hop := make([]int16, HopSamples)
	if a := testing.AllocsPerRun(100, func() { f.Push(hop); f.MFCC(); f.Energy() }); a != 0 {
		t.Errorf("Features.Push allocates %g times per hop", a)
	}
}

// BenchmarkFeaturesPush measures one 10 ms hop: Push alone (log-mel, what
// the wake-word model consumes) and Push with MFCC and Energy.
func BenchmarkFeaturesPush(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	hop := toInt16(scaleTo(whiteNoise(rng, HopSamples), -20))
	for _, all := range []bool{false, true} {
		name := "logmel"
		if all {
			name = "mfcc+energy"
		}
		b.Run(name, func(b *testing.B) {
			f, err := NewFeatures(DefaultFeatureConfig())
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				f.Push(hop)
				if all {
					f.MFCC()
					f.Energy()
				}
			}
		})
	}
}
