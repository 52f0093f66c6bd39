package nn

import (
	"fmt"

	"github.com/wakegate/wakegate/dsp"
	"github.com/wakegate/wakegate/internal/vec"
)

// FeatureConfig returns the dsp front end a model of shape c consumes: the
// pipeline's log-mel settings with c's hop, window and band count.
// Training and inference both build their features from it, so they see
// identical numbers.
func (c Config) FeatureConfig() dsp.FeatureConfig {
	fc := dsp.DefaultFeatureConfig()
	fc.HopSamples = c.HopSamples
	fc.WindowSamples = c.WindowSamples
	fc.NumMels = c.Mels
	fc.NumCeps = min(fc.NumCeps, c.Mels)
	for fc.FFTSize < c.WindowSamples {
		fc.FFTSize *= 2
	}
	return fc
}

// Stream runs a Model one frame at a time. Each Step costs one output of
// every layer: earlier outputs are kept in per-layer ring buffers, never
// recomputed. A Stream does not allocate after NewStream.
type Stream struct {
	m   *Model
	lay Layout

	in    []float32   // InKernel normalised frames, ring, frame-major
	inPos int         // index of the oldest frame in in
	x     []float32   // the input window, oldest frame first
	h     []float32   // current hidden vector
	u     []float32   // depthwise output
	v     []float32   // pointwise products before bias and relu
	dw    [][]float32 // per block: depthwise weights, tap-major (Kernel × Channels)
	hist  [][]float32
	hpos  []int // per block: index of the oldest entry
	hlen  []int // per block: ring length (Kernel-1)·dilation+1
}

// NewStream prepares streaming inference for m (which must not change
// while the Stream is in use).
func NewStream(m *Model) *Stream {
	c := m.Config
	s := &Stream{
		m:   m,
		lay: c.Layout(),
		in:  make([]float32, c.InKernel*c.Mels),
		x:   make([]float32, c.InKernel*c.Mels),
		h:   make([]float32, c.Channels),
		u:   make([]float32, c.Channels),
		v:   make([]float32, c.Channels),
	}
	for l, d := range c.Dilations {
		dw := make([]float32, c.Kernel*c.Channels)
		TapMajor(dw, m.Params[s.lay.DW[l]:], c.Channels, c.Kernel)
		s.dw = append(s.dw, dw)
		n := (c.Kernel-1)*d + 1
		s.hist = append(s.hist, make([]float32, n*c.Channels))
		s.hpos = append(s.hpos, 0)
		s.hlen = append(s.hlen, n)
	}
	return s
}

// Reset zeroes all history, as if the stream had only heard frames equal
// to the normalisation mean (what training pads with).
func (s *Stream) Reset() {
	clear(s.in)
	s.inPos = 0
	for i := range s.hist {
		clear(s.hist[i])
		s.hpos[i] = 0
	}
}

// Step consumes one normalised frame of Mels values and returns the
// output logit for the window ending with it.
func (s *Stream) Step(frame []float32) float32 {
	c := s.m.Config
	p := s.m.Params
	M, C := c.Mels, c.Channels
	if len(frame) != M {
		panic(fmt.Sprintf("nn: Stream.Step: frame of %d values, want %d", len(frame), M))
	}
	// Input ring: overwrite the oldest frame, then lay the window out
	// oldest first, as the weights expect.
	copy(s.in[s.inPos*M:(s.inPos+1)*M], frame)
	s.inPos = (s.inPos + 1) % c.InKernel
	for k := 0; k < c.InKernel; k++ {
		j := (s.inPos + k) % c.InKernel
		copy(s.x[k*M:(k+1)*M], s.in[j*M:(j+1)*M])
	}
	vec.MatVec(s.h, p[s.lay.W0:], s.x)
	for o, b := range p[s.lay.B0 : s.lay.B0+C] {
		s.h[o] = relu(b + s.h[o])
	}
	K := c.Kernel
	for l, d := range c.Dilations {
		hist, n := s.hist[l], s.hlen[l]
		// The ring's oldest slot receives the newest vector.
		pos := s.hpos[l]
		copy(hist[pos*C:(pos+1)*C], s.h)
		s.hpos[l] = (pos + 1) % n
		copy(s.u, p[s.lay.DB[l]:s.lay.DB[l]+C])
		for j := 0; j < K; j++ {
			// Tap j multiplies the vector (K-1-j)·d frames back.
			back := (K - 1 - j) * d
			idx := (pos - back) % n
			if idx < 0 {
				idx += n
			}
			w := s.dw[l][j*C : (j+1)*C]
			u, hv := s.u[:len(w)], hist[idx*C : (idx+1)*C][:len(w)]
			for ch, wc := range w {
				u[ch] += wc * hv[ch]
			}
		}
		pw, pb := s.lay.PW[l], s.lay.PB[l]
		vec.MatVec(s.v, p[pw:], s.u)
		for o, b := range p[pb : pb+C] {
			s.h[o] += relu(b + s.v[o])
		}
	}
	return p[s.lay.BO] + vec.Dot(p[s.lay.WO:s.lay.WO+C], s.h)
}

// TapMajor copies a depthwise layer's weights w, which Params stores
// channel-major (channels × kernel), into dst tap-major (kernel ×
// channels). The detector and the trainer both run a tap as one
// unit-stride pass over the channels in that layout.
func TapMajor(dst, w []float32, channels, kernel int) {
	dst = dst[:channels*kernel]
	for ch := range channels {
		for j := range kernel {
			dst[j*channels+ch] = w[ch*kernel+j]
		}
	}
}

func relu(x float32) float32 {
	if x < 0 {
		return 0
	}
	return x
}
