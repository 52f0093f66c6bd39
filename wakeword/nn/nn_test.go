package nn

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/wakegate/wakegate/dsp"
	"github.com/wakegate/wakegate/wakeword"
)

// randomModel returns a model with small random weights, enough to
// exercise every code path (training is tested in wakeword/train).
func randomModel(t testing.TB) *Model {
	m := NewModel("alexa", DefaultConfig())
	r := rand.New(rand.NewPCG(1, 2))
	for i := range m.Params {
		m.Params[i] = float32(r.NormFloat64() * 0.1)
	}
	for i := range m.Mean {
		m.Mean[i] = -10
		m.InvStd[i] = 0.3
	}
	m.Threshold = 0.7
	return m
}

func encode(t *testing.T, m *Model) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := m.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRoundTrip(t *testing.T) {
	m := randomModel(t)
	got, err := ReadModel(bytes.NewReader(encode(t, m)))
	if err != nil {
		t.Fatal(err)
	}
	if got.Word != m.Word || got.Threshold != m.Threshold || got.Config.Channels != m.Config.Channels ||
		len(got.Config.Dilations) != len(m.Config.Dilations) {
		t.Fatalf("header differs: %+v vs %+v", got.Config, m.Config)
	}
	for i := range m.Params {
		if got.Params[i] != m.Params[i] {
			t.Fatalf("param %d: %v != %v", i, got.Params[i], m.Params[i])
		}
	}
}

func TestBadFiles(t *testing.T) {
	good := encode(t, randomModel(t))
	_, _, payload, err := wakeword.ReadContainer(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x40
	var tmpl bytes.Buffer
	if err := wakeword.WriteContainer(&tmpl, "TMPL", 1, []byte("x")); err != nil {
		t.Fatal(err)
	}
	var v2 bytes.Buffer
	if err := wakeword.WriteContainer(&v2, Kind, Version+1, payload); err != nil {
		t.Fatal(err)
	}
	var short bytes.Buffer // valid container, payload cut inside the weights
	if err := wakeword.WriteContainer(&short, Kind, Version, payload[:len(payload)-9]); err != nil {
		t.Fatal(err)
	}
	var long bytes.Buffer
	if err := wakeword.WriteContainer(&long, Kind, Version, append(bytes.Clone(payload), 0)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, wakeword.ErrNotWakeword},
		{"foreign", []byte("RIFF....WAVEfmt "), wakeword.ErrNotWakeword},
		{"truncated", good[:len(good)-100], wakeword.ErrTruncated},
		{"corrupted", flipped, wakeword.ErrChecksum},
		{"other kind", tmpl.Bytes(), wakeword.ErrUnknownKind},
		{"newer version", v2.Bytes(), wakeword.ErrUnsupportedVersion},
		{"short payload", short.Bytes(), ErrBadModel},
		{"trailing payload", long.Bytes(), ErrBadModel},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadModel(bytes.NewReader(tc.data))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestLoadRegistered(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alexa.wgm")
	if err := randomModel(t).Save(path); err != nil {
		t.Fatal(err)
	}
	d, err := wakeword.Load(path, wakeword.Options{Sensitivity: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if w := d.Words(); len(w) != 1 || w[0] != "alexa" {
		t.Fatalf("words %v", w)
	}
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := wakeword.Load(path, wakeword.Options{}); !errors.Is(err, wakeword.ErrTruncated) {
		t.Fatalf("truncated file: %v", err)
	}
}

func FuzzUnmarshal(f *testing.F) {
	m := NewModel("x", Config{HopSamples: 320, WindowSamples: 400, Mels: 4, InKernel: 2, Channels: 3, Kernel: 2, Dilations: []int{1, 2}})
	p, err := m.MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(p)
	f.Add(p[:20])
	ens, err := Combine(m, m, m)
	if err != nil {
		f.Fatal(err)
	}
	if p, err = ens.MarshalBinary(); err != nil {
		f.Fatal(err)
	}
	f.Add(p)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := UnmarshalModel(b)
		if err != nil {
			return
		}
		again, err := m.MarshalBinary()
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("decoded model does not re-encode to its bytes: %v", err)
		}
	})
}

func TestThresholdFor(t *testing.T) {
	tests := []struct {
		s    float64
		less bool // threshold below t0
	}{{0.5, false}, {0.9, true}, {0.1, false}}
	for _, tc := range tests {
		got := ThresholdFor(0.8, tc.s)
		if (got < 0.8-1e-6) != tc.less {
			t.Errorf("sensitivity %v: threshold %v", tc.s, got)
		}
	}
	if ThresholdFor(0.8, 0) != 0.8 {
		t.Error("sensitivity 0 must keep the model's threshold")
	}
}

func TestDetectorStartEnd(t *testing.T) {
	m := randomModel(t)
	// A bias that forces the score to one makes the detector fire as soon
	// as it has frames; the refractory period then keeps it quiet.
	m.Params[m.Config.Layout().BO] = 50
	d := NewDetector(m, wakeword.Options{Refractory: 500e6})
	hop := make([]int16, wakeword.HopSamples)
	var dets []wakeword.Detection
	for i := 0; i < 200; i++ { // 2 s
		if det, ok := d.Push(hop); ok {
			dets = append(dets, det)
		}
	}
	if len(dets) != 4 {
		t.Fatalf("%d detections in 2 s with a 0.5 s refractory period, want 4", len(dets))
	}
	for _, det := range dets {
		if det.StartSample > det.EndSample || det.StartSample < 0 {
			t.Errorf("start %d end %d", det.StartSample, det.EndSample)
		}
	}
}

// noiseHops returns 100 hops (1 s) of seeded noise at about -30 dBFS, the
// benchmarks' stand-in for speech.
func noiseHops() [][]int16 {
	r := rand.New(rand.NewPCG(1, 2))
	hops := make([][]int16, 100)
	for i := range hops {
		hops[i] = make([]int16, wakeword.HopSamples)
		for j := range hops[i] {
			hops[i][j] = int16(r.NormFloat64() * 1000)
		}
	}
	return hops
}

func BenchmarkDetectorPush(b *testing.B) {
	benchPush(b, NewDetector(randomModel(b), wakeword.Options{}))
}

// benchPush times d.Push over noiseHops, round and round.
func benchPush(b *testing.B, d *Detector) {
	hops := noiseHops()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		d.Push(hops[i%len(hops)])
		i++
	}
}

// BenchmarkCascadePush is DetectorPush for a model of three networks on
// noise that keeps its gate shut: what a third network costs while no
// frame comes near the word (compare DetectorPush, one network).
func BenchmarkCascadePush(b *testing.B) {
	x, y, z := randomModel(b), otherModel(b), otherModel(b)
	lay := x.Config.Layout()
	x.Params[lay.BO] -= 100 // the first two far below the gate
	y.Params[lay.BO] -= 100
	m, err := Combine(x, y, z)
	if err != nil {
		b.Fatal(err)
	}
	benchPush(b, NewDetector(m, wakeword.Options{}))
}

func BenchmarkStreamStep(b *testing.B) {
	m := randomModel(b)
	s := NewStream(m)
	frame := make([]float32, m.Config.Mels)
	b.ReportAllocs()
	for b.Loop() {
		s.Step(frame)
	}
}

// BenchmarkFeatures times the front end alone at the model's 20 ms hop
// (one op = one feature frame = two 10 ms hops).
func BenchmarkFeatures(b *testing.B) {
	fe, err := dsp.NewFeatures(DefaultConfig().FeatureConfig())
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	hop := make([]int16, DefaultConfig().HopSamples)
	for j := range hop {
		hop[j] = int16(r.NormFloat64() * 1000)
	}
	b.ReportAllocs()
	for b.Loop() {
		fe.Push(hop)
	}
}

func TestSmooth(t *testing.T) {
	z := []float32{1, 3, 5, -4, 8}
	tests := []struct {
		k    int
		want []float32
	}{
		{1, []float32{1, 3, 5, -4, 8}},
		{2, []float32{1, 2, 4, 0.5, 2}},
		{3, []float32{1, 2, 3, 4.0 / 3, 3}},
		{16, []float32{1, 2, 3, 1.25, 2.6}},
	}
	for _, tc := range tests {
		m := &Model{ScoreFrames: tc.k}
		got := m.Smooth(nil, z)
		if len(got) != len(tc.want) {
			t.Fatalf("k=%d: %v", tc.k, got)
		}
		for i := range got {
			if math.Abs(float64(got[i]-tc.want[i])) > 1e-6 {
				t.Errorf("k=%d: %v, want %v", tc.k, got, tc.want)
				break
			}
		}
	}
}

// TestDetectorScoreIsSmoothed checks the Detector's score against Smooth
// over the Stream's own logits, frame by frame, across a Reset.
func TestDetectorScoreIsSmoothed(t *testing.T) {
	m := randomModel(t)
	m.ScoreFrames = 3
	d := NewDetector(m, wakeword.Options{})
	for range 2 {
		d.Reset()
		checkScores(t, d, m, m)
	}
}

// checkScores pushes noiseHops through d and, beside it, through a fresh
// Stream of each of nets fed the same features, and checks that d's
// scores are the sigmoid of m.Smooth over the networks' mean logits, to
// the bit.
func checkScores(t *testing.T, d *Detector, m *Model, nets ...*Model) {
	t.Helper()
	fe, err := dsp.NewFeatures(m.Config.FeatureConfig())
	if err != nil {
		t.Fatal(err)
	}
	var st []*Stream
	for _, n := range nets {
		st = append(st, NewStream(n))
	}
	frame := make([]float32, m.Config.Mels)
	var z, scores []float32
	var buf []int16
	for _, hop := range noiseHops() {
		d.Push(hop)
		if s, fresh := d.Score(); fresh {
			scores = append(scores, float32(s))
		}
		buf = append(buf, hop...)
		if len(buf) == m.Config.HopSamples {
			if fe.Push(buf) {
				var sum float64
				for i, n := range nets {
					n.Normalize(frame, fe.LogMel())
					sum += float64(st[i].Step(frame))
				}
				z = append(z, float32(sum/float64(len(nets))))
			}
			buf = buf[:0]
		}
	}
	want := m.Smooth(nil, z)
	if len(scores) != len(want) || len(want) < 10 {
		t.Fatalf("%d scores, %d frames", len(scores), len(want))
	}
	for i := range want {
		if scores[i] != Sigmoid(want[i]) {
			t.Fatalf("frame %d: score %v, want sigmoid(%v) = %v", i, scores[i], want[i], Sigmoid(want[i]))
		}
	}
}

// TestOldVersions reads payloads written before ScoreFrames (v1) and
// Ensemble (v2) existed: a v1 model scores single frames, both are single
// networks. An old payload is not a current one, and ScoreFrames outside
// 1..MaxScoreFrames is refused.
func TestOldVersions(t *testing.T) {
	m := randomModel(t)
	v3, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	// v2 is v3 without the trailing count of further networks (0 here).
	v2 := v3[:len(v3)-2]
	// v1 is v2 without the two bytes of ScoreFrames, which follow the
	// timing figures: 4 bytes before the parameter count.
	at := len(v2) - 4*(2*m.Config.Mels+len(m.Params)) - 4 - 2
	v1 := append(bytes.Clone(v2[:at]), v2[at+2:]...)
	for _, tc := range []struct {
		version     uint16
		payload     []byte
		scoreFrames int
	}{{1, v1, 1}, {2, v2, m.ScoreFrames}} {
		var file bytes.Buffer
		if err := wakeword.WriteContainer(&file, Kind, tc.version, tc.payload); err != nil {
			t.Fatal(err)
		}
		got, err := ReadModel(&file)
		if err != nil {
			t.Fatalf("v%d: %v", tc.version, err)
		}
		if got.ScoreFrames != tc.scoreFrames || got.Nets() != 1 || got.Threshold != m.Threshold || !slices.Equal(got.Params, m.Params) {
			t.Fatalf("v%d model: ScoreFrames %d, %d networks, threshold %v", tc.version, got.ScoreFrames, got.Nets(), got.Threshold)
		}
		if _, err := UnmarshalModel(tc.payload); !errors.Is(err, ErrBadModel) {
			t.Errorf("a v%d payload read as v%d: %v", tc.version, Version, err)
		}
	}
	for _, k := range []int{0, MaxScoreFrames + 1} {
		m.ScoreFrames = k
		if _, err := m.MarshalBinary(); err == nil {
			t.Errorf("ScoreFrames %d encoded", k)
		}
	}
}

// otherModel is randomModel with other weights and normalisation: a
// second network for an ensemble.
func otherModel(t testing.TB) *Model {
	m := randomModel(t)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range m.Params {
		m.Params[i] = float32(r.NormFloat64() * 0.1)
	}
	for i := range m.Mean {
		m.Mean[i], m.InvStd[i] = -9, 0.25
	}
	m.Threshold = 0.8
	return m
}

// TestEnsemble checks that a combined model survives its file format and
// that its Detector scores the mean of its networks' logits, each network
// fed its own normalisation, to the bit.
func TestEnsemble(t *testing.T) {
	a, b := randomModel(t), otherModel(t)
	m, err := Combine(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if m.Nets() != 2 || m.Threshold != b.Threshold {
		t.Fatalf("Combine: %d networks, threshold %v", m.Nets(), m.Threshold)
	}
	got, err := ReadModel(bytes.NewReader(encode(t, m)))
	if err != nil {
		t.Fatal(err)
	}
	if got.Nets() != 2 || !slices.Equal(got.Member(1).Params, b.Params) || !slices.Equal(got.Member(1).Mean, b.Mean) ||
		!slices.Equal(got.Member(0).Params, a.Params) {
		t.Fatal("the networks did not survive encoding")
	}
	checkScores(t, NewDetector(got, wakeword.Options{}), m, a, b)
}

func TestCombineErrors(t *testing.T) {
	other := otherModel(t)
	other.Word = "computer"
	narrow := NewModel("alexa", Config{HopSamples: 320, WindowSamples: 400, Mels: 40, InKernel: 3, Channels: 8, Kernel: 3, Dilations: []int{1, 2}})
	floor := otherModel(t)
	floor.LogFloor = -10
	many := make([]*Model, MaxNets+1)
	for i := range many {
		many[i] = randomModel(t)
	}
	for _, tc := range []struct {
		name string
		ms   []*Model
	}{
		{"none", nil},
		{"other word", []*Model{randomModel(t), other}},
		{"other shape", []*Model{randomModel(t), narrow}},
		{"other log floor", []*Model{randomModel(t), floor}},
		{"too many", many},
	} {
		if _, err := Combine(tc.ms...); err == nil {
			t.Errorf("%s: combined", tc.name)
		}
	}
	// A file that claims more networks than MaxNets, or whose last
	// network is cut short, is a bad model.
	m, err := Combine(randomModel(t), otherModel(t))
	if err != nil {
		t.Fatal(err)
	}
	payload, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	at := len(payload) - 4*(2*m.Config.Mels+len(m.Params)) - 2
	tooMany := bytes.Clone(payload)
	tooMany[at] = MaxNets
	for name, p := range map[string][]byte{"too many networks": tooMany, "cut network": payload[:len(payload)-4]} {
		if _, err := UnmarshalModel(p); !errors.Is(err, ErrBadModel) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestCascade runs a model of three networks, whose first two sit near
// the gate, over audio that swings from quiet to loud. Whenever a frame of
// the score's window opened the gate, the score must be the whole
// ensemble's to the bit; on the other frames, no higher than the gate or
// the highest of the window's own frame logits. Both kinds of frame must
// occur, and the gate must open more than once.
func TestCascade(t *testing.T) {
	a, b, c := randomModel(t), otherModel(t), otherModel(t)
	r := rand.New(rand.NewPCG(5, 6))
	for i := range c.Params {
		c.Params[i] = float32(r.NormFloat64() * 0.1)
	}
	var hops [][]int16
	for i := range 1500 {
		level := 30 + 3000*math.Abs(math.Sin(float64(i)/37))
		hop := make([]int16, wakeword.HopSamples)
		for j := range hop {
			hop[j] = int16(max(-32768, min(32767, r.NormFloat64()*level)))
		}
		hops = append(hops, hop)
	}
	// Each network's logits over the audio, from a fresh stream.
	logits := func(n *Model) []float32 {
		fe, err := dsp.NewFeatures(n.Config.FeatureConfig())
		if err != nil {
			t.Fatal(err)
		}
		st, frame := NewStream(n), make([]float32, n.Config.Mels)
		var z []float32
		var buf []int16
		for _, hop := range hops {
			if buf = append(buf, hop...); len(buf) == n.Config.HopSamples {
				if fe.Push(buf) {
					n.Normalize(frame, fe.LogMel())
					z = append(z, st.Step(frame))
				}
				buf = buf[:0]
			}
		}
		return z
	}
	// Shift the first two networks so that their mean crosses the gate
	// about half the time.
	za, zb := logits(a), logits(b)
	first := make([]float32, len(za))
	for i := range za {
		first[i] = float32((float64(za[i]) + float64(zb[i])) / 2)
	}
	s := slices.Clone(first)
	slices.Sort(s)
	shift := GateLogit - s[len(s)/2]
	lay := a.Config.Layout()
	a.Params[lay.BO] += shift
	b.Params[lay.BO] += shift
	za, zb, zc := logits(a), logits(b), logits(c)
	m, err := Combine(a, b, c)
	if err != nil {
		t.Fatal(err)
	}
	m.ScoreFrames = 3
	full := make([]float32, len(za))
	opens := make([]bool, len(za))
	for i := range za {
		sum := float64(za[i]) + float64(zb[i])
		opens[i] = float32(sum/2) >= GateLogit
		full[i] = float32((sum + float64(zc[i])) / 3)
	}
	want := m.Smooth(nil, full)

	d := NewDetector(m, wakeword.Options{})
	for round := range 2 { // the second after a Reset
		d.Reset()
		var got []float32
		for _, hop := range hops {
			if d.Push(hop); d.newFrame {
				got = append(got, d.score)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%d scores, want %d", len(got), len(want))
		}
		exact, capped, wakes := 0, 0, 0
		for i := range want {
			lo := max(i+1-m.ScoreFrames, 0)
			if i > 0 && opens[i] && !slices.Contains(opens[max(i-m.ScoreFrames, 0):i], true) {
				wakes++
			}
			if slices.Contains(opens[lo:i+1], true) {
				exact++
				if got[i] != Sigmoid(want[i]) {
					t.Fatalf("round %d, frame %d: score %v, want the ensemble's %v", round, i, got[i], Sigmoid(want[i]))
				}
				continue
			}
			capped++
			bound := float32(GateLogit)
			for _, v := range full[lo : i+1] {
				bound = max(bound, v)
			}
			if got[i] > Sigmoid(bound) {
				t.Fatalf("round %d, frame %d: score %v above the gate and the window's logits (%v)", round, i, got[i], Sigmoid(bound))
			}
		}
		if exact < 50 || capped < 50 || wakes < 5 {
			t.Fatalf("round %d: %d exact frames, %d gated, %d wakes: the audio does not exercise the cascade", round, exact, capped, wakes)
		}
	}
}
