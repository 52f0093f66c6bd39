package nn

import (
	"fmt"
	"math"
	"slices"

	"github.com/wakegate/wakegate/dsp"
	"github.com/wakegate/wakegate/wakeword"
)

// Detector runs one Model on 10 ms hops and reports detections with the
// word's estimated start and end. It implements wakeword.Detector and does
// not allocate per hop.
//
// A model of more than CascadeNets networks runs as a cascade: its first
// CascadeNets networks step on every frame, the others only from a frame
// where the first ones' mean logit reaches GateLogit until no frame of
// the score's window (ScoreFrames) has reached it. When the gate opens,
// the others replay the last ReceptiveFrames+ScoreFrames-1 frames from a
// fresh state, which gives them exactly the outputs they would have had
// running all along, so the score is the whole ensemble's to the bit
// whenever a frame of its window opened the gate. On the other frames, a frame's logit is the first
// networks' mean capped at GateLogit, far below any threshold in use.
// Speech opens the gate now and then, silence and noise seldom, so a
// third network costs little CPU.
type Detector struct {
	m      *Model
	fe     *dsp.Features
	st     []*Stream // one per network of m (Model.Member)
	thr    float32
	refrac int64 // samples

	// The cascade (more than CascadeNets networks; see Detector).
	always   int       // networks run on every frame: min(Nets, CascadeNets)
	awake    bool      // the others are running
	closed   int       // frames since the first networks' mean was last at or above GateLogit
	raw      []float64 // the newest replay frames' log-mel values, ring, frame-major
	rawPos   int       // slot of the next frame in raw
	heard    int       // frames since Reset, saturating at the ring's length
	sumFirst []float64 // the first networks' logit sums of the frames in recent, same order
	sums     []float64 // scratch: the whole ensemble's sums over the window when it wakes

	buf   []int16 // samples towards the next feature hop
	nbuf  int
	frame []float32 // normalised log-mel frame (each network normalises its own)
	total int64     // samples pushed since Reset

	recent   []float32 // the newest frames' logits, oldest first (Model.ScoreFrames at most)
	score    float32
	newFrame bool
	quietTil int64 // no detection before this sample (refractory)

	// Energy history for the start estimate: one entry per frame.
	energy []float64
	endAt  []int64   // sample just after each frame's window
	epos   int       // next slot
	nframe int       // frames seen, saturating at len(energy)
	sorted []float64 // scratch for the floor percentile
}

var _ wakeword.Detector = (*Detector)(nil)

// historyFrames is how many frames of energy the start estimate can look
// back over: 2.5 s covers the slowest "computer" plus the detection delay.
const historyFrames = 125

// ThresholdFor maps a sensitivity in 0..1 to a score threshold around the
// model's own: 0 (unset) and 0.5 give t0, and each 0.1 above 0.5 lowers
// the threshold's log-odds by 0.8 (so 1.0 fires at 1/e^4 the odds of
// 0.5, and 0.0+ is that much stricter).
func ThresholdFor(t0 float32, sensitivity float64) float32 {
	if sensitivity == 0 {
		return t0
	}
	lo := math.Log(float64(t0)/(1-float64(t0))) - 8*(sensitivity-0.5)
	return float32(1 / (1 + math.Exp(-lo)))
}

// NewDetector builds a detector for m with opts (Sensitivity,
// Refractory). m must have passed UnmarshalModel or come from training.
func NewDetector(m *Model, opts wakeword.Options) *Detector {
	fe, err := dsp.NewFeatures(m.Config.FeatureConfig())
	if err != nil {
		// Config.Validate admits only front ends dsp accepts.
		panic("nn: NewDetector: " + err.Error())
	}
	d := &Detector{
		m:      m,
		fe:     fe,
		thr:    ThresholdFor(m.Threshold, opts.Sensitivity),
		refrac: int64(opts.RefractoryOrDefault().Seconds() * wakeword.SampleRate),
		recent: make([]float32, 0, max(m.ScoreFrames, 1)),
		buf:    make([]int16, m.Config.HopSamples),
		frame:  make([]float32, m.Config.Mels),
		energy: make([]float64, historyFrames),
		endAt:  make([]int64, historyFrames),
		sorted: make([]float64, 0, historyFrames),
	}
	for i := range m.Nets() {
		d.st = append(d.st, NewStream(m.Member(i)))
	}
	d.always = min(m.Nets(), CascadeNets)
	if m.Nets() > d.always {
		d.raw = make([]float64, replayFrames(m)*m.Config.Mels)
		d.sumFirst = make([]float64, 0, cap(d.recent))
		d.sums = make([]float64, cap(d.recent))
	}
	d.Reset()
	return d
}

// CascadeNets is how many networks of a model a Detector runs on every
// frame; the others wait for the gate (see Detector).
const CascadeNets = 2

// GateLogit is the mean logit of the first CascadeNets networks at which
// the others start: score 0.018, where the default thresholds of the
// shipped models are above 0.8 and the bench's loosest operating points
// above 0.3.
const GateLogit = -4

// replayFrames is how many frames a cascade replays when its gate opens:
// enough for the newest ScoreFrames outputs to depend on no state from
// before them.
func replayFrames(m *Model) int {
	return m.Config.ReceptiveFrames() + max(m.ScoreFrames, 1) - 1
}

// Model returns the detector's model.
func (d *Detector) Model() *Model { return d.m }

// Threshold returns the score threshold in use.
func (d *Detector) Threshold() float64 { return float64(d.thr) }

// Words returns the model's word.
func (d *Detector) Words() []string { return []string{d.m.Word} }

// Reset forgets all audio.
func (d *Detector) Reset() {
	d.fe.Reset()
	for _, st := range d.st {
		st.Reset()
	}
	d.nbuf, d.total = 0, 0
	d.score, d.newFrame = 0, false
	d.recent = d.recent[:0]
	d.quietTil = 0
	d.epos, d.nframe = 0, 0
	d.awake, d.closed = false, 0
	d.rawPos, d.heard = 0, 0
	d.sumFirst = d.sumFirst[:0]
}

// Score returns the score of the newest frame and whether the last Push
// completed a frame (one Push in two at a 20 ms feature hop).
func (d *Detector) Score() (float64, bool) { return float64(d.score), d.newFrame }

// SamplesPushed is the number of samples pushed since Reset.
func (d *Detector) SamplesPushed() int64 { return d.total }

// Push consumes one hop of wakeword.HopSamples samples.
func (d *Detector) Push(hop []int16) (wakeword.Detection, bool) {
	if len(hop) != wakeword.HopSamples {
		panic(fmt.Sprintf("nn: Push: hop of %d samples, want %d", len(hop), wakeword.HopSamples))
	}
	d.newFrame = false
	d.total += int64(len(hop))
	// Config.Validate makes the feature hop a multiple of 160 samples, so
	// whole hops fill it exactly.
	d.nbuf += copy(d.buf[d.nbuf:], hop)
	if d.nbuf < len(d.buf) {
		return wakeword.Detection{}, false
	}
	d.nbuf = 0
	if !d.fe.Push(d.buf) {
		return wakeword.Detection{}, false
	}
	if len(d.recent) == cap(d.recent) {
		d.recent = d.recent[:copy(d.recent, d.recent[1:])]
	}
	if d.raw == nil {
		d.recent = append(d.recent, d.step(d.fe.LogMel()))
	} else {
		d.recent = append(d.recent, 0)
		d.cascade(d.fe.LogMel())
	}
	d.score = Sigmoid(meanLogit(d.recent))
	d.newFrame = true
	end := d.total
	d.energy[d.epos] = d.fe.Energy()
	d.endAt[d.epos] = end
	d.epos = (d.epos + 1) % len(d.energy)
	d.nframe = min(d.nframe+1, len(d.energy))
	if d.score < d.thr || end < d.quietTil {
		return wakeword.Detection{}, false
	}
	d.quietTil = end + d.refrac
	wEnd := max(end-int64(d.m.EndLagSamples), 0)
	return wakeword.Detection{
		Word:        d.m.Word,
		Score:       float64(d.score),
		StartSample: d.estimateStart(wEnd),
		EndSample:   wEnd,
	}, true
}

// step runs every network on one frame of log-mel values and returns
// the mean of their logits (for one network, its logit exactly: a float32
// survives the round trip through float64).
func (d *Detector) step(logMel []float64) float32 {
	var sum float64
	for _, st := range d.st {
		st.m.Normalize(d.frame, logMel)
		sum += float64(st.Step(d.frame))
	}
	return float32(sum / float64(len(d.st)))
}

// cascade is step for a model of more than CascadeNets networks: it sets
// the newest entry of d.recent (already appended), and when the gate
// opens, the older entries too. Sums run over the networks in order, as
// in step, so an awake frame's logit is step's to the bit.
func (d *Detector) cascade(logMel []float64) {
	M := d.m.Config.Mels
	copy(d.raw[d.rawPos*M:(d.rawPos+1)*M], logMel)
	ring := len(d.raw) / M
	d.rawPos = (d.rawPos + 1) % ring
	d.heard = min(d.heard+1, ring)

	var sum float64
	for _, st := range d.st[:d.always] {
		st.m.Normalize(d.frame, logMel)
		sum += float64(st.Step(d.frame))
	}
	if len(d.sumFirst) == cap(d.sumFirst) {
		d.sumFirst = d.sumFirst[:copy(d.sumFirst, d.sumFirst[1:])]
	}
	d.sumFirst = append(d.sumFirst, sum)
	newest := len(d.recent) - 1
	first := float32(sum / float64(d.always)) // the first networks' mean logit
	if first >= GateLogit {
		d.closed = 0
	} else {
		d.closed++
	}
	switch {
	case d.awake && d.closed >= cap(d.recent):
		// No frame of the window opened the gate: the others rest.
		d.awake = false
	case !d.awake && d.closed == 0:
		d.wake()
		return
	}
	if !d.awake {
		d.recent[newest] = min(first, GateLogit)
		return
	}
	for _, st := range d.st[d.always:] {
		st.m.Normalize(d.frame, logMel)
		sum += float64(st.Step(d.frame))
	}
	d.recent[newest] = float32(sum / float64(len(d.st)))
}

// wake starts the networks after the first ones: each replays the
// frames in d.raw from a fresh state, and the frames of d.recent get the
// whole ensemble's logits.
func (d *Detector) wake() {
	d.awake = true
	M := d.m.Config.Mels
	ring := len(d.raw) / M
	n := len(d.recent) // the window's frames, the newest last
	sums := d.sums[:n]
	copy(sums, d.sumFirst[len(d.sumFirst)-n:])
	for _, st := range d.st[d.always:] {
		st.Reset()
		for i := range d.heard {
			j := (d.rawPos - d.heard + i + ring) % ring
			st.m.Normalize(d.frame, d.raw[j*M:(j+1)*M])
			z := st.Step(d.frame)
			if k := i - (d.heard - n); k >= 0 {
				sums[k] += float64(z)
			}
		}
	}
	for k, sum := range sums {
		d.recent[k] = float32(sum / float64(len(d.st)))
	}
}

// estimateStart walks the energy history back from the estimated end of
// the word to the last pause before it: a run of quiet frames, where quiet
// means within a quarter of the way (at least 6 dB) from the room's floor
// (10th percentile of the last 2.5 s) to the word's loudest frame. Without
// a pause within twice the typical word length (run-on speech, a word at
// the start of the stream) it falls back to end − WordSamples, or the
// oldest frame heard.
func (d *Detector) estimateStart(end int64) int64 {
	fallback := max(end-int64(d.m.WordSamples), 0)
	n := d.nframe
	if n < 4 {
		return fallback
	}
	at := func(i int) (float64, int64) { // i frames back from the newest
		j := (d.epos - 1 - i + 2*len(d.energy)) % len(d.energy)
		return d.energy[j], d.endAt[j]
	}
	win := int64(d.m.Config.WindowSamples)
	maxLen := 2 * int64(d.m.WordSamples)
	peak := math.Inf(-1)
	d.sorted = d.sorted[:0]
	for i := 0; i < n; i++ {
		e, fend := at(i)
		d.sorted = append(d.sorted, e)
		if fend <= end+win && end-fend <= maxLen {
			peak = max(peak, e)
		}
	}
	slices.Sort(d.sorted)
	floor := d.sorted[n/10]
	quiet := floor + max(6, (peak-floor)/4)
	// A pause lasts 6 frames (120 ms at the shipped hop): longer than the
	// stop closures inside a word such as the k of "alexa".
	const quietRun = 6
	run := 0
	var first int64 // end of the newest frame of the current quiet run
	oldest := fallback
	for i := 0; i < n; i++ {
		e, fend := at(i)
		if fend > end+win {
			continue // after the word's end
		}
		if end-fend > maxLen {
			return fallback
		}
		oldest = max(fend-win, 0)
		if e >= quiet {
			run = 0
			continue
		}
		if run == 0 {
			first = fend
		}
		run++
		if run >= quietRun {
			// The word starts about where the newest quiet frame's
			// window ends; half a window earlier keeps its onset.
			return max(min(first-win/2, end), 0)
		}
	}
	return min(oldest, fallback)
}
