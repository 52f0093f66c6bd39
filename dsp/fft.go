package dsp

import (
	"fmt"
	"math"
	"math/bits"
)

// RealFFT is a plan for the discrete Fourier transform of a real sequence of
// one fixed power-of-two length n. It packs the n real samples into n/2
// complex ones, runs an iterative radix-2 transform with precomputed
// twiddles, and untangles the result into the n/2+1 non-negative-frequency
// coefficients.
//
// The scaling matches gonum's fourier.FFT.Coefficients: unnormalised,
//
//	X[k] = Σ_{j=0}^{n-1} x[j]·exp(-2πi·j·k/n),  k = 0..n/2.
//
// A RealFFT holds scratch space, so it must not be used by several goroutines
// at once.
type RealFFT struct {
	n, m int          // real length and packed complex length m = n/2
	rev  []int32      // bit-reversal permutation of 0..m-1
	tw   []complex128 // exp(-2πi·k/m) for k in [0, m/2): butterfly twiddles
	post []complex128 // exp(-2πi·k/n) for k in [0, m/2]: untangling twiddles
	buf  []complex128 // m packed points, transformed in place
}

// NewRealFFT returns a plan for real sequences of length n. It panics unless
// n is a power of two and at least 16 (smaller sizes gain nothing from a plan).
func NewRealFFT(n int) *RealFFT {
	if n < 16 || n&(n-1) != 0 {
		panic(fmt.Sprintf("dsp: RealFFT size %d is not a power of two >= 16", n))
	}
	m := n / 2
	f := &RealFFT{
		n:    n,
		m:    m,
		rev:  make([]int32, m),
		tw:   make([]complex128, m/2),
		post: make([]complex128, m/2+1),
		buf:  make([]complex128, m),
	}
	shift := 64 - bits.Len(uint(m-1))
	for i := range f.rev {
		f.rev[i] = int32(bits.Reverse64(uint64(i)) >> shift)
	}
	for k := range f.tw {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(m))
		f.tw[k] = complex(c, s)
	}
	for k := range f.post {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		f.post[k] = complex(c, s)
	}
	return f
}

// Len returns the length of the real sequences the plan transforms.
func (f *RealFFT) Len() int { return f.n }

// Coefficients computes the n/2+1 Fourier coefficients of the real sequence
// src (len n) into dst and returns it. If dst is nil a new slice is
// allocated; otherwise it must have length n/2+1. It panics on a length
// mismatch, as gonum does.
func (f *RealFFT) Coefficients(dst []complex128, src []float64) []complex128 {
	if len(src) != f.n {
		panic(fmt.Sprintf("dsp: RealFFT sequence length %d, want %d", len(src), f.n))
	}
	if dst == nil {
		dst = make([]complex128, f.m+1)
	} else if len(dst) != f.m+1 {
		panic(fmt.Sprintf("dsp: RealFFT dst length %d, want %d", len(dst), f.m+1))
	}
	m := f.m
	z := f.buf[:m]
	rev := f.rev[:m]
	// Pack even samples as real parts and odd samples as imaginary parts, in
	// bit-reversed order so that the butterflies below run in place.
	for i, r := range rev {
		z[r] = complex(src[2*i], src[2*i+1])
	}
	f.transform(z)

	// Untangle: with Z the transform of z[j] = x[2j] + i·x[2j+1],
	//   E[k] = (Z[k] + conj(Z[m-k]))/2        (transform of the even samples)
	//   O[k] = (Z[k] - conj(Z[m-k]))/(2i)     (transform of the odd samples)
	//   X[k] = E[k] + W^k·O[k],  X[m-k] = conj(E[k] - W^k·O[k]),  W = exp(-2πi/n).
	z0 := z[0]
	dst[0] = complex(real(z0)+imag(z0), 0)
	dst[m] = complex(real(z0)-imag(z0), 0)
	post := f.post[:m/2+1]
	for k := 1; k <= m/2; k++ {
		a := z[k]
		b := z[m-k]
		er := 0.5 * (real(a) + real(b))
		ei := 0.5 * (imag(a) - imag(b))
		or := 0.5 * (imag(a) + imag(b))
		oi := -0.5 * (real(a) - real(b))
		w := post[k]
		tr := real(w)*or - imag(w)*oi
		ti := real(w)*oi + imag(w)*or
		dst[k] = complex(er+tr, ei+ti)
		dst[m-k] = complex(er-tr, -(ei - ti))
	}
	return dst
}

// transform runs the in-place decimation-in-time butterflies on z, whose
// elements are already in bit-reversed order.
func (f *RealFFT) transform(z []complex128) {
	m := len(z)
	// Stage of size 2: the twiddle is 1.
	for i := 0; i+1 < m; i += 2 {
		a, b := z[i], z[i+1]
		z[i], z[i+1] = a+b, a-b
	}
	// Stage of size 4: the twiddles are 1 and -i.
	for i := 0; i+3 < m; i += 4 {
		a0, a1, b0, b1 := z[i], z[i+1], z[i+2], z[i+3]
		b1 = complex(imag(b1), -real(b1)) // b1·(-i)
		z[i], z[i+2] = a0+b0, a0-b0
		z[i+1], z[i+3] = a1+b1, a1-b1
	}
	tw := f.tw
	for size := 8; size <= m; size <<= 1 {
		half := size >> 1
		step := m / size
		for start := 0; start < m; start += size {
			lo := z[start : start+half]
			hi := z[start+half : start+size]
			for j := range lo {
				w := tw[j*step]
				h := hi[j]
				tr := real(w)*real(h) - imag(w)*imag(h)
				ti := real(w)*imag(h) + imag(w)*real(h)
				l := lo[j]
				lo[j] = complex(real(l)+tr, imag(l)+ti)
				hi[j] = complex(real(l)-tr, imag(l)-ti)
			}
		}
	}
}

// PowerSpectrum writes |c|² for each coefficient into dst, which must have
// len(coeffs), and returns dst. It does not allocate.
func PowerSpectrum(dst []float64, coeffs []complex128) []float64 {
	if len(dst) != len(coeffs) {
		panic(fmt.Sprintf("dsp: PowerSpectrum dst length %d, want %d", len(dst), len(coeffs)))
	}
	for i, c := range coeffs {
		dst[i] = real(c)*real(c) + imag(c)*imag(c)
	}
	return dst
}
