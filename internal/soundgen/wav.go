package soundgen

import (
	"encoding/binary"
	"fmt"
	"io"
)

// WriteWAV writes samples as a mono 16-bit PCM RIFF/WAVE file at rate.
// (The repository has no wav package yet; this minimal writer serves the
// fixture generator.)
func WriteWAV(w io.Writer, rate int, samples []int16) error {
	const hdr = 44 // canonical PCM header size
	dataLen := len(samples) * 2
	b := make([]byte, 0, hdr+dataLen)
	le := binary.LittleEndian
	b = append(b, "RIFF"...)
	b = le.AppendUint32(b, uint32(hdr-8+dataLen))
	b = append(b, "WAVEfmt "...)
	b = le.AppendUint32(b, 16)             // fmt chunk size for PCM
	b = le.AppendUint16(b, 1)              // WAVE_FORMAT_PCM
	b = le.AppendUint16(b, 1)              // mono
	b = le.AppendUint32(b, uint32(rate))   // samples per second
	b = le.AppendUint32(b, uint32(rate*2)) // bytes per second
	b = le.AppendUint16(b, 2)              // block align
	b = le.AppendUint16(b, 16)             // bits per sample
	b = append(b, "data"...)
	b = le.AppendUint32(b, uint32(dataLen))
	for _, v := range samples {
		b = le.AppendUint16(b, uint16(v))
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("soundgen: write wav: %w", err)
	}
	return nil
}
