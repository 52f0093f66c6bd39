package presence

import "math"

// lineTracker finds tonal lines near the carrier: narrow peaks at a fixed
// frequency such as the harmonics of a square-wave alarm (a 520 Hz square
// wave's 39th harmonic is 20,280 Hz), a switching supply's whine or another
// device's ultrasonic beacon. They are not reflections of the pilot but
// raise the band powers as motion does.
//
// Doppler from a moving body differs in two ways: it is spread over many
// bins (limbs swing faster and slower than the torso, a body accelerates),
// and its frequency drifts from frame to frame, while a tone is as narrow as
// the window's main lobe and recurs at the same bin. A bin is a line if it
// is a local maximum lineRatio above the spectrum on both sides just beyond
// the main lobe; a line whose interpolated frequency stays within lineDrift
// bins of where it was first seen for lineConfirm consecutive frames is
// tonal, and its
// frequency is masked (±lineHalf bins, the main lobe) from the Doppler and
// reference bands for lineMemory frames, so that an alarm's next beep is
// masked from its first frame. While a tonal line's power changes (its
// on/off edge is inside the window, splattering the keying transient over
// the band), the frame is blanked.
//
// It works on the centred spectrum: index nFFT/2+o holds the bin o bins
// from the carrier (o < 0 below it). It does not allocate.
type lineTracker struct {
	lo, hi int              // bin offsets scanned either side of the carrier
	spec   [2][nFFT]float64 // bin powers of this frame and the last (cur selects)
	age    [2][nFFT]uint16  // frames a line has stayed at one frequency
	pos    [2][nFFT]float64 // a line's interpolated position, centred bins
	anchor [2][nFFT]float64 // its position when it was first seen
	mem    [nFFT]int16      // frames a tonal frequency stays masked
	mask   [nFFT]bool       // bins excluded this frame
	tonal  [maxTonal]int16  // centred indices of the masked lines
	nTonal int
	cur    int
	// fresh is set when a line became tonal in this frame: the rise of a
	// run of frames may have been its onset.
	fresh bool
}

// maxTonal bounds the tonal lines checked for keying edges per frame; more
// are still masked.
const maxTonal = 32

// init sets the scanned offsets: from just outside the carrier's main lobe
// (lo bins) to hi bins, beyond the reference band.
func (t *lineTracker) init(lo, hi int) {
	t.lo, t.hi = lo, min(hi, nFFT/2-lineSideOut-1)
}

func (t *lineTracker) reset() {
	t.spec = [2][nFFT]float64{}
	t.age = [2][nFFT]uint16{}
	t.pos = [2][nFFT]float64{}
	t.anchor = [2][nFFT]float64{}
	t.mem = [nFFT]int16{}
	t.mask = [nFFT]bool{}
	t.nTonal = 0
	t.fresh = false
}

// masked reports whether FFT bin k is excluded this frame.
func (t *lineTracker) masked(k int) bool { return t.mask[(k+nFFT/2)&(nFFT-1)] }

// update takes the frame's spectrum, finds and tracks the lines and builds
// the mask.
func (t *lineTracker) update(buf *[nFFT]complex128) {
	t.cur ^= 1
	sp, ag, pa := &t.spec[t.cur], &t.age[t.cur], &t.age[t.cur^1]
	for k, c := range buf {
		sp[(k+nFFT/2)&(nFFT-1)] = real(c)*real(c) + imag(c)*imag(c)
	}
	side := func(c, dir int) float64 {
		return (sp[c+dir*lineSideIn] + sp[c+dir*(lineSideIn+1)] + sp[c+dir*lineSideOut]) / 3
	}
	t.fresh = false
	for _, dir := range [2]int{-1, 1} {
		for o := t.lo; o <= t.hi; o++ {
			c := nFFT/2 + dir*o
			p := sp[c]
			line := p > 0 && p >= sp[c-1] && p > sp[c+1]
			if line {
				// The side toward the carrier counts only clear of its
				// main lobe: a tone 20 Hz from the pilot is still a line.
				bg := side(c, dir)
				if o-lineSideOut >= t.lo {
					bg = max(bg, side(c, -dir))
				}
				line = p >= lineRatio*bg
			}
			if !line {
				ag[c] = 0
				continue
			}
			// Sub-bin position by a parabola through the log powers:
			// a tone holds it to a few hundredths of a bin, while
			// Doppler drifts by a bin or more per frame, even a hand's
			// near its turning point over a few frames.
			l, r := math.Log(sp[c-1]+1e-30), math.Log(sp[c+1]+1e-30)
			m := math.Log(p)
			f := float64(c)
			if den := l - 2*m + r; den < 0 {
				f += 0.5 * (l - r) / den
			}
			var a uint16 = 1
			anc := f
			for j := c - 1; j <= c+1; j++ {
				if pa[j] > 0 && math.Abs(t.pos[t.cur^1][j]-f) <= lineDrift && math.Abs(t.anchor[t.cur^1][j]-f) <= lineDrift {
					a, anc = pa[j]+1, t.anchor[t.cur^1][j]
					break
				}
			}
			t.pos[t.cur][c], t.anchor[t.cur][c] = f, anc
			ag[c] = min(a, math.MaxUint16-1)
			if a >= lineConfirm {
				t.fresh = t.fresh || t.mem[c] == 0
				t.mem[c] = lineMemory
			}
		}
	}
	t.mask = [nFFT]bool{}
	t.nTonal = 0
	for _, dir := range [2]int{-1, 1} {
		for o := t.lo; o <= t.hi; o++ {
			c := nFFT/2 + dir*o
			if t.mem[c] == 0 {
				continue
			}
			t.mem[c]--
			for j := c - lineHalf; j <= c+lineHalf; j++ {
				t.mask[j] = true
			}
			if t.nTonal < maxTonal {
				t.tonal[t.nTonal] = int16(c)
				t.nTonal++
			}
		}
	}
}

// edge reports whether a tonal line's power (over its peak bin and
// neighbours) changed by more than lineGateDB since the last frame while it
// stood lineRatio above bg, the mean power of an unmasked band bin.
func (t *lineTracker) edge(bg float64) bool {
	sp, pp := &t.spec[t.cur], &t.spec[t.cur^1]
	g := math.Pow(10, lineGateDB/10)
	for _, c16 := range t.tonal[:t.nTonal] {
		c := int(c16)
		a := sp[c-1] + sp[c] + sp[c+1]
		b := pp[c-1] + pp[c] + pp[c+1]
		if max(a, b) >= 3*lineRatio*bg && (a > g*b || b > g*a) {
			return true
		}
	}
	return false
}
