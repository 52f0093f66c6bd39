package template

import (
	"fmt"
	"math"
	"time"

	"github.com/wakegate/wakegate/dsp"
	"github.com/wakegate/wakegate/wakeword"
)

// lookaheadFrames is how long a candidate must stay the best before it
// fires: DTW cost keeps falling while the live word is still ending (the
// final frames of "computer" improve the match), so firing at the first
// frame above threshold would cut the word short. 8 frames (80 ms) covers
// a word's release without delaying the device noticeably.
const lookaheadFrames = 8

// Duration limits of a match relative to its template: a live word spoken
// at half or twice the enrolled speed is still the word; beyond that the
// alignment is degenerate (a whole template folded onto a few frames).
const (
	minStretch = 0.5
	maxStretch = 2.0
)

// Detector is the live matcher of a Template. It implements
// wakeword.Detector.
type Detector struct {
	t          *Template
	fe         *frontend
	ms         []*matcher
	minScore   float64 // fire when score >= minScore
	refractory int64   // in frames

	// peak picking
	cand      wakeword.Detection
	candOK    bool
	candAge   int
	quietTill int64 // no detection before this frame index
	lastEnd   int64 // end sample of the last detection; later ones must start after it

	maxSeen float64 // best score since Reset, for evaluation
}

var _ wakeword.Detector = (*Detector)(nil)

// NewDetector builds the live matcher for t. opts.Sensitivity (0 = the
// template's default) maps to the score a match must reach: 1 −
// sensitivity, so 0.5 fires at the enrolled threshold distance and higher
// sensitivities fire on looser matches.
func (t *Template) NewDetector(opts wakeword.Options) (*Detector, error) {
	s := opts.Sensitivity
	if s == 0 {
		s = t.sensitivity
	}
	if !(s > 0 && s <= 1) {
		return nil, fmt.Errorf("template: sensitivity %v outside 0..1", s)
	}
	if opts.Refractory < 0 {
		return nil, fmt.Errorf("template: negative refractory period %v", opts.Refractory)
	}
	d := &Detector{
		t:          t,
		fe:         newFrontend(t.cmnFrames),
		minScore:   1 - s,
		refractory: int64(opts.RefractoryOrDefault() / (10 * time.Millisecond)), // one frame per 10 ms hop
	}
	for _, r := range t.refs {
		d.ms = append(d.ms, newMatcher(r))
	}
	d.Reset()
	return d, nil
}

// Words returns the template's word.
func (d *Detector) Words() []string { return []string{d.t.word} }

// Reset forgets all audio.
func (d *Detector) Reset() {
	d.fe.reset()
	for _, m := range d.ms {
		m.reset()
	}
	d.candOK = false
	d.candAge = 0
	d.quietTill = 0
	d.lastEnd = -1
	d.maxSeen = 0
}

// Score maps a length-normalised DTW cost onto 0..1: 1 for a perfect
// match, 0.5 at the template's threshold distance θ, falling towards 0 as
// θ²/(θ²+c²). Scaling by θ makes scores of different templates comparable.
func (t *Template) Score(cost float64) float64 {
	th := t.threshold
	return th * th / (th*th + cost*cost)
}

// Push consumes one hop of wakeword.HopSamples samples.
func (d *Detector) Push(hop []int16) (wakeword.Detection, bool) {
	if len(hop) != dsp.HopSamples {
		panic(fmt.Sprintf("template: Push got %d samples, want %d", len(hop), dsp.HopSamples))
	}
	if !d.fe.push(hop) {
		return wakeword.Detection{}, false
	}
	return d.pushFrame(&d.fe.out, d.fe.nOut-1)
}

// pushFrame matches normalised frame x, the n-th since Reset.
func (d *Detector) pushFrame(x *[numDims]float64, n int64) (wakeword.Detection, bool) {
	best, bestStart := math.Inf(1), int64(-1)
	for i, m := range d.ms {
		c, start := m.push(x, n)
		if start < 0 {
			continue
		}
		// Reject degenerate alignments: the live span must be a plausible
		// rendition of this template.
		span := float64(n - start + 1)
		ml := float64(len(d.t.refs[i]))
		if span < minStretch*ml || span > maxStretch*ml {
			continue
		}
		if c < best {
			best, bestStart = c, start
		}
	}
	return d.decide(best, bestStart, n)
}

// decide does peak picking: the best candidate above threshold fires once
// it has not been beaten for lookaheadFrames frames.
func (d *Detector) decide(cost float64, start, n int64) (wakeword.Detection, bool) {
	if n < d.quietTill {
		return wakeword.Detection{}, false
	}
	if start >= 0 {
		score := d.t.Score(cost)
		d.maxSeen = max(d.maxSeen, score)
		det := wakeword.Detection{Word: d.t.word, Score: score, StartSample: frameStart(start), EndSample: frameEnd(n)}
		if score >= d.minScore && det.StartSample > d.lastEnd && (!d.candOK || score > d.cand.Score) {
			d.cand, d.candOK, d.candAge = det, true, 0
			return wakeword.Detection{}, false
		}
	}
	if !d.candOK {
		return wakeword.Detection{}, false
	}
	d.candAge++
	if d.candAge < lookaheadFrames {
		return wakeword.Detection{}, false
	}
	det := d.cand
	d.candOK = false
	d.lastEnd = det.EndSample
	d.quietTill = n + d.refractory
	return det, true
}
