package soundgen

import (
	"math"
	"math/rand/v2"
)

// NewRand returns a generator seeded by seed alone, so that fixtures and
// tests name their randomness with one number.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x50_67_65_6e)) // second word: arbitrary constant ("Pgen")
}

// Seconds returns the number of samples in sec seconds at rate.
func Seconds(rate int, sec float64) int { return int(math.Round(sec * float64(rate))) }

// Segment is an interval of a signal, in seconds from its start.
type Segment struct {
	Start, Dur float64
}

// End returns the end of the segment in seconds.
func (s Segment) End() float64 { return s.Start + s.Dur }

// edge is the raised-cosine ramp on every beep edge: 5 ms keeps the
// spectrum of a switched tone narrow, as a piezo sounder's own
// ring-up does, without changing its perceived on time.
const edge = 0.005

// AddTone adds a tone of frequency freq (Hz) and peak amplitude amp to dst
// (sampled at rate) during each segment, with raised-cosine edges. If square
// is true the tone is a band-limited square wave (odd harmonics below
// Nyquist, amplitudes 1/k), as low-frequency 520 Hz alarms produce; the
// fundamental then has amplitude amp.
func AddTone(dst []float64, rate int, freq, amp float64, square bool, segs []Segment) {
	fs := float64(rate)
	for _, s := range segs {
		i0 := max(Seconds(rate, s.Start), 0)
		i1 := min(Seconds(rate, s.End()), len(dst))
		ne := min(Seconds(rate, edge), (i1-i0)/2)
		for i := i0; i < i1; i++ {
			t := float64(i) / fs
			var v float64
			if square {
				v = harmonics(2*math.Pi*freq*t, int((fs/2)/freq), 2)
			} else {
				v = math.Sin(2 * math.Pi * freq * t)
			}
			dst[i] += amp * gain(i, i0, i1, ne) * v
		}
	}
}

// harmonics returns Σ sin(k·θ)/k over k = 1, 1+step, 1+2·step, ... <= kmax,
// with the Chebyshev recurrence sin((k+1)θ) = 2cosθ·sin(kθ) − sin((k−1)θ)
// so that one Sincos serves all harmonics.
func harmonics(theta float64, kmax, step int) float64 {
	s1, c := math.Sincos(theta)
	c2 := 2 * c
	prev, cur := 0.0, s1 // sin(0·θ), sin(1·θ)
	var v float64
	for k := 1; k <= kmax; k++ {
		if (k-1)%step == 0 {
			v += cur / float64(k)
		}
		prev, cur = cur, c2*cur-prev
	}
	return v
}

// gain is the raised-cosine edge gain of sample i in [i0, i1) with ne-sample
// ramps.
func gain(i, i0, i1, ne int) float64 {
	if j := i - i0; j < ne {
		return 0.5 - 0.5*math.Cos(math.Pi*float64(j)/float64(ne))
	}
	if j := i1 - 1 - i; j < ne {
		return 0.5 - 0.5*math.Cos(math.Pi*float64(j)/float64(ne))
	}
	return 1
}

// Envelope returns an n-sample gate that is 1 inside the segments and 0
// outside, with the same raised-cosine edges as AddTone.
func Envelope(n, rate int, segs []Segment) []float64 {
	env := make([]float64, n)
	for _, s := range segs {
		i0 := max(Seconds(rate, s.Start), 0)
		i1 := min(Seconds(rate, s.End()), n)
		ne := min(Seconds(rate, edge), (i1-i0)/2)
		for i := i0; i < i1; i++ {
			env[i] = max(env[i], gain(i, i0, i1, ne))
		}
	}
	return env
}

// AddNoise adds white Gaussian noise of RMS rms to dst.
func AddNoise(dst []float64, rng *rand.Rand, rms float64) {
	for i := range dst {
		dst[i] += rms * rng.NormFloat64()
	}
}

// PinkNoise returns n samples of approximately pink (1/f) noise with RMS
// rms, from Paul Kellet's economy filter on white noise (three one-pole
// sections; ±0.5 dB from 1/f over the audio band).
func PinkNoise(n int, rng *rand.Rand, rms float64) []float64 {
	out := make([]float64, n)
	var b0, b1, b2 float64
	for i := range out {
		w := rng.NormFloat64()
		// Coefficients from Kellet's "economy" pink filter (musicdsp.org #76).
		b0 = 0.99765*b0 + w*0.0990460
		b1 = 0.96300*b1 + w*0.2965164
		b2 = 0.57000*b2 + w*1.0526913
		out[i] = b0 + b1 + b2 + w*0.1848
	}
	Scale(out, rms/RMS(out))
	return out
}

// RMS returns the root mean square of x (0 for an empty slice).
func RMS(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	var s float64
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s / float64(len(x)))
}

// ActiveRMS returns the RMS of x over its active 10 ms blocks: those within
// 30 dB of the loudest block. It measures the level of intermittent signals
// (beeps, speech) the way a listener hears them, so that an SNR for an alarm
// refers to its beeps, not to its silences.
func ActiveRMS(x []float64, rate int) float64 {
	blk := max(rate/100, 1)
	var peak float64
	for i := 0; i+blk <= len(x); i += blk {
		peak = max(peak, RMS(x[i:i+blk]))
	}
	var s float64
	var n int
	for i := 0; i+blk <= len(x); i += blk {
		if r := RMS(x[i : i+blk]); r >= peak*0.0316 { // -30 dB
			s += r * r
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return math.Sqrt(s / float64(n))
}

// Scale multiplies x by g in place.
func Scale(x []float64, g float64) {
	for i := range x {
		x[i] *= g
	}
}

// Add adds src into dst starting at sample offset at (clipped to dst).
func Add(dst, src []float64, at int) {
	for i, v := range src {
		if j := at + i; j >= 0 && j < len(dst) {
			dst[j] += v
		}
	}
}

// MixSNR adds interference to dst, scaled so that the active level of dst
// (see ActiveRMS) stands snrDB above the RMS of interference. It returns the
// gain applied to interference. Both slices must have the same length.
func MixSNR(dst, interference []float64, rate int, snrDB float64) float64 {
	if len(dst) != len(interference) {
		panic("soundgen: MixSNR length mismatch")
	}
	ri := RMS(interference)
	if ri == 0 {
		return 0
	}
	g := ActiveRMS(dst, rate) / ri / math.Pow(10, snrDB/20)
	for i, v := range interference {
		dst[i] += g * v
	}
	return g
}

// ToInt16 converts x (full scale ±1) to 16-bit samples with rounding and
// clipping.
func ToInt16(x []float64) []int16 {
	out := make([]int16, len(x))
	for i, v := range x {
		out[i] = int16(max(-32768, min(32767, math.Round(v*32767))))
	}
	return out
}

// DB returns 10^(db/20), the amplitude ratio of db decibels.
func DB(db float64) float64 { return math.Pow(10, db/20) }
