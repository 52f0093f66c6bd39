package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wakegate/wakegate/audio/audiotest"
	"github.com/wakegate/wakegate/wav"
)

// writeFLAC is audiotest.WriteFLAC.
func writeFLAC(t *testing.T, path string, rate int, channels [][]int32) {
	audiotest.WriteFLAC(t, path, rate, channels)
}

// sine returns n samples of a full-scale-relative sine as int32 (16-bit).
func sine(n, rate int, f, amp float64) []int32 {
	x := make([]int32, n)
	for i := range x {
		x[i] = int32(math.Round(amp * 32767 * math.Sin(2*math.Pi*f*float64(i)/float64(rate))))
	}
	return x
}

func TestFLACRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "tone.flac")
	x := sine(5000, 16000, 440, 0.8)
	writeFLAC(t, path, 16000, [][]int32{x})
	got, err := LoadInt16(path, 16000)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(x) {
		t.Fatalf("%d samples, want %d", len(got), len(x))
	}
	for i := range x {
		if int32(got[i]) != x[i] {
			t.Fatalf("sample %d = %d, want %d", i, got[i], x[i])
		}
	}
}

func TestFLACStereoResampled(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "stereo.flac")
	const n = 44100
	// Left carries a 1 kHz tone, right is silent: the mono mean has half the
	// amplitude.
	writeFLAC(t, path, 44100, [][]int32{sine(n, 44100, 1000, 0.5), make([]int32, n)})
	got, err := Load(path, 16000)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 16000 {
		t.Errorf("%d samples, want 16000", len(got))
	}
	if a := amplitude(got[4000:12000], 16000, 1000); math.Abs(a-0.25) > 0.003 {
		t.Errorf("1 kHz amplitude %.4f, want 0.25", a)
	}
}

// amplitude fits a sine of frequency f to x.
func amplitude(x []float32, rate int, f float64) float64 {
	var s, c float64
	for i, v := range x {
		w := 2 * math.Pi * f * float64(i) / float64(rate)
		s += float64(v) * math.Sin(w)
		c += float64(v) * math.Cos(w)
	}
	return 2 * math.Hypot(s, c) / float64(len(x))
}

// flacFrames returns the byte offsets of the frame sync codes in a FLAC file
// written by writeFLAC (verbatim frames of a quiet tone cannot contain the
// 0xFFF8 pattern in their samples).
func flacFrames(b []byte) []int {
	var offs []int
	for i := 4; i+1 < len(b); i++ {
		if b[i] == 0xFF && b[i+1] == 0xF8 {
			offs = append(offs, i)
		}
	}
	return offs
}

func TestFLACDamage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.flac")
	writeFLAC(t, good, 16000, [][]int32{sine(10*1152, 16000, 300, 0.3)})
	b, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	offs := flacFrames(b)
	if len(offs) != 10 {
		t.Fatalf("found %d frames, want 10", len(offs))
	}
	flip := bytes.Clone(b)
	flip[offs[4]+500] ^= 0x10
	dropped := append(bytes.Clone(b[:offs[3]]), b[offs[4]:]...)
	lastDropped := bytes.Clone(b[:offs[9]])
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"bit flip", flip, "17.flac: frame 4 (sample 4608): corrupt: crc mismatch"},
		{"frame removed", dropped, "17.flac: frame 3: corrupt: starts at sample 4608, want 3456: frames lost"},
		{"last frame removed", lastDropped, "17.flac: corrupt: stream header says 11520 samples, frames hold 10368"},
		{"truncated", b[:offs[6]+100], "17.flac: frame 6 (sample 6912): corrupt: file truncated inside a frame"},
	}
	for _, tc := range tests {
		path := filepath.Join(dir, tc.name, "17.flac")
		os.Mkdir(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, tc.data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path, 16000)
		if err == nil {
			t.Errorf("%s: loaded without error", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "audio: "+path) {
			t.Errorf("%s: error %q, want it to name the file and contain %q", tc.name, err, tc.want)
		}
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: error does not wrap ErrCorrupt", tc.name)
		}
	}
}

func TestWAV(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// Stereo 48 kHz: left +x, right +x/2 → mono 0.75x.
	path := filepath.Join(dir, "s.wav")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := wav.NewWriter(f, 48000, 2)
	if err != nil {
		t.Fatal(err)
	}
	x := sine(48000, 48000, 1000, 0.4)
	inter := make([]int16, 0, 2*len(x))
	for _, v := range x {
		inter = append(inter, int16(v), int16(v/2))
	}
	w.WriteInt16(inter)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got, err := Load(path, 16000)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 16000 {
		t.Errorf("%d samples, want 16000", len(got))
	}
	if a := amplitude(got[4000:12000], 16000, 1000); math.Abs(a-0.3) > 0.003 {
		t.Errorf("amplitude %.4f, want 0.3 (mean of 0.4 and 0.2)", a)
	}
	// Same rate: no resampling, exact samples.
	mono := filepath.Join(dir, "m.wav")
	os.WriteFile(mono, wav.EncodeInt16(16000, []int16{1, -2, 32767, -32768}), 0o644)
	gi, err := LoadInt16(mono, 16000)
	if err != nil || len(gi) != 4 || gi[0] != 1 || gi[1] != -2 || gi[2] != 32767 || gi[3] != -32768 {
		t.Errorf("LoadInt16 = %v, %v", gi, err)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	full := wav.EncodeInt16(16000, make([]int16, 1000))
	hdr := make([]byte, 8)
	binary.LittleEndian.PutUint32(hdr, 1)
	tests := []struct {
		path, want string
	}{
		{filepath.Join(dir, "missing.wav"), "missing.wav: no such file or directory"},
		{write("empty.wav", nil), "empty.wav: empty file"},
		{write("text.wav", []byte("just some text")), `text.wav: not a WAV or FLAC file (starts with "just")`},
		{write("cut.wav", full[:500]), "cut.wav: wav: data chunk truncated: header says 2000 bytes, file has 456"},
		{write("mp3.wav", []byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x55\x00\x01\x00\x80\x3e\x00\x00\x00\x7d\x00\x00\x02\x00\x10\x00data\x00\x00\x00\x00")), "mp3.wav: wav: unsupported format tag 0x0055 (MPEG)"},
		{write("bad.flac", []byte("fLaC\x00\x00\x00\x22garbage")), "bad.flac: flac header"},
	}
	for _, tc := range tests {
		_, err := Load(tc.path, 16000)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "audio: ") {
			t.Errorf("Load(%s) error %v, want it to contain %q", filepath.Base(tc.path), err, tc.want)
		}
	}
	if _, err := Load(write("ok.wav", full), 0); err == nil {
		t.Error("rate 0 accepted")
	}
}

// benchmarkDir is the shared real-recording set; it is not in the repository.
const benchmarkDir = "/work/shared/data/wake-word-benchmark/alexa"

// TestBenchmarkDamage checks, on real recordings, that Load rejects exactly
// the files the reference decoder (`flac -t`) rejects, naming the file and
// frame, and loads the others. Skipped where the data set is absent.
func TestBenchmarkDamage(t *testing.T) {
	if _, err := os.Stat(benchmarkDir); err != nil {
		t.Skip("real recordings not available:", err)
	}
	flacBin, _ := exec.LookPath("flac")
	// Two ranges that include damaged and intact sessions (of four files
	// each), to keep the test short.
	var files []int
	for i := 28; i < 40; i++ {
		files = append(files, i)
	}
	for i := 124; i < 148; i++ {
		files = append(files, i)
	}
	corrupt := 0
	for _, i := range files {
		path := filepath.Join(benchmarkDir, strconv.Itoa(i)+".flac")
		x, err := Load(path, 16000)
		if err != nil {
			corrupt++
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path+": frame ") {
				t.Errorf("%d.flac: error %q does not name the file and frame as corrupt", i, err)
			}
		} else if len(x) < 8000 { // every recording holds the word: ≥ 0.5 s
			t.Errorf("%d.flac: only %d samples", i, len(x))
		}
		if flacBin != "" {
			refBad := exec.Command(flacBin, "-t", "-s", path).Run() != nil
			if refBad != (err != nil) {
				t.Errorf("%d.flac: flac -t rejects=%v, Load error=%v", i, refBad, err)
			}
		}
	}
	if corrupt == 0 {
		t.Error("no damaged file found; the data set is documented to contain some")
	}
}
