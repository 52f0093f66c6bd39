package wav

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// headerSize is the size of the canonical 16-bit PCM header: RIFF(12) +
// fmt chunk(8+16) + data chunk header(8).
const headerSize = 44

// maxData is the largest data chunk a RIFF file can describe (32-bit sizes,
// and the RIFF size includes the 36 header bytes after it).
const maxData = 0xFFFFFFFF - 36

// Writer writes a 16-bit PCM WAVE file. Sizes are patched by Close, so the
// output must be seekable; EncodeInt16 builds a whole file in memory instead.
type Writer struct {
	w        io.WriteSeeker
	channels int
	data     int64 // data bytes written
	buf      []byte
	closed   bool
}

// NewWriter writes a 16-bit PCM header for the given rate and channel count
// and returns a Writer for the samples. Close the Writer to finish the file;
// it does not close w.
func NewWriter(w io.WriteSeeker, sampleRate, channels int) (*Writer, error) {
	if sampleRate < minRate || sampleRate > maxRate {
		return nil, fmt.Errorf("wav: sample rate %d Hz out of range [%d, %d]", sampleRate, minRate, maxRate)
	}
	if channels < 1 || channels > maxChannels {
		return nil, fmt.Errorf("wav: %d channels out of range [1, %d]", channels, maxChannels)
	}
	hdr := header(sampleRate, channels, 0)
	if _, err := w.Write(hdr[:]); err != nil {
		return nil, fmt.Errorf("wav: writing header: %w", err)
	}
	return &Writer{w: w, channels: channels, buf: make([]byte, 0, 4096)}, nil
}

// header returns a canonical 16-bit PCM header for dataBytes of samples.
func header(rate, channels int, dataBytes uint32) [headerSize]byte {
	var h [headerSize]byte
	le := binary.LittleEndian
	copy(h[0:], "RIFF")
	le.PutUint32(h[4:], 36+dataBytes)
	copy(h[8:], "WAVEfmt ")
	le.PutUint32(h[16:], 16)
	le.PutUint16(h[20:], tagPCM)
	le.PutUint16(h[22:], uint16(channels))
	le.PutUint32(h[24:], uint32(rate))
	le.PutUint32(h[28:], uint32(rate*channels*2))
	le.PutUint16(h[32:], uint16(channels*2))
	le.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	le.PutUint32(h[40:], dataBytes)
	return h
}

// WriteInt16 appends interleaved samples. A multi-channel file should get
// whole frames; Close rejects a partial last frame.
func (w *Writer) WriteInt16(s []int16) error {
	if w.closed {
		return errors.New("wav: write after Close")
	}
	if w.data+2*int64(len(s)) > maxData {
		return fmt.Errorf("wav: file would exceed the 4 GiB RIFF limit")
	}
	for len(s) > 0 {
		k := min(len(s), cap(w.buf)/2)
		b := w.buf[:2*k]
		for i, v := range s[:k] {
			binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
		}
		if _, err := w.w.Write(b); err != nil {
			return fmt.Errorf("wav: writing samples: %w", err)
		}
		w.data += int64(len(b))
		s = s[k:]
	}
	return nil
}

// Close patches the RIFF and data chunk sizes and leaves the output
// positioned at its end. It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if frame := int64(2 * w.channels); w.data%frame != 0 {
		return fmt.Errorf("wav: %d bytes of samples is not a whole number of %d-channel frames", w.data, w.channels)
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(36+w.data))
	if err := w.patch(4, b[:]); err != nil {
		return err
	}
	binary.LittleEndian.PutUint32(b[:], uint32(w.data))
	if err := w.patch(40, b[:]); err != nil {
		return err
	}
	if _, err := w.w.Seek(0, io.SeekEnd); err != nil {
		return fmt.Errorf("wav: seeking to end: %w", err)
	}
	return nil
}

func (w *Writer) patch(off int64, b []byte) error {
	if _, err := w.w.Seek(off, io.SeekStart); err != nil {
		return fmt.Errorf("wav: patching header: %w", err)
	}
	if _, err := w.w.Write(b); err != nil {
		return fmt.Errorf("wav: patching header: %w", err)
	}
	return nil
}

// EncodeInt16 returns a complete mono 16-bit PCM WAVE file holding samples.
// It panics if sampleRate is out of range or the file would exceed 4 GiB
// (programmer errors).
func EncodeInt16(sampleRate int, samples []int16) []byte {
	if sampleRate < minRate || sampleRate > maxRate {
		panic(fmt.Sprintf("wav: EncodeInt16: sample rate %d Hz out of range", sampleRate))
	}
	if 2*int64(len(samples)) > maxData {
		panic("wav: EncodeInt16: too many samples for one RIFF file")
	}
	out := make([]byte, headerSize+2*len(samples))
	h := header(sampleRate, 1, uint32(2*len(samples)))
	copy(out, h[:])
	for i, v := range samples {
		binary.LittleEndian.PutUint16(out[headerSize+2*i:], uint16(v))
	}
	return out
}
