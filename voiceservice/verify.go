package voiceservice

import (
	"fmt"

	"github.com/wakegate/wakegate/wakeword"
)

// verifyTolerance is how far (in samples, 200 ms) the service's own
// detection may lie from the device's claimed wake word and still confirm
// it: the two run on differently aligned hops.
const verifyTolerance = 3200

// verifyTail is how much audio after the claimed wake word the check uses
// (500 ms): detectors decide a few hops after the word ends.
const verifyTail = 8000

// wakeWordVerifier confirms a device's wake word by running a fresh
// detector over the streamed audio, as a service with a larger model would.
type wakeWordVerifier struct {
	paths []string
	opts  wakeword.Options
}

// WakeWordVerifier returns a Verifier that runs the wake-word files (the
// device's own, or stricter ones) over each wake-word stream's audio and
// accepts it only if the same word is found where the device said it was.
func WakeWordVerifier(paths []string, opts wakeword.Options) (Verifier, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("voiceservice: verifier needs at least one wake-word file")
	}
	if _, err := wakeword.LoadAll(paths, opts); err != nil {
		return nil, err
	}
	return &wakeWordVerifier{paths: paths, opts: opts}, nil
}

// Verify reports whether word is heard in audio between wakeStart and
// wakeEnd (sample indices within audio), and the best score there.
func (v *wakeWordVerifier) Verify(word string, audio []int16, wakeStart, wakeEnd int64) (bool, float64) {
	d, err := wakeword.LoadAll(v.paths, v.opts) // a fresh state for every stream
	if err != nil {
		return false, 0
	}
	end := min(int64(len(audio)), wakeEnd+verifyTail)
	best, ok := 0.0, false
	for p := int64(0); p+wakeword.HopSamples <= end; p += wakeword.HopSamples {
		det, hit := d.Push(audio[p : p+wakeword.HopSamples])
		if !hit || (word != "" && det.Word != word) {
			continue
		}
		if det.StartSample < wakeEnd+verifyTolerance && det.EndSample > wakeStart-verifyTolerance {
			ok = true
			best = max(best, det.Score)
		}
	}
	return ok, best
}
