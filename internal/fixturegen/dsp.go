package fixturegen

import (
	"math"
	"math/rand/v2"
)

// dbfs converts a level in dB relative to full scale to a linear amplitude.
func dbfs(db float64) float64 { return math.Pow(10, db/20) }

// noiseKind selects a noise colour.
type noiseKind int

const (
	white noiseKind = iota
	pink
	brown
)

func (k noiseKind) String() string { return [...]string{"white", "pink", "brown"}[k] }

// noise returns n samples of the given colour scaled to an RMS of rmsDB dBFS.
// The scale is computed from the generated buffer itself, so the level is
// exact for every length.
func noise(rng *rand.Rand, k noiseKind, n int, rmsDB float64) []float64 {
	x := make([]float64, n)
	switch k {
	case white:
		for i := range x {
			x[i] = rng.NormFloat64()
		}
	case pink:
		// Voss-McCartney: the sum of 16 random rows, row r refreshed every 2^r
		// samples, gives a -3 dB/octave spectrum over 16 octaves.
		const rows = 16
		var row [rows]float64
		sum := 0.0
		for r := range row {
			row[r] = rng.NormFloat64()
			sum += row[r]
		}
		for i := range x {
			// The lowest set bit of i+1 picks the row to refresh.
			r := 0
			for c := i + 1; c&1 == 0 && r < rows-1; c >>= 1 {
				r++
			}
			sum -= row[r]
			row[r] = rng.NormFloat64()
			sum += row[r]
			x[i] = sum + rng.NormFloat64() // the extra white term fills the top octave
		}
	case brown:
		// Leaky integrator: -6 dB/octave above ~8 Hz, flat below, so it
		// does not drift (pole at 0.997 → corner 16000*(1-0.997)/2π ≈ 7.6 Hz).
		const leak = 0.997
		y := 0.0
		for i := range x {
			y = float64(leak*y) + rng.NormFloat64()
			x[i] = y
		}
	}
	scaleRMS(x, dbfs(rmsDB))
	return x
}

func scaleRMS(x []float64, rms float64) {
	if len(x) == 0 {
		return
	}
	e := 0.0
	for _, v := range x {
		e += float64(v * v)
	}
	g := rms / math.Sqrt(e/float64(len(x)))
	for i := range x {
		x[i] *= g
	}
}

// TrimThreshold is the absolute level (full scale 1.0) below which leading
// and trailing samples of a synthesized utterance count as silence: -50 dBFS,
// well under espeak-ng's speech and above its resampled-silence residue.
const TrimThreshold = 0.00316

// trim returns s without its leading and trailing samples at or below
// TrimThreshold in magnitude.
func trim(s []float32) []float32 {
	lo, hi := 0, len(s)
	for lo < hi && math.Abs(float64(s[lo])) <= TrimThreshold {
		lo++
	}
	for hi > lo && math.Abs(float64(s[hi-1])) <= TrimThreshold {
		hi--
	}
	return s[lo:hi]
}

// quantize rounds to 16-bit PCM with saturation. Rounding (not dither) keeps
// the output a pure function of the mix.
func quantize(x []float64) []int16 {
	q := make([]int16, len(x))
	for i, v := range x {
		v = math.Round(v * 32767)
		q[i] = int16(max(-32768, min(32767, v)))
	}
	return q
}
