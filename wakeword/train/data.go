package train

import (
	"fmt"
	"hash/fnv"
	"io/fs"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/wakegate/wakegate/audio"
)

// clip is one loaded recording.
type clip struct {
	name    string
	x       []float32 // 16 kHz, ±1
	on, off int       // the word (positives) or the speech (negatives), in samples
}

// SampleRate is the rate training works at (the detector's).
const SampleRate = 16000

// maxClipSamples cuts long negative recordings into pieces of at most
// 4 s, so that every piece can be drawn as a training window and no single
// file dominates memory or a batch.
const maxClipSamples = 4 * SampleRate

// listAudio returns the .wav and .flac files under dir, sorted (so that
// runs are reproducible whatever order the file system lists them in).
func listAudio(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		ext := strings.ToLower(filepath.Ext(p))
		if !d.IsDir() && (ext == ".wav" || ext == ".flac") {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	slices.Sort(out)
	return out, nil
}

// loadClip reads a WAV or FLAC file, converts it to 16 kHz mono and finds
// its active part. Damaged files (FLAC frames failing their CRC, truncated
// WAVs) are errors wrapping audio.ErrCorrupt or naming the problem.
func loadClip(path string) (*clip, error) {
	x, err := audio.Load(path, SampleRate)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if len(x) < SampleRate/10 {
		return nil, fmt.Errorf("train: %s: shorter than 0.1 s", path)
	}
	on, off, ok := activeSpan(x)
	if !ok {
		return nil, fmt.Errorf("train: %s: no speech found (silent file)", path)
	}
	return &clip{name: path, x: x, on: on, off: off}, nil
}

// activeSpan finds the word in a positive recording (or the speech in a
// negative one) from 10 ms frame energies. The floor is the 10th
// percentile of the frames that are not digital silence (below -100 dBFS:
// padding, synthesized pauses), so it is the room noise of a recording.
// The span grows from the loudest frame while frames stay above a quarter
// of the way from floor to peak (at least 6 dB up), bridging dips of up to
// 300 ms: the closure of the k in "alexa", the comma of "Alexa, play
// music"; noise bursts farther away stay out.
func activeSpan(x []float32) (on, off int, ok bool) {
	const fr = SampleRate / 100
	n := len(x) / fr
	if n < 3 {
		return 0, 0, false
	}
	e := make([]float64, n)
	var live []float64
	for i := range e {
		r := rms(x[i*fr : (i+1)*fr])
		e[i] = 20 * math.Log10(r+1e-9)
		if e[i] > -100 {
			live = append(live, e[i])
		}
	}
	if len(live) < 3 {
		return 0, 0, false
	}
	slices.Sort(live)
	floor, peak := live[len(live)/10], live[len(live)-1]
	if peak < -80 { // dither only
		return 0, 0, false
	}
	thr := floor + max(6, (peak-floor)/4)
	top := slices.Index(e, peak)
	const maxGap = 30 // frames of 10 ms
	first, last := top, top
	for i, gap := top-1, 0; i >= 0 && gap <= maxGap; i-- {
		if e[i] > thr {
			first, gap = i, 0
		} else {
			gap++
		}
	}
	for i, gap := top+1, 0; i < n && gap <= maxGap; i++ {
		if e[i] > thr {
			last, gap = i, 0
		} else {
			gap++
		}
	}
	on = max(first-1, 0) * fr
	off = min((last+2)*fr, len(x))
	return on, off, true
}

// splitLong cuts a long clip into pieces of at most maxClipSamples, each
// with its own active span.
func splitLong(c *clip) []*clip {
	if len(c.x) <= maxClipSamples {
		return []*clip{c}
	}
	var out []*clip
	for i, p := 0, 0; p < len(c.x); i, p = i+1, p+maxClipSamples {
		x := c.x[p:min(p+maxClipSamples, len(c.x))]
		if len(x) < SampleRate/2 {
			break
		}
		on, off, ok := activeSpan(x)
		if !ok {
			on, off = 0, len(x)
		}
		out = append(out, &clip{name: c.name + "#" + strconv.Itoa(i), x: x, on: on, off: off})
	}
	return out
}

// isValidation decides the split by a hash of the file's group: recordings
// come in sessions of consecutive numbers (four per speaker in the
// wake-word benchmark), so the group is the name with its trailing number
// divided by 4, which keeps a speaker's takes on one side of the split.
func isValidation(path string, seed uint64, percent int) bool {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	i := len(base)
	for i > 0 && base[i-1] >= '0' && base[i-1] <= '9' {
		i--
	}
	// The folder's own name, not its full path, so that the split does
	// not depend on where the corpus lives.
	dir := filepath.Base(filepath.Dir(path))
	key := dir + "/" + base
	if i < len(base) && len(base)-i <= 9 {
		n, _ := strconv.Atoi(base[i:])
		key = dir + "/" + base[:i] + strconv.Itoa(n/4)
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s", seed, key)
	return int(h.Sum64()%100) < percent
}
