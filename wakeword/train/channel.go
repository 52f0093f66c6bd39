package train

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/wakegate/wakegate/dsp"
)

// Measured microphone responses (--mic-from, --mic-ref). The random
// responses of micResponse are shapes someone imagined; these are the
// spectral shapes real devices and talkers actually gave some other
// recordings. Each real recording's long-term spectral shape, less the
// mean shape of synthesized recordings of the same words, is one
// response: the channel and voice that set that recording apart from a
// synthesizer saying the same thing, which a synthesized wake word can
// then be heard through.
const (
	// profileLoud is the share of a clip's frames, the loudest, that its
	// profile averages: the voice, not the pauses between words, whose
	// shape is the room's noise.
	profileLoud = 0.3
	// maxResponse bounds a measured response in each band (natural-log
	// power, ±20 dB). A band of one short clip can sit far off when a
	// single harmonic falls in it; a real channel seldom moves one band by
	// more than this against its neighbours.
	maxResponse = 20 * math.Ln10 / 10
	// maxResponseClips bounds the recordings measured per side: a
	// response bank of a few thousand is as varied as it gets, and
	// measuring costs a front-end pass per file.
	maxResponseClips = 5000
)

// spectralProfile returns the mean, over the loudest profileLoud of x's
// frames, of each frame's log-mel energies less their mean over the bands:
// the clip's spectral shape, whatever its level. ok is false when x is
// shorter than one frame.
func spectralProfile(fe *dsp.Features, x []float32) (prof []float64, ok bool) {
	cfg := fe.Config()
	hop, M := cfg.HopSamples, cfg.NumMels
	pcm := toInt16(nil, x)
	fe.Reset()
	var frames [][]float64
	var level []float64
	for p := 0; p+hop <= len(pcm); p += hop {
		if !fe.Push(pcm[p : p+hop]) {
			continue
		}
		f := slices.Clone(fe.LogMel())
		var m float64
		for _, v := range f {
			m += v
		}
		m /= float64(M)
		for i := range f {
			f[i] -= m
		}
		frames = append(frames, f)
		level = append(level, m)
	}
	if len(frames) == 0 {
		return nil, false
	}
	idx := make([]int, len(frames))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(level[b], level[a]) })
	n := max(1, int(math.Ceil(profileLoud*float64(len(idx)))))
	prof = make([]float64, M)
	for _, i := range idx[:n] {
		for b, v := range frames[i] {
			prof[b] += v
		}
	}
	for b := range prof {
		prof[b] /= float64(n)
	}
	return prof, true
}

// measuredResponses returns one response per clip of real: its profile
// less the mean profile of ref, clamped to ±maxResponse per band. With no
// ref, the real profiles' own mean is taken: the responses then hold the
// spread between real devices and talkers, not their offset from a
// synthesizer.
func measuredResponses(cfg dsp.FeatureConfig, real, ref []*clip) ([][]float64, error) {
	fe, err := dsp.NewFeatures(cfg)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	profiles := func(cs []*clip) [][]float64 {
		var out [][]float64
		for _, c := range cs {
			if p, ok := spectralProfile(fe, c.x); ok {
				out = append(out, p)
			}
		}
		return out
	}
	rp := profiles(real)
	if len(rp) == 0 {
		return nil, fmt.Errorf("train: --mic-from: no clip long enough to measure")
	}
	base := rp
	if len(ref) > 0 {
		if base = profiles(ref); len(base) == 0 {
			return nil, fmt.Errorf("train: --mic-ref: no clip long enough to measure")
		}
	}
	mean := make([]float64, cfg.NumMels)
	for _, p := range base {
		for b, v := range p {
			mean[b] += v / float64(len(base))
		}
	}
	for _, p := range rp {
		for b := range p {
			p[b] = math.Max(-maxResponse, math.Min(maxResponse, p[b]-mean[b]))
		}
	}
	return rp, nil
}

// LoadResponseClips loads the recordings of --mic-from or --mic-ref:
// each PATH a folder or a glob pattern, as for --aux. Files the split
// (seed, valPct) holds out are left out, so a recording that also
// calibrates stays unseen. Damaged files are reported to log and skipped.
func LoadResponseClips(flag string, paths []string, seed uint64, valPct int, log io.Writer) ([]*clip, error) {
	out, err := loadTraining("--"+flag+" ", paths, seed, valPct, maxResponseClips, log)
	if err == nil && len(out) == 0 {
		err = fmt.Errorf("train: --%s: no usable files", flag)
	}
	return out, err
}
