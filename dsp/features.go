package dsp

import (
	"errors"
	"fmt"
	"math"

	"github.com/wakegate/wakegate/internal/vec"
	"gonum.org/v1/gonum/dsp/window"
)

// FeatureConfig describes the feature front end. DefaultFeatureConfig gives
// the pipeline's values; other values are for experiments and tests.
type FeatureConfig struct {
	SampleRate    int // input sample rate in Hz
	WindowSamples int // analysis window length in samples
	HopSamples    int // samples consumed by each Push
	FFTSize       int // transform length: a power of two >= WindowSamples; the window is zero-padded

	NumMels int // number of triangular mel filters
	NumCeps int // number of cepstral coefficients kept (<= NumMels), c0 included

	LowHz  float64 // lower edge of the first mel filter
	HighHz float64 // upper edge of the last mel filter (<= SampleRate/2)

	PreEmphasis float64 // first-order pre-emphasis y[t] = x[t] - a·x[t-1]; 0 disables it
}

// DefaultFeatureConfig returns the pipeline's front-end settings: 25 ms Hann
// windows every 10 ms at 16 kHz, a 512-point FFT, 40 mel bands from 60 to
// 7600 Hz (the usual speech-recognition choice: above mains hum, below the
// anti-aliasing roll-off at 8 kHz), 13 MFCCs and 0.97 pre-emphasis.
func DefaultFeatureConfig() FeatureConfig {
	return FeatureConfig{
		SampleRate:    SampleRate,
		WindowSamples: WindowSamples,
		HopSamples:    HopSamples,
		FFTSize:       512, // smallest power of two >= WindowSamples
		NumMels:       40,
		NumCeps:       13,
		LowHz:         60,
		HighHz:        7600,
		PreEmphasis:   0.97, // the HTK and Kaldi default
	}
}

// validate reports the first problem with c, if any.
func (c FeatureConfig) validate() error {
	switch {
	case c.SampleRate <= 0:
		return fmt.Errorf("sample rate %d is not positive", c.SampleRate)
	case c.WindowSamples <= 0:
		return fmt.Errorf("window of %d samples is not positive", c.WindowSamples)
	case c.HopSamples <= 0 || c.HopSamples > c.WindowSamples:
		return fmt.Errorf("hop of %d samples is not in [1, window %d]", c.HopSamples, c.WindowSamples)
	case c.FFTSize < 16 || c.FFTSize&(c.FFTSize-1) != 0:
		return fmt.Errorf("FFT size %d is not a power of two >= 16", c.FFTSize)
	case c.FFTSize < c.WindowSamples:
		return fmt.Errorf("FFT size %d is shorter than the window of %d samples", c.FFTSize, c.WindowSamples)
	case c.NumMels <= 0:
		return fmt.Errorf("%d mel filters is not positive", c.NumMels)
	case c.NumCeps <= 0 || c.NumCeps > c.NumMels:
		return fmt.Errorf("%d cepstral coefficients is not in [1, NumMels %d]", c.NumCeps, c.NumMels)
	case !(c.LowHz >= 0 && c.LowHz < c.HighHz && c.HighHz <= float64(c.SampleRate)/2):
		return fmt.Errorf("mel range %g-%g Hz is not within 0-%g Hz", c.LowHz, c.HighHz, float64(c.SampleRate)/2)
	case !(c.PreEmphasis >= 0 && c.PreEmphasis < 1):
		return fmt.Errorf("pre-emphasis %g is not in [0, 1)", c.PreEmphasis)
	}
	return nil
}

// logFloor keeps the log of an empty mel band finite: ln(1e-10) ≈ -23, far
// below the ≈ -14 that 16-bit quantisation noise reaches in one band.
const logFloor = 1e-10

// minEnergyDBFS is what Energy reports for digital silence.
const minEnergyDBFS = -120

// Features is a streaming speech front end. Each Push adds one hop of
// samples; once a full window has been seen, every Push describes the newest
// window:
//
//  1. pre-emphasis y[t] = x[t] - a·x[t-1] over the continuous stream (x scaled
//     to ±1), so frames do not depend on where hops start;
//  2. a symmetric Hann window (gonum dsp/window values), zero-padded to FFTSize;
//  3. RealFFT and the power spectrum |X[k]|²;
//  4. a bank of triangular filters evenly spaced on the HTK mel scale
//     mel(f) = 2595·log10(1 + f/700), each rising linearly in mel from its
//     left neighbour's centre to its own and falling to its right neighbour's;
//  5. the natural log of each filter output, floored at 1e-10 (LogMel);
//  6. the orthonormal DCT-II of the log-mel vector, first NumCeps terms (MFCC):
//     c[i] = s(i)·Σ_m L[m]·cos(π·i·(m+½)/M), s(0) = √(1/M), s(i>0) = √(2/M).
//
// Features is not safe for concurrent use. After construction it does not
// allocate.
type Features struct {
	cfg FeatureConfig
	fft *RealFFT

	win   []float64 // Hann window, len WindowSamples
	raw   []float64 // newest WindowSamples input samples (scaled), oldest first
	emph  []float64 // the same samples after pre-emphasis
	frame []float64 // windowed, zero-padded frame, len FFTSize
	prev  float64   // last raw sample, for pre-emphasis across hops
	seen  int       // samples pushed since Reset, saturating at WindowSamples

	coeffs []complex128
	power  []float64

	// Sparse mel filterbank: filter i covers power bins
	// melStart[i] .. melStart[i]+len(melW[i])-1 with weights melW[i].
	melStart []int
	melW     [][]float64

	logMel []float64
	dct    []float64 // NumCeps×NumMels, row-major
	mfcc   []float64
	energy float64

	// haveMFCC and haveEnergy say whether mfcc and energy describe the
	// current window; they are computed lazily.
	haveMFCC, haveEnergy bool
}

// NewFeatures returns a front end for cfg, or an error naming the first
// invalid setting.
func NewFeatures(cfg FeatureConfig) (*Features, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("dsp: feature config: %w", err)
	}
	starts, weights, err := melFilterbank(cfg)
	if err != nil {
		return nil, fmt.Errorf("dsp: feature config: %w", err)
	}
	f := &Features{
		cfg:      cfg,
		fft:      NewRealFFT(cfg.FFTSize),
		win:      window.NewValues(window.Hann, cfg.WindowSamples),
		raw:      make([]float64, cfg.WindowSamples),
		emph:     make([]float64, cfg.WindowSamples),
		frame:    make([]float64, cfg.FFTSize),
		coeffs:   make([]complex128, cfg.FFTSize/2+1),
		power:    make([]float64, cfg.FFTSize/2+1),
		melStart: starts,
		melW:     weights,
		logMel:   make([]float64, cfg.NumMels),
		dct:      dctMatrix(cfg.NumCeps, cfg.NumMels),
		mfcc:     make([]float64, cfg.NumCeps),
	}
	f.Reset()
	return f, nil
}

// HzToMel converts a frequency in Hz to the HTK mel scale,
// mel = 2595·log10(1 + f/700).
func HzToMel(hz float64) float64 { return 2595 * math.Log10(1+hz/700) }

// MelToHz is the inverse of HzToMel.
func MelToHz(mel float64) float64 { return 700 * (math.Pow(10, mel/2595) - 1) }

// MelCenters returns the centre frequencies in Hz of cfg's mel filters, in
// increasing order. Filter i spans MelCenters[i-1] to MelCenters[i+1], where
// the outer edges are cfg.LowHz and cfg.HighHz.
func MelCenters(cfg FeatureConfig) []float64 {
	edges := melEdges(cfg)
	c := make([]float64, cfg.NumMels)
	for i := range c {
		c[i] = MelToHz(edges[i+1])
	}
	return c
}

// melEdges returns NumMels+2 points evenly spaced in mel from LowHz to
// HighHz: filter i has left edge edges[i], centre edges[i+1], right edge
// edges[i+2].
func melEdges(cfg FeatureConfig) []float64 {
	lo, hi := HzToMel(cfg.LowHz), HzToMel(cfg.HighHz)
	edges := make([]float64, cfg.NumMels+2)
	for i := range edges {
		edges[i] = lo + (hi-lo)*float64(i)/float64(cfg.NumMels+1)
	}
	return edges
}

// melFilterbank builds the sparse triangular filters over the FFTSize/2+1
// power bins. Triangles are linear in mel (as HTK and Kaldi do), so
// overlapping neighbours sum to one between the first and last centre.
func melFilterbank(cfg FeatureConfig) ([]int, [][]float64, error) {
	edges := melEdges(cfg)
	nbins := cfg.FFTSize/2 + 1
	binHz := float64(cfg.SampleRate) / float64(cfg.FFTSize)
	starts := make([]int, cfg.NumMels)
	weights := make([][]float64, cfg.NumMels)
	for i := range weights {
		left, centre, right := edges[i], edges[i+1], edges[i+2]
		first, last := -1, -1
		for k := 0; k < nbins; k++ {
			mel := HzToMel(float64(k) * binHz)
			if mel > left && mel < right {
				if first < 0 {
					first = k
				}
				last = k
			}
		}
		if first < 0 {
			return nil, nil, errors.New("mel filter " + fmt.Sprint(i) + " covers no FFT bin: too many mel filters for the FFT size")
		}
		w := make([]float64, last-first+1)
		for k := first; k <= last; k++ {
			mel := HzToMel(float64(k) * binHz)
			if mel <= centre {
				w[k-first] = (mel - left) / (centre - left)
			} else {
				w[k-first] = (right - mel) / (right - centre)
			}
		}
		starts[i] = first
		weights[i] = w
	}
	return starts, weights, nil
}

// dctMatrix returns the first nceps rows of the orthonormal DCT-II of size n.
func dctMatrix(nceps, n int) []float64 {
	d := make([]float64, nceps*n)
	for i := 0; i < nceps; i++ {
		s := math.Sqrt(2 / float64(n))
		if i == 0 {
			s = math.Sqrt(1 / float64(n))
		}
		for m := 0; m < n; m++ {
			d[i*n+m] = s * math.Cos(math.Pi*float64(i)*(float64(m)+0.5)/float64(n))
		}
	}
	return d
}

// Config returns the configuration the front end was built with.
func (f *Features) Config() FeatureConfig { return f.cfg }

// Reset forgets all history, as after a mute: the next window is complete
// only after WindowSamples new samples, and pre-emphasis restarts from zero.
func (f *Features) Reset() {
	clear(f.raw)
	clear(f.emph)
	clear(f.frame)
	clear(f.power)
	clear(f.mfcc)
	for i := range f.logMel {
		f.logMel[i] = math.Log(logFloor)
	}
	f.prev = 0
	f.seen = 0
	f.energy = minEnergyDBFS
	f.haveMFCC, f.haveEnergy = true, true // the zeroed values stand until a window completes
}

// Push consumes exactly HopSamples samples (it panics otherwise: that is a
// caller bug) and reports whether a full window is available. After it
// returns true, LogMel, MFCC, Power and Energy describe the newest window;
// their slices belong to f and are overwritten by the next Push.
func (f *Features) Push(hop []int16) bool {
	h := f.cfg.HopSamples
	if len(hop) != h {
		panic(fmt.Sprintf("dsp: Features.Push got %d samples, want %d", len(hop), h))
	}
	w := f.cfg.WindowSamples
	keep := w - h
	raw, emph := f.raw[:w], f.emph[:w]
	copy(raw, raw[h:])
	copy(emph, emph[h:])
	a, prev := f.cfg.PreEmphasis, f.prev
	nr, ne := raw[keep:], emph[keep:keep+len(hop)]
	for i, s := range hop {
		x := float64(s) * int16Scale
		nr[i] = x
		ne[i] = x - a*prev
		prev = x
	}
	f.prev = prev
	if f.seen < w {
		f.seen += h
		if f.seen < w {
			return false
		}
		f.seen = w
	}
	f.compute()
	return true
}

// compute fills power, logMel, mfcc and energy from the current window.
func (f *Features) compute() {
	w := f.cfg.WindowSamples
	frame, win, emph := f.frame[:w], f.win[:w], f.emph[:w]
	for i := range frame {
		frame[i] = emph[i] * win[i]
	}
	// Energy and MFCC are derived on first use: a consumer of log-mel
	// features alone does not pay for them.
	f.haveEnergy, f.haveMFCC = false, false

	f.fft.Coefficients(f.coeffs, f.frame)
	power := PowerSpectrum(f.power, f.coeffs)

	for i, ws := range f.melW {
		e := vec.Dot(ws, power[f.melStart[i]:][:len(ws)])
		f.logMel[i] = math.Log(max(e, logFloor))
	}
}

// LogMel returns the NumMels natural-log mel energies of the newest window.
func (f *Features) LogMel() []float64 { return f.logMel }

// MFCC returns the NumCeps cepstral coefficients of the newest window (c0
// first; no liftering). They are computed on the first call after a Push.
func (f *Features) MFCC() []float64 {
	if !f.haveMFCC {
		n := len(f.logMel)
		for i := range f.mfcc {
			f.mfcc[i] = vec.Dot(f.dct[i*n:i*n+n], f.logMel)
		}
		f.haveMFCC = true
	}
	return f.mfcc
}

// Power returns the FFTSize/2+1 bin power spectrum |X[k]|² of the newest
// pre-emphasised, windowed frame (samples scaled to ±1, unnormalised FFT).
// Bin k is at k·SampleRate/FFTSize Hz.
func (f *Features) Power() []float64 { return f.power }

// Energy returns the level of the newest window in dBFS, from the raw samples
// (before pre-emphasis and windowing): 10·log10(2·mean(x²)), so a full-scale
// sine is 0 dBFS and a full-scale square wave +3 dBFS. Digital silence gives
// -120 dBFS. It is computed on the first call after a Push.
func (f *Features) Energy() float64 {
	if !f.haveEnergy {
		w := f.cfg.WindowSamples
		// dBFS relative to a full-scale sine, whose mean square is 1/2.
		ms := 2 * vec.Dot(f.raw[:w], f.raw[:w]) / float64(w)
		f.energy = minEnergyDBFS
		if ms > 0 {
			f.energy = max(10*math.Log10(ms), minEnergyDBFS)
		}
		f.haveEnergy = true
	}
	return f.energy
}
