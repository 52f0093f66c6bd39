package fixturegen

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wakegate/wakegate/wav"
)

// root is the committed testdata directory.
const root = "../../testdata"

// wavData is the decoded content of a fixture WAV, mixed down to mono.
type wavData struct {
	rate, channels, bits int
	float                bool
	mono                 []float64
}

// readWAV reads a fixture with package wav (the reader the agent uses) and
// mixes it down to mono; it also checks the RIFF size field.
func readWAV(t *testing.T, path string) wavData {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if size := int(binary.LittleEndian.Uint32(b[4:])) + 8; size != len(b) {
		t.Errorf("%s: RIFF size says %d bytes, file has %d", path, size, len(b))
	}
	rd, err := wav.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	f := rd.Format()
	w := wavData{rate: f.SampleRate, channels: f.Channels, float: f.Encoding == wav.Float, bits: f.BitsPerSample}
	buf := make([]float32, 4096*f.Channels)
	for {
		n, err := rd.ReadFloat(buf)
		for i := 0; i+f.Channels <= n; i += f.Channels {
			sum := 0.0
			for c := range f.Channels {
				sum += float64(buf[i+c])
			}
			w.mono = append(w.mono, sum/float64(f.Channels))
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	if int64(len(w.mono)) != rd.Frames() {
		t.Fatalf("%s: read %d frames, header says %d", path, len(w.mono), rd.Frames())
	}
	return w
}

func rms(x []float64) float64 {
	e := 0.0
	for _, v := range x {
		e += v * v
	}
	return math.Sqrt(e / float64(max(1, len(x))))
}

func sceneNames(t *testing.T) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(root, FixturesDir, "*.json"))
	if err != nil || len(m) == 0 {
		t.Fatalf("no annotations under %s/%s (run scripts/make-fixtures.sh): %v", root, FixturesDir, err)
	}
	var names []string
	for _, p := range m {
		names = append(names, strings.TrimSuffix(filepath.Base(p), ".json"))
	}
	return names
}

// TestCommittedAnnotations checks every committed scene against its WAV:
// the annotation validates, the file has the stated rate, its length is in
// range, wake segments hold speech that stands out of the background, and
// each scene's expectations match its name's promise where that is checkable.
func TestCommittedAnnotations(t *testing.T) {
	names := sceneNames(t)
	if got, want := len(names), len(sceneTable)+1; got != want {
		t.Errorf("%d scenes committed, want %d", got, want)
	}
	total := int64(0)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			a, evs, err := LoadAnnotation(filepath.Join(root, FixturesDir), name)
			if err != nil {
				t.Fatal(err)
			}
			if a.Name != name || a.WAV != name+".wav" {
				t.Errorf("name %q / wav %q do not match the file name", a.Name, a.WAV)
			}
			w := readWAV(t, filepath.Join(root, FixturesDir, a.WAV))
			if w.rate != a.SampleRate {
				t.Errorf("file rate %d, annotation says %d", w.rate, a.SampleRate)
			}
			frames := len(w.mono) * Rate / w.rate // length on the 16 kHz timeline
			if err := a.Validate(frames, evs); err != nil {
				t.Error(err)
			}
			if d := float64(frames) / Rate; d < 6 || d > 25 {
				t.Errorf("duration %.2f s, want 6..25 s", d)
			}
			// Events happen between words: no speech segment straddles one,
			// so "before" and "after" an event are well defined.
			for i, e := range evs {
				for j, s := range a.Segments {
					if s.Label != LabelNoise && s.Start < e.Sample() && e.Sample() < s.End {
						t.Errorf("event %d (%s at %.3f s) falls inside segment %d %q", i, e.Kind, e.Seconds, j, s.Text)
					}
				}
			}
			if w.rate != Rate {
				return // levels below are checked on the 16 kHz files
			}
			if w.channels != 1 || w.float || w.bits != 16 {
				t.Errorf("%d channels, %d bits, float %v; want mono 16-bit PCM", w.channels, w.bits, w.float)
			}
			for i, s := range a.Segments {
				if s.Label != LabelWake {
					continue
				}
				// Speech at normal level stands at least 20 dB over the
				// -55 dBFS background.
				if got, floor := rms(w.mono[s.Start:s.End]), dbfs(backgroundDB+20); got < floor {
					t.Errorf("wake segment %d RMS %.4f, want ≥ %.4f", i, got, floor)
				}
				if s.Text != WakeWord {
					t.Errorf("wake segment %d says %q", i, s.Text)
				}
			}
		})
		for _, ext := range []string{".wav", ".json", ".events"} {
			if fi, err := os.Stat(filepath.Join(root, FixturesDir, name+ext)); err == nil {
				total += fi.Size()
			}
		}
	}
	// The brief allows about 6 MB for all fixtures; 7 MB is the hard limit.
	if total > 7<<20 {
		t.Errorf("fixtures total %d bytes, want < 7 MiB", total)
	}
}

// TestStereoMatchesMono checks that the 44.1 kHz stereo scene is the
// wake_in_sentence scene: same annotation apart from name, file and rate, and
// the same audio (energy per segment) once brought back to 16 kHz.
func TestStereoMatchesMono(t *testing.T) {
	dir := filepath.Join(root, FixturesDir)
	mono, _, err := LoadAnnotation(dir, "wake_in_sentence")
	if err != nil {
		t.Fatal(err)
	}
	st, _, err := LoadAnnotation(dir, "wake_44k_stereo")
	if err != nil {
		t.Fatal(err)
	}
	if st.SampleRate != Stereo44kRate || !slices.Equal(st.Segments, mono.Segments) || !reflect.DeepEqual(st.Expect, mono.Expect) {
		t.Fatalf("wake_44k_stereo annotation does not match wake_in_sentence")
	}
	m := readWAV(t, filepath.Join(dir, mono.WAV))
	s := readWAV(t, filepath.Join(dir, st.WAV))
	if s.channels != 2 || !s.float || s.bits != 32 {
		t.Fatalf("stereo scene: %d channels, %d bits, float %v; want 2, 32-bit float", s.channels, s.bits, s.float)
	}
	if got, want := len(s.mono), (len(m.mono)*Stereo44kRate+Rate-1)/Rate; got != want {
		t.Errorf("stereo scene has %d frames, want %d", got, want)
	}
	for i, seg := range st.Segments {
		// The down-mix is (1+rightGain)/2 of the mono scene.
		want := rms(m.mono[seg.Start:seg.End]) * (1 + rightGain) / 2
		a, b := seg.Start*Stereo44kRate/Rate, seg.End*Stereo44kRate/Rate
		if got := rms(s.mono[a:b]); math.Abs(got-want) > 0.05*want {
			t.Errorf("segment %d: stereo RMS %.4f, want %.4f ±5%%", i, got, want)
		}
	}
}

func TestEnrollment(t *testing.T) {
	for i := range EnrollVoices {
		w := readWAV(t, filepath.Join(root, EnrollDir, fmt.Sprintf("%s-%d.wav", WakeWord, i+1)))
		if w.rate != Rate || w.channels != 1 {
			t.Errorf("computer-%d: %d Hz, %d channels", i+1, w.rate, w.channels)
		}
		if d := float64(len(w.mono)) / Rate; d < 0.8 || d > 2 {
			t.Errorf("computer-%d: %.2f s, want one word with padding (0.8..2 s)", i+1, d)
		}
	}
	// A user never says the wake word the same way twice: no scene voice may
	// equal an enrollment voice.
	for _, wv := range []Voice{wake1, wake2, wake3, wake4} {
		for _, ev := range EnrollVoices {
			if wv.Name == ev.Name && wv.Speed == ev.Speed && wv.Pitch == ev.Pitch {
				t.Errorf("scene wake voice %+v equals enrollment voice %+v", wv, ev)
			}
		}
	}
}

// TestReproducible regenerates everything and compares it byte for byte with
// the committed files (what scripts/make-fixtures.sh --check does).
func TestReproducible(t *testing.T) {
	s := Espeak{}
	if !s.Available() {
		t.Skip("espeak-ng not installed")
	}
	files, err := Build(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	diffs, err := Compare(root, files)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Error(d)
	}
}

func TestValidateRejects(t *testing.T) {
	one, five := 1, 5
	good := func() *Annotation {
		return &Annotation{
			Name: "x", WAV: "x.wav", SampleRate: Rate,
			Segments: []Segment{
				{Label: LabelPrivate, Text: "p", Start: 0, End: 100},
				{Label: LabelWake, Text: WakeWord, Start: 200, End: 300},
				{Label: LabelCommand, Text: "c", Start: 300, End: 400},
			},
			Expect: Expect{
				Streams:   []Stream{{Trigger: TriggerWakeword, WakeSegment: &one, MustContain: []int{1, 2}, EndReasons: endNormal}},
				NeverSent: []int{0},
			},
		}
	}
	evs := []Event{{Seconds: 0.01, Kind: EventButton}}
	if err := good().Validate(1000, evs); err != nil {
		t.Fatalf("valid annotation rejected: %v", err)
	}
	for _, tc := range []struct {
		name   string
		frames int
		evs    []Event
		edit   func(a *Annotation)
		want   string
	}{
		{"segment past end", 350, evs, func(a *Annotation) {}, "outside the file"},
		{"empty segment", 1000, evs, func(a *Annotation) { a.Segments[1].End = 200 }, "empty"},
		{"unknown label", 1000, evs, func(a *Annotation) { a.Segments[0].Label = "secret" }, "unknown label"},
		{"events unsorted", 1000, []Event{{0.05, EventMute}, {0.01, EventUnmute}}, func(a *Annotation) {}, "before event"},
		{"event past end", 1000, []Event{{1, EventMute}}, func(a *Annotation) {}, "after the end"},
		{"wake segment not wake", 1000, evs, func(a *Annotation) { a.Expect.Streams[0].WakeSegment = new(int) }, "not a wake segment"},
		{"wake segment missing", 1000, evs, func(a *Annotation) { a.Expect.Streams[0].WakeSegment = &five }, "does not exist"},
		{"button without press", 1000, evs, func(a *Annotation) { a.Expect.Streams[0].Trigger = TriggerButton }, "press_event"},
		{"followup without service", 1000, evs, func(a *Annotation) { a.Expect.Streams[0].Trigger = TriggerFollowup }, "no follow-up window"},
		{"bad end reason", 1000, evs, func(a *Annotation) { a.Expect.Streams[0].EndReasons = []string{"DONE"} }, "unknown end reason"},
		{"contain and never", 1000, evs, func(a *Annotation) { a.Expect.NeverSent = []int{2} }, "both must_contain and never_sent"},
		{"null streams", 1000, evs, func(a *Annotation) { a.Expect.Streams = nil }, "null"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := good()
			tc.edit(a)
			err := a.Validate(tc.frames, tc.evs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestParseEvents(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    []Event
		wantErr bool
	}{
		{"0.500 mute\n1.000 unmute\n", []Event{{0.5, EventMute}, {1, EventUnmute}}, false},
		{"# comment\n\n2 button\n", []Event{{2, EventButton}}, false},
		{"1.0 shout\n", nil, true},
		{"x button\n", nil, true},
		{"-1 button\n", nil, true},
		{"NaN button\n", nil, true},
		{"+Inf mute\n", nil, true},
		{"1.0\n", nil, true},
	} {
		got, err := ParseEvents([]byte(tc.in))
		if (err != nil) != tc.wantErr || !slices.Equal(got, tc.want) {
			t.Errorf("ParseEvents(%q) = %v, %v; want %v, err %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
	evs := []Event{{0.02, EventButton}, {4.6, EventMute}}
	if got, err := ParseEvents(FormatEvents(evs)); err != nil || !slices.Equal(got, evs) {
		t.Errorf("round trip: %v, %v", got, err)
	}
	if got := (Event{Seconds: 4.6}).Sample(); got != 73600 {
		t.Errorf("4.6 s is sample %d, want 73600", got)
	}
}

func FuzzParseEvents(f *testing.F) {
	f.Add([]byte("0.500 mute\n1.000 unmute\n"))
	f.Add([]byte("# c\n2 button\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		evs, err := ParseEvents(data)
		if err != nil {
			return
		}
		// Whatever parses must survive a format/parse round trip.
		back, err := ParseEvents(FormatEvents(evs))
		if err != nil || len(back) != len(evs) {
			t.Fatalf("round trip of %v: %v, %v", evs, back, err)
		}
	})
}

func TestNoise(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	lag1 := func(x []float64) float64 {
		num, den := 0.0, 0.0
		for i := 1; i < len(x); i++ {
			num += x[i] * x[i-1]
			den += x[i] * x[i]
		}
		return num / den
	}
	prev := -1.0
	for _, k := range []noiseKind{white, pink, brown} {
		x := noise(rng, k, Rate, -40)
		if got := 20 * math.Log10(rms(x)); math.Abs(got+40) > 1e-9 {
			t.Errorf("%v noise at %.3f dBFS, want -40", k, got)
		}
		// Redder noise is smoother: the lag-1 correlation rises
		// white (≈0) < pink < brown (≈1).
		c := lag1(x)
		if c <= prev {
			t.Errorf("%v noise lag-1 correlation %.3f, not above the previous colour's %.3f", k, c, prev)
		}
		prev = c
	}
	if prev < 0.9 {
		t.Errorf("brown noise lag-1 correlation %.3f, want > 0.9", prev)
	}
}

func TestTrim(t *testing.T) {
	s := []float32{0, 0.001, -0.003, 0.2, 0, -0.5, 0.002, 0}
	if got := trim(s); len(got) != 3 || got[0] != 0.2 || got[2] != -0.5 {
		t.Errorf("trim = %v, want [0.2 0 -0.5]", got)
	}
	if got := trim([]float32{0, 0.001}); len(got) != 0 {
		t.Errorf("trim of silence = %v, want empty", got)
	}
}

func TestEncodeFloat32(t *testing.T) {
	in := []float32{0, 0.5, -0.25, 1, -1, 0.125}
	b := encodeFloat32(44100, 2, in)
	rd, err := wav.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rd.Format(), (wav.Format{SampleRate: 44100, Channels: 2, BitsPerSample: 32, Encoding: wav.Float}); got != want {
		t.Errorf("format %v, want %v", got, want)
	}
	if got := rd.Frames(); got != 3 {
		t.Errorf("%d frames, want 3", got)
	}
	got := make([]float32, 8)
	n, err := rd.ReadFloat(got)
	if err != nil || !slices.Equal(got[:n], in) {
		t.Errorf("ReadFloat = %v, %v; want %v", got[:n], err, in)
	}
	if size := int(binary.LittleEndian.Uint32(b[4:])) + 8; size != len(b) {
		t.Errorf("RIFF size says %d bytes, file has %d", size, len(b))
	}
}

func TestWriteCompare(t *testing.T) {
	dir := t.TempDir()
	files := []File{
		{FixturesDir + "/a.json", []byte("{}\n")},
		{FixturesDir + "/a.wav", []byte("RIFF....")},
		{EnrollDir + "/computer-1.wav", []byte("RIFF")},
	}
	stale := filepath.Join(dir, FixturesDir, "old.json")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale file survived Write: %v", err)
	}
	if diffs, err := Compare(dir, files); err != nil || len(diffs) != 0 {
		t.Fatalf("Compare after Write = %v, %v; want no differences", diffs, err)
	}
	changed := slices.Clone(files)
	changed[1] = File{FixturesDir + "/a.wav", []byte("RIFF..!.")}
	changed = append(changed[:2], File{FixturesDir + "/b.wav", []byte("x")})
	diffs, err := Compare(dir, changed)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		EnrollDir + "/computer-1.wav" + staleSuffix,
		FixturesDir + "/a.wav: differs from byte 6 (stored 8 bytes, generated 8)",
		FixturesDir + "/b.wav: missing",
	}
	if !slices.Equal(diffs, want) {
		t.Errorf("Compare =\n%q\nwant\n%q", diffs, want)
	}
}
