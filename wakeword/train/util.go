package train

import (
	"math"

	"github.com/wakegate/wakegate/audio"
)

// resample converts x from rate `from` to `to` by linear interpolation.
// Used for speed perturbation, where its mild low-pass is harmless; inputs
// at other rates go through audio.Load's proper resampler.
func resample(x []float32, from, to float64) []float32 {
	if from == to || len(x) == 0 {
		return x
	}
	n := int(float64(len(x)) * to / from)
	y := make([]float32, n)
	step := from / to
	for i := range y {
		p := float64(i) * step
		j := int(p)
		f := float32(p - float64(j))
		if j+1 < len(x) {
			y[i] = x[j]*(1-f) + x[j+1]*f
		} else {
			y[i] = x[len(x)-1]
		}
	}
	return y
}

// toInt16 converts ±1 float samples to 16-bit with clipping, as a sound
// card would.
func toInt16(dst []int16, x []float32) []int16 {
	dst = dst[:0]
	for _, v := range x {
		dst = append(dst, audio.ToInt16(v))
	}
	return dst
}

// rms returns the root mean square of x.
func rms(x []float32) float64 {
	if len(x) == 0 {
		return 0
	}
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s / float64(len(x)))
}

func dbToAmp(db float64) float64 { return math.Pow(10, db/20) }
