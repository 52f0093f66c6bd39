package dsp

import (
	"fmt"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/dsp/fourier"
)

// TestRealFFTMatchesGonum checks every supported size up to 2048 against
// gonum's general real FFT on seeded random input.
func TestRealFFTMatchesGonum(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 16; n <= 2048; n *= 2 {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			src := make([]float64, n)
			for i := range src {
				src[i] = rng.NormFloat64()
			}
			want := fourier.NewFFT(n).Coefficients(nil, src)
			f := NewRealFFT(n)
			if f.Len() != n {
				t.Fatalf("Len() = %d, want %d", f.Len(), n)
			}
			got := f.Coefficients(nil, src)
			if len(got) != len(want) {
				t.Fatalf("len = %d, want %d", len(got), len(want))
			}
			// Rounding grows like log2(n)·ε·‖x‖; 1e-9 absolute leaves ample margin
			// for unit-variance input while catching any wrong twiddle.
			const tol = 1e-9
			for k := range want {
				if d := cmplx.Abs(got[k] - want[k]); d > tol*(1+cmplx.Abs(want[k])) {
					t.Fatalf("X[%d] = %v, want %v (|diff| %g)", k, got[k], want[k], d)
				}
			}
			// Reusing dst must give the same result (the plan keeps no stale state).
			again := f.Coefficients(make([]complex128, n/2+1), src)
			for k := range got {
				if again[k] != got[k] {
					t.Fatalf("second call X[%d] = %v, first %v", k, again[k], got[k])
				}
			}
		})
	}
}

func TestRealFFTPanics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"size 8", func() { NewRealFFT(8) }},
		{"size 100", func() { NewRealFFT(100) }},
		{"short src", func() { NewRealFFT(16).Coefficients(nil, make([]float64, 15)) }},
		{"short dst", func() { NewRealFFT(16).Coefficients(make([]complex128, 8), make([]float64, 16)) }},
		{"power dst", func() { PowerSpectrum(make([]float64, 2), make([]complex128, 3)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", tc.name)
				}
			}()
			tc.f()
		})
	}
}

func TestPowerSpectrum(t *testing.T) {
	t.Parallel()
	got := PowerSpectrum(make([]float64, 3), []complex128{3 + 4i, -1, 2i})
	want := []float64{25, 1, 4}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("PowerSpectrum[%d] = %g, want %g", i, got[i], want[i])
		}
	}
}

var fftSizes = []int{256, 512, 1024}

func BenchmarkRealFFT(b *testing.B) {
	for _, n := range fftSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			f := NewRealFFT(n)
			src := make([]float64, n)
			rng := rand.New(rand.NewPCG(1, 2))
			for i := range src {
				src[i] = rng.NormFloat64()
			}
			dst := make([]complex128, n/2+1)
			b.ReportAllocs()
			for b.Loop() {
				f.Coefficients(dst, src)
			}
		})
	}
}

func BenchmarkGonumFFT(b *testing.B) {
	for _, n := range fftSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			f := fourier.NewFFT(n)
			src := make([]float64, n)
			rng := rand.New(rand.NewPCG(1, 2))
			for i := range src {
				src[i] = rng.NormFloat64()
			}
			dst := make([]complex128, n/2+1)
			b.ReportAllocs()
			for b.Loop() {
				f.Coefficients(dst, src)
			}
		})
	}
}
