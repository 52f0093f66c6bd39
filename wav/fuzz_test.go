package wav

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func FuzzReader(f *testing.F) {
	f.Add(build(chunk{id: "fmt ", body: fmtBody(1, 2, 16000, 16)}, chunk{id: "data", body: []byte{1, 2, 3, 4, 5, 6, 7, 8}}))
	f.Add(build(chunk{id: "LIST", body: []byte("abc")}, chunk{id: "fmt ", body: extBody(3, 1, 48000, 32)}, chunk{id: "data", body: make([]byte, 12), size: 0xFFFFFFFF}))
	f.Add(build(chunk{id: "data", body: []byte{1, 2, 3}}, chunk{id: "fmt ", body: fmtBody(1, 1, 8000, 8)}))
	f.Add(build(chunk{id: "fmt ", body: fmtBody(1, 3, 44100, 24)}, chunk{id: "data", body: make([]byte, 9), size: 900}))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVE"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, seek := range []bool{false, true} {
			var in io.Reader = bytes.NewReader(data)
			if !seek {
				in = onlyReader{in}
			}
			r, err := NewReader(in)
			if err != nil {
				continue
			}
			if len(r.buf) > bufBytes {
				t.Fatalf("buffer %d bytes", len(r.buf))
			}
			fm := r.Format()
			if fm.Channels < 1 || fm.SampleRate < minRate {
				t.Fatalf("accepted format %v", fm)
			}
			buf := make([]float32, 13)
			total := 0
			for {
				n, err := r.ReadFloat(buf)
				for _, v := range buf[:n] {
					if !(v >= -1 && v <= 1) {
						t.Fatalf("sample %v out of range", v)
					}
				}
				total += n
				if err != nil {
					if err != io.EOF && !errors.Is(err, io.ErrUnexpectedEOF) {
						t.Fatalf("unexpected error %v", err)
					}
					break
				}
				if total > len(data) {
					t.Fatalf("decoded %d samples from %d bytes", total, len(data))
				}
			}
		}
	})
}
