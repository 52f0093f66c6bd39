package train

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wakegate/wakegate/wakeword/nn"
)

// TestCalibrate calibrates the synthetic model on audio that holds the
// word itself (the hardest negatives there are) and checks the written
// model: same weights, a threshold in range, and, since the audio is far
// too short for any false alarm at 3 a day, a default that no longer
// fires anywhere in it.
func TestCalibrate(t *testing.T) {
	res, dir, model := savedSynthetic(t)
	negDir := filepath.Join(dir, "neg")
	if err := os.Mkdir(negDir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(11, 12))
	for i := range 4 {
		var x []float32
		for range 6 {
			x = append(x, synthWord(r, false)...)
		}
		writeWAV(t, filepath.Join(negDir, "mix"+itoa(i)+".wav"), x)
	}
	bad := filepath.Join(negDir, "bad.wav")
	if err := os.WriteFile(bad, []byte("RIFF\x00\x00"), 0o644); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(dir, "calibrated.wgm")
	var stdout, stderr bytes.Buffer
	if err := CalibrateMain(context.Background(), []string{"--wakeword", model, "--out", out, negDir}, &stdout, &stderr); err != nil {
		t.Fatal(err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "skipping "+bad) || !strings.Contains(stdout.String(), "skipped 1 unreadable") {
		t.Errorf("the damaged file is not reported:\n%s%s", stdout.String(), stderr.String())
	}
	for _, want := range []string{"4 files", "threshold", "0.99999", "wrote " + out} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, stdout.String())
		}
	}
	m, err := nn.LoadModel(out)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Params, res.Model.Params) || m.Word != res.Model.Word {
		t.Fatal("calibrate changed the weights or the word")
	}
	if !(m.Threshold >= 0.5 && m.Threshold <= maxThreshold) {
		t.Fatalf("threshold %v out of range", m.Threshold)
	}
	if m.Threshold < maxThreshold {
		stdout.Reset()
		stderr.Reset()
		err := DetectMain(context.Background(), []string{"--wakeword", out, filepath.Join(negDir, "mix0.wav"),
			filepath.Join(negDir, "mix1.wav"), filepath.Join(negDir, "mix2.wav"), filepath.Join(negDir, "mix3.wav")}, &stdout, &stderr)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stdout.String(), " score ") {
			t.Errorf("threshold %v still fires on its calibration audio:\n%s", m.Threshold, stdout.String())
		}
	}

	// Two sources: each gets its own row, and a source's rates are what
	// calibrating on it alone reports.
	words := filepath.Join(dir, "words")
	if err := os.Mkdir(words, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		var x []float32
		for range 4 {
			x = append(x, synthWord(r, true)...)
		}
		writeWAV(t, filepath.Join(words, "w"+itoa(i)+".wav"), x)
	}
	rates := func(args ...string) (overall []string, bySource map[string][]string) {
		t.Helper()
		var so, se bytes.Buffer
		if err := CalibrateMain(context.Background(), append([]string{"--wakeword", model}, args...), &so, &se); err != nil {
			t.Fatal(err)
		}
		bySource = map[string][]string{}
		for _, l := range strings.Split(so.String(), "\n") {
			f := strings.Fields(l)
			switch {
			case len(f) == 3 && slices.Contains(calibrationGrid, atof(f[0])):
				overall = append(overall, f[2])
			case len(f) == 2+len(calibrationGrid):
				bySource[f[len(f)-1]] = f[1 : len(f)-1]
			}
		}
		return overall, bySource
	}
	aloneNeg, none := rates(negDir)
	aloneWords, _ := rates(words)
	_, both := rates(negDir, words)
	if len(none) != 0 || len(aloneNeg) != len(calibrationGrid) {
		t.Fatalf("one source: rows %v, overall %v", none, aloneNeg)
	}
	if !slices.Equal(both[negDir], aloneNeg) || !slices.Equal(both[words], aloneWords) {
		t.Errorf("by source %v; alone: %s %v, %s %v", both, negDir, aloneNeg, words, aloneWords)
	}
	if aloneWords[0] == "0.000" {
		t.Errorf("the word itself raises no false alarm at 0.5: %v", aloneWords)
	}
	// A source of empty files has no rate to give, not NaN.
	silent := filepath.Join(dir, "silent")
	if err := os.Mkdir(silent, 0o755); err != nil {
		t.Fatal(err)
	}
	writeWAV(t, filepath.Join(silent, "empty.wav"), nil)
	if _, rows := rates(negDir, silent); !slices.Equal(rows[silent], slices.Repeat([]string{"-"}, len(calibrationGrid))) {
		t.Errorf("empty source: %v", rows[silent])
	}

	// A rate the audio can count (here: anything) leaves the threshold at
	// the bottom of its range, where every event is allowed.
	stdout.Reset()
	if err := CalibrateMain(context.Background(), []string{"--wakeword", model, "--rate", "1e9", "--out", out, negDir}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if m, err := nn.LoadModel(out); err != nil || m.Threshold != 0.5 {
		t.Fatalf("counted rate: threshold %v, err %v\n%s", m.Threshold, err, stdout.String())
	}

	// --raise-only keeps a stricter threshold the model already has.
	strict := *res.Model // the slices are shared, never written
	strict.Threshold = 0.75
	if err := strict.Save(model); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	if err := CalibrateMain(context.Background(), []string{"--wakeword", model, "--rate", "1e9", "--raise-only", "--out", out, negDir}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if m, err := nn.LoadModel(out); err != nil || m.Threshold != 0.75 || !strings.Contains(stdout.String(), "keeping 0.750000") {
		t.Fatalf("--raise-only lowered 0.75 to %v (err %v)\n%s", m.Threshold, err, stdout.String())
	}
}

// savedSynthetic writes the synthetic model into a new temporary folder
// and returns it, the folder and the file.
func savedSynthetic(t *testing.T) (res *Result, dir, model string) {
	t.Helper()
	res = trainSynthetic(t)
	dir = t.TempDir()
	model = filepath.Join(dir, "chirp.wgm")
	if err := res.Model.Save(model); err != nil {
		t.Fatal(err)
	}
	return res, dir, model
}

func atof(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return v
}

func TestCalibrateErrors(t *testing.T) {
	_, dir, model := savedSynthetic(t)
	junk := filepath.Join(dir, "junk.wgm")
	if err := os.WriteFile(junk, []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.wav")
	if err := os.WriteFile(bad, []byte("RIFF"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--wakeword", model}, "no negative audio"},
		{[]string{"--wakeword", model, "--rate", "0", empty}, "--rate"},
		{[]string{"--wakeword", model, "--rate", "-1", empty}, "--rate"},
		{[]string{"--wakeword", model, filepath.Join(dir, "missing")}, "no such file"},
		{[]string{"--wakeword", model, empty}, "no .wav or .flac files"},
		{[]string{"--wakeword", model, bad}, "none of the files could be read"},
		{[]string{"--wakeword", junk, empty}, "junk.wgm"},
	} {
		var stdout, stderr bytes.Buffer
		err := CalibrateMain(context.Background(), tc.args, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("calibrate %q: err %v, want %q", tc.args, err, tc.want)
		}
	}
}

func TestLogit(t *testing.T) {
	for _, z := range []float32{-15, -3, 0, 0.5, 4, 9.2, 11.5, 15} {
		if got := logit(float64(nn.Sigmoid(z))); math.Abs(float64(got-z)) > 1e-3*max(1, float64(z*z)) {
			t.Errorf("logit(sigmoid(%v)) = %v", z, got)
		}
	}
	if logit(1) != 20 || logit(0) != -20 {
		t.Errorf("saturated scores: %v %v", logit(1), logit(0))
	}
}

// TestDefaultModel: detect and calibrate without --wakeword take the first
// of defaultModels that exists (the installed one when the source tree's is
// not there), and say where they looked when none does.
func TestDefaultModel(t *testing.T) {
	res, dir, model := savedSynthetic(t)
	wav := filepath.Join(dir, "a.wav")
	writeWAV(t, wav, make([]float32, 16000))
	saved := defaultModels
	t.Cleanup(func() { defaultModels = saved })
	missing := filepath.Join(dir, "no-such-dir", "alexa.wgm")

	defaultModels = []string{missing, model}
	var out, errb bytes.Buffer
	if err := DetectMain(context.Background(), []string{wav}, &out, &errb); err != nil {
		t.Fatalf("detect with the second default present: %v", err)
	}
	if want := fmt.Sprintf("word %q", res.Model.Word); !strings.Contains(errb.String(), model) || !strings.Contains(errb.String(), want) {
		t.Errorf("detect did not report the model it found: %q", errb.String())
	}
	out.Reset()
	if err := CalibrateMain(context.Background(), []string{dir}, &out, &errb); err != nil {
		t.Fatalf("calibrate with the second default present: %v", err)
	}
	if !strings.Contains(out.String(), model) {
		t.Errorf("calibrate did not report the model it found: %q", out.String())
	}

	defaultModels = []string{missing}
	for name, run := range map[string]func() error{
		"detect":    func() error { return DetectMain(context.Background(), []string{wav}, &out, &errb) },
		"calibrate": func() error { return CalibrateMain(context.Background(), []string{dir}, &out, &errb) },
	} {
		err := run()
		if err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "--wakeword") {
			t.Errorf("%s with no model anywhere: err %v, want the places looked and --wakeword", name, err)
		}
	}
}
