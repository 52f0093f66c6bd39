package capture

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/wakegate/wakegate/wav"
)

// wavBytes builds a WAV file: PCM (tag 1) or float (tag 3) at the given bit
// depth, from interleaved samples in [-1, 1].
func wavBytes(rate, channels, bits int, float bool, x []float64) []byte {
	var data bytes.Buffer
	le := binary.LittleEndian
	for _, v := range x {
		switch {
		case float && bits == 32:
			binary.Write(&data, le, float32(v))
		case bits == 8:
			data.WriteByte(byte(math.Round(v*127) + 128))
		case bits == 16:
			binary.Write(&data, le, int16(math.Round(v*32767)))
		case bits == 24:
			s := int32(math.Round(v * 8388607))
			data.Write([]byte{byte(s), byte(s >> 8), byte(s >> 16)})
		}
	}
	tag := uint16(1)
	if float {
		tag = 3
	}
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, le, uint32(36+data.Len()))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), tag, uint16(channels), uint32(rate),
		uint32(rate * channels * bits / 8), uint16(channels * bits / 8), uint16(bits)} {
		binary.Write(&b, le, v)
	}
	b.WriteString("data")
	binary.Write(&b, le, uint32(data.Len()))
	b.Write(data.Bytes())
	return b.Bytes()
}

func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// ramp16k is a 16 kHz mono file whose sample i is i%20000, so that a
// position can be read off a sample.
func ramp16k(t *testing.T, n int) string {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(i % 20000)
	}
	return writeFile(t, "ramp.wav", wav.EncodeInt16(16000, s))
}

func readAll(t *testing.T, s Source, chunk int) ([]int16, error) {
	t.Helper()
	var out []int16
	buf := make([]int16, chunk)
	for {
		n, err := s.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			return out, err
		}
		if n != len(buf) {
			t.Fatalf("Read returned %d < %d without an error", n, len(buf))
		}
	}
}

func TestFileFormats(t *testing.T) {
	t.Parallel()
	tone := func(n, rate, ch int, f, a float64) []float64 {
		x := make([]float64, 0, n*ch)
		for i := range n {
			v := a * math.Sin(2*math.Pi*f*float64(i)/float64(rate))
			for c := range ch {
				if c == 0 {
					x = append(x, v)
				} else {
					x = append(x, 0) // other channels silent: mean is v/ch
				}
			}
		}
		return x
	}
	tests := []struct {
		name             string
		rate, ch, bits   int
		float            bool
		frames           int
		wantAmp, wantLen float64
	}{
		{"16k mono 16-bit", 16000, 1, 16, false, 16000, 0.5, 16000},
		{"48k stereo float", 48000, 2, 32, true, 48000, 0.25, 16000},
		{"44.1k mono 24-bit", 44100, 1, 24, false, 22050, 0.5, 8000},
		{"8k mono 8-bit", 8000, 1, 8, false, 8001, 0.5, 16002},
		{"22.05k 4ch 16-bit", 22050, 4, 16, false, 22050, 0.125, 16000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, "x.wav", wavBytes(tc.rate, tc.ch, tc.bits, tc.float, tone(tc.frames, tc.rate, tc.ch, 1000, 0.5)))
			f, err := OpenFile(path, FileOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got := f.Format(); got.SampleRate != tc.rate || got.Channels != tc.ch || got.BitsPerSample != tc.bits {
				t.Errorf("Format = %v", got)
			}
			if f.Len() != int64(tc.wantLen) {
				t.Errorf("Len = %d, want %v", f.Len(), tc.wantLen)
			}
			if err := f.Start(); err != nil {
				t.Fatal(err)
			}
			got, err := readAll(t, f, 160)
			if err != io.EOF {
				t.Fatalf("final error %v, want io.EOF", err)
			}
			if len(got) != int(tc.wantLen) || f.Position() != int64(tc.wantLen) || f.Delivered() != int64(tc.wantLen) {
				t.Errorf("got %d samples (Position %d, Delivered %d), want %v", len(got), f.Position(), f.Delivered(), tc.wantLen)
			}
			mid := got[len(got)/4 : 3*len(got)/4]
			var s, c float64
			for i, v := range mid {
				w := 2 * math.Pi * 1000 * float64(i+len(got)/4) / 16000
				s += float64(v) / 32768 * math.Sin(w)
				c += float64(v) / 32768 * math.Cos(w)
			}
			amp := 2 * math.Hypot(s, c) / float64(len(mid))
			if math.Abs(20*math.Log10(amp/tc.wantAmp)) > 0.1 { // dB; 8-bit quantisation stays well inside
				t.Errorf("1 kHz amplitude %.4f, want %.4f (mono = mean of channels)", amp, tc.wantAmp)
			}
			if math.Abs(math.Atan2(c, s)) > 0.02 { // radians: time-aligned output
				t.Errorf("phase %.3f rad, want 0", math.Atan2(c, s))
			}
			if n, err := f.Read(make([]int16, 10)); n != 0 || err != io.EOF {
				t.Errorf("Read after the end = %d, %v", n, err)
			}
		})
	}
}

func TestFileErrors(t *testing.T) {
	t.Parallel()
	good := wav.EncodeInt16(16000, make([]int16, 1000))
	mp3 := wavBytes(16000, 1, 16, false, []float64{0})
	binary.LittleEndian.PutUint16(mp3[20:], 0x55)
	tests := []struct {
		name, file string
		data       []byte
		want       string
		is         error
	}{
		{"missing", "nothere.wav", nil, "nothere.wav: no such file or directory", os.ErrNotExist},
		{"garbage", "junk.wav", []byte("this is not a wave file at all"), "junk.wav: wav: not a RIFF/WAVE file", wav.ErrNotWAVE},
		{"truncated", "cut.wav", good[:1000], "cut.wav: wav: data chunk truncated: header says 2000 bytes, file has 956", io.ErrUnexpectedEOF},
		{"mp3", "mp3.wav", mp3, "mp3.wav: wav: unsupported format tag 0x0055 (MPEG)", wav.ErrUnsupported},
		{"empty", "empty.wav", []byte{}, "empty.wav: wav: not a RIFF/WAVE file", wav.ErrNotWAVE},
	}
	for _, tc := range tests {
		path := filepath.Join(t.TempDir(), tc.file)
		if tc.data != nil {
			os.WriteFile(path, tc.data, 0o644)
		}
		_, err := OpenFile(path, FileOptions{})
		if err == nil || !strings.HasPrefix(err.Error(), "capture: "+path) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to name the file and contain %q", tc.name, err, tc.want)
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%s: error %v is not %v", tc.name, err, tc.is)
		}
	}
}

func TestFileSkipAndStop(t *testing.T) {
	t.Parallel()
	f, err := OpenFile(ramp16k(t, 10000), FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]int16, 100)
	if n, err := f.Read(buf); n != 0 || err != ErrStopped {
		t.Fatalf("Read before Start = %d, %v", n, err)
	}
	if n, err := f.Skip(1234); n != 1234 || err != nil {
		t.Fatalf("Skip while stopped = %d, %v", n, err)
	}
	f.Start()
	f.Start() // idempotent
	if n, err := f.Read(buf); n != 100 || err != nil || buf[0] != 1234 || buf[99] != 1333 {
		t.Fatalf("Read = %d, %v, %d..%d; want 1234..1333", n, err, buf[0], buf[99])
	}
	f.Stop()
	if n, err := f.Read(buf); n != 0 || err != ErrStopped {
		t.Fatalf("Read while stopped = %d, %v", n, err)
	}
	f.Skip(666)
	f.Start()
	f.Read(buf)
	if buf[0] != 2000 || f.Position() != 2100 || f.Delivered() != 200 {
		t.Errorf("after Stop/Skip/Start: sample %d, Position %d, Delivered %d; want 2000, 2100, 200", buf[0], f.Position(), f.Delivered())
	}
	if n, err := f.Skip(1 << 20); n != 7900 || err != io.EOF {
		t.Errorf("Skip past the end = %d, %v; want 7900, EOF", n, err)
	}
	f.Close()
	if _, err := f.Read(buf); err != ErrClosed {
		t.Errorf("Read after Close: %v", err)
	}
}

// TestFilePaced checks real-time pacing against a fake clock: a Read of
// 100 ms returns when 100 ms have passed, Stop wakes it without delivering,
// and a restart skips the time spent stopped.
func TestFilePaced(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	clk := clockwork.NewFakeClock()
	f, err := OpenFile(ramp16k(t, 40000), FileOptions{Paced: true, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Start()
	res := readAsync(f, make([]int16, 1600)) // 100 ms
	if err := clk.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	clk.Advance(99 * time.Millisecond)
	select {
	case r := <-res:
		t.Fatalf("Read returned after 99 ms of 100: %d, %v", r.n, r.err)
	case <-time.After(20 * time.Millisecond):
	}
	clk.Advance(time.Millisecond)
	if r := <-res; r.n != 1600 || r.err != nil || r.buf[0] != 0 || r.buf[1599] != 1599 {
		t.Fatalf("paced Read = %d, %v", r.n, r.err)
	}
	// Stop wakes a paced Read; nothing is delivered and buf is zeroed.
	res = readAsync(f, fill(1600, -1))
	if err := clk.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	f.Stop()
	r := <-res
	if r.n != 0 || r.err != ErrStopped {
		t.Fatalf("Read woken by Stop = %d, %v", r.n, r.err)
	}
	for _, v := range r.buf {
		if v != 0 {
			t.Fatal("caller's buffer holds samples from before Stop")
		}
	}
	// Stopped for one second: the restart resumes where the clock is, 1.1 s
	// after the first Start, i.e. at sample 17600 (the 1600 samples the
	// stopped Read consumed and the stopped span are skipped).
	clk.Advance(time.Second)
	f.Start()
	if got := f.Position(); got != 17600 {
		t.Errorf("Position after paced restart = %d, want 17600", got)
	}
	res = readAsync(f, make([]int16, 160))
	if err := clk.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	clk.Advance(10 * time.Millisecond)
	if r := <-res; r.n != 160 || r.buf[0] != 17600 {
		t.Errorf("after restart got %d samples from %d, want 160 from 17600", r.n, r.buf[0])
	}
	if f.Delivered() != 1760 {
		t.Errorf("Delivered = %d, want 1760", f.Delivered())
	}
}

func TestFileStreamedWAV(t *testing.T) {
	t.Parallel()
	b := wav.EncodeInt16(16000, []int16{1, 2, 3})
	binary.LittleEndian.PutUint32(b[40:], 0xFFFFFFFF)
	f, err := OpenFile(writeFile(t, "s.wav", b), FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Start()
	got, err := readAll(t, f, 2)
	if err != io.EOF || len(got) != 3 || f.Len() != -1 {
		t.Errorf("got %v, %v, Len %d", got, err, f.Len())
	}
}

func TestOpenReader(t *testing.T) {
	t.Parallel()
	b := wav.EncodeInt16(16000, []int16{5, 6, 7, 8})
	f, err := OpenReader("mem.wav", bytes.NewReader(b), FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f.Start()
	got, err := readAll(t, f, 3)
	if err != io.EOF || len(got) != 4 || got[3] != 8 || f.Len() != 4 {
		t.Errorf("got %v, %v, Len %d", got, err, f.Len())
	}
	f.Close()
	if _, err := OpenReader("cut.wav", bytes.NewReader(b[:len(b)-3]), FileOptions{}); err == nil ||
		!strings.Contains(err.Error(), "capture: cut.wav: wav: data chunk truncated: header says 8 bytes, file has 5") {
		t.Errorf("truncated in-memory file: %v", err)
	}
}
