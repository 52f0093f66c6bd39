package train

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wakegate/wakegate/audio/audiotest"
	"github.com/wakegate/wakegate/wakeword"
	"github.com/wakegate/wakegate/wakeword/nn"
)

// smallConfig keeps tests fast: the real front end, a narrow network.
func smallConfig() nn.Config {
	c := nn.DefaultConfig()
	c.Channels = 8
	c.Dilations = []int{1, 2, 4, 8}
	return c
}

func randomModel(r *rand.Rand, c nn.Config) *nn.Model {
	m := nn.NewModel("w", c)
	initParams(r, m)
	for i := range m.Params {
		m.Params[i] += float32(0.05 * r.NormFloat64())
	}
	return m
}

func TestSeqNetMatchesStream(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	m := randomModel(r, smallConfig())
	M := m.Config.Mels
	T := 90
	x := make([]float32, T*M)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	z := newSeqNet(m.Config).forward(m.Params, x)
	s := nn.NewStream(m)
	for tt := 0; tt < T; tt++ {
		got := s.Step(x[tt*M : (tt+1)*M])
		if d := math.Abs(float64(got - z[tt])); d > 1e-4*(1+math.Abs(float64(z[tt]))) {
			t.Fatalf("frame %d: stream %v, sequence %v", tt, got, z[tt])
		}
	}
}

// TestGradient compares back-propagation with central differences for a
// sample of parameters of every tensor, with and without channel dropout
// (whose mask stays fixed between the forward passes of the check).
func TestGradient(t *testing.T) {
	for _, tc := range []struct {
		name string
		drop float64
	}{{"plain", 0}, {"dropout", 0.5}} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, 4))
			c := smallConfig()
			c.Mels = 6
			c.Channels = 4
			c.Dilations = []int{1, 2}
			m := randomModel(r, c)
			T := 20
			x := make([]float32, T*c.Mels)
			for i := range x {
				x[i] = float32(r.NormFloat64())
			}
			net := newSeqNet(c)
			if tc.drop > 0 {
				net.setDrop(r, tc.drop)
				var dropped int
				for _, d := range net.drop {
					for _, v := range d {
						if v == 0 {
							dropped++
						}
					}
				}
				if dropped == 0 || dropped == len(c.Dilations)*c.Channels {
					t.Fatalf("%d of %d channels dropped: the check would not see a mask", dropped, len(c.Dilations)*c.Channels)
				}
			}
			// A fixed linear loss Σ w_t z_t keeps the check exact: its
			// gradient with respect to z is w.
			w := make([]float32, T)
			for i := range w {
				w[i] = float32(r.NormFloat64())
			}
			loss := func() float64 {
				z := net.forward(m.Params, x)
				var s float64
				for i, v := range z {
					s += float64(w[i] * v)
				}
				return s
			}
			loss()
			g := make([]float32, len(m.Params))
			net.backward(m.Params, g, w)
			if checked := checkGrad(t, "param", m.Params, g, 7, loss); checked < 20 {
				t.Fatalf("only %d parameters checked", checked)
			}
		})
	}
}

// TestDropoutOff checks that a network whose dropout was turned off
// computes what the detector does: setDrop changes the logits, noDrop
// gives the undropped ones back to the bit.
func TestDropoutOff(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	c := smallConfig()
	m := randomModel(r, c)
	x := make([]float32, 30*c.Mels)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	net := newSeqNet(c)
	plain := slices.Clone(net.forward(m.Params, x))
	net.setDrop(r, 0.3)
	if slices.Equal(plain, net.forward(m.Params, x)) {
		t.Fatal("dropout did not change the logits")
	}
	net.noDrop()
	if got := net.forward(m.Params, x); !slices.Equal(plain, got) {
		t.Fatalf("after noDrop: %v, want %v", got[:3], plain[:3])
	}
}

// checkGrad compares grad with central differences of loss for every
// every-th element of p, and returns how many it compared.
func checkGrad(t *testing.T, name string, p, grad []float32, every int, loss func() float64) int {
	t.Helper()
	const h = 3e-3
	n := 0
	for i := 0; i < len(p); i += every {
		old := p[i]
		p[i] = old + h
		up := loss()
		p[i] = old - h
		down := loss()
		p[i] = old
		num := (up - down) / (2 * h)
		if math.Abs(num-float64(grad[i])) > 2e-2*(1+math.Abs(num)) {
			t.Errorf("%s %d: backprop %v, numeric %v", name, i, grad[i], num)
		}
		n++
	}
	return n
}

// synthWord makes a synthetic "wake word": a steady tone then a rising
// chirp, with a random talker-like pitch factor. Negatives share its
// start (as "alex" shares the start of "alexa") or are noise, so the
// network must wait for the end of the word.
func synthWord(r *rand.Rand, positive bool) []float32 {
	const rate = SampleRate
	pre := int((0.2 + 0.3*r.Float64()) * rate)
	f := 0.85 + 0.3*r.Float64()
	var seg []float32
	phase := 0.0
	tone := func(f0, f1, dur float64) {
		n := int(dur * rate)
		for i := 0; i < n; i++ {
			fr := f0 + (f1-f0)*float64(i)/float64(n)
			phase += 2 * math.Pi * fr / rate
			env := math.Sin(math.Pi * float64(i) / float64(n))
			seg = append(seg, float32(0.3*env*math.Sin(phase)))
		}
	}
	if positive {
		tone(700*f, 700*f, 0.25)
		tone(600*f, 1800*f, 0.25)
	} else {
		switch r.IntN(4) {
		case 0: // same start, falling end
			tone(700*f, 700*f, 0.25)
			tone(1800*f, 600*f, 0.25)
		case 1: // same start, steady end
			tone(700*f, 700*f, 0.25)
			tone(1200*f, 1200*f, 0.25)
		case 2: // the start alone
			tone(700*f, 700*f, 0.3)
		default:
			n := int(0.4 * rate)
			for i := 0; i < n; i++ {
				seg = append(seg, float32(0.1*r.NormFloat64()))
			}
		}
	}
	x := make([]float32, pre, pre+len(seg)+rate/3)
	x = append(x, seg...)
	return append(x, make([]float32, rate/3)...)
}

func writeWAV(t testing.TB, path string, x []float32) {
	var b bytes.Buffer
	n := len(x) * 2
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+n))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(SampleRate), uint32(2 * SampleRate), uint16(2), uint16(16)} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(n))
	binary.Write(&b, binary.LittleEndian, toInt16(nil, x))
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// corpus writes synthetic positives and negatives and returns the folders.
func corpus(t testing.TB, dir string, seed uint64, npos, nneg int) (pos, neg string) {
	r := rand.New(rand.NewPCG(seed, 9))
	pos, neg = filepath.Join(dir, "pos"), filepath.Join(dir, "neg")
	for _, d := range []string{pos, neg} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < npos; i++ {
		writeWAV(t, filepath.Join(pos, "p"+itoa(i)+".wav"), synthWord(r, true))
	}
	for i := 0; i < nneg; i++ {
		writeWAV(t, filepath.Join(neg, "n"+itoa(i)+".wav"), synthWord(r, false))
	}
	return pos, neg
}

func itoa(i int) string { return strconv.Itoa(i) }

var (
	trained     *Result
	trainedErr  error
	trainedOnce sync.Once
)

// trainSynthetic trains one small model for the tests that need it.
func trainSynthetic(t *testing.T) *Result {
	trainedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wgtrain")
		if err != nil {
			trainedErr = err
			return
		}
		defer os.RemoveAll(dir)
		pos, neg := corpus(t, dir, 1, 40, 80)
		d, err := LoadData([]string{pos}, []string{neg}, 1, 25, io.Discard)
		if err != nil {
			trainedErr = err
			return
		}
		o := Options{Word: "chirp", Config: smallConfig(), Steps: 300, Batch: 16, LR: 1e-2, ValEvery: 100, PosShare: 0.5}
		if raceEnabled {
			o.Steps, o.Batch, o.ValEvery = 40, 8, 20
		}
		trained, trainedErr = Train(context.Background(), d, o)
	})
	if trainedErr != nil {
		t.Fatal(trainedErr)
	}
	return trained
}

func TestTrainReducesLoss(t *testing.T) {
	res := trainSynthetic(t)
	want := 0.7 // the full run must cut the loss by 30 %
	if raceEnabled {
		want = 0.9 // 40 small steps: 10 %
	}
	if !(res.LastLoss < want*res.FirstLoss) {
		t.Fatalf("training loss %.4f -> %.4f: not below %.0f%%", res.FirstLoss, res.LastLoss, 100*want)
	}
}

// TestTrainedDetects runs the trained model through the streaming
// detector on fresh synthetic clips (another seed: never seen in
// training).
func TestTrainedDetects(t *testing.T) {
	if raceEnabled {
		t.Skip("needs the full training run; covered by go test without -race")
	}
	res := trainSynthetic(t)
	r := rand.New(rand.NewPCG(77, 78))
	det := nn.NewDetector(res.Model, wakeword.Options{Sensitivity: 0.5})
	run := func(x []float32) (wakeword.Detection, bool) {
		det.Reset()
		pcm := toInt16(nil, x)
		pcm = append(pcm, make([]int16, 2*wakeword.HopSamples)...)
		for p := 0; p+wakeword.HopSamples <= len(pcm); p += wakeword.HopSamples {
			if d, ok := det.Push(pcm[p : p+wakeword.HopSamples]); ok {
				return d, true
			}
		}
		return wakeword.Detection{}, false
	}
	const n = 20
	hits, fas := 0, 0
	for i := 0; i < n; i++ {
		x := synthWord(r, true)
		on, off, _ := activeSpan(x)
		if d, ok := run(x); ok {
			hits++
			// The word's start must be found within 0.25 s (the pre-roll
			// margin is 0.5 s).
			if diff := math.Abs(float64(d.StartSample - int64(on))); diff > 0.25*SampleRate {
				t.Errorf("start %d, word at %d-%d", d.StartSample, on, off)
			}
		}
		if d, ok := run(synthWord(r, false)); ok {
			t.Logf("negative %d fired: %+v", i, d)
			fas++
		}
	}
	if hits < n*8/10 || fas > n/5 {
		t.Fatalf("%d/%d held-aside positives detected, %d/%d negatives fired", hits, n, fas, n)
	}
}

func TestDetectJSON(t *testing.T) {
	res, dir, model := savedSynthetic(t)
	r := rand.New(rand.NewPCG(5, 6))
	wav := filepath.Join(dir, "a.wav")
	writeWAV(t, wav, synthWord(r, true))
	bad := filepath.Join(dir, "bad.wav")
	if err := os.WriteFile(bad, []byte("RIFF\x00\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if err := DetectMain(context.Background(), []string{"--wakeword", model, "--json", wav, bad}, &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %q", len(lines), out.String())
	}
	var good struct {
		File     string       `json:"file"`
		Duration float64      `json:"duration_s"`
		Scores   [][2]float64 `json:"scores"`
		CPU      *float64     `json:"cpu_s"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &good); err != nil {
		t.Fatal(err)
	}
	if good.File != wav || good.CPU == nil || len(good.Scores) < int(good.Duration*40) {
		t.Fatalf("bad line: %s", lines[0])
	}
	var best float64
	for _, s := range good.Scores {
		best = math.Max(best, s[1])
	}
	if best < float64(res.Model.Threshold) && !raceEnabled {
		t.Errorf("best score %v below the threshold %v on a positive", best, res.Model.Threshold)
	}
	if !strings.Contains(lines[1], `"error"`) {
		t.Errorf("damaged file: %s", lines[1])
	}

	// Read by a person, the damaged file fails the command, after the
	// good file was still reported.
	out.Reset()
	errb.Reset()
	err := DetectMain(context.Background(), []string{"--wakeword", model, wav, bad}, &out, &errb)
	if want := fmt.Sprintf("word %q, threshold %.6f", "chirp", res.Model.Threshold); !strings.Contains(errb.String(), want) {
		t.Errorf("stderr %q does not name the operating point (%s)", errb.String(), want)
	}
	if err == nil || !strings.Contains(err.Error(), "1 of 2 files") {
		t.Errorf("readable detect with a damaged file: err = %v", err)
	}
	if !strings.Contains(out.String(), wav+":") || !strings.Contains(out.String(), bad+": error:") {
		t.Errorf("readable output: %q", out.String())
	}
}

func TestMainErrors(t *testing.T) {
	var out, errb bytes.Buffer
	if err := Main(context.Background(), []string{"--word", "x"}, &out, &errb); err == nil {
		t.Fatal("missing folders accepted")
	}
	for _, c := range []struct{ flag, val string }{
		{"--mic", "1.5"}, {"--mic", "-0.1"}, {"--mic", "NaN"},
		{"--dropout", "0.95"}, {"--dropout", "-0.1"}, {"--dropout", "NaN"},
	} {
		if err := Main(context.Background(), []string{"--word", "x", c.flag, c.val, "--pos", ".", "--neg", ".", "--out", "x.wgm"}, &out, &errb); err == nil || !strings.Contains(err.Error(), c.flag) {
			t.Errorf("%s %s: %v", c.flag, c.val, err)
		}
	}
	if err := Main(context.Background(), []string{"--help"}, &out, &errb); err != nil || !strings.Contains(errb.String(), "usage") {
		t.Fatalf("--help: %v %q", err, errb.String())
	}
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.wgm")
	os.WriteFile(junk, []byte("not a model"), 0o644)
	if err := DetectMain(context.Background(), []string{"--wakeword", junk, "x.wav"}, &out, &errb); err == nil {
		t.Fatal("foreign model file accepted")
	}
}

// TestFineTune runs `train --base`: the result keeps the base model's
// word, shape and normalisation and is a loadable model file.
func TestFineTune(t *testing.T) {
	res := trainSynthetic(t)
	dir := t.TempDir()
	base := filepath.Join(dir, "base.wgm")
	if err := res.Model.Save(base); err != nil {
		t.Fatal(err)
	}
	pos, neg := corpus(t, dir, 2, 8, 8)
	out := filepath.Join(dir, "tuned.wgm")
	var so, se bytes.Buffer
	err := Main(context.Background(), []string{"--base", base, "--pos", pos, "--neg", neg, "--out", out,
		"--steps", "4", "--batch", "4", "--quiet", "--val", "30"}, &so, &se)
	if err != nil {
		t.Fatal(err, se.String())
	}
	m, err := nn.LoadModel(out)
	if err != nil {
		t.Fatal(err)
	}
	if m.Word != "chirp" || m.Config.Channels != res.Model.Config.Channels || m.Mean[3] != res.Model.Mean[3] {
		t.Fatalf("fine-tuned model lost the base: word %q, %d channels", m.Word, m.Config.Channels)
	}
	if !strings.Contains(so.String(), "wrote "+out) {
		t.Errorf("summary: %q", so.String())
	}
}

// TestFLACInputs checks that detect scores a FLAC file exactly as the same
// samples in a WAV, and that training folders count FLAC files.
func TestFLACInputs(t *testing.T) {
	res := trainSynthetic(t)
	dir := t.TempDir()
	model := filepath.Join(dir, "chirp.wgm")
	if err := res.Model.Save(model); err != nil {
		t.Fatal(err)
	}
	x := synthWord(rand.New(rand.NewPCG(8, 9)), true)
	wavPath, flacPath := filepath.Join(dir, "a.wav"), filepath.Join(dir, "a.flac")
	writeWAV(t, wavPath, x)
	pcm := make([]int32, len(x))
	for i, v := range toInt16(nil, x) {
		pcm[i] = int32(v)
	}
	audiotest.WriteFLAC(t, flacPath, SampleRate, [][]int32{pcm})

	var out, errb bytes.Buffer
	if err := DetectMain(context.Background(), []string{"--wakeword", model, "--json", wavPath, flacPath}, &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	var lines [2]struct {
		Error  string       `json:"error"`
		Scores [][2]float64 `json:"scores"`
	}
	for i, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if i >= 2 {
			t.Fatalf("more than two lines: %q", out.String())
		}
		if err := json.Unmarshal([]byte(l), &lines[i]); err != nil {
			t.Fatal(err)
		}
	}
	if lines[1].Error != "" || len(lines[1].Scores) == 0 {
		t.Fatalf("FLAC: %+v", lines[1])
	}
	if fmt.Sprint(lines[0].Scores) != fmt.Sprint(lines[1].Scores) {
		t.Errorf("FLAC and WAV of the same samples score differently")
	}

	files, err := listAudio(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0] != flacPath || files[1] != wavPath {
		t.Errorf("listAudio = %q, want the FLAC and the WAV", files)
	}
}

// TestPlainProgress checks that progress written to a log (not a
// terminal) is a few whole lines, not a redrawn bar per step.
func TestPlainProgress(t *testing.T) {
	dir := t.TempDir()
	pos, neg := corpus(t, dir, 3, 6, 6)
	var so, se bytes.Buffer
	err := Main(context.Background(), []string{"--word", "chirp", "--pos", pos, "--neg", neg, "--out", filepath.Join(dir, "m.wgm"),
		"--steps", "40", "--batch", "2", "--channels", "4", "--val", "30"}, &so, &se)
	if err != nil {
		t.Fatal(err, se.String())
	}
	if strings.ContainsAny(se.String(), "\r\033") {
		t.Errorf("terminal control characters in a log: %q", se.String())
	}
	bars := strings.Count(se.String(), "] ")
	if strings.Contains(se.String(), "loss 0.0000") {
		t.Errorf("a progress line shows no loss:\n%s", se.String())
	}
	if bars < 2 || bars > 20 || !strings.Contains(se.String(), "100% 40/40") {
		t.Errorf("%d progress lines for 40 steps, want 2..20 ending at 100%%:\n%s", bars, se.String())
	}
}

// TestMineFindsTheWordLikeNegative hides one utterance of the word among
// near misses: mining must rank it hardest and point inside it.
func TestMineFindsTheWordLikeNegative(t *testing.T) {
	if raceEnabled {
		t.Skip("needs the full training run; covered by go test without -race")
	}
	m := trainSynthetic(t).Model
	r := rand.New(rand.NewPCG(5, 6))
	var negs []*clip
	for i := 0; i < 19; i++ {
		x := synthWord(r, false)
		on, off, _ := activeSpan(x)
		negs = append(negs, &clip{x: x, on: on, off: off})
	}
	x := synthWord(r, true)
	on, off, _ := activeSpan(x)
	const planted = 7
	negs = slices.Insert(negs, planted, &clip{x: x, on: on, off: off})
	nb := newNoiseBank(r, nil, nil)
	nets := []*seqNet{newSeqNet(m.Config), newSeqNet(m.Config)}
	gens := []*gen{newGen(m, nb), newGen(m, nb)}
	hard, top := mine(nets, gens, m, negs, make([][]float32, len(negs)))
	if len(hard) != 2 { // hardKeep % of 20
		t.Fatalf("kept %d of 20, want 2", len(hard))
	}
	if hard[0].clip != planted {
		t.Fatalf("hardest is clip %d (top score %.3f), want the planted word %d", hard[0].clip, top, planted)
	}
	// The best frame lies between the word's middle and 0.3 s after it.
	if at := hard[0].at; at < (on+off)/2 || at > off+SampleRate*3/10 {
		t.Errorf("best frame at sample %d, word at %d-%d", at, on, off)
	}
	if top < 0.5 {
		t.Errorf("planted word scores %.3f", top)
	}
}

func TestWindow(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	for _, c := range []struct{ length, n, at int }{
		{9920, 9920, 9920}, // the whole clip, best frame at its end
		{9920, 9920, 0},
		{64000, 24000, 64000},
		{64000, 24000, 320},
		{64000, 40000, 30000},
		{64000, 64000, 500},
		{64000, 24000, -1},
	} {
		for k := 0; k < 200; k++ {
			a := window(r, c.length, c.n, c.at)
			if a < 0 || a+c.n > c.length {
				t.Fatalf("%+v: window [%d, %d) leaves the clip", c, a, a+c.n)
			}
			if c.at < 0 {
				continue
			}
			if a+c.n < c.at || a > c.at {
				t.Fatalf("%+v: window [%d, %d) misses the best frame", c, a, a+c.n)
			}
			// A second of context before the best frame, where the
			// clip and the window have it.
			if ctx := min(SampleRate, c.n, c.at); c.at-a < ctx && a > 0 {
				t.Fatalf("%+v: window [%d, %d) has %d samples before the best frame", c, a, a+c.n, c.at-a)
			}
		}
	}
}

// TestSplit runs `train --split`: every file is listed once, a recording
// session (four consecutive numbers) stays on one side, and the listing is
// the split LoadData makes, which the bench relies on to find the held-out
// recordings.
func TestSplit(t *testing.T) {
	dir := t.TempDir()
	pos, neg := filepath.Join(dir, "dev"), filepath.Join(dir, "neg")
	for _, d := range []string{pos, neg} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Files are listed, not read: empty ones will do.
	for i := range 80 {
		os.WriteFile(filepath.Join(pos, fmt.Sprintf("alexa_%d.wav", i)), nil, 0o644)
	}
	os.WriteFile(filepath.Join(neg, "talk.flac"), nil, 0o644)
	os.WriteFile(filepath.Join(neg, "notes.txt"), nil, 0o644)

	var out, errb bytes.Buffer
	if err := Main(context.Background(), []string{"--split", "--seed", "7", "--val", "30", "--pos", pos, "--neg", neg}, &out, &errb); err != nil {
		t.Fatalf("--split: %v (%s)", err, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 81 {
		t.Fatalf("%d lines, want 81 (80 positives, 1 negative)", len(lines))
	}
	side := map[int]string{} // session -> val or train
	nval := 0
	for _, l := range lines {
		f := strings.Split(l, "\t")
		if len(f) != 3 || (f[0] != "val" && f[0] != "train") {
			t.Fatalf("bad line %q", l)
		}
		if want := isValidation(f[2], 7, 30); (f[0] == "val") != want {
			t.Errorf("%s listed as %s, LoadData's split says val=%v", f[2], f[0], want)
		}
		if f[1] == "neg" {
			if filepath.Base(f[2]) != "talk.flac" {
				t.Errorf("negative %q listed", f[2])
			}
			continue
		}
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f[2]), "alexa_"), ".wav"))
		if err != nil {
			t.Fatalf("bad file in %q", l)
		}
		if s, ok := side[n/4]; ok && s != f[0] {
			t.Errorf("session %d is split across val and train", n/4)
		}
		side[n/4] = f[0]
		if f[0] == "val" {
			nval++
		}
	}
	// 20 sessions at 30 %: all on one side would mean the split is broken.
	if nval == 0 || nval == 80 {
		t.Errorf("%d of 80 positives held out", nval)
	}
	if err := Main(context.Background(), []string{"--split"}, &out, &errb); err == nil {
		t.Error("--split without folders accepted")
	}
}

// tailFiles makes one-minute negative "files" of frames at logit -8 (50
// a second) holding n events, one frame each in its own 2 s slot, whose
// peaks are the quantiles of an exponential tail: the rate of events above
// z is n/hours·e^(-z/scale).
func tailFiles(hours float64, n int, scale float64) [][]float32 {
	const fps = 50
	frames := int(hours * 3600 * fps)
	var files [][]float32
	for f := 0; f < frames; f += 60 * fps {
		x := make([]float32, min(60*fps, frames-f))
		for i := range x {
			x[i] = -8
		}
		files = append(files, x)
	}
	for i := 0; i < n; i++ {
		slot := i * (frames / n) / (2 * fps) * 2 * fps
		files[slot/(60*fps)][slot%(60*fps)] = float32(-scale * math.Log((float64(i)+0.5)/float64(n)))
	}
	return files
}

func TestThresholdForRate(t *testing.T) {
	logit := func(p float64) float64 { return math.Log(p / (1 - p)) }
	tests := []struct {
		name         string
		hours        float64
		events       int
		scale        float64
		wantZ, tolZ  float64 // logit of the threshold
		extrapolated bool
	}{
		// Under an hour, 20 events an hour falling by e every 2 logits:
		// 20·e^(-z/2) = 1/8 at z = 2·ln(160).
		{"extrapolated", 0.8, 16, 2, 2 * math.Log(160), 0.6, true},
		{"steep tail", 0.8, 16, 1, math.Log(160), 0.3, true},
		{"more events than the fit uses", 0.8, 80, 1, math.Log(800), 0.3, true},
		// 40 h allow 5 events: just above the 6th highest.
		{"counted", 40, 800, 2, -2 * math.Log(5.5/800), 0.01, false},
		{"capped", 0.8, 16, 6, logit(maxThreshold), 1e-9, true},
		// Too few events to fit: just above the highest.
		{"few events", 0.8, 3, 2, -2 * math.Log(0.5/3), 0.01, false},
		{"no events", 0.8, 0, 2, 0, 1e-9, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := tailFiles(tc.hours, tc.events, tc.scale)
			cal := thresholdForRate(files, tc.hours, 50, falseAlarmTarget)
			if z := logit(cal.Threshold); math.Abs(z-tc.wantZ) > tc.tolZ {
				t.Errorf("threshold %v (logit %.2f), want logit %.2f ± %.2f; %v", cal.Threshold, z, tc.wantZ, tc.tolZ, cal)
			}
			if cal.Events != tc.events {
				t.Errorf("%d events, want %d", cal.Events, tc.events)
			}
			if (cal.Scale != 0) != tc.extrapolated {
				t.Errorf("extrapolated = %v, want %v; %v", cal.Scale != 0, tc.extrapolated, cal)
			}
			if tc.extrapolated && tc.name != "capped" && math.Abs(cal.Rate-falseAlarmTarget) > 1e-9 {
				t.Errorf("rate %v at the threshold, want the target", cal.Rate)
			}
		})
	}
	if cal := thresholdForRate(nil, 0, 50, falseAlarmTarget); cal.Threshold != 0.5 {
		t.Errorf("no audio: threshold %v, want 0.5", cal.Threshold)
	}
}

func TestEventPeaks(t *testing.T) {
	lo := float32(-9)
	files := [][]float32{
		{lo, 1, 3, 2, lo, lo, lo, 0.5, lo, lo, lo, lo, lo, 4}, // 1..2 is one event (gap 4 <= 4), then 4 after a gap of 6
		{2, lo, lo, lo, lo, lo, -3},                           // -3 is below the base
	}
	got := eventPeaks(files, -2, 4)
	if want := []float64{3, 4, 2}; !slices.Equal(got, want) {
		t.Errorf("eventPeaks = %v, want %v", got, want)
	}
}

// TestTrainNets trains an ensemble of two networks with `train --nets 2`,
// then fine-tunes it with --base: both keep two distinct networks, and the
// ensemble's threshold comes from the held-out negatives.
func TestTrainNets(t *testing.T) {
	dir := t.TempDir()
	pos, neg := corpus(t, dir, 3, 8, 8)
	ens := filepath.Join(dir, "ens.wgm")
	args := []string{"--word", "chirp", "--channels", "8", "--pos", pos, "--neg", neg,
		"--steps", "4", "--batch", "4", "--quiet", "--val", "30"}
	var so, se bytes.Buffer
	if err := Main(context.Background(), append(args, "--nets", "2", "--out", ens), &so, &se); err != nil {
		t.Fatal(err, se.String())
	}
	m, err := nn.LoadModel(ens)
	if err != nil {
		t.Fatal(err)
	}
	if m.Nets() != 2 || slices.Equal(m.Member(0).Params, m.Member(1).Params) {
		t.Fatalf("%d networks (the same weights: %v)", m.Nets(), m.Nets() == 2)
	}
	for _, want := range []string{"network 2 of 2", "2 networks", "negative audio"} {
		if !strings.Contains(so.String(), want) {
			t.Errorf("summary lacks %q: %q", want, so.String())
		}
	}
	tuned := filepath.Join(dir, "tuned.wgm")
	so.Reset()
	if err := Main(context.Background(), []string{"--base", ens, "--pos", pos, "--neg", neg, "--out", tuned,
		"--steps", "2", "--batch", "4", "--quiet", "--val", "30"}, &so, &se); err != nil {
		t.Fatal(err, se.String())
	}
	if tm, err := nn.LoadModel(tuned); err != nil || tm.Nets() != 2 || tm.Member(1).Mean[0] != m.Member(1).Mean[0] {
		t.Fatalf("fine-tuned ensemble: %v", err)
	}
	for _, bad := range [][]string{
		{"--base", ens, "--nets", "3"},
		append(args, "--nets", strconv.Itoa(nn.MaxNets+1)),
		append(args, "--nets", "-1"),
	} {
		bad = append(bad, "--pos", pos, "--neg", neg, "--out", filepath.Join(dir, "bad.wgm"), "--quiet")
		if err := Main(context.Background(), bad, &so, &se); err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
}

// TestTrainNetsMatchesSeeds: network i of `--nets n --seed s` is the very
// network a lone run with seed s+i (and the same split) makes, noise
// recordings included: nothing one network's run does may reach the next.
func TestTrainNetsMatchesSeeds(t *testing.T) {
	dir := t.TempDir()
	pos, neg := corpus(t, dir, 5, 8, 8)
	noise := filepath.Join(dir, "noise")
	if err := os.MkdirAll(noise, 0o755); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 7))
	for k := range 3 {
		hum := make([]float32, SampleRate)
		for i := range hum {
			hum[i] = float32((0.05 + 0.1*float64(k)) * (math.Sin(2*math.Pi*117*float64(i)/SampleRate) + 0.2*r.NormFloat64()))
		}
		writeWAV(t, filepath.Join(noise, "hum"+itoa(k)+".wav"), hum)
	}
	train := func(name string, extra ...string) *nn.Model {
		m, _ := trainSmall(t, dir, pos, neg, name, append([]string{"--noise", noise, "--split-seed", "3", "--workers", "1"}, extra...)...)
		return m
	}
	pair := train("pair.wgm", "--nets", "2", "--seed", "3")
	for i, seed := range []string{"3", "4"} {
		lone := train("s"+seed+".wgm", "--seed", seed)
		got := pair.Member(i)
		if !slices.Equal(got.Params, lone.Params) || !slices.Equal(got.Mean, lone.Mean) || !slices.Equal(got.InvStd, lone.InvStd) {
			t.Errorf("network %d of the pair differs from a lone run with seed %s", i+1, seed)
		}
	}
}

// TestAugmentSpanAtTheEnd: a negative whose speech span is the clip's last
// sample, slowed or sped up, keeps a span inside the new clip (a seed-2
// training run once died here on a slice bound).
func TestAugmentSpanAtTheEnd(t *testing.T) {
	m := nn.NewModel("x", smallConfig())
	r := rand.New(rand.NewPCG(1, 2))
	g := newGen(m, newNoiseBank(r, nil, nil))
	for _, n := range []int{35116, 28423, 16000, 1601} {
		x := make([]float32, n)
		for i := range 400 {
			s := negSpeedLo + (negSpeedHi-negSpeedLo)*float64(i)/400
			y, on, off := g.augment(r, x, n-1, n, s, s)
			if on < 0 || on >= len(y) || off > len(y) || off < on {
				t.Fatalf("n %d speed %.3f: span [%d, %d) of %d samples", n, s, on, off, len(y))
			}
		}
	}
}

// TestSnapshots trains two networks with --snapshots: each network's
// checkpoints get their own names, and the last checkpoint of a run
// validated once is the network written to --out.
func TestSnapshots(t *testing.T) {
	dir := t.TempDir()
	pos, neg := corpus(t, dir, 4, 6, 6)
	snaps, out := filepath.Join(dir, "snaps"), filepath.Join(dir, "m.wgm")
	var so, se bytes.Buffer
	err := Main(context.Background(), []string{"--word", "chirp", "--pos", pos, "--neg", neg, "--out", out, "--snapshots", snaps,
		"--nets", "2", "--steps", "6", "--batch", "2", "--channels", "4", "--val", "30", "--quiet"}, &so, &se)
	if err != nil {
		t.Fatal(err, se.String())
	}
	m, err := nn.LoadModel(out)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"net1-step-00006.wgm", "net2-step-00006.wgm"} {
		s, err := nn.LoadModel(filepath.Join(snaps, name))
		if err != nil {
			t.Fatal(err)
		}
		if s.Nets() != 1 || !slices.Equal(s.Params, m.Member(i).Params) {
			t.Errorf("%s is not network %d of %s", name, i+1, out)
		}
	}
	if files, _ := os.ReadDir(snaps); len(files) != 2 {
		t.Errorf("%d files in the snapshot folder, want 2", len(files))
	}
}

func TestTailThreshold(t *testing.T) {
	for _, c := range []struct {
		neg  []float64
		k    int
		want float32 // the threshold is just above this score
	}{
		{[]float64{0.1, 0.9, 0.5, 0.7}, 3, 0.5},
		{[]float64{0.1, 0.9, 0.5, 0.7}, 1, 0.9},
		{[]float64{0.99, 0.99, 0.99, 0.2}, 3, 0.99},
	} {
		got := tailThreshold(c.neg, c.k)
		if float32(got) != math.Nextafter32(c.want, 2) {
			t.Errorf("tailThreshold(%v, %d) = %v, want just above %v", c.neg, c.k, got, c.want)
		}
		// Every negative up to the k-th highest stays below it.
		if n := len(c.neg) - int(share(c.neg, func(s float64) bool { return s < got })*float64(len(c.neg))+0.5); n >= c.k {
			t.Errorf("tailThreshold(%v, %d) = %v lets %d negatives through", c.neg, c.k, got, n)
		}
	}
	if got := tailThreshold([]float64{0.4}, 3); got != 0 {
		t.Errorf("tailThreshold of one negative at k=3 = %v, want 0", got)
	}
}

// TestPointwiseBackExact checks that pointwiseBack, which takes four
// outputs at a time, adds exactly what one output at a time does, to the
// bit, for every count of live outputs (so every remainder).
func TestPointwiseBackExact(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	// 13 channels take the plain loops, 16 the vector kernels.
	for _, C := range []int{13, 16} {
		w, e, ut := make([]float32, C*C), make([]float32, C), make([]float32, C)
		for _, s := range [][]float32{w, e, ut} {
			for i := range s {
				s[i] = float32(r.NormFloat64())
			}
		}
		n := newSeqNet(smallConfig())
		for k := 0; k <= C; k++ {
			n.live = r.Perm(C)[:k]
			slices.Sort(n.live)
			gw, dut := make([]float32, C*C), make([]float32, C)
			for i := range dut {
				dut[i] = float32(r.NormFloat64())
			}
			for i := range gw {
				gw[i] = float32(r.NormFloat64())
			}
			wantG, wantD := slices.Clone(gw), slices.Clone(dut)
			for _, o := range n.live {
				for ch := range C {
					wantG[o*C+ch] += e[o] * ut[ch]
					wantD[ch] += e[o] * w[o*C+ch]
				}
			}
			n.pointwiseBack(w, gw, e, ut, dut)
			if !slices.Equal(gw, wantG) || !slices.Equal(dut, wantD) {
				t.Fatalf("%d channels, %d live outputs: pointwiseBack differs from one output at a time", C, k)
			}
		}
	}
}

// trainSmall runs `wakegate train` for six steps of an 8-channel network
// on the folders pos and neg, writing dir/name, and returns the model and
// what the command wrote to stderr.
func trainSmall(t *testing.T, dir, pos, neg, name string, extra ...string) (*nn.Model, string) {
	t.Helper()
	out := filepath.Join(dir, name)
	args := append([]string{"--word", "chirp", "--channels", "8", "--pos", pos, "--neg", neg,
		"--steps", "6", "--batch", "8", "--quiet", "--val", "25", "--out", out}, extra...)
	var so, se bytes.Buffer
	if err := Main(context.Background(), args, &so, &se); err != nil {
		t.Fatal(err, se.String())
	}
	m, err := nn.LoadModel(out)
	if err != nil {
		t.Fatal(err)
	}
	return m, se.String()
}

// TestScoreFrames checks `train --score-frames`: the file carries the
// window, the weights a seed trains do not depend on it, a fine-tuned
// model keeps its base's unless told otherwise, and values outside
// 1..nn.MaxScoreFrames are refused.
func TestScoreFrames(t *testing.T) {
	dir := t.TempDir()
	pos, neg := corpus(t, dir, 4, 8, 8)
	run := func(name string, extra ...string) *nn.Model {
		m, _ := trainSmall(t, dir, pos, neg, name, extra...)
		return m
	}
	def := run("def.wgm")
	k5 := run("k5.wgm", "--score-frames", "5")
	if def.ScoreFrames != nn.DefaultScoreFrames || k5.ScoreFrames != 5 {
		t.Fatalf("score frames %d and %d, want %d and 5", def.ScoreFrames, k5.ScoreFrames, nn.DefaultScoreFrames)
	}
	if !slices.Equal(def.Params, k5.Params) {
		t.Fatal("--score-frames changed the trained weights")
	}
	base := filepath.Join(dir, "k5.wgm")
	if m := run("tuned.wgm", "--base", base); m.ScoreFrames != 5 {
		t.Errorf("fine-tuned from a 5-frame model: %d frames", m.ScoreFrames)
	}
	if m := run("tuned1.wgm", "--base", base, "--score-frames", "1"); m.ScoreFrames != 1 {
		t.Errorf("--base with --score-frames 1: %d frames", m.ScoreFrames)
	}
	// Through the API with a validation every other step, so that the
	// checkpoint kept is chosen among several.
	d, err := LoadData([]string{pos}, []string{neg}, 1, 25, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var params [][]float32
	for _, k := range []int{1, 8} {
		o := Options{Word: "chirp", Config: smallConfig(), Steps: 12, Batch: 8, ValEvery: 2, ScoreFrames: k}
		res, err := Train(context.Background(), d, o)
		if err != nil {
			t.Fatal(err)
		}
		if res.Model.ScoreFrames != k {
			t.Errorf("Options.ScoreFrames %d: model scores %d frames", k, res.Model.ScoreFrames)
		}
		params = append(params, res.Model.Params)
	}
	if !slices.Equal(params[0], params[1]) {
		t.Error("ScoreFrames 1 and 8 kept different weights")
	}
	if _, err := Train(context.Background(), d, Options{Word: "chirp", Config: smallConfig(), Steps: 2, ScoreFrames: nn.MaxScoreFrames + 1}); err == nil {
		t.Error("Options.ScoreFrames above the maximum accepted")
	}
	for _, bad := range []string{"-1", "17", "x"} {
		var so, se bytes.Buffer
		args := []string{"--word", "chirp", "--pos", pos, "--neg", neg, "--out", filepath.Join(dir, "bad.wgm"), "--quiet", "--score-frames", bad}
		if err := Main(context.Background(), args, &so, &se); err == nil || !strings.Contains(err.Error(), "score-frames") {
			t.Errorf("--score-frames %s: %v", bad, err)
		}
	}
}

// TestTrainDropout trains with and without --dropout from one seed: the
// flag reaches the trainer (the weights differ), and the run with it
// still writes a model that loads.
func TestTrainDropout(t *testing.T) {
	dir := t.TempDir()
	pos, neg := corpus(t, dir, 4, 8, 8)
	args := []string{"--word", "chirp", "--channels", "8", "--pos", pos, "--neg", neg,
		"--steps", "4", "--batch", "4", "--quiet", "--val", "30"}
	var so, se bytes.Buffer
	models := make([]*nn.Model, 2)
	for i, extra := range [][]string{nil, {"--dropout", "0.3"}} {
		out := filepath.Join(dir, strconv.Itoa(i)+".wgm")
		if err := Main(context.Background(), append(append(slices.Clone(args), extra...), "--out", out), &so, &se); err != nil {
			t.Fatal(err, se.String())
		}
		m, err := nn.LoadModel(out)
		if err != nil {
			t.Fatal(err)
		}
		models[i] = m
	}
	if slices.Equal(models[0].Params, models[1].Params) {
		t.Fatal("--dropout 0.3 trained the same weights as no dropout")
	}
}

// Validation, calibration and mining split their clips over the workers;
// each must give the same figures, to the bit, as one worker does, so the
// model a seed trains does not depend on the worker count through them.
func TestWorkerCountLeavesScoringAlone(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	m := randomModel(r, smallConfig())
	nb := newNoiseBank(r, nil, nil)
	d := &Data{}
	for i := range 9 {
		x := synthWord(r, i%3 == 0)
		on, off, _ := activeSpan(x)
		c := &clip{x: x, on: on, off: off}
		if i%3 == 0 {
			d.Pos = append(d.Pos, c)
		} else {
			d.ValNeg = append(d.ValNeg, c)
		}
	}
	vg := newGen(m, nb)
	var val []example
	for _, c := range d.Pos {
		val = append(val, vg.positive(r, c, false), vg.positive(r, c, true))
	}
	for _, c := range d.ValNeg {
		val = append(val, vg.negative(r, c, -1))
	}
	type figures struct {
		vs           ValStats
		cal          Calibration
		thr          float32
		lag, samples int32
		hard         []hardNeg
		top          float64
	}
	run := func(workers int) figures {
		nets := make([]*seqNet, workers)
		gens := make([]*gen, workers)
		for w := range nets {
			nets[w], gens[w] = newSeqNet(m.Config), newGen(m, nb)
		}
		mm := *m
		var f figures
		f.vs = validate(nets, &mm, val)
		f.cal = calibrate(nets, gens, &mm, val, d)
		f.thr, f.lag, f.samples = mm.Threshold, mm.EndLagSamples, mm.WordSamples
		f.hard, f.top = mine(nets, gens, &mm, d.ValNeg, make([][]float32, len(d.ValNeg)))
		return f
	}
	one := run(1)
	if one.vs.Loss == 0 || len(one.hard) == 0 {
		t.Fatalf("nothing scored: %+v", one)
	}
	for _, w := range []int{2, 3} {
		if got := run(w); !reflect.DeepEqual(got, one) {
			t.Errorf("%d workers: %+v\none worker: %+v", w, got, one)
		}
	}
}
