package resample

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// tone returns n samples of a sine of frequency f (Hz) at rate, amplitude a.
func tone(n, rate int, f, a float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(a * math.Sin(2*math.Pi*f*float64(i)/float64(rate)))
	}
	return x
}

// toneFit returns the amplitude and phase (radians) of the component at
// frequency f in x by least-squares projection onto sin and cos, over the
// middle of x (skipping edge effects).
func toneFit(x []float32, rate int, f float64) (amp, phase float64) {
	lo, hi := len(x)/4, 3*len(x)/4
	var ss, sc float64
	for i := lo; i < hi; i++ {
		w := 2 * math.Pi * f * float64(i) / float64(rate)
		ss += float64(x[i]) * math.Sin(w)
		sc += float64(x[i]) * math.Cos(w)
	}
	n := float64(hi - lo)
	ss, sc = 2*ss/n, 2*sc/n
	return math.Hypot(ss, sc), math.Atan2(sc, ss)
}

// rms is the root mean square over the middle half of x.
func rms(x []float32) float64 {
	lo, hi := len(x)/4, 3*len(x)/4
	var s float64
	for _, v := range x[lo:hi] {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s / float64(hi-lo))
}

func oneShot(t testing.TB, in, out int, x []float32) []float32 {
	t.Helper()
	r, err := New(in, out)
	if err != nil {
		t.Fatal(err)
	}
	y := r.Process(nil, x)
	return r.Flush(y)
}

func db(x float64) float64 { return 20 * math.Log10(x) }

// TestPassband checks that an in-band tone keeps amplitude (±0.1 dB),
// frequency and phase (the output is time-aligned: Latency is 0) for the
// rates Wakegate meets.
func TestPassband(t *testing.T) {
	t.Parallel()
	rates := [][2]int{{48000, 16000}, {44100, 16000}, {8000, 16000}, {11025, 16000}, {22050, 16000},
		{24000, 16000}, {32000, 16000}, {96000, 16000}, {16000, 48000}, {16000, 8000}, {44100, 48000}}
	for _, rr := range rates {
		in, out := rr[0], rr[1]
		t.Run(fmt.Sprintf("%d-%d", in, out), func(t *testing.T) {
			t.Parallel()
			const f = 1000 // Hz: in band for every pair above
			x := tone(in/2, in, f, 0.5)
			y := oneShot(t, in, out, x)
			amp, ph := toneFit(y, out, f)
			if d := db(amp / 0.5); math.Abs(d) > 0.1 {
				t.Errorf("gain %.3f dB, want within ±0.1 dB", d)
			}
			if math.Abs(ph) > 0.01 { // radians; 0.01 rad at 1 kHz is 1.6 µs
				t.Errorf("phase %.4f rad, want 0 (time-aligned output)", ph)
			}
			// The residual after removing the fitted tone is the distortion
			// (and any wrong frequency): it must be small.
			res := make([]float32, len(y))
			for i := range y {
				res[i] = y[i] - float32(amp*math.Sin(2*math.Pi*f*float64(i)/float64(out)+ph))
			}
			if snr := db(amp / math.Sqrt2 / rms(res)); snr < 70 {
				t.Errorf("tone-to-residual %.1f dB, want ≥ 70 dB", snr)
			}
		})
	}
}

// TestAntiAliasing checks that tones above the output Nyquist frequency,
// which would fold back into the band, are attenuated by ≥ 60 dB.
func TestAntiAliasing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, out int
		f       float64 // input tone, Hz
		alias   float64 // where it would land, Hz
	}{
		{48000, 16000, 12000, 4000},
		{48000, 16000, 8100, 7900}, // just above Nyquist: the hardest case
		{48000, 16000, 9000, 7000},
		{44100, 16000, 8200, 7800},
		{44100, 16000, 20000, 4000},
		{96000, 16000, 40000, 8000},
	}
	for _, tc := range tests {
		x := tone(tc.in/2, tc.in, tc.f, 1)
		y := oneShot(t, tc.in, tc.out, x)
		// rms over all frequencies: nothing may come through.
		if d := db(rms(y) * math.Sqrt2); d > -60 {
			t.Errorf("%d→%d Hz: %.0f Hz tone comes through at %.1f dB, want ≤ -60 dB", tc.in, tc.out, tc.f, d)
		}
	}
}

// TestTransitionBand checks that a 7.9 kHz tone, just below the 8 kHz output
// Nyquist frequency, stays at 7.9 kHz (it is in the transition band, so it is
// attenuated, but it must not alias elsewhere).
func TestTransitionBand(t *testing.T) {
	t.Parallel()
	x := tone(24000, 48000, 7900, 1)
	y := oneShot(t, 48000, 16000, x)
	amp, _ := toneFit(y, 16000, 7900)
	total := rms(y) * math.Sqrt2
	if total > 1e-6 && math.Abs(db(amp/total)) > 0.5 {
		t.Errorf("output is not a 7.9 kHz tone: fit %.2e of %.2e", amp, total)
	}
	if amp > 1 {
		t.Errorf("7.9 kHz amplified: %.3f", amp)
	}
	// 6 kHz is in the pass band (edge 0.87 × 8 kHz = 6.96 kHz).
	amp6, _ := toneFit(oneShot(t, 48000, 16000, tone(24000, 48000, 6000, 1)), 16000, 6000)
	if d := db(amp6); math.Abs(d) > 0.1 {
		t.Errorf("6 kHz gain %.3f dB, want within ±0.1 dB", d)
	}
}

// TestUpsampleImages checks that 16 kHz → 48 kHz leaves no images: a 7 kHz
// tone must produce nothing at 9 kHz (16 - 7).
func TestUpsampleImages(t *testing.T) {
	t.Parallel()
	y := oneShot(t, 16000, 48000, tone(8000, 16000, 7000, 1))
	img, _ := toneFit(y, 48000, 9000)
	if d := db(img); d > -60 {
		t.Errorf("image at 9 kHz: %.1f dB, want ≤ -60 dB", d)
	}
}

func TestLength(t *testing.T) {
	t.Parallel()
	rates := [][2]int{{48000, 16000}, {44100, 16000}, {8000, 16000}, {11025, 16000}, {16000, 48000}, {96000, 8000}, {22050, 16000}}
	for _, rr := range rates {
		for _, n := range []int{0, 1, 2, 3, 100, 441, 1000, 4097, 10001} {
			y := oneShot(t, rr[0], rr[1], make([]float32, n))
			want := (int64(n)*int64(rr[1]) + int64(rr[0]) - 1) / int64(rr[0])
			if int64(len(y)) != want {
				t.Errorf("%d→%d, n=%d: %d samples, want ⌈n·out/in⌉ = %d", rr[0], rr[1], n, len(y), want)
			}
		}
	}
}

// TestStreaming checks that feeding random chunk sizes gives exactly the
// one-shot output, and that Reset and the implicit reset after Flush allow
// reuse.
func TestStreaming(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, 30000)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 0.1)
	}
	for _, rr := range [][2]int{{48000, 16000}, {44100, 16000}, {8000, 16000}, {16000, 48000}, {16000, 16000}} {
		want := oneShot(t, rr[0], rr[1], x)
		r, _ := New(rr[0], rr[1])
		for round := 0; round < 2; round++ {
			var got []float32
			for rest := x; len(rest) > 0; {
				k := min(len(rest), rng.IntN(9000))
				got = r.Process(got, rest[:k])
				rest = rest[k:]
			}
			got = r.Flush(got)
			if len(got) != len(want) {
				t.Fatalf("%v round %d: %d samples, want %d", rr, round, len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%v round %d: sample %d = %v, want %v", rr, round, i, got[i], want[i])
				}
			}
		}
		r.Process(nil, x[:1234])
		r.Reset()
		got := r.Flush(r.Process(nil, x))
		if len(got) != len(want) || got[len(got)/2] != want[len(want)/2] {
			t.Errorf("%v: Reset does not restore a fresh state", rr)
		}
	}
}

func TestIdentity(t *testing.T) {
	t.Parallel()
	x := []float32{1, -0.5, 0.25, 0, 0.125}
	r, err := New(16000, 16000)
	if err != nil {
		t.Fatal(err)
	}
	y := r.Flush(r.Process(nil, x))
	if fmt.Sprint(y) != fmt.Sprint(x) {
		t.Errorf("identity: got %v, want %v", y, x)
	}
	if r.Latency() != 0 || r.Half() != 0 {
		t.Errorf("identity latency %d half %d", r.Latency(), r.Half())
	}
}

func TestDC(t *testing.T) {
	t.Parallel()
	x := make([]float32, 4000)
	for i := range x {
		x[i] = 0.5
	}
	y := oneShot(t, 44100, 16000, x)
	for i := len(y) / 4; i < 3*len(y)/4; i++ {
		if math.Abs(float64(y[i])-0.5) > 1e-5 {
			t.Fatalf("DC sample %d = %v, want 0.5", i, y[i])
		}
	}
}

func TestBadRates(t *testing.T) {
	t.Parallel()
	for _, rr := range [][2]int{{0, 16000}, {16000, 0}, {-8000, 16000}, {16000, 10_000_000}, {999, 16000}} {
		if _, err := New(rr[0], rr[1]); err == nil || !strings.HasPrefix(err.Error(), "resample: rate") {
			t.Errorf("New(%d, %d) = %v, want a rate error", rr[0], rr[1], err)
		}
	}
	if _, err := New(767999, 16001); err == nil || !strings.Contains(err.Error(), "phases") {
		t.Errorf("coprime huge ratio: %v, want a table-size error", err)
	}
}

func TestZeroAlloc(t *testing.T) {
	r, _ := New(48000, 16000)
	src := make([]float32, 480) // one 10 ms hop at 48 kHz
	dst := make([]float32, 0, 256)
	if a := testing.AllocsPerRun(100, func() { dst = r.Process(dst[:0], src) }); a != 0 {
		t.Errorf("Process allocates %v times per hop", a)
	}
}

func BenchmarkProcess(b *testing.B) {
	for _, rr := range [][2]int{{48000, 16000}, {44100, 16000}, {16000, 48000}} {
		b.Run(fmt.Sprintf("%d-%d", rr[0], rr[1]), func(b *testing.B) {
			r, _ := New(rr[0], rr[1])
			src := tone(rr[0], rr[0], 440, 0.5) // one second of input
			dst := make([]float32, 0, rr[1]+16)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				dst = r.Process(dst[:0], src)
			}
			// One iteration is one second of audio: ns/op = ns per output second.
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/s-audio")
		})
	}
}
