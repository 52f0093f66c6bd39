package train

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/wakegate/wakegate/dsp"
	"github.com/wakegate/wakegate/wakeword/nn"
)

// Options configure a training run. Zero values take the defaults noted.
type Options struct {
	Word     string
	Config   nn.Config // DefaultConfig if Channels == 0
	Base     *nn.Model // fine-tune this model instead of starting from random weights
	Steps    int       // optimiser steps (default 4000)
	Batch    int       // examples per step (default 64)
	LR       float64   // peak Adam learning rate (default 3e-3, 5e-4 with Base)
	Seed     uint64    // seeds every random choice (default 1)
	Workers  int       // goroutines (default 2)
	ValPct   int       // percent of files (by session) held out (default 10)
	PosShare float64   // share of positives per batch (default 0.4)
	ValEvery int       // steps between validations (default 250)
	Progress io.Writer // progress bar (nil: none)
	// PlainProgress writes progress as plain lines, one per 5 % of the
	// run, instead of redrawing one terminal line at every step: a log
	// file gets 20 readable lines, not thousands of escape sequences.
	PlainProgress bool
	Log           *slog.Logger
	NoiseClip     [][]float32 // extra noise recordings
	// MicProb is the share of augmented examples heard through a
	// microphone and channel response: one measured from Data.MicFrom
	// when it holds clips, a random one (micResponse) otherwise; 0 draws
	// nothing, so a recipe without it trains exactly as before it existed.
	MicProb float64
	// Dropout is the rate at which each residual block drops a channel of
	// its branch for a whole training example (0: none, and no random
	// draw for it, so a recipe without it trains exactly as before).
	// Validation, mining and the model written drop nothing.
	Dropout float64
	// AuxShare is the share of the negative examples (those that are not
	// the wake word's positives) drawn from Data.Aux when there are
	// auxiliary words (default 0.2), and AuxWeight the weight of each
	// auxiliary head's loss (default 0.5). The training loss reported
	// includes the heads'.
	AuxShare, AuxWeight float64
	// ScoreFrames is how many frames' logits the model's score averages
	// (nn.Model.ScoreFrames; default nn.DefaultScoreFrames, or Base's). It
	// does not change the weights a seed trains: the held-out loss that
	// picks the checkpoint is of each frame's own logit. It changes the
	// trainer's threshold and timing figures, which are measured on the
	// score the detector will compute.
	ScoreFrames int
	// Snapshot, if set, is called after every validation with the step,
	// the model as it stands (its parameters change when Snapshot
	// returns: copy or save, do not keep) and its figures. An error stops
	// the run. It lets a caller choose among checkpoints on data the
	// trainer does not see.
	Snapshot func(step int, m *nn.Model, vs ValStats) error
}

func (o *Options) defaults() {
	if o.Config.Channels == 0 {
		o.Config = nn.DefaultConfig()
	}
	if o.Base != nil {
		o.Config = o.Base.Config
	}
	if o.Steps == 0 {
		o.Steps = 4000
	}
	if o.Batch == 0 {
		o.Batch = 64
	}
	if o.LR == 0 {
		o.LR = 3e-3
		if o.Base != nil {
			o.LR = 5e-4
		}
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Workers == 0 {
		o.Workers = 2
	}
	if o.ValPct == 0 {
		o.ValPct = 10
	}
	if o.PosShare == 0 {
		o.PosShare = 0.4
	}
	if o.AuxShare == 0 {
		o.AuxShare = 0.2
	}
	if o.ScoreFrames == 0 {
		o.ScoreFrames = nn.DefaultScoreFrames
		if o.Base != nil {
			o.ScoreFrames = o.Base.ScoreFrames
		}
	}
	if o.AuxWeight == 0 {
		o.AuxWeight = 0.5
	}
	if o.ValEvery == 0 {
		o.ValEvery = 250
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

// Data is the material of a run, already loaded and split.
type Data struct {
	Pos, Neg       []*clip // training
	ValPos, ValNeg []*clip // held out
	// Aux are other words, each its own class (LoadAux): the network
	// learns to spot them too, with heads the model file leaves out.
	// Words recorded by many real people give the hidden layers features
	// that hold across speakers, which a wake word known only from
	// synthesized voices cannot teach; the same words synthesized tie the
	// two kinds of voice together. To the wake word they are negatives.
	Aux []AuxWord
	// MicFrom are real recordings whose spectral shapes, less the mean
	// shape of MicRef (synthesized recordings of the same words; MicFrom's
	// own mean when empty), are the responses Options.MicProb draws from
	// (measuredResponses).
	MicFrom, MicRef []*clip
}

// AuxWord is one auxiliary word and its training clips.
type AuxWord struct {
	Name  string
	Clips []*clip
}

// Result reports a finished run.
type Result struct {
	Model      *nn.Model
	FirstLoss  float64 // mean training loss over the first validation interval
	LastLoss   float64 // ... and over the last
	Val        ValStats
	Steps      int
	Duration   time.Duration
	TrainFiles [2]int // positives, negatives
	ValFiles   [2]int
	// Calib is how the default threshold was set.
	Calib Calibration
}

// ValStats are the validation figures of a model.
type ValStats struct {
	Loss float64
	// MissAt is the share of held-out positives whose best score stays
	// below 0.5.
	MissAt float64
	// FPAt is the share of held-out negative clips that reach 0.5.
	FPAt float64
	// Threshold is a per-clip operating point to follow during training:
	// the smallest threshold that 99 % of the held-out negative clips stay
	// below (at least 0.5). The model's default is set otherwise, by
	// calibrate.
	Threshold float64
	// MissStrict is the miss rate at that threshold.
	MissStrict float64
	// TailThreshold is just above the third-highest score of the
	// held-out negative clips, with no bounds, and MissTail the miss rate
	// there: the strict budgets of the bench are set by a few such
	// events, not by a quantile.
	TailThreshold, MissTail float64
}

func (v ValStats) String() string {
	return fmt.Sprintf("val loss %.3f miss %.1f%% fp %.1f%% @0.5, miss %.1f%% @%.3f, %.1f%% @%.5f", v.Loss, 100*v.MissAt, 100*v.FPAt, 100*v.MissStrict, v.Threshold, 100*v.MissTail, v.TailThreshold)
}

// example is one augmented training or validation sequence.
type example struct {
	x      []float32 // T × Mels, normalised
	pos    bool
	lo, hi int // positives: frames where the score must peak
	pre    int // positives: frames before this one are negatives
	frames int
	aux    int // 1 + the index of the auxiliary word it holds; 0: none
}

// gen turns clips into augmented feature sequences. One per goroutine.
type gen struct {
	m       *nn.Model // normalisation and config
	fe      *dsp.Features
	noise   *noiseBank
	micProb float64     // Options.MicProb
	resp    [][]float64 // measured responses to draw from; micResponse when empty
	pcm     []int16
	raw     []float32
	warp    []float32
	s0      int // frames: the first frame ends at sample s0·hop
}

// spec is an example's spectral augmentation: a mel-axis warp, a band
// mask [maskLo, maskHi) and a microphone response (nil: none).
type spec struct {
	warp           float64
	maskLo, maskHi int
	mic            []float64 // natural-log power gain per mel band
}

// plain is no spectral augmentation.
var plain = spec{warp: 1}

func newGen(m *nn.Model, nb *noiseBank) *gen {
	fe, err := dsp.NewFeatures(m.Config.FeatureConfig())
	if err != nil {
		panic("train: " + err.Error()) // nn.Config.Validate admits only valid front ends
	}
	hop := m.Config.HopSamples
	return &gen{m: m, fe: fe, noise: nb, s0: (m.Config.WindowSamples + hop - 1) / hop,
		raw: make([]float32, m.Config.Mels), warp: make([]float32, m.Config.Mels)}
}

// frameAt returns the index of the first frame whose window ends at or
// after sample p.
func (g *gen) frameAt(p int) int {
	hop := g.m.Config.HopSamples
	return (p+hop-1)/hop - g.s0
}

// features runs the detector's front end over x and applies sp to the raw
// log-mel values: the warp (1 = none), then the microphone response, then,
// after normalisation, the band mask.
func (g *gen) features(x []float32, sp spec) []float32 {
	hop := g.m.Config.HopSamples
	M := g.m.Config.Mels
	g.pcm = toInt16(g.pcm, x)
	g.fe.Reset()
	out := make([]float32, 0, (len(x)/hop)*M)
	lm64 := make([]float64, M)
	for p := 0; p+hop <= len(g.pcm); p += hop {
		if !g.fe.Push(g.pcm[p : p+hop]) {
			continue
		}
		lm := g.fe.LogMel()
		if sp.warp != 1 {
			for i, v := range lm {
				g.raw[i] = float32(v)
			}
			warpBands(g.warp, g.raw, sp.warp)
			for i, v := range g.warp {
				lm64[i] = float64(v)
			}
			lm = lm64
		}
		if sp.mic != nil {
			// The response shapes everything the microphone hears,
			// noise and dither included, as a real one does.
			for i, v := range lm {
				lm64[i] = v + sp.mic[i]
			}
			lm = lm64
		}
		n := len(out)
		out = out[:n+M]
		g.m.Normalize(out[n:], lm)
		for b := sp.maskLo; b < sp.maskHi; b++ {
			out[n+b] = 0
		}
	}
	return out
}

// augment applies the waveform augmentations to x (a copy) whose word (or
// speech) spans [on, off), returning the new signal and span. The speed
// factor, when one is applied, is drawn from [slo, shi).
func (g *gen) augment(r *rand.Rand, x []float32, on, off int, slo, shi float64) ([]float32, int, int) {
	if r.Float64() < speedProb {
		s := uniform(r, slo, shi)
		x = resample(x, s, 1)
		// A span that ends the clip can round to start at its new end:
		// keep at least its last sample.
		on, off = min(int(float64(on)/s), len(x)-1), min(int(float64(off)/s), len(x))
	} else {
		x = slices.Clone(x)
	}
	if r.Float64() < reverbProb {
		x = reverb(r, x, uniform(r, rt60Lo, rt60Hi))
	}
	act := x[on:max(off, on+1)]
	level := dbToAmp(uniform(r, levelLo, levelHi))
	g0 := float32(level / (rms(act) + 1e-9))
	for i := range x {
		x[i] *= g0
	}
	if r.Float64() < noiseProb {
		snr := uniform(r, snrLo, snrHi)
		g.noise.add(r, x, level/dbToAmp(snr))
	}
	dither := dbToAmp(uniform(r, ditherLo, ditherHi))
	for i := range x {
		x[i] += float32(dither * r.NormFloat64())
	}
	return x, on, off
}

func (g *gen) specAug(r *rand.Rand) spec {
	sp := plain
	if r.Float64() < warpProb {
		sp.warp = uniform(r, warpLo, warpHi)
	}
	if r.Float64() < maskProb {
		w := 1 + r.IntN(maxMaskBands)
		sp.maskLo = r.IntN(g.m.Config.Mels - w)
		sp.maskHi = sp.maskLo + w
	}
	if g.micProb > 0 && r.Float64() < g.micProb {
		if len(g.resp) > 0 {
			sp.mic = g.resp[r.IntN(len(g.resp))]
		} else {
			sp.mic = micResponse(r, g.m.Config.Mels)
		}
	}
	return sp
}

// positive builds a training sequence from a positive clip: some of its
// own context before and after the word (padded with silence where the
// recording has none), augmented.
func (g *gen) positive(r *rand.Rand, c *clip, aug bool) example {
	preS := int(uniform(r, 0.1, 1.0) * SampleRate)
	postS := int(uniform(r, 0.35, 0.7) * SampleRate)
	a, b := c.on-preS, c.off+postS
	x := make([]float32, b-a)
	for i := range x {
		if j := a + i; j >= 0 && j < len(c.x) {
			x[i] = c.x[j]
		}
	}
	on, off := c.on-a, c.off-a
	sp := plain
	if aug {
		x, on, off = g.augment(r, x, on, off, speedLo, speedHi)
		sp = g.specAug(r)
	} else {
		// Clean: only a level and the dither every input gets.
		act := x[on:max(off, on+1)]
		gain := float32(dbToAmp(uniform(r, levelLo, levelHi)) / (rms(act) + 1e-9))
		dither := dbToAmp(uniform(r, ditherLo, ditherHi))
		for i := range x {
			x[i] = gain*x[i] + float32(dither*r.NormFloat64())
		}
	}
	f := g.features(x, sp)
	T := len(f) / g.m.Config.Mels
	dur := off - on
	// The score may peak from late in the word (0.45 s or 60 % in, so a
	// "Alexa, play music" clip is not asked to wait for "music") until
	// 0.3 s after its end.
	lo := g.frameAt(on + min(dur*6/10, SampleRate*45/100))
	hi := g.frameAt(off + SampleRate*3/10)
	lo, hi = max(lo, 0), min(hi, T-1)
	return example{x: f, pos: true, lo: lo, hi: max(hi, lo), pre: max(g.frameAt(on+SampleRate/10), 0), frames: T}
}

// negative builds a training sequence from a stretch of a negative clip,
// or from noise alone when c is nil. A stretch of a clip holds sample at
// with up to a second before it when at >= 0, and is drawn anywhere
// otherwise.
func (g *gen) negative(r *rand.Rand, c *clip, at int) example {
	var x []float32
	if c == nil {
		x = make([]float32, int(uniform(r, 1.5, 3.5)*SampleRate))
		g.noise.add(r, x, dbToAmp(uniform(r, -65, -15)))
		dither := dbToAmp(uniform(r, ditherLo, ditherHi))
		for i := range x {
			x[i] += float32(dither * r.NormFloat64())
		}
	} else {
		n := min(len(c.x), int(uniform(r, 1.5, 4)*SampleRate))
		a := window(r, len(c.x), n, at)
		seg := c.x[a : a+n]
		on, off := max(c.on-a, 0), min(max(c.off-a, 1), n)
		if on >= off {
			on, off = 0, n
		}
		x, _, _ = g.augment(r, seg, on, off, negSpeedLo, negSpeedHi)
	}
	f := g.features(x, g.specAug(r))
	return example{x: f, frames: len(f) / g.m.Config.Mels}
}

// Hard-negative mining: from an eighth into the run and every sixteenth of
// it after that, every training negative is scored with the current
// weights, and the hardest tenth supplies hardShare of the negative
// examples, each a window around its best-scoring frame. Random windows of
// random clips seldom land on the few syllables that sound like the word,
// and false alarms per hour are made of exactly those. (A share of 0.3
// mined from a quarter in left over twice the misses at 0.1 FA/h on the
// bench; 0.7 was no better on held-out speakers: models/README.md.)
const (
	hardShare = 0.5
	hardKeep  = 10 // percent of the training negatives
)

// hardNeg is a mined negative: a clip index and its best-scoring sample.
type hardNeg struct{ clip, at int }

// mine scores negs clean at a fixed level and returns the hardest ones
// and the best score among them. The work is split over the workers by
// index, so the result does not depend on scheduling. feats (one entry
// per clip) keeps each clip's features from one call to the next: they
// depend on the clip alone, and computing them again would cost more than
// the network does.
func mine(nets []*seqNet, gens []*gen, m *nn.Model, negs []*clip, feats [][]float32) ([]hardNeg, float64) {
	score := make([]float32, len(negs))
	at := make([]int, len(negs))
	hop := m.Config.HopSamples
	forEach(len(negs), len(nets), func(w, i int) {
		if feats[i] == nil {
			c := negs[i]
			gain := float32(dbToAmp(-30) / (rms(c.x[c.on:max(c.off, c.on+1)]) + 1e-9))
			// Dither seeded by the clip keeps digital silence off the log
			// floor, as in training, and the result reproducible.
			dr := rand.New(rand.NewPCG(uint64(i), 0xd17e))
			dither := dbToAmp((ditherLo + ditherHi) / 2)
			x := make([]float32, len(c.x))
			for j, v := range c.x {
				x[j] = gain*v + float32(dither*dr.NormFloat64())
			}
			feats[i] = gens[w].features(x, plain)
		}
		z := nets[w].forward(m.Params, feats[i])
		score[i] = float32(math.Inf(-1))
		for t, v := range z {
			if v > score[i] {
				score[i], at[i] = v, (t+gens[w].s0)*hop
			}
		}
	})
	idx := make([]int, len(negs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(score[b], score[a]) })
	keep := max(1, len(negs)*hardKeep/100)
	hard := make([]hardNeg, 0, keep)
	for _, i := range idx[:min(keep, len(idx))] {
		hard = append(hard, hardNeg{clip: i, at: at[i]})
	}
	return hard, float64(nn.Sigmoid(score[idx[0]]))
}

// window returns the start of an n-sample window of a clip of length
// samples: anywhere if at < 0, else one that ends at or after sample at
// (an end of a frame, exclusive) and starts up to a second, the network's
// context, before it where the clip allows.
func window(r *rand.Rand, length, n, at int) int {
	last := length - n
	lo, hi := 0, last
	if at >= 0 {
		lo = min(max(0, at-n), last)
		hi = max(lo, min(last, at-min(SampleRate, n)))
	}
	return lo + r.IntN(hi-lo+1)
}

// lossGrad computes the loss of one example from its logits and writes
// dLoss/dz. Positives: cross-entropy of the best logit inside [lo, hi]
// against 1 (max-pooling loss: the network picks its own alignment) plus
// the frames before the word against 0. Negatives: half the mean frame
// cross-entropy against 0 plus that of the worst frame (hard-negative
// mining within the clip).
func lossGrad(ex example, z, dz []float32) float64 {
	return headLoss(ex, ex.pos, z, dz)
}

// headLoss is lossGrad for one output head, to which ex is a positive
// when pos: the wake word's head, or an auxiliary word's.
func headLoss(ex example, pos bool, z, dz []float32) float64 {
	clear(dz)
	T := len(z)
	if T == 0 {
		return 0
	}
	var loss float64
	if pos {
		best := ex.lo
		for t := ex.lo; t <= ex.hi && t < T; t++ {
			if z[t] > z[best] {
				best = t
			}
		}
		p := float64(nn.Sigmoid(z[best]))
		loss += bce(z[best], 1)
		dz[best] += float32(p - 1)
		if n := min(ex.pre, T); n > 0 {
			for t := 0; t < n; t++ {
				loss += 0.5 * bce(z[t], 0) / float64(n)
				dz[t] += float32(0.5 * float64(nn.Sigmoid(z[t])) / float64(n))
			}
		}
		return loss
	}
	worst := 0
	for t := range z {
		loss += 0.5 * bce(z[t], 0) / float64(T)
		dz[t] += float32(0.5 * float64(nn.Sigmoid(z[t])) / float64(T))
		if z[t] > z[worst] {
			worst = t
		}
	}
	// The worst frame weighs as much as the whole clip's mean and more:
	// false alarms per hour are decided by the few frames that cross the
	// threshold, not by the average.
	loss += bce(z[worst], 0)
	dz[worst] += nn.Sigmoid(z[worst])
	return loss
}

// bce is the binary cross-entropy of logit z against label y, computed
// stably: log(1+e^z) - y·z.
func bce(z float32, y float64) float64 {
	v := float64(z)
	sp := math.Max(v, 0) + math.Log1p(math.Exp(-math.Abs(v)))
	return sp - y*v
}

// initParams draws the starting weights: He-normal input and pointwise
// layers (the pointwise ones halved, since each residual block adds to its
// input), depthwise filters that start as "pass the current frame", and a
// low output bias, since almost every frame is not the end of a wake word.
func initParams(r *rand.Rand, m *nn.Model) {
	c := m.Config
	l := c.Layout()
	p := m.Params
	C := c.Channels
	for i := 0; i < C*l.InputWidth; i++ {
		p[l.W0+i] = float32(r.NormFloat64() * math.Sqrt(2/float64(l.InputWidth)))
	}
	for b := range c.Dilations {
		for ch := 0; ch < C; ch++ {
			for j := 0; j < c.Kernel; j++ {
				v := 0.1 * r.NormFloat64()
				if j == c.Kernel-1 {
					v += 1
				}
				p[l.DW[b]+ch*c.Kernel+j] = float32(v)
			}
		}
		for i := 0; i < C*C; i++ {
			p[l.PW[b]+i] = float32(0.5 * r.NormFloat64() * math.Sqrt(2/float64(C)))
		}
	}
	for i := 0; i < C; i++ {
		p[l.WO+i] = float32(0.1 * r.NormFloat64() / math.Sqrt(float64(C)))
	}
	p[l.BO] = -3 // σ(-3) ≈ 0.05
}

// initAux draws the starting weights of k auxiliary heads over c
// channels as initParams draws the wake word's output layer.
func initAux(r *rand.Rand, pa []float32, c, k int) {
	for i := 0; i < k*c; i++ {
		pa[i] = float32(0.1 * r.NormFloat64() / math.Sqrt(float64(c)))
	}
	for j := 0; j < k; j++ {
		pa[k*c+j] = -3
	}
}

// normStats sets m's Mean and InvStd from a sample of augmented examples.
func normStats(r *rand.Rand, m *nn.Model, g *gen, d *Data) {
	M := m.Config.Mels
	for i := range m.Mean {
		m.Mean[i], m.InvStd[i] = 0, 1
	}
	var sum, sq []float64 = make([]float64, M), make([]float64, M)
	n := 0
	for i := 0; i < 300; i++ {
		var ex example
		if i%2 == 0 && len(d.Pos) > 0 {
			ex = g.positive(r, d.Pos[r.IntN(len(d.Pos))], true)
		} else {
			c := d.Neg[r.IntN(len(d.Neg))]
			if i%10 == 1 { // one in ten is noise alone
				c = nil
			}
			ex = g.negative(r, c, -1)
		}
		for t := 0; t < ex.frames; t++ {
			for b := 0; b < M; b++ {
				v := float64(ex.x[t*M+b])
				sum[b] += v
				sq[b] += v * v
			}
			n++
		}
	}
	for b := 0; b < M; b++ {
		mu := sum[b] / float64(n)
		sd := math.Sqrt(max(sq[b]/float64(n)-mu*mu, 1e-4))
		m.Mean[b] = float32(mu)
		m.InvStd[b] = float32(1 / sd)
	}
}

// Train runs the optimisation and returns the model with the best
// validation figures. It stops early, returning ctx's error, on
// cancellation.
func Train(ctx context.Context, d *Data, o Options) (*Result, error) {
	o.defaults()
	if len(d.Pos) == 0 || len(d.Neg) == 0 {
		return nil, errors.New("train: need positive and negative training files")
	}
	if err := o.Config.Validate(); err != nil {
		return nil, fmt.Errorf("train: config: %w", err)
	}
	if o.ScoreFrames < 1 || o.ScoreFrames > nn.MaxScoreFrames {
		return nil, fmt.Errorf("train: score of %d frames is not in [1, %d]", o.ScoreFrames, nn.MaxScoreFrames)
	}
	if !(o.Dropout >= 0 && o.Dropout <= 0.9) {
		return nil, fmt.Errorf("train: dropout %g is not in [0, 0.9]", o.Dropout)
	}
	start := time.Now()
	r := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	m := nn.NewModel(o.Word, o.Config)
	m.ScoreFrames = o.ScoreFrames
	nb := newNoiseBank(r, d.Neg, o.NoiseClip)
	if o.Base != nil {
		m.Mean = slices.Clone(o.Base.Mean)
		m.InvStd = slices.Clone(o.Base.InvStd)
		m.Params = slices.Clone(o.Base.Params)
		m.LogFloor = o.Base.LogFloor
		if o.Word == "" {
			m.Word = o.Base.Word
		}
	} else {
		normStats(r, m, newGen(m, nb), d)
		initParams(r, m)
	}
	// Validation set: fixed augmentations of the held-out files, half of
	// the positives in noise, made once.
	val := make([]example, 0, 2*len(d.ValPos)+len(d.ValNeg))
	vg := newGen(m, nb)
	vr := rand.New(rand.NewPCG(o.Seed, 0xa1))
	for _, c := range d.ValPos {
		val = append(val, vg.positive(vr, c, false), vg.positive(vr, c, true))
	}
	for _, c := range d.ValNeg {
		val = append(val, vg.negative(vr, c, -1))
	}
	for i := 0; i < len(d.ValNeg)/10; i++ {
		val = append(val, vg.negative(vr, nil, -1))
	}

	var resp [][]float64
	if o.MicProb > 0 && len(d.MicFrom) > 0 {
		var err error
		if resp, err = measuredResponses(m.Config.FeatureConfig(), d.MicFrom, d.MicRef); err != nil {
			return nil, err
		}
	}

	np := len(m.Params)
	// The auxiliary heads' parameters follow the model's in one vector
	// that the optimiser updates as a whole; the model keeps its part.
	K := len(d.Aux)
	all := make([]float32, np+auxLen(m.Config, K))
	copy(all, m.Params)
	m.Params = all[:np:np]
	aux := all[np:]
	initAux(r, aux, m.Config.Channels, K)
	adamM := make([]float64, len(all))
	adamV := make([]float64, len(all))
	grads := make([][]float32, o.Workers)
	nets := make([]*seqNet, o.Workers)
	gens := make([]*gen, o.Workers)
	for w := range grads {
		grads[w] = make([]float32, len(all))
		nets[w] = newSeqNet(m.Config)
		gens[w] = newGen(m, nb)
		gens[w].micProb = o.MicProb // training examples only: validation stays as before
		gens[w].resp = resp
	}
	best := slices.Clone(m.Params)
	bestStats := ValStats{Loss: math.Inf(1)}
	var lossSum float64
	var lossN int
	res := &Result{TrainFiles: [2]int{len(d.Pos), len(d.Neg)}, ValFiles: [2]int{len(d.ValPos), len(d.ValNeg)}}
	const beta1, beta2, eps = 0.9, 0.999, 1e-8 // Adam's published defaults
	losses := make([]float64, o.Workers)
	var hard []hardNeg
	mineStart, mineEvery := o.Steps/8, max(o.Steps/16, 1)
	minedFeats := make([][]float32, len(d.Neg)) // filled by the first mining
	for step := 1; step <= o.Steps; step++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if step >= mineStart && step < o.Steps && (step-mineStart)%mineEvery == 0 {
			var top float64
			hard, top = mine(nets, gens, m, d.Neg, minedFeats)
			o.Log.Info("train: mined hard negatives", "step", step, "kept", len(hard), "top_score", top)
			if o.Progress != nil {
				fmt.Fprintf(o.Progress, "%sstep %d/%d mined the %d hardest negatives (top score %.4f)\n", redraw(o.PlainProgress), step, o.Steps, len(hard), top)
			}
		}
		var wg sync.WaitGroup
		for w := 0; w < o.Workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				// Each (step, worker) has its own stream, so results do
				// not depend on scheduling.
				wr := rand.New(rand.NewPCG(o.Seed^uint64(step)<<20, uint64(w)))
				clear(grads[w])
				losses[w] = 0
				var dz, dza []float32
				for i := w; i < o.Batch; i += o.Workers {
					var ex example
					switch {
					case wr.Float64() < o.PosShare:
						ex = gens[w].positive(wr, d.Pos[wr.IntN(len(d.Pos))], true)
					case K > 0 && wr.Float64() < o.AuxShare:
						k := wr.IntN(K)
						cs := d.Aux[k].Clips
						ex = gens[w].positive(wr, cs[wr.IntN(len(cs))], true)
						ex.pos, ex.aux = false, k+1
					case wr.Float64() < 0.1:
						ex = gens[w].negative(wr, nil, -1)
					case len(hard) > 0 && wr.Float64() < hardShare:
						h := hard[wr.IntN(len(hard))]
						ex = gens[w].negative(wr, d.Neg[h.clip], h.at)
					default:
						ex = gens[w].negative(wr, d.Neg[wr.IntN(len(d.Neg))], -1)
					}
					if o.Dropout > 0 {
						nets[w].setDrop(wr, o.Dropout)
					}
					z := nets[w].forward(m.Params, ex.x)
					if cap(dz) < len(z) {
						dz = make([]float32, len(z))
					}
					dz = dz[:len(z)]
					losses[w] += lossGrad(ex, z, dz)
					if K == 0 {
						nets[w].backward(m.Params, grads[w], dz)
						nets[w].noDrop()
						continue
					}
					za := nets[w].auxForward(aux, K)
					if cap(dza) < len(za) {
						dza = make([]float32, len(za))
					}
					dza = dza[:len(za)]
					T := len(z)
					for k := 0; k < K; k++ {
						dk := dza[k*T : (k+1)*T]
						losses[w] += o.AuxWeight * headLoss(ex, ex.aux == k+1, za[k*T:(k+1)*T], dk)
						for t := range dk {
							dk[t] *= float32(o.AuxWeight)
						}
					}
					nets[w].backwardAux(m.Params, grads[w][:np], dz, aux, grads[w][np:], dza)
					nets[w].noDrop()
				}
			}(w)
		}
		wg.Wait()
		for w := 1; w < o.Workers; w++ {
			for i, v := range grads[w] {
				grads[0][i] += v
			}
		}
		var bl float64
		for _, l := range losses {
			bl += l
		}
		lossSum += bl / float64(o.Batch)
		lossN++
		// Global-norm clipping at 5 keeps a batch of unlucky hard
		// negatives from throwing the weights far.
		var norm float64
		for _, v := range grads[0] {
			g := float64(v) / float64(o.Batch)
			norm += g * g
		}
		norm = math.Sqrt(norm)
		scale := 1 / float64(o.Batch)
		if norm > 5 {
			scale *= 5 / norm
		}
		// Cosine decay from LR to LR/30 after a linear warm-up over the
		// first tenth of the run (at most 100 steps), while Adam's moment
		// estimates settle.
		lr := o.LR * (1.0/30 + (1-1.0/30)*0.5*(1+math.Cos(math.Pi*float64(step)/float64(o.Steps))))
		if warm := min(100, o.Steps/10); step < warm {
			lr *= float64(step) / float64(warm)
		}
		c1 := 1 - math.Pow(beta1, float64(step))
		c2 := 1 - math.Pow(beta2, float64(step))
		for i, gv := range grads[0] {
			g := float64(gv) * scale
			adamM[i] = beta1*adamM[i] + (1-beta1)*g
			adamV[i] = beta2*adamV[i] + (1-beta2)*g*g
			all[i] -= float32(lr * (adamM[i] / c1) / (math.Sqrt(adamV[i]/c2) + eps))
		}
		// Before validation, which starts a new interval of the running loss.
		if o.Progress != nil && (!o.PlainProgress || step*20/o.Steps != (step-1)*20/o.Steps) {
			progress(o.Progress, step, o.Steps, lossSum/float64(max(lossN, 1)), time.Since(start), o.PlainProgress)
		}
		if step%o.ValEvery == 0 || step == o.Steps {
			vs := validate(nets, m, val)
			tl := lossSum / float64(lossN)
			if res.FirstLoss == 0 {
				res.FirstLoss = tl
			}
			res.LastLoss = tl
			lossSum, lossN = 0, 0
			// Held-out loss picks the model: it moves smoothly, where a miss
			// rate at a threshold set by the single worst negative jumps.
			better := vs.Loss < bestStats.Loss
			if better {
				bestStats = vs
				copy(best, m.Params)
			}
			o.Log.Info("train: validation", "step", step, "train_loss", tl, "val_loss", vs.Loss,
				"miss", vs.MissAt, "fp", vs.FPAt, "miss_strict", vs.MissStrict, "threshold", vs.Threshold, "miss_tail", vs.MissTail, "tail_threshold", vs.TailThreshold, "best", better)
			if o.Progress != nil {
				mark := ""
				if better {
					mark = " *"
				}
				fmt.Fprintf(o.Progress, "%sstep %d/%d train loss %.4f | %s%s\n", redraw(o.PlainProgress), step, o.Steps, tl, vs, mark)
			}
			if o.Snapshot != nil {
				if err := o.Snapshot(step, m, vs); err != nil {
					return nil, err
				}
			}
		}
	}
	if o.Progress != nil && !o.PlainProgress {
		fmt.Fprintln(o.Progress)
	}
	copy(m.Params, best)
	res.Calib = calibrate(nets, gens, m, val, d)
	res.Model = m
	res.Val = validate(nets, m, val)
	res.Steps = o.Steps
	res.Duration = time.Since(start)
	return res, nil
}

// redraw is the prefix that returns to the start of a terminal line and
// clears it; plain output has none.
func redraw(plain bool) string {
	if plain {
		return ""
	}
	return "\r\033[K"
}

// progress draws a one-line bar: percentage, step, running loss, ETA. Plain
// output ends the line; otherwise the next call draws over it.
func progress(w io.Writer, step, total int, loss float64, el time.Duration, plain bool) {
	const width = 30
	done := width * step / total
	bar := make([]byte, width)
	for i := range bar {
		switch {
		case i < done:
			bar[i] = '='
		case i == done:
			bar[i] = '>'
		default:
			bar[i] = ' '
		}
	}
	eta := time.Duration(float64(el) / float64(step) * float64(total-step)).Round(time.Second)
	end := ""
	if plain {
		end = "\n"
	}
	fmt.Fprintf(w, "%s[%s] %3d%% %d/%d loss %.4f eta %s%s", redraw(plain), bar, 100*step/total, step, total, loss, eta, end)
}

// clipScores runs the network over each validation example and returns
// the best score of each (what a detector would compare with its
// threshold: the frames' logits averaged as m.Smooth does) and the mean
// loss (of the frames' own logits, which training fits).
func clipScores(nets []*seqNet, m *nn.Model, val []example) (pos, neg []float64, loss float64) {
	// Each example's figures go to its own slot and are gathered in order
	// afterwards, so the result is the same to the bit for any number of
	// workers.
	best := make([]float32, len(val))
	losses := make([]float64, len(val))
	dzs := make([][]float32, len(nets))
	sms := make([][]float32, len(nets))
	forEach(len(val), len(nets), func(w, i int) {
		ex := val[i]
		z := nets[w].forward(m.Params, ex.x)
		if cap(dzs[w]) < len(z) {
			dzs[w] = make([]float32, len(z))
		}
		losses[i] = lossGrad(ex, z, dzs[w][:len(z)])
		sms[w] = m.Smooth(sms[w], z)
		b := float32(math.Inf(-1))
		for _, v := range sms[w] {
			b = max(b, v)
		}
		best[i] = b
	})
	for i, ex := range val {
		loss += losses[i]
		s := float64(nn.Sigmoid(best[i]))
		if ex.pos {
			pos = append(pos, s)
		} else {
			neg = append(neg, s)
		}
	}
	return pos, neg, loss / float64(max(len(val), 1))
}

// forEach calls f(w, i) for i in [0, n) on workers goroutines, worker w
// taking i = w, w+workers, ...: a fixed assignment, so that work which
// keeps per-worker state gives the same results however the goroutines
// are scheduled.
func forEach(n, workers int, f func(w, i int)) {
	var wg sync.WaitGroup
	for w := range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += max(workers, 1) {
				f(w, i)
			}
		}()
	}
	wg.Wait()
}

func validate(nets []*seqNet, m *nn.Model, val []example) ValStats {
	pos, neg, loss := clipScores(nets, m, val)
	vs := ValStats{Loss: loss}
	vs.MissAt = share(pos, func(s float64) bool { return s < 0.5 })
	vs.FPAt = share(neg, func(s float64) bool { return s >= 0.5 })
	vs.Threshold = strictThreshold(neg)
	vs.MissStrict = share(pos, func(s float64) bool { return s < vs.Threshold })
	vs.TailThreshold = tailThreshold(neg, 3)
	vs.MissTail = share(pos, func(s float64) bool { return s < vs.TailThreshold })
	return vs
}

// strictThreshold is just above the best score of 99 % of the held-out
// negatives (the last percent is typically a near-homophone of the word),
// but at least 0.5 and at most 0.9999.
func strictThreshold(neg []float64) float64 {
	if len(neg) == 0 {
		return 0.5
	}
	s := slices.Clone(neg)
	slices.Sort(s)
	q := s[min(len(s)-1, len(s)*99/100)]
	return min(max(0.5, q+1e-4), 0.9999)
}

// tailThreshold is just above the k-th highest of neg (0 if neg has
// fewer than k), in the scores' own float32 resolution.
func tailThreshold(neg []float64, k int) float64 {
	if len(neg) < k {
		return 0
	}
	s := slices.Clone(neg)
	slices.Sort(s)
	return float64(math.Nextafter32(float32(s[len(s)-k]), 2))
}

func share(xs []float64, f func(float64) bool) float64 {
	if len(xs) == 0 {
		return 0
	}
	n := 0
	for _, x := range xs {
		if f(x) {
			n++
		}
	}
	return float64(n) / float64(len(xs))
}

// calibrate sets the model's default threshold (thresholdForRate over the
// held-out negatives) and its timing figures: the median word length of
// the training positives and the median delay from the word's end to the
// first frame over the threshold on held-out positives.
func calibrate(nets []*seqNet, gens []*gen, m *nn.Model, val []example, d *Data) Calibration {
	// Each held-out negative clip is heard whole and clean, from a fresh
	// state, as a detector would hear it. Long recordings come as 4 s
	// pieces; an event cut by a piece boundary may count twice, which errs
	// strict.
	logits := make([][]float32, len(d.ValNeg))
	forEach(len(d.ValNeg), len(nets), func(w, i int) {
		z := nets[w].forward(m.Params, gens[w].features(d.ValNeg[i].x, plain))
		logits[i] = m.Smooth(nil, z)
	})
	var samples int
	for _, c := range d.ValNeg {
		samples += len(c.x)
	}
	perSecond := (SampleRate + m.Config.HopSamples - 1) / m.Config.HopSamples
	cal := thresholdForRate(logits, float64(samples)/SampleRate/3600, perSecond, falseAlarmTarget)
	m.Threshold = float32(cal.Threshold)
	var lens []int
	for _, c := range d.Pos {
		lens = append(lens, c.off-c.on)
	}
	slices.Sort(lens)
	if len(lens) > 0 {
		m.WordSamples = int32(lens[len(lens)/2])
	}
	hop := m.Config.HopSamples
	s0 := (m.Config.WindowSamples + hop - 1) / hop
	// The lag of each held-out positive, or none where no frame reaches
	// the threshold; gathered in order below.
	const none = math.MinInt
	lag := make([]int, len(val))
	forEach(len(val), len(nets), func(w, i int) {
		lag[i] = none
		ex := val[i]
		if !ex.pos {
			return
		}
		z := m.Smooth(nil, nets[w].forward(m.Params, ex.x))
		for t, v := range z {
			if nn.Sigmoid(v) >= m.Threshold {
				// The word ended about 0.3 s before hi (see positive).
				wordEnd := (ex.hi+s0)*hop - SampleRate*3/10
				lag[i] = (t+s0)*hop - wordEnd
				break
			}
		}
	})
	var lags []int
	for _, l := range lag {
		if l != none {
			lags = append(lags, l)
		}
	}
	slices.Sort(lags)
	if len(lags) > 0 {
		m.EndLagSamples = int32(max(lags[len(lags)/2], 0))
	}
	return cal
}

// falseAlarmTarget is the rate a model's default threshold aims at: the
// Alexa Built-in certification limit of 3 false alarms in 24 hours.
const falseAlarmTarget = 3.0 / 24

// maxThreshold caps the default threshold (logit 11.5): a tail fitted to
// under an hour of audio says little about rates far beyond it, and the
// bench's scorer has no stricter point to compare with.
const maxThreshold = 0.99999

// Calibration records how a default threshold was set from held-out
// negative audio.
type Calibration struct {
	Hours  float64 // held-out negative audio heard
	Events int     // false alarms in it at logit -2 (score 0.12)
	// Scale is the fitted tail's logits per factor e of the rate (0: the
	// threshold was counted, not extrapolated).
	Scale     float64
	Threshold float64 // the default threshold (a score in 0.5..maxThreshold)
	Rate      float64 // false alarms per hour at Threshold: fitted, or counted
}

// String reports the threshold and the figures it came from, for the
// trainer's last line.
func (c Calibration) String() string {
	how := "counted"
	if c.Scale != 0 {
		how = fmt.Sprintf("extrapolated: the rate falls by e every %.2f logits", c.Scale)
	}
	return fmt.Sprintf("threshold %.6f for %.3f false alarms/h (%d events in %.2f h of negative audio; %s)",
		c.Threshold, c.Rate, c.Events, c.Hours, how)
}

// tailEvents is how many of the highest events the tail fit uses, and
// minTail the fewest it fits at all.
const tailEvents, minTail = 30, 5

// thresholdForRate picks the threshold at which logits (one slice per
// held-out negative file, a frame each) would give target false alarms an
// hour, a false alarm being an event of eventPeaks.
//
// The held-out negatives are too short to count a rate of one in eight
// hours (an hour or less with the shipped recipes), so the threshold is
// extrapolated from the highest events, peaks over a threshold: above the
// lowest of them, u, the rate of false alarms falls exponentially with the
// logit (on the bench's 5 h of speech, by e every 2 logits), and the mean
// excess over u is the maximum-likelihood estimate of that scale. With
// hours enough to count the target, the count decides; with fewer than
// minTail events, the threshold is just above the highest. The result is
// never below a threshold the count already rules out, and lies in
// 0.5..maxThreshold.
func thresholdForRate(logits [][]float32, hours float64, refrac int, target float64) Calibration {
	cal := Calibration{Hours: hours, Threshold: 0.5}
	if hours <= 0 {
		return cal
	}
	peaks := eventPeaks(logits, -2, refrac)
	slices.Sort(peaks)
	slices.Reverse(peaks)
	cal.Events = len(peaks)
	const above = 1e-3 // logits: just above an event
	allowed := int(hours * target)
	z := 0.0
	if allowed < len(peaks) {
		z = peaks[allowed] + above
	}
	var rate func(z float64) float64
	if m := min(len(peaks), tailEvents); allowed == 0 && m >= minTail {
		u := peaks[m-1]
		var excess float64
		for _, p := range peaks[:m-1] {
			excess += p - u
		}
		cal.Scale = max(excess/float64(m-1), 0.1)
		rate = func(z float64) float64 { return float64(m) / hours * math.Exp(-(z-u)/cal.Scale) }
		z = max(z, u+cal.Scale*math.Log(float64(m)/(hours*target)))
	}
	zmax := math.Log(maxThreshold / (1 - maxThreshold))
	z = min(max(z, 0), zmax)
	cal.Threshold = 1 / (1 + math.Exp(-z))
	if rate != nil {
		cal.Rate = rate(z)
	} else {
		n := 0
		for _, p := range peaks {
			if p >= z {
				n++
			}
		}
		cal.Rate = float64(n) / hours
	}
	return cal
}

// eventPeaks returns the highest logit of each event in logits: an event
// starts at a frame at or above base and lasts until refrac frames pass
// without one (a detector's refractory period, so a word that crosses the
// threshold twice is one false alarm).
func eventPeaks(logits [][]float32, base float32, refrac int) []float64 {
	var peaks []float64
	for _, f := range logits {
		last := -refrac - 1
		for t, v := range f {
			if v < base {
				continue
			}
			if t-last > refrac {
				peaks = append(peaks, float64(v))
			} else {
				peaks[len(peaks)-1] = max(peaks[len(peaks)-1], float64(v))
			}
			last = t
		}
	}
	return peaks
}
