package wav

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"
)

// chunk is one RIFF chunk for building test files.
type chunk struct {
	id   string
	body []byte
	size uint32 // declared size; 0 means len(body)
}

// build assembles a RIFF/WAVE file from chunks, adding pad bytes after
// odd-sized bodies.
func build(chunks ...chunk) []byte {
	var b bytes.Buffer
	b.WriteString("RIFF")
	b.Write([]byte{0, 0, 0, 0})
	b.WriteString("WAVE")
	for _, c := range chunks {
		b.WriteString(c.id)
		size := c.size
		if size == 0 {
			size = uint32(len(c.body))
		}
		binary.Write(&b, binary.LittleEndian, size)
		b.Write(c.body)
		if len(c.body)%2 == 1 {
			b.WriteByte(0)
		}
	}
	out := b.Bytes()
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out
}

// fmtBody is a plain 16-byte fmt chunk body.
func fmtBody(tag uint16, channels, rate, bits int) []byte {
	b := make([]byte, 16)
	le := binary.LittleEndian
	le.PutUint16(b[0:], tag)
	le.PutUint16(b[2:], uint16(channels))
	le.PutUint32(b[4:], uint32(rate))
	le.PutUint32(b[8:], uint32(rate*channels*bits/8))
	le.PutUint16(b[12:], uint16(channels*bits/8))
	le.PutUint16(b[14:], uint16(bits))
	return b
}

// extBody is a 40-byte WAVE_FORMAT_EXTENSIBLE fmt body with sub-format tag.
func extBody(sub uint16, channels, rate, bits int) []byte {
	b := append(fmtBody(tagExtensible, channels, rate, bits), make([]byte, 24)...)
	le := binary.LittleEndian
	le.PutUint16(b[16:], 22)           // cbSize
	le.PutUint16(b[18:], uint16(bits)) // valid bits
	le.PutUint32(b[20:], 0x3)          // channel mask FL|FR
	le.PutUint16(b[24:], sub)          // GUID Data1 low half = format tag
	// Rest of KSDATAFORMAT_SUBTYPE GUID: 0000-0010-8000-00aa00389b71.
	copy(b[28:], []byte{0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71})
	return b
}

func readAll(t *testing.T, r *Reader) ([]float32, error) {
	t.Helper()
	var out []float32
	buf := make([]float32, 7) // odd size: exercises partial reads
	for {
		n, err := r.ReadFloat(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			if err == io.EOF {
				return out, nil
			}
			return out, err
		}
	}
}

func TestDecodeFormats(t *testing.T) {
	t.Parallel()
	le := binary.LittleEndian
	f32 := func(v ...float32) []byte {
		b := make([]byte, 4*len(v))
		for i, x := range v {
			le.PutUint32(b[4*i:], math.Float32bits(x))
		}
		return b
	}
	f64 := func(v ...float64) []byte {
		b := make([]byte, 8*len(v))
		for i, x := range v {
			le.PutUint64(b[8*i:], math.Float64bits(x))
		}
		return b
	}
	tests := []struct {
		name string
		fmt  []byte
		data []byte
		want []float32
		f    Format
	}{
		{"pcm8", fmtBody(1, 1, 8000, 8), []byte{0, 128, 192, 255},
			[]float32{-1, 0, 0.5, 127.0 / 128}, Format{8000, 1, 8, PCM}},
		{"pcm16", fmtBody(1, 1, 16000, 16), []byte{0x00, 0x80, 0x00, 0x00, 0x00, 0x40, 0xff, 0x7f},
			[]float32{-1, 0, 0.5, 32767.0 / 32768}, Format{16000, 1, 16, PCM}},
		{"pcm24 stereo", fmtBody(1, 2, 48000, 24), []byte{0, 0, 0x80, 0, 0, 0x40, 0xff, 0xff, 0xff, 0, 0, 0},
			[]float32{-1, 0.5, -1.0 / (1 << 23), 0}, Format{48000, 2, 24, PCM}},
		{"pcm32", fmtBody(1, 1, 44100, 32), []byte{0, 0, 0, 0x80, 0, 0, 0, 0xc0},
			[]float32{-1, -0.5}, Format{44100, 1, 32, PCM}},
		{"float32 clamps and NaN", fmtBody(3, 1, 22050, 32), f32(0.25, -0.75, 2, float32(math.NaN())),
			[]float32{0.25, -0.75, 1, 0}, Format{22050, 1, 32, Float}},
		{"float64", fmtBody(3, 1, 96000, 64), f64(0.125, -1),
			[]float32{0.125, -1}, Format{96000, 1, 64, Float}},
		{"extensible pcm24", extBody(1, 2, 48000, 24), []byte{0, 0, 0x40, 0, 0, 0xc0},
			[]float32{0.5, -0.5}, Format{48000, 2, 24, PCM}},
		{"extensible float", extBody(3, 2, 48000, 32), f32(0.5, -0.5),
			[]float32{0.5, -0.5}, Format{48000, 2, 32, Float}},
		{"six channels", fmtBody(1, 6, 48000, 16), make([]byte, 24),
			make([]float32, 12), Format{48000, 6, 16, PCM}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := build(chunk{id: "fmt ", body: tc.fmt}, chunk{id: "data", body: tc.data})
			r, err := NewReader(bytes.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Format(); got != tc.f {
				t.Errorf("Format() = %v, want %v", got, tc.f)
			}
			if got, want := r.Frames(), int64(len(tc.want)/tc.f.Channels); got != want {
				t.Errorf("Frames() = %d, want %d", got, want)
			}
			got, err := readAll(t, r)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d samples %v, want %v", len(got), got, tc.want)
			}
			for i := range got {
				if math.Abs(float64(got[i]-tc.want[i])) > 1e-7 {
					t.Errorf("sample %d = %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// onlyReader hides Seek, as a pipe would.
type onlyReader struct{ io.Reader }

func TestChunkLayouts(t *testing.T) {
	t.Parallel()
	f := fmtBody(1, 1, 16000, 16)
	data := []byte{1, 0, 2, 0, 3, 0}
	want := []float32{1.0 / 32768, 2.0 / 32768, 3.0 / 32768}
	tests := []struct {
		name     string
		file     []byte
		seekable bool
		frames   int64
	}{
		{"LIST and fact before fmt", build(chunk{id: "LIST", body: []byte("INFOISFT\x05\x00\x00\x00Lavf\x00")}, chunk{id: "fmt ", body: f}, chunk{id: "fact", body: []byte{3, 0, 0, 0}}, chunk{id: "data", body: data}), false, 3},
		{"odd-size chunk is padded", build(chunk{id: "fmt ", body: f}, chunk{id: "junk", body: []byte{1, 2, 3}}, chunk{id: "data", body: data}), false, 3},
		{"fmt chunk with extra bytes", build(chunk{id: "fmt ", body: append(append([]byte{}, f...), 0, 0)}, chunk{id: "data", body: data}), false, 3},
		{"data before fmt, seekable", build(chunk{id: "data", body: data}, chunk{id: "LIST", body: []byte("INFO")}, chunk{id: "fmt ", body: f}), true, 3},
		{"streamed size", build(chunk{id: "fmt ", body: f}, chunk{id: "data", body: data, size: 0xFFFFFFFF}), false, -1},
		{"trailing chunk after data", build(chunk{id: "fmt ", body: f}, chunk{id: "data", body: data}, chunk{id: "LIST", body: []byte("INFOabcd")}), false, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var in io.Reader = bytes.NewReader(tc.file)
			if !tc.seekable {
				in = onlyReader{in}
			}
			r, err := NewReader(in)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Frames(); got != tc.frames {
				t.Errorf("Frames() = %d, want %d", got, tc.frames)
			}
			got, err := readAll(t, r)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("got %v, want %v", got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("sample %d = %v, want %v", i, got[i], want[i])
				}
			}
		})
	}
}

func TestHeaderErrors(t *testing.T) {
	t.Parallel()
	f := fmtBody(1, 1, 16000, 16)
	data := chunk{id: "data", body: []byte{0, 0}}
	badAlign := fmtBody(1, 2, 16000, 16)
	badAlign[12] = 3
	tests := []struct {
		name string
		file []byte
		in   func([]byte) io.Reader
		want string
		is   error
	}{
		{"empty", nil, nil, "wav: not a RIFF/WAVE file (the input is empty)", ErrNotWAVE},
		{"a few bytes", []byte("RIFF\x04"), nil, "wav: not a RIFF/WAVE file (only a few bytes)", ErrNotWAVE},
		{"text", []byte("hello, this is not audio at all"), nil, "not a RIFF/WAVE file", ErrNotWAVE},
		{"RIFF but AVI", append([]byte("RIFF\x04\x00\x00\x00AVI "), 0), nil, "not a RIFF/WAVE file", ErrNotWAVE},
		{"RF64", []byte("RF64\xff\xff\xff\xffWAVE"), nil, "RF64", ErrUnsupported},
		{"MPEG", build(chunk{id: "fmt ", body: fmtBody(0x55, 1, 16000, 0)}, data), nil, "wav: unsupported format tag 0x0055 (MPEG); supported: PCM and IEEE float", ErrUnsupported},
		{"mu-law", build(chunk{id: "fmt ", body: fmtBody(7, 1, 8000, 8)}, data), nil, "0x0007 (mu-law)", ErrUnsupported},
		{"extensible ADPCM", build(chunk{id: "fmt ", body: extBody(2, 1, 8000, 4)}, data), nil, "0x0002 (Microsoft ADPCM)", ErrUnsupported},
		{"fmt missing", build(data), nil, "fmt chunk missing", nil},
		{"fmt missing with LIST", build(chunk{id: "LIST", body: []byte("INFO")}), nil, "fmt chunk missing", nil},
		{"data missing", build(chunk{id: "fmt ", body: f}), nil, "data chunk missing", nil},
		{"12-bit", build(chunk{id: "fmt ", body: fmtBody(1, 1, 16000, 12)}, data), nil, "12-bit PCM", ErrUnsupported},
		{"16-bit float", build(chunk{id: "fmt ", body: fmtBody(3, 1, 16000, 16)}, data), nil, "16-bit float", ErrUnsupported},
		{"zero channels", build(chunk{id: "fmt ", body: fmtBody(1, 0, 16000, 16)}, data), nil, "zero channels", nil},
		{"rate zero", build(chunk{id: "fmt ", body: fmtBody(1, 1, 0, 16)}, data), nil, "sample rate 0 Hz out of range", nil},
		{"rate absurd", build(chunk{id: "fmt ", body: fmtBody(1, 1, 50_000_000, 16)}, data), nil, "sample rate 50000000 Hz", nil},
		{"block align", build(chunk{id: "fmt ", body: badAlign}, data), nil, "block align 3, want 4", nil},
		{"short fmt", build(chunk{id: "fmt ", body: f[:14]}, data), nil, "fmt chunk too short", nil},
		{"short extensible", build(chunk{id: "fmt ", body: fmtBody(tagExtensible, 1, 16000, 16)}, data), nil, "EXTENSIBLE fmt chunk too short", nil},
		{"truncated fmt", build(chunk{id: "fmt ", body: f[:8], size: 16}), nil, "fmt chunk truncated", io.ErrUnexpectedEOF},
		{"data before fmt on a pipe", build(data, chunk{id: "fmt ", body: f}), func(b []byte) io.Reader { return onlyReader{bytes.NewReader(b)} }, "needs a seekable input", nil},
		{"two fmt", build(chunk{id: "fmt ", body: f}, chunk{id: "fmt ", body: f}, data), nil, "two fmt chunks", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var in io.Reader = bytes.NewReader(tc.file)
			if tc.in != nil {
				in = tc.in(tc.file)
			}
			_, err := NewReader(in)
			if err == nil {
				t.Fatalf("NewReader succeeded, want error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "wav: ") || strings.Count(err.Error(), "wav: ") != 1 {
				t.Errorf("error %q: want the package prefix, once", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q is not %v", err, tc.is)
			}
		})
	}
}

func TestTruncatedData(t *testing.T) {
	t.Parallel()
	file := build(chunk{id: "fmt ", body: fmtBody(1, 1, 16000, 16)}, chunk{id: "data", body: make([]byte, 1000)})
	// Cut the file 301 bytes into the data: the header still says 1000.
	file = file[:len(file)-1000+301]
	r, err := NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Frames(); got != 500 {
		t.Errorf("Frames() = %d, want the declared 500", got)
	}
	got, err := readAll(t, r)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
	}
	if want := "wav: data chunk truncated: header says 1000 bytes, file has 300"; !strings.Contains(err.Error(), want) {
		t.Errorf("err = %q, want %q", err, want)
	}
	if len(got) != 150 {
		t.Errorf("decoded %d samples before the cut, want 150", len(got))
	}
	if _, err2 := r.ReadFloat(make([]float32, 4)); err2 != err {
		t.Errorf("error not sticky: %v", err2)
	}
}

// memFile is an in-memory io.WriteSeeker.
type memFile struct {
	b   []byte
	off int64
}

func (m *memFile) Write(p []byte) (int, error) {
	if end := m.off + int64(len(p)); end > int64(len(m.b)) {
		m.b = append(m.b, make([]byte, end-int64(len(m.b)))...)
	}
	copy(m.b[m.off:], p)
	m.off += int64(len(p))
	return len(p), nil
}

func (m *memFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += m.off
	case io.SeekEnd:
		off += int64(len(m.b))
	}
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	m.off = off
	return off, nil
}

func TestWriterRoundTrip(t *testing.T) {
	t.Parallel()
	for _, channels := range []int{1, 2} {
		samples := make([]int16, 2*5000) // more than one internal buffer
		for i := range samples {
			samples[i] = int16(i*37 - 20000)
		}
		var m memFile
		w, err := NewWriter(&m, 16000, channels)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteInt16(samples[:3]); err != nil {
			t.Fatal(err)
		}
		if err := w.WriteInt16(samples[3:]); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if got, want := len(m.b), 44+2*len(samples); got != want || m.off != int64(want) {
			t.Fatalf("file is %d bytes (offset %d), want %d", got, m.off, want)
		}
		if got := binary.LittleEndian.Uint32(m.b[4:]); got != uint32(len(m.b)-8) {
			t.Errorf("RIFF size %d, want %d", got, len(m.b)-8)
		}
		r, err := NewReader(bytes.NewReader(m.b))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := r.Format(), (Format{16000, channels, 16, PCM}); got != want {
			t.Errorf("Format = %v, want %v", got, want)
		}
		if got, want := r.Frames(), int64(len(samples)/channels); got != want {
			t.Errorf("Frames = %d, want %d", got, want)
		}
		got, err := readAll(t, r)
		if err != nil {
			t.Fatal(err)
		}
		for i := range samples {
			if int16(got[i]*32768) != samples[i] {
				t.Fatalf("sample %d = %v, want %d", i, got[i]*32768, samples[i])
			}
		}
	}
}

func TestWriterErrors(t *testing.T) {
	t.Parallel()
	if _, err := NewWriter(&memFile{}, 0, 1); err == nil {
		t.Error("rate 0 accepted")
	}
	if _, err := NewWriter(&memFile{}, 16000, 0); err == nil {
		t.Error("0 channels accepted")
	}
	w, err := NewWriter(&memFile{}, 16000, 2)
	if err != nil {
		t.Fatal(err)
	}
	w.WriteInt16([]int16{1, 2, 3})
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "whole number") {
		t.Errorf("Close with a partial frame: %v", err)
	}
	if err := w.WriteInt16([]int16{1}); err == nil {
		t.Error("write after Close accepted")
	}
}

func TestEncodeInt16(t *testing.T) {
	t.Parallel()
	samples := []int16{0, 1, -1, 32767, -32768}
	b := EncodeInt16(8000, samples)
	var m memFile
	w, _ := NewWriter(&m, 8000, 1)
	w.WriteInt16(samples)
	w.Close()
	if !bytes.Equal(b, m.b) {
		t.Errorf("EncodeInt16 and Writer disagree:\n%x\n%x", b, m.b)
	}
}

// TestHugeSizesBoundedMemory checks that header sizes never drive allocation:
// a file claiming 4 GiB chunks costs kilobytes.
func TestHugeSizesBoundedMemory(t *testing.T) {
	files := [][]byte{
		build(chunk{id: "fmt ", body: fmtBody(1, 1, 16000, 16), size: 0xFFFFFFF0}),
		build(chunk{id: "LIST", body: []byte("x"), size: 0xFFFFFFF0}),
		build(chunk{id: "fmt ", body: fmtBody(1, 1, 16000, 16)}, chunk{id: "data", body: []byte{1, 2}, size: 0xFFFFFFF0}),
	}
	for i, f := range files {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if r, err := NewReader(onlyReader{bytes.NewReader(f)}); err == nil {
			readAll(t, r)
		}
		runtime.ReadMemStats(&after)
		// 64 KiB: the read buffer (8 KiB) plus small bookkeeping, with margin.
		if d := after.TotalAlloc - before.TotalAlloc; d > 64<<10 {
			t.Errorf("file %d: allocated %d bytes", i, d)
		}
	}
}
