package fixturegen

import (
	"encoding/binary"
	"math"
)

// Format tag and sizes of an IEEE float WAVE file (mmreg.h, RIFF spec).
const (
	tagFloat    = 3  // WAVE_FORMAT_IEEE_FLOAT
	fmtFloatLen = 18 // fmt chunk with the cbSize field non-PCM formats carry
	factLen     = 4  // fact chunk payload: dwSampleLength
)

// encodeFloat32 returns a RIFF/WAVE file of interleaved 32-bit IEEE float
// samples, with the fact chunk the format requires for non-PCM data.
// Package wav writes only 16-bit PCM; the resampler scene needs a float file,
// so this one encoder lives here.
func encodeFloat32(rate, channels int, interleaved []float32) []byte {
	le := binary.LittleEndian
	dataLen := 4 * len(interleaved)
	b := make([]byte, 0, 12+8+fmtFloatLen+8+factLen+8+dataLen)
	b = append(b, "RIFF"...)
	b = le.AppendUint32(b, uint32(4+8+fmtFloatLen+8+factLen+8+dataLen))
	b = append(b, "WAVEfmt "...)
	b = le.AppendUint32(b, fmtFloatLen)
	b = le.AppendUint16(b, tagFloat)
	b = le.AppendUint16(b, uint16(channels))
	b = le.AppendUint32(b, uint32(rate))
	b = le.AppendUint32(b, uint32(rate*channels*4)) // bytes per second
	b = le.AppendUint16(b, uint16(channels*4))      // block align
	b = le.AppendUint16(b, 32)                      // bits per sample
	b = le.AppendUint16(b, 0)                       // cbSize: no extension
	b = append(b, "fact"...)
	b = le.AppendUint32(b, factLen)
	b = le.AppendUint32(b, uint32(len(interleaved)/channels))
	b = append(b, "data"...)
	b = le.AppendUint32(b, uint32(dataLen))
	for _, v := range interleaved {
		b = le.AppendUint32(b, math.Float32bits(v))
	}
	return b
}
