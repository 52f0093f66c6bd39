package template

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wakegate/wakegate/dsp"
)

// Enrollment limits.
const (
	// MinExamples is the fewest recordings Enroll accepts: the threshold
	// comes from leave-one-out distances, which need at least two
	// references per held-out example to mean anything.
	MinExamples = 3
	// MaxExamples bounds the work of enrollment and of every live hop.
	MaxExamples = 10
	// MaxWordBytes bounds the word's name (it travels in every detection).
	MaxWordBytes = 64

	minWordMs = 250  // shorter than any real wake word: a click, a cough
	maxWordMs = 2000 // longer than any wake word: a sentence, or noise

	// DefaultMargin multiplies the largest leave-one-out distance to give
	// the threshold distance. The held-out distance of a new utterance to
	// the nearest of all N templates is usually below the worst distance
	// to N−1 of them, so a margin near 1 already accepts the owner's own
	// variation; the extra 10% absorbs a speaker's day-to-day drift.
	DefaultMargin = 1.1
	// DefaultSensitivity is the sensitivity stored in a new template:
	// fire at exactly the threshold distance.
	DefaultSensitivity = 0.5

	// defaultCMNFrames is the running-mean time constant: 100 frames (1 s)
	// follows a change of room or microphone within seconds yet moves
	// little within one word.
	defaultCMNFrames = 100
)

// Trimming: a frame is speech when its level is within trimRangeDB of the
// loudest frame and trimSNRDB above the noise floor (the 10th percentile
// of frame levels). 30 dB below the peak keeps the weak consonants at the
// edges of a word (the "k" of "computer") and drops room noise.
const (
	trimRangeDB     = 30
	trimSNRDB       = 6
	minSpeechDBFS   = -60 // a peak below this is silence, not a quiet speaker
	minContrastDB   = 10  // peak less than this above the floor: no clear word
	clipFraction    = 0.001
	contextFrames   = 10 // frames kept around a word for leave-one-out matching
	floorPercentile = 0.10
)

// EnrollOptions tune enrollment. The zero value gives the defaults.
type EnrollOptions struct {
	// Margin scales the largest leave-one-out distance into the threshold
	// distance; 0 means DefaultMargin.
	Margin float64
	// Sensitivity is the default stored in the template (0..1, 0 means
	// DefaultSensitivity); wakeword.Options.Sensitivity overrides it.
	Sensitivity float64
}

// Template is a personal wake word: a few normalised feature sequences of
// the owner saying it, and a threshold derived from how much those
// recordings differ from each other.
type Template struct {
	word        string
	threshold   float64 // length-normalised DTW distance that scores 0.5
	sensitivity float64
	cmnFrames   int
	refs        [][][numDims]float64
	heldOut     []float64 // leave-one-out distance of each example
}

// Word returns the wake word.
func (t *Template) Word() string { return t.word }

// Threshold returns the DTW distance that scores exactly 0.5.
func (t *Template) Threshold() float64 { return t.threshold }

// HeldOut returns, for each enrolled example, its distance to the nearest
// other example: an example far above the others was probably misspoken.
func (t *Template) HeldOut() []float64 { return slices.Clone(t.heldOut) }

// Frames returns the number of frames of each reference.
func (t *Template) Frames() []int {
	n := make([]int, len(t.refs))
	for i, r := range t.refs {
		n[i] = len(r)
	}
	return n
}

// checkWord validates a wake word's name.
func checkWord(word string) error {
	switch {
	case strings.TrimSpace(word) == "":
		return errors.New("template: empty word")
	case len(word) > MaxWordBytes:
		return fmt.Errorf("template: word of %d bytes (limit %d)", len(word), MaxWordBytes)
	case !utf8.ValidString(word):
		return fmt.Errorf("template: word %q is not UTF-8", word)
	case strings.IndexFunc(word, unicode.IsControl) >= 0:
		return fmt.Errorf("template: word %q contains control characters", word)
	}
	return nil
}

// example is one analysed enrollment recording.
type example struct {
	frames     [][numDims]float64 // all frames of the recording
	start, end int                // the word: frames start..end inclusive
}

func (e *example) word() [][numDims]float64 { return e.frames[e.start : e.end+1] }

// analyse runs the live front end over one recording and finds the word.
func analyse(samples []int16, cmnFrames int) (*example, error) {
	if len(samples) == 0 {
		return nil, errors.New("empty recording")
	}
	full := 0
	for _, s := range samples {
		if s >= math.MaxInt16 || s <= -math.MaxInt16 {
			full++
		}
	}
	if float64(full) > clipFraction*float64(len(samples)) {
		return nil, fmt.Errorf("clipped (%d samples at full scale): speak further from the microphone", full)
	}
	fe := newFrontend(cmnFrames)
	ex := &example{}
	var levels []float64
	hop := make([]int16, dsp.HopSamples)
	for off := 0; off < len(samples); off += dsp.HopSamples {
		// The last partial hop is padded with silence.
		clear(hop)
		copy(hop, samples[off:])
		if fe.push(hop) {
			ex.frames = append(ex.frames, fe.out)
			levels = append(levels, fe.level)
		}
	}
	if len(levels) == 0 {
		return nil, fmt.Errorf("too short (%d ms, at least %d ms)", len(samples)*1000/dsp.SampleRate, minWordMs)
	}
	sorted := slices.Sorted(slices.Values(levels))
	peak := sorted[len(sorted)-1]
	floor := sorted[int(floorPercentile*float64(len(sorted)-1))]
	if peak < minSpeechDBFS {
		return nil, fmt.Errorf("silent (peak %.0f dBFS)", peak)
	}
	if peak-floor < minContrastDB {
		return nil, fmt.Errorf("too noisy (speech %.0f dB above the background, need %d)", peak-floor, minContrastDB)
	}
	thr := max(peak-trimRangeDB, floor+trimSNRDB)
	ex.start, ex.end = -1, -1
	for i, l := range levels {
		if l >= thr {
			if ex.start < 0 {
				ex.start = i
			}
			ex.end = i
		}
	}
	ms := int((frameEnd(int64(ex.end)) - frameStart(int64(ex.start)) + 1) * 1000 / dsp.SampleRate)
	switch {
	case ms < minWordMs:
		return nil, fmt.Errorf("too short (%d ms of speech, at least %d ms)", ms, minWordMs)
	case ms > maxWordMs:
		return nil, fmt.Errorf("too long (%d ms of speech, at most %d ms): say only the wake word", ms, maxWordMs)
	}
	return ex, nil
}

// bestCost is the lowest length-normalised cost of ref anywhere in frames,
// with the detector's own matcher and duration limits.
func bestCost(ref, frames [][numDims]float64) float64 {
	m := newMatcher(ref)
	best := math.Inf(1)
	for n := range frames {
		c, start := m.push(&frames[n], int64(n))
		span := float64(int64(n) - start + 1)
		if start >= 0 && span >= minStretch*float64(len(ref)) && span <= maxStretch*float64(len(ref)) {
			best = min(best, c)
		}
	}
	return best
}

// Enroll builds a personal template for word from examples: at least
// MinExamples recordings of the owner saying the word alone, 16 kHz mono.
// It trims silence, rejects unusable recordings with a message naming the
// example, and sets the threshold from the examples themselves: each
// example is matched against the others exactly as the live detector
// would, and the threshold distance is the worst of these leave-one-out
// distances times the margin.
func Enroll(word string, examples [][]int16, opts EnrollOptions) (*Template, error) {
	if err := checkWord(word); err != nil {
		return nil, err
	}
	if len(examples) < MinExamples {
		return nil, fmt.Errorf("template: %d examples of %q, need at least %d", len(examples), word, MinExamples)
	}
	if len(examples) > MaxExamples {
		return nil, fmt.Errorf("template: %d examples of %q, at most %d", len(examples), word, MaxExamples)
	}
	margin := opts.Margin
	if margin == 0 {
		margin = DefaultMargin
	}
	if !(margin >= 1 && margin <= 10) {
		return nil, fmt.Errorf("template: margin %v outside 1..10", opts.Margin)
	}
	sens := opts.Sensitivity
	if sens == 0 {
		sens = DefaultSensitivity
	}
	if !(sens > 0 && sens <= 1) {
		return nil, fmt.Errorf("template: sensitivity %v outside 0..1", opts.Sensitivity)
	}
	exs := make([]*example, len(examples))
	for i, s := range examples {
		ex, err := analyse(s, defaultCMNFrames)
		if err != nil {
			return nil, fmt.Errorf("template: example %d of %d: %w", i+1, len(examples), err)
		}
		exs[i] = ex
	}
	t := &Template{word: word, sensitivity: sens, cmnFrames: defaultCMNFrames}
	for _, ex := range exs {
		t.refs = append(t.refs, slices.Clone(ex.word()))
	}
	worst := 0.0
	for i, ex := range exs {
		lo, hi := max(ex.start-contextFrames, 0), min(ex.end+contextFrames+1, len(ex.frames))
		held := math.Inf(1)
		for j, ref := range t.refs {
			if j == i {
				continue
			}
			c := bestCost(ref, ex.frames[lo:hi])
			if c == 0 {
				return nil, fmt.Errorf("template: examples %d and %d are the same recording: record the word %d separate times", min(i, j)+1, max(i, j)+1, MinExamples)
			}
			held = min(held, c)
		}
		if math.IsInf(held, 1) {
			return nil, fmt.Errorf("template: example %d of %d does not align with the others (very different length?)", i+1, len(exs))
		}
		t.heldOut = append(t.heldOut, held)
		worst = max(worst, held)
	}
	t.threshold = worst * margin
	return t, nil
}
