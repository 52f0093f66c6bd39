package dsp

import "math"

// Goertzel measures the power of one frequency over a block of samples with
// the Goertzel recurrence: two multiply-adds per sample instead of a full
// transform, which suits alarm detection that watches a few known tones.
//
// A Goertzel caches values for the last block length it saw, so it must not
// be used by several goroutines at once.
type Goertzel struct {
	freq  float64 // Hz
	w     float64 // ω in radians per sample
	coeff float64 // 2·cos(ω)
	ejw   complex128

	// Rotations for the last block length (see Power).
	n   int
	rot [goertzelChains]complex128
}

// goertzelChains is how many interleaved recurrences Power runs: each one
// waits on its own previous two results, so four chains keep the
// floating-point units busy where one would stall on latency.
const goertzelChains = 4

// NewGoertzel returns a detector for freqHz at sampleRate. The frequency need
// not fall on a DFT bin. It panics unless 0 <= freqHz <= sampleRate/2.
func NewGoertzel(freqHz, sampleRate float64) *Goertzel {
	if !(sampleRate > 0 && freqHz >= 0 && freqHz <= sampleRate/2) {
		panic("dsp: Goertzel frequency outside [0, sampleRate/2]")
	}
	w := 2 * math.Pi * freqHz / sampleRate
	s, c := math.Sincos(w)
	return &Goertzel{freq: freqHz, w: w, coeff: 2 * c, ejw: complex(c, -s)}
}

// Freq returns the frequency the detector measures, in Hz.
func (g *Goertzel) Freq() float64 { return g.freq }

// Power returns |Σ_n block[n]·exp(-iωn)|², the squared magnitude of the
// block's DTFT at the detector's frequency (unnormalised, like RealFFT: a sine
// of amplitude A on the frequency over N samples gives about (A·N/2)²).
// It does not allocate.
func (g *Goertzel) Power(block []float64) float64 {
	n := len(block)
	c := g.coeff
	if n < 8*goertzelChains {
		// Too short for the split to pay for its final rotations.
		var s1, s2 float64
		for _, x := range block {
			s1, s2 = x+c*s1-s2, s1
		}
		return s1*s1 + s2*s2 - c*s1*s2
	}
	// Split the block into four parts and run their recurrences side by
	// side. Part p starts at o_p and has length L_p; after it,
	// y_p = s1 - e^{-iω}·s2 = Σ_j x[o_p+j]·e^{iω(L_p-1-j)}, so the block's
	// DTFT is Σ_p e^{-iω(o_p+L_p-1)}·y_p.
	q := n / goertzelChains
	b0, b1, b2, b3 := block[:q], block[q:2*q], block[2*q:3*q], block[3*q:]
	b1, b2 = b1[:len(b0)], b2[:len(b0)]
	b3h := b3[:len(b0)]
	var s01, s02, s11, s12, s21, s22, s31, s32 float64
	for i, x0 := range b0 {
		s01, s02 = x0+c*s01-s02, s01
		s11, s12 = b1[i]+c*s11-s12, s11
		s21, s22 = b2[i]+c*s21-s22, s21
		s31, s32 = b3h[i]+c*s31-s32, s31
	}
	for _, x := range b3[len(b0):] {
		s31, s32 = x+c*s31-s32, s31
	}
	if g.n != n {
		// e^{-iω(o_p+L_p-1)}: parts end at samples q-1, 2q-1, 3q-1, n-1.
		ends := [goertzelChains]int{q - 1, 2*q - 1, 3*q - 1, n - 1}
		for p, e := range ends {
			s, co := math.Sincos(g.w * float64(e))
			g.rot[p] = complex(co, -s)
		}
		g.n = n
	}
	x := g.rot[0]*(complex(s01, 0)-g.ejw*complex(s02, 0)) +
		g.rot[1]*(complex(s11, 0)-g.ejw*complex(s12, 0)) +
		g.rot[2]*(complex(s21, 0)-g.ejw*complex(s22, 0)) +
		g.rot[3]*(complex(s31, 0)-g.ejw*complex(s32, 0))
	return real(x)*real(x) + imag(x)*imag(x)
}
