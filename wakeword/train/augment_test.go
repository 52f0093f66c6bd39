package train

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/wakegate/wakegate/wakeword/nn"
)

// TestMicResponseRange: over many draws the responses are as bright as
// they are dull, every band is both raised and cut, and nothing leaves
// the limits the constants promise.
func TestMicResponseRange(t *testing.T) {
	const mels, draws = 40, 2000
	r := rand.New(rand.NewPCG(3, 4))
	toDB := 10 / math.Ln10
	limit := float64(micTiltDB/2 + micBumpsMax*micBumpDB + 2*micEdgeMaxDB)
	lo, hi := make([]float64, mels), make([]float64, mels)
	var bright, dull int
	for range draws {
		db := micResponse(r, mels)
		if len(db) != mels {
			t.Fatalf("%d bands, want %d", len(db), mels)
		}
		for b, v := range db {
			v *= toDB
			if math.IsNaN(v) || math.Abs(v) > limit {
				t.Fatalf("band %d: %.1f dB, limit ±%.0f", b, v, limit)
			}
			lo[b], hi[b] = min(lo[b], v), max(hi[b], v)
		}
		if d := (db[mels-1] - db[0]) * toDB; d > 3 {
			bright++
		} else if d < -3 {
			dull++
		}
	}
	for b := range lo {
		if lo[b] > -6 || hi[b] < 6 {
			t.Errorf("band %d only spans %.1f..%.1f dB", b, lo[b], hi[b])
		}
	}
	if bright < draws/4 || dull < draws/4 {
		t.Errorf("%d bright and %d dull responses of %d: the tilt is one-sided", bright, dull, draws)
	}
}

// TestMicResponseInFeatures: a response adds its gain to each band's
// log-mel energy before normalisation, so the normalised features move by
// gain × InvStd, and the mel warp still applies first.
func TestMicResponseInFeatures(t *testing.T) {
	m := nn.NewModel("x", smallConfig())
	for i := range m.InvStd {
		m.InvStd[i] = 0.5 + float32(i)/40
	}
	r := rand.New(rand.NewPCG(5, 6))
	g := newGen(m, newNoiseBank(r, nil, nil))
	x := make([]float32, SampleRate)
	for i := range x {
		x[i] = float32(0.1 * r.NormFloat64()) // loud white noise: no band near the floor
	}
	M := m.Config.Mels
	for _, warp := range []float64{1, 1.07} {
		mic := micResponse(r, M)
		base := g.features(x, spec{warp: warp})
		got := g.features(x, spec{warp: warp, mic: mic})
		if len(got) != len(base) || len(base) < M {
			t.Fatalf("warp %g: %d and %d features", warp, len(got), len(base))
		}
		for i := range got {
			b := i % M
			want := base[i] + float32(mic[b])*m.InvStd[b]
			if math.Abs(float64(got[i]-want)) > 1e-4 {
				t.Fatalf("warp %g, frame %d band %d: %.5f, want %.5f", warp, i/M, b, got[i], want)
			}
		}
	}
}

// TestNoiseBankKeepsRecordings: the bank scales copies of the --noise
// recordings. It once scaled the caller's own slices, which every network
// of a `--nets` run shares: the second network found them at unit RMS and
// scaled them again, and for some recordings that moves samples by an ulp
// (one music file of the 21 in neg/music), enough to train a network that
// is not its seed's.
func TestNoiseBankKeepsRecordings(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	var files, orig [][]float32
	for k := range 12 {
		f := make([]float32, SampleRate)
		for i := range f {
			f[i] = float32(0.05+0.1*float64(k)) * float32(r.NormFloat64())
		}
		files = append(files, f)
		orig = append(orig, slices.Clone(f))
	}
	a := newNoiseBank(rand.New(rand.NewPCG(1, 1)), nil, files)
	for k := range files {
		if !slices.Equal(files[k], orig[k]) {
			t.Fatalf("recording %d was changed", k)
		}
	}
	b := newNoiseBank(rand.New(rand.NewPCG(1, 1)), nil, files)
	for i := range a.sigs {
		if !slices.Equal(a.sigs[i], b.sigs[i]) {
			t.Fatalf("signal %d differs between two banks of the same recordings", i)
		}
	}
	if last := a.sigs[len(a.sigs)-1]; math.Abs(rms(last)-1) > 1e-6 {
		t.Errorf("a recording's signal has RMS %v, want 1", rms(last))
	}
}
