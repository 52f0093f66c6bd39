package capture

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func s16le(s ...int16) []byte {
	b := make([]byte, 2*len(s))
	for i, v := range s {
		b[2*i], b[2*i+1] = byte(v), byte(uint16(v)>>8)
	}
	return b
}

func TestRawTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		input []byte
		want  []int16
		err   string
	}{
		{"whole samples", s16le(1, -1, 32767, -32768, 5), []int16{1, -1, 32767, -32768, 5}, ""},
		{"empty", nil, nil, ""},
		{"odd trailing byte", append(s16le(7, 8), 0x42), []int16{7, 8}, "odd trailing byte at end of input (5 bytes"},
		// arecord's WAV output on a pipe: the header is skipped, not played.
		{"arecord WAV header", append(wavHeader(16000, 1, 0x7ffff000), s16le(3, -3)...), []int16{3, -3}, ""},
		{"WAV header of unknown size", append(wavHeader(16000, 1, 0xffffffff), s16le(4)...), []int16{4}, ""},
		{"WAV header of another format", append(wavHeader(44100, 2, 0x7ffff000), s16le(1, 2)...), nil,
			"raw input is a WAV stream of 44100 Hz, 2 ch, 16-bit PCM; standard input must be 16000 Hz mono"},
		{"broken WAV header", []byte("RIFF\x10\x00\x00\x00WAVEjunk"), nil, "WAV header that cannot be read"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			src := NewRaw(pr)
			defer src.Close()
			src.Start()
			go func() {
				// Byte by byte: exercises the carried odd byte.
				for _, c := range tc.input {
					pw.Write([]byte{c})
				}
				pw.Close()
			}()
			var got []int16
			buf := make([]int16, 2)
			var err error
			for {
				var n int
				n, err = src.Read(buf)
				got = append(got, buf[:n]...)
				if err != nil {
					break
				}
			}
			if tc.err == "" && err != io.EOF {
				t.Errorf("err = %v, want io.EOF", err)
			}
			if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) ||
				strings.Contains(tc.err, "odd") && !errors.Is(err, io.ErrUnexpectedEOF)) {
				t.Errorf("err = %v, want %q", err, tc.err)
			}
			if len(got) != len(tc.want) || !bytes.Equal(s16le(got...), s16le(tc.want...)) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if src.Delivered() != int64(len(tc.want)) {
				t.Errorf("Delivered = %d", src.Delivered())
			}
		})
	}
}

// wavHeader is a canonical 44-byte header for 16-bit PCM declaring dataSize
// bytes of samples.
func wavHeader(rate, channels int, dataSize uint32) []byte {
	le32 := func(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }
	le16 := func(v int) []byte { return []byte{byte(v), byte(v >> 8)} }
	h := append([]byte("RIFF"), le32(dataSize+36)...)
	h = append(h, "WAVEfmt "...)
	h = append(h, le32(16)...)
	h = append(h, le16(1)...)
	h = append(h, le16(channels)...)
	h = append(h, le32(uint32(rate))...)
	h = append(h, le32(uint32(rate*channels*2))...)
	h = append(h, le16(channels*2)...)
	h = append(h, le16(16)...)
	h = append(h, "data"...)
	return append(h, le32(dataSize)...)
}

// TestRawMuted checks that audio arriving before Start or while stopped is
// never delivered, and that Stop wakes a blocked Read.
func TestRawMuted(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	src := NewRaw(pr)
	pw.Write(s16le(fill(1000, 1)...)) // before Start
	pw.Write(s16le(fill(10, 2)...))   // returns once the pump has handled the 1s
	src.Start()
	pw.Write(s16le(fill(300, 3)...))
	buf := make([]int16, 200)
	if n, err := src.Read(buf); n != 200 || err != nil {
		t.Fatal(n, err)
	}
	for _, v := range buf {
		if v == 1 {
			t.Fatal("audio written before Start was delivered")
		}
	}
	res := readAsync(src, make([]int16, 1000))
	src.Stop()
	if got := <-res; got.n != 0 || got.err != ErrStopped {
		t.Fatalf("Read after Stop = %d, %v", got.n, got.err)
	}
	pw.Write(s16le(fill(500, 4)...)) // while stopped
	pw.Write(s16le(fill(2, 5)...))
	src.Start()
	go func() {
		pw.Write(s16le(fill(100, 6)...))
		pw.Close()
	}()
	var got []int16
	for {
		n, err := src.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			break
		}
	}
	for _, v := range got {
		if v == 3 || v == 4 {
			t.Fatalf("audio from before Stop or while stopped delivered: %v", got)
		}
	}
	if len(got) < 100 {
		t.Errorf("got %d samples after restart, want the 100 written after Start", len(got))
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Read(buf); err != ErrClosed {
		t.Errorf("Read after Close: %v", err)
	}
}

func TestRawCloseEndsReader(t *testing.T) {
	t.Parallel()
	pr, _ := io.Pipe() // nothing is ever written
	src := NewRaw(pr)
	src.Start()
	res := readAsync(src, make([]int16, 10))
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	<-src.done // the goroutine has ended
	if got := <-res; got.err != ErrClosed {
		t.Errorf("blocked Read at Close: %v", got.err)
	}
}
