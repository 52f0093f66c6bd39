package train

import (
	"math/rand/v2"
	"testing"

	"github.com/wakegate/wakegate/wakeword/nn"
)

// benchModel is a network of the shipped models' shape (64 channels) with
// random weights, and 3 s of random clips to feed it.
func benchModel(b *testing.B) (*nn.Model, []*clip) {
	b.Helper()
	r := rand.New(rand.NewPCG(5, 6))
	c := nn.DefaultConfig()
	c.Channels = 64
	m := randomModel(r, c)
	var clips []*clip
	for range 16 {
		x := make([]float32, 3*SampleRate)
		for i := range x {
			x[i] = float32(0.1 * r.NormFloat64())
		}
		clips = append(clips, &clip{x: x, on: 0, off: len(x)})
	}
	return m, clips
}

// BenchmarkTrainingExample measures what training spends on one 3 s
// example: the front end, the network over the sequence and its
// gradient; and mining's scoring of 16 such clips.
func BenchmarkTrainingExample(b *testing.B) {
	m, clips := benchModel(b)
	g := newGen(m, newNoiseBank(rand.New(rand.NewPCG(1, 1)), nil, nil))
	x := g.features(clips[0].x, plain)
	n := newSeqNet(m.Config)
	grad := make([]float32, len(m.Params))
	dz := make([]float32, len(n.forward(m.Params, x)))
	for i := range dz {
		dz[i] = 0.01
	}
	// One pass first, so the buffers have grown before the timing.
	n.backward(m.Params, grad, dz)
	b.Run("features", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			g.features(clips[0].x, plain)
		}
	})
	b.Run("forward", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n.forward(m.Params, x)
		}
	})
	b.Run("backward", func(b *testing.B) {
		n.forward(m.Params, x)
		b.ReportAllocs()
		for b.Loop() {
			n.backward(m.Params, grad, dz)
		}
	})
	b.Run("mine16", func(b *testing.B) {
		// A pass after the first: the clips' features are kept.
		nets, gens := []*seqNet{n}, []*gen{g}
		feats := make([][]float32, len(clips))
		mine(nets, gens, m, clips, feats)
		b.ReportAllocs()
		for b.Loop() {
			mine(nets, gens, m, clips, feats)
		}
	})
}
