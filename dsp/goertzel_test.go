package dsp

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// TestGoertzelMatchesDTFT compares Power with the directly summed DTFT at
// on-bin and off-bin frequencies, for block lengths on both the short and
// the split path, reusing each detector across lengths (it caches per
// length).
func TestGoertzelMatchesDTFT(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	noise := whiteNoise(rng, 401)
	for _, hz := range []float64{0, 520, 1000, 3000, 3100.7, 7999, 8000} {
		g := NewGoertzel(hz, SampleRate)
		for _, n := range []int{10, 31, 32, 33, 160, 400, 401, 160} {
			block := noise[:n]
			var sum complex128
			for i, x := range block {
				sum += complex(x, 0) * cmplx.Exp(complex(0, -2*math.Pi*hz*float64(i)/SampleRate))
			}
			want := real(sum)*real(sum) + imag(sum)*imag(sum)
			got := g.Power(block)
			if math.Abs(got-want) > 1e-9*(1+want) {
				t.Errorf("%g Hz, %d samples: Power = %g, want %g", hz, n, got, want)
			}
		}
	}
}

// TestGoertzelTone checks the documented level of an on-frequency sine,
// (A·N/2)², and the rejection of a tone 200 Hz away.
func TestGoertzelTone(t *testing.T) {
	t.Parallel()
	const n = 800 // 50 ms: 3 kHz is 150 whole periods
	g := NewGoertzel(3000, SampleRate)
	if g.Freq() != 3000 {
		t.Errorf("Freq = %g", g.Freq())
	}
	on := tone(3000, n)
	want := math.Pow(float64(n)/2, 2)
	if got := g.Power(on); math.Abs(got-want) > 1e-6*want {
		t.Errorf("on-frequency sine: Power = %g, want %g", got, want)
	}
	// 3200 Hz completes 160 periods in the block: an exact null of the
	// rectangular window, so only rounding remains.
	if got := g.Power(tone(3200, n)); got > 1e-12*want {
		t.Errorf("3200 Hz sine: Power = %g, want about 0 (on-frequency %g)", got, want)
	}
}

func TestGoertzelPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("NewGoertzel above Nyquist did not panic")
		}
	}()
	NewGoertzel(9000, SampleRate)
}

func TestGoertzelAllocs(t *testing.T) {
	g := NewGoertzel(3000, SampleRate)
	block := make([]float64, 800)
	if a := testing.AllocsPerRun(100, func() { g.Power(block) }); a != 0 {
		t.Errorf("Goertzel.Power allocates %g times", a)
	}
}

func BenchmarkGoertzel(b *testing.B) {
	g := NewGoertzel(3000, SampleRate)
	block := tone(3000, HopSamples)
	b.ReportAllocs()
	for b.Loop() {
		g.Power(block)
	}
}
