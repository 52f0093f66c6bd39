package fixturegen

import (
	"encoding/binary"
	"fmt"
	"math"
)

// TODO(fixtures): switch to package wav once it is committed.

// encodePCM16 returns a canonical 44-byte-header RIFF/WAVE file holding mono
// 16-bit PCM samples.
func encodePCM16(rate int, s []int16) []byte {
	b := wavHeader(nil, 1 /* WAVE_FORMAT_PCM */, 1, rate, 16, len(s)*2)
	for _, v := range s {
		b = binary.LittleEndian.AppendUint16(b, uint16(v))
	}
	return b
}

// encodeFloat32 returns a RIFF/WAVE file of interleaved IEEE float samples
// (WAVE_FORMAT_IEEE_FLOAT, with the fact chunk the format requires for
// non-PCM data).
func encodeFloat32(rate, channels int, interleaved []float32) []byte {
	b := wavHeader(nil, 3 /* WAVE_FORMAT_IEEE_FLOAT */, channels, rate, 32, len(interleaved)*4)
	for _, v := range interleaved {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

func wavHeader(b []byte, format, channels, rate, bits, dataLen int) []byte {
	fmtLen := 16
	extra := 0
	if format != 1 {
		fmtLen = 18   // cbSize field present for non-PCM formats
		extra = 8 + 4 // fact chunk: header + dwSampleLength
	}
	le := binary.LittleEndian
	b = append(b, "RIFF"...)
	b = le.AppendUint32(b, uint32(4+8+fmtLen+extra+8+dataLen))
	b = append(b, "WAVEfmt "...)
	b = le.AppendUint32(b, uint32(fmtLen))
	b = le.AppendUint16(b, uint16(format))
	b = le.AppendUint16(b, uint16(channels))
	b = le.AppendUint32(b, uint32(rate))
	b = le.AppendUint32(b, uint32(rate*channels*bits/8))
	b = le.AppendUint16(b, uint16(channels*bits/8))
	b = le.AppendUint16(b, uint16(bits))
	if format != 1 {
		b = le.AppendUint16(b, 0) // cbSize
		b = append(b, "fact"...)
		b = le.AppendUint32(b, 4)
		b = le.AppendUint32(b, uint32(dataLen/(channels*bits/8)))
	}
	b = append(b, "data"...)
	return le.AppendUint32(b, uint32(dataLen))
}

// decodePCM16 reads a mono 16-bit PCM WAV as espeak-ng writes it to stdout:
// its RIFF and data sizes are 0x7ffff... placeholders, so the data chunk runs
// to the end of the input.
func decodePCM16(data []byte) (rate int, s []float32, err error) {
	le := binary.LittleEndian
	if len(data) < 12 || string(data[0:4]) != "RIFF" || string(data[8:12]) != "WAVE" {
		return 0, nil, fmt.Errorf("fixturegen: espeak output is not a RIFF/WAVE file")
	}
	gotFmt := false
	for p := 12; p+8 <= len(data); {
		id, n := string(data[p:p+4]), int(le.Uint32(data[p+4:p+8]))
		p += 8
		switch id {
		case "fmt ":
			if n < 16 || p+16 > len(data) {
				return 0, nil, fmt.Errorf("fixturegen: espeak output: short fmt chunk")
			}
			if f, ch, bits := le.Uint16(data[p:]), le.Uint16(data[p+2:]), le.Uint16(data[p+14:]); f != 1 || ch != 1 || bits != 16 {
				return 0, nil, fmt.Errorf("fixturegen: espeak output: format %d, %d channels, %d bits; want PCM mono 16-bit", f, ch, bits)
			}
			rate = int(le.Uint32(data[p+4:]))
			gotFmt = true
		case "data":
			if !gotFmt {
				return 0, nil, fmt.Errorf("fixturegen: espeak output: data before fmt")
			}
			end := p + n
			if n < 0 || end > len(data) || end < p {
				end = len(data) // streamed output: size unknown
			}
			end -= (end - p) % 2
			s = make([]float32, (end-p)/2)
			for i := range s {
				s[i] = float32(int16(le.Uint16(data[p+2*i:]))) / 32768
			}
			return rate, s, nil
		}
		p += n + n%2
	}
	return 0, nil, fmt.Errorf("fixturegen: espeak output: no data chunk")
}
