package template

import (
	"fmt"

	"github.com/wakegate/wakegate/dsp"
)

// Feature layout. Each 10 ms frame is described by MFCC c1..c12 of the
// dsp front end (c0 is dropped: it is the frame's log energy, which tracks
// how loud the owner spoke rather than what they said), after running
// cepstral mean normalisation.
const (
	firstCep = 1
	numDims  = 12 // c1..c12 of the 13 dsp MFCCs
)

// framesToFirst is how many hops dsp.Features needs before its first full
// window: 400-sample windows, 160-sample hops, so the window is complete at
// the third hop and covers samples 80..479. In general frame k (0-based)
// covers samples 160k+80 .. 160k+479.
const (
	frameOffset  = 3*dsp.HopSamples - dsp.WindowSamples // 80: first sample of frame 0
	frameSamples = dsp.WindowSamples
)

// frameStart and frameEnd map a frame index to its first and last sample.
func frameStart(k int64) int64 { return k*dsp.HopSamples + frameOffset }
func frameEnd(k int64) int64   { return frameStart(k) + frameSamples - 1 }

// frontend turns hops into normalised feature frames. Enrollment and the
// live detector both use it, from the same initial state, so a template
// and the live audio see exactly the same normalisation.
//
// Normalisation subtracts a running cepstral mean, mean ← mean + (x −
// mean)/τ, seeded with the first frame after a reset. A running mean is
// what the live path can compute without knowing where a word starts; and
// with a short time constant (defaultCMNFrames, 60 ms) it is a high-pass
// on each cepstral trajectory that removes the channel and the speaker's
// average timbre, keeps the transitions that make up a word, and forgets
// what came before the word within a syllable, so a word after silence and
// the same word after "please" look alike. Enrollment runs the same code
// over the whole example, leading silence included, and only then cuts the
// word out. τ = 0 disables normalisation.
type frontend struct {
	feat  *dsp.Features
	tau   float64
	mean  [numDims]float64
	out   [numDims]float64
	seen  bool
	nOut  int64 // frames produced since reset
	level float64
}

func newFrontend(cmnFrames int) *frontend {
	f, err := dsp.NewFeatures(dsp.DefaultFeatureConfig())
	if err != nil {
		// The default configuration is valid by construction.
		panic(fmt.Sprintf("template: dsp default features: %v", err))
	}
	return &frontend{feat: f, tau: float64(cmnFrames)}
}

func (f *frontend) reset() {
	f.feat.Reset()
	f.mean = [numDims]float64{}
	f.seen = false
	f.nOut = 0
}

// push consumes one hop; when it returns true, f.out holds the newest
// normalised frame (index f.nOut-1) and f.level its energy in dBFS.
func (f *frontend) push(hop []int16) bool {
	if !f.feat.Push(hop) {
		return false
	}
	c := f.feat.MFCC()[firstCep : firstCep+numDims]
	if !f.seen {
		copy(f.mean[:], c)
		f.seen = true
	}
	if f.tau > 0 {
		a := 1 / f.tau
		for i, x := range c {
			f.mean[i] += a * (x - f.mean[i])
			f.out[i] = x - f.mean[i]
		}
	} else {
		copy(f.out[:], c)
	}
	f.level = f.feat.Energy()
	f.nOut++
	return true
}
