package dsp

import (
	"math"
	"math/rand/v2"
)

// Test signal generators. Levels are given in dBFS relative to a full-scale
// sine (RMS 1/√2), matching Features.Energy and the VAD.

// dbfsRMS returns the RMS (full scale = 1) of a signal at level dB dBFS.
func dbfsRMS(db float64) float64 { return math.Pow(10, db/20) / math.Sqrt2 }

// scaleTo scales x in place to the RMS of level dBFS over its whole length.
func scaleTo(x []float64, db float64) []float64 {
	var ss float64
	for _, v := range x {
		ss += v * v
	}
	if ss == 0 {
		return x
	}
	g := dbfsRMS(db) / math.Sqrt(ss/float64(len(x)))
	for i := range x {
		x[i] *= g
	}
	return x
}

// toInt16 converts ±1 full-scale floats to clipped int16 samples.
func toInt16(x []float64) []int16 {
	out := make([]int16, len(x))
	for i, v := range x {
		out[i] = int16(max(-32768, min(32767, math.Round(v*32768))))
	}
	return out
}

// mix returns the sample-wise sum of the signals (the length of the first).
func mix(sigs ...[]float64) []float64 {
	out := make([]float64, len(sigs[0]))
	for _, s := range sigs {
		for i := range out {
			if i < len(s) {
				out[i] += s[i]
			}
		}
	}
	return out
}

func whiteNoise(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// pinkNoise approximates 1/f noise with Paul Kellet's economy filter bank
// of three first-order sections (accurate to about ±0.5 dB above 40 Hz at
// 16 kHz), driven by white noise.
func pinkNoise(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	var b0, b1, b2 float64
	for i := range x {
		w := rng.NormFloat64()
		b0 = 0.99765*b0 + w*0.0990460
		b1 = 0.96300*b1 + w*0.2965164
		b2 = 0.57000*b2 + w*1.0526913
		x[i] = b0 + b1 + b2 + w*0.1848
	}
	return x
}

// tone returns a sine at hz.
func tone(hz float64, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Sin(2 * math.Pi * hz * float64(i) / SampleRate)
	}
	return x
}

// hum returns 50 Hz mains hum with odd and even harmonics up to 1 kHz,
// falling 6 dB per octave, as a transformer or ground loop produces.
func hum(n int) []float64 {
	x := make([]float64, n)
	for h := 1; h <= 20; h++ {
		a := 1 / float64(h)
		for i := range x {
			x[i] += a * math.Sin(2*math.Pi*50*float64(h)*float64(i)/SampleRate+float64(h))
		}
	}
	return x
}

// resonator is a two-pole filter with unit gain at DC-ish normalisation left
// to the caller: y[t] = x[t] + a1·y[t-1] + a2·y[t-2].
type resonator struct{ a1, a2, y1, y2 float64 }

func newResonator(hz, bw float64) *resonator {
	r := math.Exp(-math.Pi * bw / SampleRate)
	return &resonator{a1: 2 * r * math.Cos(2*math.Pi*hz/SampleRate), a2: -r * r}
}

func (r *resonator) step(x float64) float64 {
	y := x + r.a1*r.y1 + r.a2*r.y2
	r.y2, r.y1 = r.y1, y
	return y
}

// vowel formants (F1, F2, F3 in Hz) from Peterson & Barney (1952), male averages.
var vowels = [][3]float64{
	{730, 1090, 2440}, // /a/
	{270, 2290, 3010}, // /i/
	{300, 870, 2240},  // /u/
	{530, 1840, 2480}, // /e/
}

// voicedSpeech synthesises n samples of speech-like sound: a glottal pulse
// train around pitchHz (with slow vibrato and jitter) through three formant
// resonators, in syllables of syllableSec voiced sound separated by gapSec of
// silence, each syllable a different vowel with a raised-cosine envelope.
func voicedSpeech(rng *rand.Rand, n int, pitchHz, syllableSec, gapSec float64) []float64 {
	return voiced(rng, n, pitchHz, syllableSec, gapSec, false)
}

// voiced is voicedSpeech with a choice of a flat (rectangular) envelope.
func voiced(rng *rand.Rand, n int, pitchHz, syllableSec, gapSec float64, flat bool) []float64 {
	x := make([]float64, n)
	syl := int(syllableSec * SampleRate)
	period := syl + int(gapSec*SampleRate)
	var phase float64
	var lp float64 // glottal low-pass state
	var prev float64
	for s := 0; s*period < n; s++ {
		v := vowels[s%len(vowels)]
		rs := []*resonator{newResonator(v[0], 80), newResonator(v[1], 100), newResonator(v[2], 140)}
		start := s * period
		for i := 0; i < syl && start+i < n; i++ {
			t := float64(start+i) / SampleRate
			f0 := pitchHz * (1 + 0.05*math.Sin(2*math.Pi*3*t) + 0.01*rng.NormFloat64())
			phase += f0 / SampleRate
			var pulse float64
			if phase >= 1 {
				phase -= 1
				pulse = 1
			}
			// Glottal flow: low-passed pulses (-12 dB/octave above ~100 Hz),
			// then lip radiation as a first difference (+6 dB/octave).
			lp = 0.96*lp + pulse
			g := lp - prev
			prev = lp
			y := 0.0
			for _, r := range rs {
				y += r.step(g)
			}
			env := 1.0
			if !flat {
				env = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(syl))
			}
			x[start+i] = env * y
		}
	}
	return x
}
