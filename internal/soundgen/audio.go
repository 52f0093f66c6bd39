package soundgen

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/dsp/fourier"
)

// vowels are (F1, F2, F3) formant triples in Hz of adult vowels, after
// Peterson & Barney (1952) averages, to give babble a speech-like spectrum.
var vowels = [][3]float64{
	{730, 1090, 2440}, // /a/
	{270, 2290, 3010}, // /i/
	{300, 870, 2240},  // /u/
	{530, 1840, 2480}, // /e/
	{570, 840, 2410},  // /o/
	{660, 1720, 2410}, // /æ/
	{490, 1350, 1690}, // /ɝ/
}

// resonator is a two-pole formant filter y = g·x + a1·y1 + a2·y2.
type resonator struct{ a1, a2, g, y1, y2 float64 }

func (r *resonator) set(f, bw, fs float64) {
	rad := math.Exp(-math.Pi * bw / fs)
	r.a1 = 2 * rad * math.Cos(2*math.Pi*f/fs)
	r.a2 = -rad * rad
	r.g = 1 - rad // rough unity-ish peak gain; levels are normalised later
}

func (r *resonator) step(x float64) float64 {
	y := r.g*x + r.a1*r.y1 + r.a2*r.y2
	r.y2, r.y1 = r.y1, y
	return y
}

// Babble returns n samples (at rate) of speech-like babble from talkers
// voices, normalised to RMS rms. Each voice is a glottal pulse train
// (Rosenberg pulses, F0 wandering around a per-voice mean between 95 and
// 230 Hz) through three formant resonators whose targets change every
// syllable (4–6 per second), with syllable-shaped loudness and short
// pauses; about one syllable in five is an unvoiced fricative (noise
// through a 4–6 kHz resonance).
func Babble(n, rate int, rng *rand.Rand, voices int, rms float64) []float64 {
	out := make([]float64, n)
	fs := float64(rate)
	for range voices {
		f0mean := 95 + 135*rng.Float64()
		var res [3]resonator
		var fric resonator
		var ph float64 // glottal phase in cycles
		i := 0
		for i < n {
			syl := Seconds(rate, 0.16+0.1*rng.Float64()) // 160–260 ms: 4–6 syllables/s
			pause := 0
			if rng.IntN(6) == 0 {
				pause = Seconds(rate, 0.1+0.3*rng.Float64())
			}
			v := vowels[rng.IntN(len(vowels))]
			for k := range res {
				res[k].set(v[k]*(0.9+0.2*rng.Float64()), 60+40*float64(k), fs)
			}
			unvoiced := rng.IntN(5) == 0
			fric.set(4000+2000*rng.Float64(), 1500, fs)
			f0 := f0mean * (0.85 + 0.3*rng.Float64())
			for j := 0; j < syl && i < n; j, i = j+1, i+1 {
				env := math.Sin(math.Pi * float64(j) / float64(syl))
				var x float64
				if unvoiced {
					x = fric.step(rng.NormFloat64()) * 0.3
				} else {
					ph += f0 * (1 + 0.05*math.Sin(2*math.Pi*3*float64(i)/fs)) / fs // 3 Hz jitter of pitch
					ph -= math.Floor(ph)
					x = rosenberg(ph)
					for k := range res {
						x = res[k].step(x)
					}
				}
				out[i] += env * x
			}
			i += pause
		}
	}
	// Differentiate: lip radiation (+6 dB/oct) turns glottal flow into
	// pressure.
	prev := 0.0
	for i, v := range out {
		out[i], prev = v-prev, v
	}
	if r := RMS(out); r > 0 {
		Scale(out, rms/r)
	}
	return out
}

// rosenberg is the Rosenberg (1971) glottal flow pulse at phase ph in [0,1):
// 40 % opening, 16 % closing, closed for the rest of the cycle.
func rosenberg(ph float64) float64 {
	const tp, tn = 0.4, 0.16
	switch {
	case ph < tp:
		return 0.5 * (1 - math.Cos(math.Pi*ph/tp))
	case ph < tp+tn:
		return math.Cos(math.Pi / 2 * (ph - tp) / tn)
	}
	return 0
}

// Chords returns n samples (at rate) of music-like sound normalised to RMS
// rms: a chord progression (triads of a random major key, 0.4–1 s each)
// played as plucked notes with eight harmonics, a bass note an octave
// below, and a melody of shorter notes above.
func Chords(n, rate int, rng *rand.Rand, rms float64) []float64 {
	out := make([]float64, n)
	root := 196 * math.Pow(2, float64(rng.IntN(12))/12) // a key between G3 and F#4
	major := []int{0, 2, 4, 5, 7, 9, 11}                // semitones of the major scale
	note := func(deg int) float64 {
		oct := deg / 7
		return root * math.Pow(2, float64(oct)+float64(major[deg%7])/12)
	}
	t := 0.0
	dur := float64(n) / float64(rate)
	for t < dur {
		d := 0.4 + 0.6*rng.Float64()
		deg := rng.IntN(7)
		for _, k := range []int{0, 2, 4} {
			addPluck(out, rate, t, d, note(deg+k), 0.3, 3)
		}
		addPluck(out, rate, t, d, note(deg)/2, 0.4, 2)
		for m := t; m < t+d-0.05; m += 0.125 + 0.125*float64(rng.IntN(2)) {
			addPluck(out, rate, m, 0.2, note(7+rng.IntN(8)), 0.25, 8)
		}
		t += d
	}
	if r := RMS(out); r > 0 {
		Scale(out, rms/r)
	}
	return out
}

// addPluck adds a note with eight harmonics (amplitudes 1/k) decaying at
// decay (1/s), over dur seconds.
func addPluck(dst []float64, rate int, start, dur, f, amp, decay float64) {
	fs := float64(rate)
	i0 := max(Seconds(rate, start), 0)
	i1 := min(Seconds(rate, start+dur), len(dst))
	dec, k := math.Exp(-decay/fs), 1.0 // per-sample decay factor replaces an Exp per sample
	for i := i0; i < i1; i++ {
		tt := float64(i-i0) / fs
		rel := min(1, float64(i1-i)/(0.01*fs)) // 10 ms release avoids a click
		env := k * min(1, tt/0.005) * rel
		k *= dec
		dst[i] += amp * env * harmonics(2*math.Pi*f*tt, min(8, int(fs/2/f)), 1)
	}
}

// ReverbIR returns a synthetic room impulse response at rate: a direct path
// (tap 0) followed, after 2 ms, by Gaussian noise decaying exponentially to
// -60 dB at rt60 seconds. drrDB is the direct-to-reverberant energy ratio.
func ReverbIR(rate int, rng *rand.Rand, rt60, drrDB float64) []float64 {
	n := Seconds(rate, rt60)
	ir := make([]float64, n)
	gap := Seconds(rate, 0.002) // first reflections arrive a few ms after the direct sound
	var e float64
	for i := gap; i < n; i++ {
		ir[i] = rng.NormFloat64() * math.Exp(-6.9078*float64(i)/float64(n)) // ln(1000): -60 dB at n
		e += ir[i] * ir[i]
	}
	Scale(ir, math.Sqrt(math.Pow(10, -drrDB/10)/e))
	ir[0] = 1
	return ir
}

// Convolve returns the first len(x) samples of x convolved with h, computed
// with FFTs.
func Convolve(x, h []float64) []float64 {
	m := 1
	for m < len(x)+len(h)-1 {
		m <<= 1
	}
	fft := fourier.NewFFT(m)
	xa := make([]float64, m)
	copy(xa, x)
	ha := make([]float64, m)
	copy(ha, h)
	cx := fft.Coefficients(nil, xa)
	ch := fft.Coefficients(nil, ha)
	for i := range cx {
		cx[i] *= ch[i]
	}
	y := fft.Sequence(nil, cx)
	out := make([]float64, len(x))
	for i := range out {
		out[i] = y[i] / float64(m)
	}
	return out
}

// Reverberate returns x convolved with ReverbIR(rate, rng, rt60, drrDB).
func Reverberate(x []float64, rate int, rng *rand.Rand, rt60, drrDB float64) []float64 {
	return Convolve(x, ReverbIR(rate, rng, rt60, drrDB))
}
