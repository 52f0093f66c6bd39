package wakeword

import "time"

// SampleRate is the audio rate every detector consumes, in Hz.
const SampleRate = 16000

// HopSamples is the number of samples in one hop: 10 ms at 16 kHz, the
// rhythm of the whole always-on path.
const HopSamples = SampleRate / 100

// DefaultRefractory is how long a detector stays quiet after a detection
// when [Options.Refractory] is zero: one second covers the rest of the
// word and its echo without hiding a deliberate second "computer".
const DefaultRefractory = time.Second

// Detection is one wake-word hit. Sample indices count 16 kHz samples
// pushed since the last Reset (the caller maps them onto its own timeline);
// the word spans [StartSample, EndSample].
type Detection struct {
	Word        string  // the wake word, as enrolled or trained
	Score       float64 // confidence in 0..1, higher is surer; comparable within one kind only
	StartSample int64   // first sample of the word
	EndSample   int64   // last sample of the word
}

// Detector consumes audio in hops of [HopSamples] samples and reports
// detections. Implementations: wakeword/template (personal) and
// wakeword/nn (trained).
//
// A Detector is not safe for concurrent use; the capture loop owns it.
type Detector interface {
	// Push consumes one hop of exactly HopSamples samples and reports a
	// detection that became certain with this hop. A detection may refer
	// to samples a few hops back (detectors look ahead to find the best
	// end). Push does not allocate in steady state; a hop of the wrong
	// length is a programmer error and panics.
	Push(hop []int16) (Detection, bool)
	// Reset forgets all state (mute, a new file) and restarts the sample
	// count at zero.
	Reset()
	// Words lists the words this detector can report.
	Words() []string
}

// Options tune a loaded detector without changing its file.
type Options struct {
	// Sensitivity in 0..1 trades misses for false alarms: higher fires
	// more easily. 0 means the file's own default.
	Sensitivity float64
	// Refractory is the quiet time after a detection; 0 means
	// DefaultRefractory.
	Refractory time.Duration
}

// RefractoryOrDefault returns o.Refractory, or DefaultRefractory if it is
// zero.
func (o Options) RefractoryOrDefault() time.Duration {
	if o.Refractory <= 0 {
		return DefaultRefractory
	}
	return o.Refractory
}
