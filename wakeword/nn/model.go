package nn

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Config is the shape of a network. It is stored in the model file, so a
// file describes its own front end and layers.
type Config struct {
	// HopSamples is the feature hop in 16 kHz samples: one model step per
	// feature frame. 320 (20 ms) halves the front end's cost compared to
	// the pipeline's 10 ms hop, and a 20 ms frame rate is still fine for a
	// word that lasts half a second.
	HopSamples int
	// WindowSamples is the analysis window of the log-mel front end.
	WindowSamples int
	// Mels is the number of log-mel bands per frame.
	Mels int
	// InKernel is how many consecutive frames the input layer sees.
	InKernel int
	// Channels is the width of every hidden layer.
	Channels int
	// Kernel is the number of taps of each dilated depthwise layer.
	Kernel int
	// Dilations lists the dilation of each residual block, in frames.
	Dilations []int
}

// DefaultConfig is the architecture of `wakegate train` by default: 40 log-mel bands every 20 ms,
// an input layer over 3 frames and five residual blocks of dilated
// depthwise-separable causal convolutions (dilations 1..16, 3 taps), which
// see 2 + 2·(1+2+4+8+16) = 64 frames ≈ 1.3 s: a long "Alexa" and some
// context. 32 channels cost about 9,000 multiply-adds per 20 ms step; the
// shipped models are twice as wide (bench/train-models.sh: --channels 64),
// about four times the network's cost, which still runs at over 1,000
// times real time on one core.
func DefaultConfig() Config {
	return Config{
		HopSamples:    320, // 20 ms at 16 kHz
		WindowSamples: 400, // 25 ms, the usual speech analysis window
		Mels:          40,
		InKernel:      3,
		Channels:      32,
		Kernel:        3,
		Dilations:     []int{1, 2, 4, 8, 16},
	}
}

// Limits on a Config, so that a corrupt file cannot ask for absurd
// allocations. They are far above any model that fits the Pi's budget.
const (
	maxMels      = 128
	maxChannels  = 512
	maxKernel    = 16
	maxLayers    = 32
	maxDilation  = 256
	maxHop       = 1600 // 100 ms
	maxWindow    = 2048
	minHopSample = 160 // 10 ms: the detector's input hop, which must tile the feature hop
)

// Validate reports the first problem with c.
func (c Config) Validate() error {
	switch {
	case c.HopSamples < minHopSample || c.HopSamples > maxHop || c.HopSamples%minHopSample != 0:
		return fmt.Errorf("hop of %d samples is not a multiple of %d in [%d, %d]", c.HopSamples, minHopSample, minHopSample, maxHop)
	case c.WindowSamples < c.HopSamples || c.WindowSamples > maxWindow:
		return fmt.Errorf("window of %d samples is not in [hop %d, %d]", c.WindowSamples, c.HopSamples, maxWindow)
	case c.Mels < 1 || c.Mels > maxMels:
		return fmt.Errorf("%d mel bands is not in [1, %d]", c.Mels, maxMels)
	case c.InKernel < 1 || c.InKernel > maxKernel:
		return fmt.Errorf("input kernel %d is not in [1, %d]", c.InKernel, maxKernel)
	case c.Channels < 1 || c.Channels > maxChannels:
		return fmt.Errorf("%d channels is not in [1, %d]", c.Channels, maxChannels)
	case c.Kernel < 1 || c.Kernel > maxKernel:
		return fmt.Errorf("kernel %d is not in [1, %d]", c.Kernel, maxKernel)
	case len(c.Dilations) > maxLayers:
		return fmt.Errorf("%d layers is more than %d", len(c.Dilations), maxLayers)
	}
	for i, d := range c.Dilations {
		if d < 1 || d > maxDilation {
			return fmt.Errorf("dilation %d of layer %d is not in [1, %d]", d, i, maxDilation)
		}
	}
	return nil
}

// equal reports whether c and o describe the same network shape.
func (c Config) equal(o Config) bool {
	return c.HopSamples == o.HopSamples && c.WindowSamples == o.WindowSamples && c.Mels == o.Mels &&
		c.InKernel == o.InKernel && c.Channels == o.Channels && c.Kernel == o.Kernel &&
		slices.Equal(c.Dilations, o.Dilations)
}

// ReceptiveFrames is how many frames one output depends on.
func (c Config) ReceptiveFrames() int {
	n := c.InKernel
	for _, d := range c.Dilations {
		n += (c.Kernel - 1) * d
	}
	return n
}

// Layout gives the offsets of each weight tensor in the flat parameter
// vector. All matrices are row-major with the output index first.
type Layout struct {
	W0, B0     int   // input layer: Channels × (InKernel·Mels), Channels
	DW, DB     []int // per block: depthwise Channels × Kernel, Channels
	PW, PB     []int // per block: pointwise Channels × Channels, Channels
	WO, BO     int   // output: Channels, 1
	NumParams  int   // total length
	InputWidth int   // InKernel·Mels
}

// Layout computes c's parameter layout.
func (c Config) Layout() Layout {
	C := c.Channels
	var l Layout
	l.InputWidth = c.InKernel * c.Mels
	off := 0
	take := func(n int) int { o := off; off += n; return o }
	l.W0 = take(C * l.InputWidth)
	l.B0 = take(C)
	for range c.Dilations {
		l.DW = append(l.DW, take(C*c.Kernel))
		l.DB = append(l.DB, take(C))
		l.PW = append(l.PW, take(C*C))
		l.PB = append(l.PB, take(C))
	}
	l.WO = take(C)
	l.BO = take(1)
	l.NumParams = off
	return l
}

// Model is a trained network with what it needs around it: the word, the
// feature normalisation, the default threshold and the timing figures used
// to report where a detected word starts and ends.
type Model struct {
	Word   string
	Config Config
	// Mean and InvStd normalise each log-mel band: x' = (x-Mean)·InvStd.
	Mean, InvStd []float32
	// Params holds every weight, laid out as Config.Layout says.
	Params []float32
	// LogFloor is the lowest log-mel value the network sees: quieter
	// bands are raised to it before normalisation, so digital silence
	// (log of the dsp floor, about -23) looks like a very quiet room
	// rather than something never heard in training.
	LogFloor float32
	// Threshold is the score at which the model fires by default
	// (Sensitivity 0 or 0.5).
	Threshold float32
	// EndLagSamples is the typical delay from the end of the word to the
	// first frame whose score crosses Threshold.
	EndLagSamples int32
	// WordSamples is the typical duration of the word, the fallback for
	// the start estimate when the energy envelope gives none.
	WordSamples int32
	// ScoreFrames is how many of the newest frames the score averages,
	// as logits (1: each frame's own). A word holds the network's logit
	// high for several frames in a row, where many false alarms are a
	// spike of one or two. Whether three frames (60 ms) beat one depends
	// on the trained weights: models/README.md has the measurements. See
	// Smooth.
	ScoreFrames int
	// Ensemble holds further networks of the same Config, trained apart
	// (another seed): the frame logit is the mean of all networks'
	// logits. Networks trained from different random draws raise
	// partly different false alarms, and the mean damps those only one
	// of them raises (models/README.md has the measurements); the cost
	// is one more network per hop. Empty for a single network (Mean,
	// InvStd and Params).
	Ensemble []Net
}

// Net is one network of an ensemble: its input normalisation and weights,
// laid out as for Model.
type Net struct {
	Mean, InvStd, Params []float32
}

// MaxNets bounds the networks of one model.
const MaxNets = 8

// Nets returns how many networks m averages.
func (m *Model) Nets() int { return 1 + len(m.Ensemble) }

// Member returns network i of m (0 is m's own) as a single-network model
// that shares m's word, config, timing and threshold and aliases its
// weights.
func (m *Model) Member(i int) *Model {
	c := *m
	c.Ensemble = nil
	if i > 0 {
		n := m.Ensemble[i-1]
		c.Mean, c.InvStd, c.Params = n.Mean, n.InvStd, n.Params
	}
	return &c
}

// Combine returns a model that averages the logits of every network of
// ms, which must share word, config and log floor. The timing figures and
// score frames are the first model's; the default threshold is the
// strictest of theirs, a placeholder until it is calibrated for the
// ensemble (wakegate calibrate), since averaged logits fall differently
// from any member's.
func Combine(ms ...*Model) (*Model, error) {
	if len(ms) == 0 {
		return nil, errors.New("nn: Combine: no models")
	}
	out := *ms[0]
	out.Ensemble = nil
	for i, m := range ms {
		switch {
		case m.Word != out.Word:
			return nil, fmt.Errorf("nn: Combine: model %d is for %q, not %q", i+1, m.Word, out.Word)
		case !m.Config.equal(out.Config):
			return nil, fmt.Errorf("nn: Combine: model %d has another network shape", i+1)
		case m.LogFloor != out.LogFloor:
			return nil, fmt.Errorf("nn: Combine: model %d has log floor %v, not %v", i+1, m.LogFloor, out.LogFloor)
		}
		out.Threshold = max(out.Threshold, m.Threshold)
		for j := range m.Nets() {
			if i == 0 && j == 0 {
				continue
			}
			n := m.Member(j)
			out.Ensemble = append(out.Ensemble, Net{Mean: n.Mean, InvStd: n.InvStd, Params: n.Params})
		}
	}
	if out.Nets() > MaxNets {
		return nil, fmt.Errorf("nn: Combine: %d networks is more than %d", out.Nets(), MaxNets)
	}
	return &out, nil
}

// DefaultScoreFrames is the ScoreFrames of new models; files of payload
// version 1, written before it existed, score single frames.
const DefaultScoreFrames = 3

// MaxScoreFrames bounds ScoreFrames (320 ms at a 20 ms hop).
const MaxScoreFrames = 16

// Smooth writes the score logits of a run of frame logits z from a fresh
// state into dst (grown as needed) and returns it: the mean of the newest
// ScoreFrames logits, or of all so far at the start. The Detector computes
// the same one frame at a time.
func (m *Model) Smooth(dst, z []float32) []float32 {
	dst = slices.Grow(dst[:0], len(z))
	k := max(m.ScoreFrames, 1)
	for i := range z {
		dst = append(dst, meanLogit(z[max(i+1-k, 0):i+1]))
	}
	return dst
}

// meanLogit is the mean of z, summed in order so that Smooth and the
// Detector agree to the bit.
func meanLogit(z []float32) float32 {
	var sum float64
	for _, v := range z {
		sum += float64(v)
	}
	return float32(sum / float64(len(z)))
}

// DefaultLogFloor is ln of a band energy near what 16-bit quantisation
// noise gives (the dsp package notes about -14): anything quieter carries
// no information a microphone could deliver.
const DefaultLogFloor = -14

// NewModel returns a model of shape cfg with zero weights and identity
// normalisation. It panics if cfg is invalid (a programmer error).
func NewModel(word string, cfg Config) *Model {
	if err := cfg.Validate(); err != nil {
		panic("nn: NewModel: " + err.Error())
	}
	m := &Model{
		Word:          word,
		Config:        cfg,
		Mean:          make([]float32, cfg.Mels),
		InvStd:        make([]float32, cfg.Mels),
		Params:        make([]float32, cfg.Layout().NumParams),
		Threshold:     0.5,
		LogFloor:      DefaultLogFloor,
		EndLagSamples: 4800, // 0.3 s until the model has heard enough
		WordSamples:   11200,
		ScoreFrames:   DefaultScoreFrames,
	}
	for i := range m.InvStd {
		m.InvStd[i] = 1
	}
	return m
}

// check verifies that the model's slices agree with its config.
func (m *Model) check() error {
	if err := m.Config.Validate(); err != nil {
		return err
	}
	if len(m.Mean) != m.Config.Mels || len(m.InvStd) != m.Config.Mels {
		return fmt.Errorf("normalisation has %d/%d values for %d bands", len(m.Mean), len(m.InvStd), m.Config.Mels)
	}
	if n := m.Config.Layout().NumParams; len(m.Params) != n {
		return fmt.Errorf("%d parameters where the config needs %d", len(m.Params), n)
	}
	if m.Nets() > MaxNets {
		return fmt.Errorf("%d networks is more than %d", m.Nets(), MaxNets)
	}
	for i := range m.Nets() {
		n := m.Member(i)
		if len(n.Mean) != m.Config.Mels || len(n.InvStd) != m.Config.Mels || len(n.Params) != len(m.Params) {
			return fmt.Errorf("network %d has %d/%d normalisation values and %d parameters", i+1, len(n.Mean), len(n.InvStd), len(n.Params))
		}
		for _, v := range slices.Concat(n.Params, n.Mean, n.InvStd, []float32{m.LogFloor}) {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("parameter of network %d is %v", i+1, v)
			}
		}
	}
	if !(m.Threshold > 0 && m.Threshold < 1) {
		return fmt.Errorf("threshold %v is not in (0, 1)", m.Threshold)
	}
	if m.Word == "" {
		return fmt.Errorf("empty word")
	}
	if m.ScoreFrames < 1 || m.ScoreFrames > MaxScoreFrames {
		return fmt.Errorf("score averages %d frames, not 1..%d", m.ScoreFrames, MaxScoreFrames)
	}
	return nil
}

// Sigmoid is the logistic function 1/(1+e^-x).
func Sigmoid(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) }

// Normalize writes the network input for one frame of log-mel values:
// floored at LogFloor, then (x-Mean)·InvStd per band. Training and the
// Detector both use it.
func (m *Model) Normalize(dst []float32, logMel []float64) {
	for i, v := range logMel {
		dst[i] = (max(float32(v), m.LogFloor) - m.Mean[i]) * m.InvStd[i]
	}
}
