package dsp

import (
	"fmt"
	"math"
	"math/bits"
)

// RealFFT is a plan for the discrete Fourier transform of a real sequence of
// one fixed power-of-two length n. It packs the n real samples into n/2
// complex ones, runs an iterative radix-4 transform with precomputed
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
	n, m   int          // real length and packed complex length m = n/2
	rev    []int32      // bit-reversal permutation of 0..m-1
	odd    bool         // log2(m) is odd: the first stage is radix-2
	stages []fftStage   // radix-4 stages after the first
	post   []complex128 // exp(-2πi·k/n) for k in [0, m/2]: untangling twiddles
	buf    []complex128 // m packed points, transformed in place
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
		post: make([]complex128, m/2+1),
		buf:  make([]complex128, m),
	}
	shift := 64 - bits.Len(uint(m-1))
	for i := range f.rev {
		f.rev[i] = int32(bits.Reverse64(uint64(i)) >> shift)
	}
	f.odd = bits.Len(uint(m-1))%2 == 1
	L := 4
	if f.odd {
		L = 2
	}
	for ; L < m; L *= 4 {
		st := fftStage{L: L, w1: make([]complex128, L), w2: make([]complex128, L), w3: make([]complex128, L)}
		for k := 0; k < L; k++ {
			for r, w := range [][]complex128{st.w1, st.w2, st.w3} {
				s, c := math.Sincos(-2 * math.Pi * float64((r+1)*k) / float64(4*L))
				w[k] = complex(c, s)
			}
		}
		f.stages = append(f.stages, st)
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
	// Pack even samples as real parts and odd samples as imaginary parts, in
	// bit-reversed order so that the butterflies run in place.
	f.load(z, src)
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

// load packs src (z[j] = src[2j] + i·src[2j+1]) into z in bit-reversed
// order and runs the first stage on the way: radix-2 when log2(m) is odd,
// radix-4 otherwise. The elements of one first-stage butterfly are the
// packed points r, r+m/2 (and r+m/4, r+3m/4) for r = rev[i].
func (f *RealFFT) load(z []complex128, src []float64) {
	m := f.m
	rev := f.rev[:m]
	if f.odd {
		h := m / 2
		src0 := src[: 2*h : 2*h]
		src1 := src[2*h : 4*h]
		for i := 0; i+1 < len(z); i += 2 {
			r := 2 * int(rev[i])
			a := complex(src0[r], src0[r+1])
			b := complex(src1[r], src1[r+1])
			z[i], z[i+1] = a+b, a-b
		}
		return
	}
	q := m / 4
	s0 := src[: 2*q : 2*q]
	s1 := src[2*q : 4*q]
	s2 := src[4*q : 6*q]
	s3 := src[6*q : 8*q]
	for i := 0; i+3 < len(z); i += 4 {
		r := 2 * int(rev[i])
		// Bit-reversed order puts the sub-transforms of residues 0, 2, 1, 3
		// (mod 4) in positions i, i+1, i+2, i+3: packed points r, r+m/2,
		// r+m/4, r+3m/4.
		t0 := complex(s0[r], s0[r+1])
		t2 := complex(s2[r], s2[r+1])
		t1 := complex(s1[r], s1[r+1])
		t3 := complex(s3[r], s3[r+1])
		s02, d02 := t0+t2, t0-t2
		s13, d13 := t1+t3, t1-t3
		d13 = complex(imag(d13), -real(d13)) // -i·(t1 - t3)
		z[i], z[i+1], z[i+2], z[i+3] = s02+s13, d02+d13, s02-s13, d02-d13
	}
}

// fftStage holds the twiddles of one radix-4 stage that merges four
// transforms of length L: w1[k], w2[k], w3[k] = W^k, W^2k, W^3k with
// W = exp(-2πi/4L), k < L.
type fftStage struct {
	L          int
	w1, w2, w3 []complex128
}

// transform runs the radix-4 decimation-in-time stages after load, each
// merging four sub-transforms of length L into one of length 4L. In
// bit-reversed order the sub-transforms of residues 0, 2, 1, 3 (mod 4) sit
// in blocks 0, 1, 2, 3.
func (f *RealFFT) transform(z []complex128) {
	m := len(z)
	for _, st := range f.stages {
		L := st.L
		for start := 0; start+4*L <= m; start += 4 * L {
			b0 := z[start : start+L : start+L]
			b1 := z[start+L : start+2*L : start+2*L]
			b2 := z[start+2*L : start+3*L : start+3*L]
			b3 := z[start+3*L : start+4*L : start+4*L]
			w1, w2, w3 := st.w1[:len(b0)], st.w2[:len(b0)], st.w3[:len(b0)]
			b1, b2, b3 = b1[:len(b0)], b2[:len(b0)], b3[:len(b0)]
			for k, x0 := range b0 {
				// Operands are loaded just before use to keep fewer values live
				// at once (the amd64 port has 15 float registers to spare).
				x2, a2 := b1[k], w2[k]
				t2r := real(a2)*real(x2) - imag(a2)*imag(x2)
				t2i := real(a2)*imag(x2) + imag(a2)*real(x2)
				s02r, s02i := real(x0)+t2r, imag(x0)+t2i
				d02r, d02i := real(x0)-t2r, imag(x0)-t2i
				x1, a1 := b2[k], w1[k]
				t1r := real(a1)*real(x1) - imag(a1)*imag(x1)
				t1i := real(a1)*imag(x1) + imag(a1)*real(x1)
				x3, a3 := b3[k], w3[k]
				t3r := real(a3)*real(x3) - imag(a3)*imag(x3)
				t3i := real(a3)*imag(x3) + imag(a3)*real(x3)
				s13r, s13i := t1r+t3r, t1i+t3i
				e13r, e13i := t1i-t3i, t3r-t1r // -i·(t1 - t3)
				b0[k] = complex(s02r+s13r, s02i+s13i)
				b1[k] = complex(d02r+e13r, d02i+e13i)
				b2[k] = complex(s02r-s13r, s02i-s13i)
				b3[k] = complex(d02r-e13r, d02i-e13i)
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
