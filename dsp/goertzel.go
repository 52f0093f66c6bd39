package dsp

import "math"

// Goertzel measures the power of one frequency over a block of samples with
// the Goertzel recurrence: two multiply-adds per sample instead of a full
// transform, which suits alarm detection that watches a few known tones.
type Goertzel struct {
	freq  float64 // Hz
	coeff float64 // 2·cos(ω)
}

// NewGoertzel returns a detector for freqHz at sampleRate. The frequency need
// not fall on a DFT bin. It panics unless 0 <= freqHz <= sampleRate/2.
func NewGoertzel(freqHz, sampleRate float64) *Goertzel {
	if !(sampleRate > 0 && freqHz >= 0 && freqHz <= sampleRate/2) {
		panic("dsp: Goertzel frequency outside [0, sampleRate/2]")
	}
	w := 2 * math.Pi * freqHz / sampleRate
	return &Goertzel{freq: freqHz, coeff: 2 * math.Cos(w)}
}

// Freq returns the frequency the detector measures, in Hz.
func (g *Goertzel) Freq() float64 { return g.freq }

// Power returns |Σ_n block[n]·exp(-iωn)|², the squared magnitude of the
// block's DTFT at the detector's frequency (unnormalised, like RealFFT: a sine
// of amplitude A on the frequency over N samples gives about (A·N/2)²).
// It does not allocate.
func (g *Goertzel) Power(block []float64) float64 {
	var s1, s2 float64
	c := g.coeff
	for _, x := range block {
		s1, s2 = x+c*s1-s2, s1
	}
	return s1*s1 + s2*s2 - c*s1*s2
}
