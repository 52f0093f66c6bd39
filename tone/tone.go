package tone

import (
	"fmt"
	"math"
)

// Kind selects a tone.
type Kind int

// The tones.
const (
	// StartTone rises (A5 → E6): "I'm listening".
	StartTone Kind = iota
	// EndTone falls (E6 → A5): "I've stopped listening".
	EndTone
)

// String returns "start" or "end".
func (k Kind) String() string {
	switch k {
	case StartTone:
		return "start"
	case EndTone:
		return "end"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Tone shape. Two notes a perfect fifth apart (A5 = 880 Hz, E6 = 880·3/2 Hz
// = 1320 Hz, the just fifth, which sounds clean on a small speaker), each
// a bell: a raised-cosine attack, an exponential decay, and a raised-cosine
// release to exactly zero, so every note starts and ends at silence with
// no step (no click).
const (
	lowHz      = 880.0         // A5
	highHz     = lowHz * 3 / 2 // a just perfect fifth above
	noteSec    = 0.100         // each note; two notes make 200 ms, within the 250 ms budget
	attackSec  = 0.006         // raised-cosine fade-in: short enough to sound like a strike
	releaseSec = 0.020         // raised-cosine fade-out to exact zero
	decayTau   = 0.080         // exponential decay time constant of the bell
	// Peak is the peak amplitude as a fraction of full scale: about
	// −10 dBFS, audible without startling, with headroom for the sink's mixer.
	Peak = 0.3
	// MinSampleRate keeps both notes well below Nyquist.
	MinSampleRate = 8000
)

// Duration is the length of either tone in seconds.
const Duration = 2 * noteSec

// MaxHz is the highest frequency in either tone (for tests and filters).
const MaxHz = highHz

// Generate returns the tone as 16-bit mono samples at sampleRate. The
// first and last samples are exactly zero. It panics on an unknown kind or
// a sampleRate below MinSampleRate (programming errors).
func Generate(kind Kind, sampleRate int) []int16 {
	if sampleRate < MinSampleRate {
		panic(fmt.Sprintf("tone: sample rate %d, want at least %d", sampleRate, MinSampleRate))
	}
	var f1, f2 float64
	switch kind {
	case StartTone:
		f1, f2 = lowHz, highHz
	case EndTone:
		f1, f2 = highHz, lowHz
	default:
		panic(fmt.Sprintf("tone: unknown kind %d", int(kind)))
	}
	n := int(math.Round(noteSec * float64(sampleRate)))
	out := make([]int16, 2*n)
	note(out[:n], f1, sampleRate)
	note(out[n:], f2, sampleRate)
	return out
}

// note writes one bell-shaped sine of frequency f into dst.
func note(dst []int16, f float64, rate int) {
	fs := float64(rate)
	n := len(dst)
	last := float64(n - 1)
	att := attackSec * fs
	rel := releaseSec * fs
	for i := range dst {
		x := float64(i)
		env := math.Exp(-x / (decayTau * fs))
		if x < att {
			env *= 0.5 - 0.5*math.Cos(math.Pi*x/att) // raised cosine, 0 → 1
		}
		if r := last - x; r < rel {
			env *= 0.5 - 0.5*math.Cos(math.Pi*r/rel) // raised cosine, 1 → 0 at the last sample
		}
		v := Peak * math.MaxInt16 * env * math.Sin(2*math.Pi*f*x/fs)
		dst[i] = int16(math.Round(v))
	}
}
