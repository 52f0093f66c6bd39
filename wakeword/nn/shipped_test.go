package nn

import (
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wakegate/wakegate/wakeword"
)

// TestShippedModels loads every model in models/ the way the agent does:
// each is a readable network for the word its file is named after, with a
// usable threshold, and stays silent on silence and on room noise.
func TestShippedModels(t *testing.T) {
	files, err := filepath.Glob("../../models/*.wgm")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("models/ holds %d .wgm files, want alexa and computer", len(files))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, f := range files {
		word := strings.TrimSuffix(filepath.Base(f), ".wgm")
		t.Run(word, func(t *testing.T) {
			d, err := wakeword.Load(f, wakeword.Options{})
			if err != nil {
				t.Fatal(err)
			}
			nd, ok := d.(*Detector)
			if !ok {
				t.Fatalf("%s is a %T, not a trained network", f, d)
			}
			if w := d.Words(); len(w) != 1 || w[0] != word {
				t.Fatalf("%s detects %v, want %q", f, w, word)
			}
			if th := nd.Threshold(); th <= 0 || th >= 1 {
				t.Fatalf("threshold %v outside (0, 1)", th)
			}
			hop := make([]int16, wakeword.HopSamples)
			for i := 0; i < 3*wakeword.SampleRate/len(hop); i++ {
				for j := range hop {
					if i >= wakeword.SampleRate/len(hop) { // after 1 s of silence, noise at about -50 dBFS
						hop[j] = int16(100 * r.NormFloat64())
					}
				}
				if det, ok := d.Push(hop); ok {
					t.Fatalf("detection on silence and noise: %+v", det)
				}
			}
		})
	}
}

// BenchmarkShippedDetectorPush times the shipped models per 10 ms hop of
// speech-like noise, front end included: what the device spends on them.
func BenchmarkShippedDetectorPush(b *testing.B) {
	files, err := filepath.Glob("../../models/*.wgm")
	if err != nil || len(files) == 0 {
		b.Fatalf("no shipped models: %v", err)
	}
	hops := noiseHops()
	for _, f := range files {
		b.Run(strings.TrimSuffix(filepath.Base(f), ".wgm"), func(b *testing.B) {
			m, err := LoadModel(f)
			if err != nil {
				b.Fatal(err)
			}
			d := NewDetector(m, wakeword.Options{})
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				d.Push(hops[i%len(hops)])
				i++
			}
		})
	}
}
