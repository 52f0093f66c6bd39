package train

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Augmentation ranges. Each is a choice about the rooms, microphones and
// talkers a speaker on a shelf meets; the comments say why.
const (
	speedLo, speedHi = 0.85, 1.15 // ±15 % tempo and pitch: slow and fast talkers, child and adult voices
	speedProb        = 0.8
	// Negatives are played further off speed: cartoon and game voices
	// are real speech sped up or slowed down, and the bench's worst false
	// alarms came from them. Positives stay within ±15 %, where real
	// talkers are.
	negSpeedLo, negSpeedHi = 0.7, 1.4
	reverbProb             = 0.3
	rt60Lo, rt60Hi         = 0.15, 0.7 // seconds: a furnished living room to a bare kitchen
	levelLo, levelHi       = -48, -12  // dBFS RMS of the word: far-field whisper to close shout (dev "alexa" clips sit near -38)
	noiseProb              = 0.75
	snrLo, snrHi           = -2, 30   // dB: the bench tests 10 dB; below 0 dB the word is masked anyway
	ditherLo, ditherHi     = -90, -70 // dBFS white noise: microphone self-noise, never digital silence
	warpProb               = 0.5
	warpLo, warpHi         = 0.9, 1.1 // mel-axis stretch: vocal tract length, a pitch-like shift of formants
	maskProb               = 0.3      // SpecAugment-style band mask
	maxMaskBands           = 4
)

// Microphone and channel responses (micResponse), drawn only when a
// recipe asks for them (Options.MicProb). Synthesized voices all come
// through one clean channel; real talkers come through laptop and phone
// microphones, codecs and rooms that tilt and colour the spectrum by
// several decibels (measured on the bench's real "alexa" recordings
// against espeak-ng's and flite's: 9 to 12 dB more energy from 5 to
// 6.3 kHz, 7 to 11 dB less from 3.2 to 3.7 kHz; models/README.md).
const (
	micTiltDB     = 10 // ± dB from the lowest band to the highest: bright or dull microphones
	micBumpsMax   = 3  // resonances and notches of a casing or a cheap capsule
	micBumpDB     = 8  // ± dB at a bump's centre
	micBumpWLo    = 1.5
	micBumpWHi    = 5   // bands: a bump's width (Gaussian σ)
	micEdgeProb   = 0.3 // a roll-off at either end of the band: small capsules, narrow codecs
	micEdgeDBBand = 6   // dB per band at most past the edge
	micEdgeMaxDB  = 40  // a roll-off's floor, below which the band is noise anyway
)

// micResponse draws a smooth random gain per mel band (in natural-log
// power, to add to log-mel energies): a tilt, a few resonances and
// notches, and sometimes a low or high roll-off. It is applied in the mel
// domain because a response this smooth is, to the front end, a gain per
// band, and one addition per band costs nothing against filtering the
// waveform.
func micResponse(r *rand.Rand, mels int) []float64 {
	db := make([]float64, mels)
	tilt := uniform(r, -micTiltDB, micTiltDB)
	for b := range db {
		db[b] = tilt * (float64(b)/float64(mels-1) - 0.5)
	}
	for range 1 + r.IntN(micBumpsMax) {
		g := uniform(r, -micBumpDB, micBumpDB)
		c := uniform(r, 0, float64(mels-1))
		w := uniform(r, micBumpWLo, micBumpWHi)
		for b := range db {
			d := (float64(b) - c) / w
			db[b] += g * math.Exp(-0.5*d*d)
		}
	}
	if r.Float64() < micEdgeProb { // high-pass: the lowest bands fall away
		edge, slope := uniform(r, 0, float64(mels)/6), uniform(r, 1, micEdgeDBBand)
		for b := range db {
			db[b] -= min(max(edge-float64(b), 0)*slope, micEdgeMaxDB)
		}
	}
	if r.Float64() < micEdgeProb { // low-pass: narrowband codecs, muffled capsules
		edge, slope := uniform(r, float64(mels)*0.6, float64(mels)), uniform(r, 1, micEdgeDBBand)
		for b := range db {
			db[b] -= min(max(float64(b)-edge, 0)*slope, micEdgeMaxDB)
		}
	}
	for b := range db {
		db[b] *= math.Ln10 / 10
	}
	return db
}

// noiseBank holds long noise signals to cut segments from: generated
// colours and hum, babble summed from the negative speech, and any noise
// files given.
type noiseBank struct {
	sigs [][]float32
}

// noiseSeconds is the length of each generated noise: long enough that
// random 4 s segments rarely repeat.
const noiseSeconds = 30

func newNoiseBank(r *rand.Rand, negs []*clip, files [][]float32) *noiseBank {
	n := noiseSeconds * SampleRate
	nb := &noiseBank{}
	white := make([]float32, n)
	pink := make([]float32, n)
	brown := make([]float32, n)
	// Pink by Paul Kellet's economy filter (three poles), brown by a
	// leaky integrator: cheap shapes that span the slopes of fans, traffic
	// and rumble.
	var b0, b1, b2, br float64
	for i := range white {
		w := r.NormFloat64()
		white[i] = float32(w)
		b0 = 0.99765*b0 + w*0.0990460
		b1 = 0.96300*b1 + w*0.2965164
		b2 = 0.57000*b2 + w*1.0526913
		pink[i] = float32(b0 + b1 + b2 + w*0.1848)
		br = 0.995*br + w
		brown[i] = float32(br)
	}
	nb.sigs = append(nb.sigs, white, pink, brown)
	for _, f0 := range []float64{50, 60} { // mains hum and its harmonics
		h := make([]float32, n)
		for i := range h {
			t := float64(i) / SampleRate
			for k := 1; k <= 5; k++ {
				h[i] += float32(math.Sin(2*math.Pi*f0*float64(k)*t+float64(k)) / float64(k))
			}
			h[i] += float32(0.05 * r.NormFloat64())
		}
		nb.sigs = append(nb.sigs, h)
	}
	for k := 0; k < 3; k++ {
		nb.sigs = append(nb.sigs, music(r, n))
	}
	if len(negs) > 0 {
		for b := 0; b < 4; b++ { // babble of 3..8 talkers
			bab := make([]float32, n)
			talkers := 3 + b + b/2
			for k := 0; k < talkers; k++ {
				for p := r.IntN(SampleRate); p < n; {
					c := negs[r.IntN(len(negs))]
					s := c.x[c.on:c.off]
					g := float32(1 / (rms(s) + 1e-6))
					for i := 0; i < len(s) && p+i < n; i++ {
						bab[p+i] += g * s[i]
					}
					p += len(s) + r.IntN(SampleRate/4)
				}
			}
			nb.sigs = append(nb.sigs, bab)
		}
	}
	for _, f := range files {
		if len(f) >= SampleRate {
			// A copy: the scaling below must not touch the caller's
			// recordings, which the next network of an ensemble reads again.
			nb.sigs = append(nb.sigs, slices.Clone(f))
		}
	}
	for _, s := range nb.sigs {
		g := float32(1 / (rms(s) + 1e-9))
		for i := range s {
			s[i] *= g
		}
	}
	return nb
}

// music synthesizes n samples of something like a small band: three or
// four voices playing random notes (MIDI 36-96) of 0.1-0.6 s with decaying
// harmonics and percussive envelopes, plus clicks of a drum. Real music and
// game sound effects are the noises that fool a wake-word detector most,
// and the bench's music files must stay evaluation material.
func music(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	voices := 3 + r.IntN(2)
	for v := 0; v < voices; v++ {
		harm := 1 + r.IntN(6)
		for p := 0; p < n; {
			dur := int(uniform(r, 0.1, 0.6) * SampleRate)
			f := 440 * math.Pow(2, float64(36+r.IntN(61)-69)/12)
			decay := uniform(r, 2, 12)
			amp := uniform(r, 0.3, 1)
			for i := 0; i < dur && p+i < n; i++ {
				t := float64(i) / SampleRate
				env := amp * math.Exp(-decay*t) * min(1, t*200)
				var s float64
				for h := 1; h <= harm; h++ {
					if f*float64(h) < SampleRate/2 {
						s += math.Sin(2*math.Pi*f*float64(h)*t) / float64(h)
					}
				}
				x[p+i] += float32(env * s)
			}
			p += dur
		}
	}
	for p := 0; p < n; p += int(uniform(r, 0.2, 0.6) * SampleRate) { // drum clicks
		for i := 0; i < SampleRate/20 && p+i < n; i++ {
			x[p+i] += float32(r.NormFloat64() * math.Exp(-float64(i)/200))
		}
	}
	return x
}

// add mixes a unit-RMS noise segment scaled by amp into x.
func (nb *noiseBank) add(r *rand.Rand, x []float32, amp float64) {
	s := nb.sigs[r.IntN(len(nb.sigs))]
	p := r.IntN(len(s))
	a := float32(amp)
	for i := range x {
		x[i] += a * s[(p+i)%len(s)]
	}
}

// Schroeder reverberator delays in samples at 16 kHz: four mutually
// prime comb filters of 25-37 ms (the spacing of a room's early
// reflections) and two short all-passes that thicken the echo density.
var (
	combDelays    = [...]int{397, 467, 541, 593}
	allpassDelays = [...]int{89, 31}
)

// reverb adds synthetic room reverberation: a Schroeder reverberator
// (parallel feedback combs, then series all-passes) whose comb gains give
// the chosen RT60, mixed with the dry signal at a random
// direct-to-reverberant ratio of -3..12 dB. It costs a few operations per
// sample, far less than convolving a measured impulse response. The
// result keeps x's RMS.
func reverb(r *rand.Rand, x []float32, rt60 float64) []float32 {
	wet := make([]float64, len(x))
	for k, d := range combDelays {
		// Decay of 60 dB in rt60 seconds: g^(rt60·fs/d) = 10^-3.
		g := math.Pow(10, -3*float64(d)/(rt60*SampleRate))
		// Slightly detuned delays per call vary the room.
		d += r.IntN(16) * (k + 1)
		buf := make([]float64, d)
		j := 0 // i mod d, without a division per sample
		for i, v := range x {
			y := float64(v) + g*buf[j]
			buf[j] = y
			wet[i] += y
			if j++; j == d {
				j = 0
			}
		}
	}
	for _, d := range allpassDelays {
		const g = 0.7 // the classic all-pass gain
		buf := make([]float64, d)
		j := 0
		for i, v := range wet {
			b := buf[j]
			y := -g*v + b
			buf[j] = v + g*y
			wet[i] = y
			if j++; j == d {
				j = 0
			}
		}
	}
	drr := math.Pow(10, uniform(r, -3, 12)/20)
	var ew, ex float64
	for i, v := range x {
		ew += wet[i] * wet[i]
		ex += float64(v) * float64(v)
	}
	scale := math.Sqrt(ex/(ew+1e-20)) / drr
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = v + float32(scale*wet[i])
	}
	if g := rms(x) / (rms(out) + 1e-12); g > 0 {
		for i := range out {
			out[i] *= float32(g)
		}
	}
	return out
}

// warpBands stretches a log-mel frame along the band axis by alpha with
// linear interpolation (alpha > 1 moves energy down in frequency).
func warpBands(dst, src []float32, alpha float64) {
	n := len(src)
	for i := range dst {
		p := float64(i) * alpha
		j := int(p)
		if j >= n-1 {
			dst[i] = src[n-1]
			continue
		}
		f := float32(p - float64(j))
		dst[i] = src[j]*(1-f) + src[j+1]*f
	}
}

func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }
