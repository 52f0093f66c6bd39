package resample

import (
	"fmt"
	"math"

	"github.com/wakegate/wakegate/internal/vec"
)

// Filter design constants (Kaiser's formulas, Oppenheim & Schafer §7.6).
const (
	// stopbandDB is the stop-band attenuation the filter is designed for;
	// tests require ≥ 60 dB, the design keeps 20 dB of margin.
	stopbandDB = 80
	// passEdge is the pass-band edge as a fraction of the lower Nyquist
	// frequency; the transition band runs from there to Nyquist.
	passEdge = 0.87
	// maxTable bounds the coefficient table (phases × taps) so that an
	// awkward ratio such as 44101:16000 cannot exhaust memory: 4 Mi float32
	// coefficients are 16 MiB.
	maxTable = 1 << 22
	// chunk is how many input samples Process buffers at once; the history
	// buffer holds taps+chunk samples and is allocated once.
	chunk = 4096
	// minRate and maxRate bound accepted rates (Hz).
	minRate = 1000
	maxRate = 768000
)

// Resampler converts a stream of mono samples from one rate to another.
// It is not safe for concurrent use.
type Resampler struct {
	inRate, outRate int
	l, m            int       // out/in = l/m, reduced
	half            int       // taps on each side of the centre
	taps            int       // 2*half
	coef            []float32 // l phases × taps, phase-major
	hist            []float32 // input history; hist[0] is input index base
	base            int64     // input index of hist[0]
	n               int64     // input index of the next output's centre
	p               int       // phase of the next output (0..l-1)
	in              int64     // input samples received
	skip            int64     // future input samples to drop (very large ratios)
}

// New returns a Resampler from inRate to outRate (Hz). Rates must lie in
// [1000, 768000].
func New(inRate, outRate int) (*Resampler, error) {
	for _, r := range []int{inRate, outRate} {
		if r < minRate || r > maxRate {
			return nil, fmt.Errorf("resample: rate %d Hz out of range [%d, %d]", r, minRate, maxRate)
		}
	}
	g := gcd(inRate, outRate)
	rs := &Resampler{inRate: inRate, outRate: outRate, l: outRate / g, m: inRate / g}
	if rs.l == rs.m {
		return rs, nil
	}
	// Cut-off and transition width relative to the input rate.
	nyq := 0.5 * float64(min(inRate, outRate)) / float64(inRate)
	fp, fs := passEdge*nyq, nyq
	fc := (fp + fs) / 2
	dw := 2 * math.Pi * (fs - fp)
	taps := int(math.Ceil((stopbandDB-7.95)/(2.285*dw))) + 1
	rs.half = (taps + 1) / 2
	rs.taps = 2 * rs.half
	if rs.l*rs.taps > maxTable {
		return nil, fmt.Errorf("resample: %d → %d Hz needs %d filter phases of %d taps; use rates with a larger common divisor",
			inRate, outRate, rs.l, rs.taps)
	}
	beta := 0.1102 * (stopbandDB - 8.7)
	i0beta := besselI0(beta)
	rs.coef = make([]float32, rs.l*rs.taps)
	tmp := make([]float64, rs.taps)
	for p := 0; p < rs.l; p++ {
		f := float64(p) / float64(rs.l) // output time is n + f
		sum := 0.0
		for j := range tmp {
			// Input index m = n - half + 1 + j, at distance t = n + f - m.
			t := f + float64(rs.half-1-j)
			x := t / float64(rs.half)
			w := 0.0
			if x > -1 && x < 1 {
				w = besselI0(beta*math.Sqrt(1-x*x)) / i0beta
			}
			tmp[j] = 2 * fc * sinc(2*fc*t) * w
			sum += tmp[j]
		}
		// Unit DC gain in every phase, so that a constant stays constant.
		c := rs.coef[p*rs.taps : (p+1)*rs.taps]
		for j := range c {
			c[j] = float32(tmp[j] / sum)
		}
	}
	rs.hist = make([]float32, 0, rs.taps+chunk)
	rs.Reset()
	return rs, nil
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// besselI0 is the zeroth-order modified Bessel function of the first kind,
// by its power series (converges quickly for the β used here).
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; k < 200; k++ {
		term *= (x / (2 * float64(k))) * (x / (2 * float64(k)))
		sum += term
		if term < 1e-17*sum {
			break
		}
	}
	return sum
}

// InRate returns the input rate in Hz.
func (r *Resampler) InRate() int { return r.inRate }

// OutRate returns the output rate in Hz.
func (r *Resampler) OutRate() int { return r.outRate }

// Latency returns the delay of the output in output samples. It is always 0:
// the filter is centred, so output sample k corresponds to input time
// k/outRate. See Half for the look-ahead this costs.
func (r *Resampler) Latency() int { return 0 }

// Half returns the filter's look-ahead in input samples: output sample k is
// emitted once input sample ⌊k·in/out⌋ + Half() has been supplied. 0 for
// equal rates.
func (r *Resampler) Half() int { return r.half }

// Reset discards the stream state, as if the Resampler were new.
func (r *Resampler) Reset() {
	if r.l == r.m {
		return
	}
	// Silence before the stream start: half-1 zeros precede input 0.
	r.hist = r.hist[:r.half-1]
	clear(r.hist)
	r.base = -int64(r.half - 1)
	r.n, r.p, r.in, r.skip = 0, 0, 0, 0
}

// Process appends to dst the output samples that src makes available and
// returns the extended slice. It keeps the history it needs for the next
// call, so feeding a signal in pieces gives exactly the output of feeding it
// at once. It does not allocate when cap(dst) is large enough (about
// len(src)·out/in + 1 more samples).
func (r *Resampler) Process(dst, src []float32) []float32 {
	if r.l == r.m {
		return append(dst, src...)
	}
	r.in += int64(len(src))
	for len(src) > 0 {
		if r.skip > 0 {
			k := int(min(r.skip, int64(len(src))))
			r.skip -= int64(k)
			src = src[k:]
			continue
		}
		k := min(len(src), cap(r.hist)-len(r.hist))
		r.hist = append(r.hist, src[:k]...)
		src = src[k:]
		dst = r.drain(dst, math.MaxInt64)
	}
	return dst
}

// Flush appends the remaining output, treating the input as followed by
// silence, so that the total output of the stream is ⌈n·out/in⌉ samples for
// n input samples. The Resampler is then Reset for a new stream.
func (r *Resampler) Flush(dst []float32) []float32 {
	if r.l == r.m {
		return dst
	}
	end := r.in // outputs centred at or after the end are not part of the stream
	for r.n < end {
		if r.skip > 0 {
			break // centre beyond any input we had: nothing left to emit
		}
		k := min(r.half+1, cap(r.hist)-len(r.hist))
		r.hist = r.hist[:len(r.hist)+k]
		clear(r.hist[len(r.hist)-k:])
		dst = r.drain(dst, end)
	}
	r.Reset()
	return dst
}

// drain emits every output whose window lies inside the history and whose
// centre is before limit, then drops history no longer needed.
func (r *Resampler) drain(dst []float32, limit int64) []float32 {
	taps, half := r.taps, int64(r.half)
	last := r.base + int64(len(r.hist)) // one past the last input we hold
	for r.n+half < last+0 && r.n < limit {
		start := int(r.n - half + 1 - r.base)
		dst = append(dst, vec.Dot(r.coef[r.p*taps:(r.p+1)*taps], r.hist[start:start+taps]))
		r.p += r.m
		r.n += int64(r.p / r.l)
		r.p %= r.l
	}
	// Keep inputs from the next output's window start on.
	drop := r.n - half + 1 - r.base
	switch {
	case drop <= 0:
	case drop >= int64(len(r.hist)):
		r.skip = drop - int64(len(r.hist))
		r.hist = r.hist[:0]
		r.base += drop
	default:
		k := copy(r.hist, r.hist[drop:])
		r.hist = r.hist[:k]
		r.base += drop
	}
	return dst
}
