package template

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wakegate/wakegate/wakeword"
)

func TestEnrollErrors(t *testing.T) {
	t.Parallel()
	good := func(i int) []int16 {
		s, _ := withRoom(synth(t, "computer", enrollSpeeds[i]), 300, 300, uint64(40+i))
		return s
	}
	g0, g1, g2 := good(0), good(1), good(2)
	clipped := slices.Clone(g2)
	for i := range clipped {
		clipped[i] = int16(max(min(int32(clipped[i])*40, 32767), -32768))
	}
	short, _ := withRoom(sine(300, 150, 8000), 300, 300, 5)                                        // a 150 ms beep
	long, _ := withRoom(synth(t, "please turn on the light in the living room", 120), 300, 300, 6) // about 3 s
	tests := []struct {
		name string
		word string
		exs  [][]int16
		opts EnrollOptions
		msg  string
	}{
		{"two examples", "computer", [][]int16{g0, g1}, EnrollOptions{}, "2 examples of \"computer\", need at least 3"},
		{"empty word", " ", [][]int16{g0, g1, g2}, EnrollOptions{}, "empty word"},
		{"control word", "a\nb", [][]int16{g0, g1, g2}, EnrollOptions{}, "control characters"},
		{"empty example", "computer", [][]int16{g0, nil, g2}, EnrollOptions{}, "example 2 of 3: empty recording"},
		{"silent example", "computer", [][]int16{g0, g1, silence(1000)}, EnrollOptions{}, "example 3 of 3: silent"},
		{"noise example", "computer", [][]int16{noise(16000, 2000, 1), g1, g2}, EnrollOptions{}, "example 1 of 3: too noisy"},
		{"clipped example", "computer", [][]int16{g0, g1, clipped}, EnrollOptions{}, "example 3 of 3: clipped"},
		{"short example", "computer", [][]int16{g0, short, g2}, EnrollOptions{}, "example 2 of 3: too short"},
		{"tiny example", "computer", [][]int16{g0, g1, g2[:200]}, EnrollOptions{}, "example 3 of 3: too short"},
		{"long example", "computer", [][]int16{long, g1, g2}, EnrollOptions{}, "example 1 of 3: too long"},
		{"duplicate", "computer", [][]int16{g0, g1, g0}, EnrollOptions{}, "examples 1 and 3 are the same recording"},
		{"margin", "computer", [][]int16{g0, g1, g2}, EnrollOptions{Margin: 0.5}, "margin 0.5 outside"},
		{"sensitivity", "computer", [][]int16{g0, g1, g2}, EnrollOptions{Sensitivity: 2}, "sensitivity 2 outside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Enroll(tt.word, tt.exs, tt.opts)
			if err == nil {
				t.Fatal("Enroll succeeded")
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "template: ") {
				t.Errorf("err = %q, want it to contain %q", err, tt.msg)
			}
		})
	}
}

// TestThresholdFromExamples checks that the threshold follows the
// examples' own spread: the same word enrolled from three accents (more
// varied than one voice at three speeds) has larger leave-one-out
// distances, and the threshold is their median times the margin, within
// [MinThreshold, MaxThreshold].
func TestThresholdFromExamples(t *testing.T) {
	t.Parallel()
	tight := enrollComputer(t, EnrollOptions{})
	var exs [][]int16
	for i, voice := range []string{"en-us", "en-gb-scotland", "en-029"} {
		ex, _ := withRoom(synthVoice(t, voice, "computer", 160), 300, 300, uint64(50+i))
		exs = append(exs, ex)
	}
	loose, err := Enroll("computer", exs, EnrollOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if median(loose.HeldOut()) <= median(tight.HeldOut()) {
		t.Errorf("leave-one-out distances of three accents %.3f <= of one voice %.3f", loose.HeldOut(), tight.HeldOut())
	}
	for _, margin := range []float64{1, DefaultMargin, 2, 4} {
		for _, exs := range [][][]int16{exs, nil} {
			var tm *Template
			if exs != nil {
				tm, err = Enroll("computer", exs, EnrollOptions{Margin: margin})
			} else {
				tm = enrollComputer(t, EnrollOptions{Margin: margin})
			}
			if err != nil {
				t.Fatal(err)
			}
			want := min(max(median(tm.HeldOut())*margin, MinThreshold), MaxThreshold)
			if got := tm.Threshold(); abs64(got-want) > 1e-12 {
				t.Errorf("margin %v: threshold %v, want %v (held-out %v)", margin, got, want, tm.HeldOut())
			}
		}
	}
}

func abs64(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestSensitivityMonotone checks that raising the sensitivity never loses
// a detection: over a stream with the word, a near miss and other speech,
// the detections at each sensitivity include those at the one below.
func TestSensitivityMonotone(t *testing.T) {
	t.Parallel()
	tm := enrollComputer(t, EnrollOptions{})
	var s []int16
	for i, text := range []string{"computer", "commuter", "banana", "compute her", "hello there", "computer"} {
		seg, _ := withRoom(synth(t, text, 150+5*i), 200, 1200, uint64(60+i))
		s = append(s, seg...)
	}
	prev := -1
	var prevDets []wakeword.Detection
	for _, sens := range []float64{0.1, 0.3, 0.5, 0.7, 0.9} {
		d, err := tm.NewDetector(wakeword.Options{Sensitivity: sens})
		if err != nil {
			t.Fatal(err)
		}
		dets := run(d, s)
		t.Logf("sensitivity %.2f: %d detections", sens, len(dets))
		if len(dets) < prev {
			t.Errorf("sensitivity %.2f: %d detections, fewer than %d below it", sens, len(dets), prev)
		}
		for _, p := range prevDets {
			found := false
			for _, q := range dets {
				if q.StartSample <= p.EndSample && p.StartSample <= q.EndSample {
					found = true
				}
			}
			if !found {
				t.Errorf("sensitivity %.2f lost the detection %+v", sens, p)
			}
		}
		prev, prevDets = len(dets), dets
	}
	if prev < 2 {
		t.Errorf("highest sensitivity found %d detections, want at least the 2 words", prev)
	}
}

func TestTemplateFileRoundTrip(t *testing.T) {
	t.Parallel()
	tm := enrollComputer(t, EnrollOptions{Sensitivity: 0.4})
	var buf bytes.Buffer
	n, err := tm.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo = %d, %v (buffer %d)", n, err, buf.Len())
	}
	got, err := Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got.Word() != "computer" || got.Threshold() != tm.Threshold() || !slices.Equal(got.Frames(), tm.Frames()) ||
		!slices.Equal(got.HeldOut(), tm.HeldOut()) || got.sensitivity != 0.4 {
		t.Errorf("round trip changed the template: %v %v %v %v", got.Word(), got.Threshold(), got.Frames(), got.HeldOut())
	}

	// Through the registry, as the device loads it; detections match the
	// in-memory template (features are stored as float32, so allow tiny
	// score differences).
	path := filepath.Join(t.TempDir(), "computer.tmpl")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, err := wakeword.Load(path, wakeword.Options{})
	if err != nil {
		t.Fatal(err)
	}
	direct, _ := tm.NewDetector(wakeword.Options{})
	stream, _ := withRoom(synth(t, "computer", 150), 500, 1500, 70)
	a, b := run(loaded, stream), run(direct, stream)
	if len(a) != 1 || len(b) != 1 || a[0].StartSample != b[0].StartSample || abs64(a[0].Score-b[0].Score) > 1e-4 {
		t.Errorf("loaded detector %+v, in-memory %+v", a, b)
	}

	// Version and corruption errors name the problem.
	payload, _ := tm.MarshalBinary()
	if _, err := Unmarshal(3, payload); !errors.Is(err, wakeword.ErrUnsupportedVersion) ||
		err.Error() != "unsupported TMPL version 3 (this build reads 1)" {
		t.Errorf("version 3: %v", err)
	}
	for _, cut := range []int{0, 1, 10, len(payload) / 2, len(payload) - 1} {
		if _, err := Unmarshal(Version, payload[:cut]); err == nil {
			t.Errorf("payload cut at %d accepted", cut)
		}
	}
	if _, err := Unmarshal(Version, append(slices.Clone(payload), 0)); err == nil {
		t.Error("payload with a trailing byte accepted")
	}
}

func FuzzUnmarshal(f *testing.F) {
	tm := enrollComputer(f, EnrollOptions{})
	p, _ := tm.MarshalBinary()
	f.Add(p)
	f.Add(p[:40])
	f.Fuzz(func(t *testing.T, payload []byte) {
		tm, err := Unmarshal(Version, payload)
		if err != nil {
			return
		}
		// Anything accepted must make a working detector.
		d, err := tm.NewDetector(wakeword.Options{})
		if err != nil {
			t.Fatal(err)
		}
		hop := make([]int16, wakeword.HopSamples)
		for range 10 {
			d.Push(hop)
		}
	})
}

func TestPushAllocs(t *testing.T) {
	tm := enrollComputer(t, EnrollOptions{})
	d, _ := tm.NewDetector(wakeword.Options{})
	stream, _ := withRoom(synth(t, "computer", 150), 500, 1500, 80)
	run(d, stream) // warm up, including a detection
	off := 0
	allocs := testing.AllocsPerRun(500, func() {
		if off+wakeword.HopSamples > len(stream) {
			off = 0
		}
		d.Push(stream[off : off+wakeword.HopSamples])
		off += wakeword.HopSamples
	})
	if allocs != 0 {
		t.Errorf("Push allocates %v times per hop", allocs)
	}
}

func BenchmarkTemplatePush(b *testing.B) {
	tm := enrollComputer(b, EnrollOptions{})
	b.Logf("reference frames %v", tm.Frames())
	d, _ := tm.NewDetector(wakeword.Options{})
	stream := noise(10*16000, 300, 9)
	off := 0
	b.ReportAllocs()
	for b.Loop() {
		if off+wakeword.HopSamples > len(stream) {
			off = 0
		}
		d.Push(stream[off : off+wakeword.HopSamples])
		off += wakeword.HopSamples
	}
}

// BenchmarkMatchers measures the DTW part of a hop alone: three
// references of 60 frames (a typical enrolled wake word of 0.6 s), random
// features from a seeded generator.
func BenchmarkMatchers(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	frame := func() (f [numDims]float64) {
		for i := range f {
			f[i] = r.NormFloat64()
		}
		return f
	}
	var ms []*matcher
	for range 3 {
		ref := make([][numDims]float64, 60)
		for i := range ref {
			ref[i] = frame()
		}
		ms = append(ms, newMatcher(ref))
	}
	live := make([][numDims]float64, 1000)
	for i := range live {
		live[i] = frame()
	}
	b.ReportAllocs()
	n := int64(0)
	for b.Loop() {
		x := &live[n%int64(len(live))]
		for _, m := range ms {
			m.push(x, n)
		}
		n++
	}
}
