package train

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrWAV is wrapped by every error about a WAV file that cannot be read.
var ErrWAV = errors.New("train: bad WAV file")

// ReadWAV reads a PCM WAV file (8/16/24/32-bit integer or 32-bit float,
// any channel count) and returns its first channel as float32 in ±1 with
// its sample rate. Other containers (FLAC, ...) must be converted first
// (flac -d, sox).
func ReadWAV(path string) ([]float32, int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, fmt.Errorf("train: %w", err)
	}
	x, rate, err := parseWAV(b)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %s: %w", ErrWAV, path, err)
	}
	return x, rate, nil
}

func parseWAV(b []byte) ([]float32, int, error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, 0, errors.New("not a RIFF/WAVE file")
	}
	var (
		format, chans, bits uint16
		rate                uint32
		haveFmt             bool
	)
	p := 12
	for p+8 <= len(b) {
		id := string(b[p : p+4])
		n := int(binary.LittleEndian.Uint32(b[p+4 : p+8]))
		p += 8
		if n < 0 || n > len(b)-p {
			if id != "data" {
				return nil, 0, fmt.Errorf("chunk %q truncated", id)
			}
			// Streams written without a final size: take what is there.
			n = len(b) - p
		}
		body := b[p : p+n]
		switch id {
		case "fmt ":
			if n < 16 {
				return nil, 0, errors.New("fmt chunk too short")
			}
			format = binary.LittleEndian.Uint16(body[0:2])
			chans = binary.LittleEndian.Uint16(body[2:4])
			rate = binary.LittleEndian.Uint32(body[4:8])
			bits = binary.LittleEndian.Uint16(body[14:16])
			if format == 0xFFFE && n >= 26 { // WAVE_FORMAT_EXTENSIBLE: the sub-format's first two bytes
				format = binary.LittleEndian.Uint16(body[24:26])
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return nil, 0, errors.New("data chunk before fmt chunk")
			}
			return decodePCM(body, format, int(chans), int(bits), int(rate))
		}
		p += n + n&1 // chunks are padded to even sizes
	}
	return nil, 0, io.ErrUnexpectedEOF
}

func decodePCM(body []byte, format uint16, chans, bits, rate int) ([]float32, int, error) {
	if chans < 1 || rate < 1 {
		return nil, 0, fmt.Errorf("%d channels at %d Hz", chans, rate)
	}
	width := bits / 8
	if width < 1 {
		return nil, 0, fmt.Errorf("%d-bit samples", bits)
	}
	frame := width * chans
	n := len(body) / frame
	x := make([]float32, n)
	for i := range x {
		s := body[i*frame : i*frame+width]
		switch {
		case format == 1 && width == 1:
			x[i] = (float32(s[0]) - 128) / 128
		case format == 1 && width == 2:
			x[i] = float32(int16(binary.LittleEndian.Uint16(s))) / 32768
		case format == 1 && width == 3:
			v := int32(uint32(s[0])<<8|uint32(s[1])<<16|uint32(s[2])<<24) >> 8
			x[i] = float32(v) / (1 << 23)
		case format == 1 && width == 4:
			x[i] = float32(int32(binary.LittleEndian.Uint32(s))) / (1 << 31)
		case format == 3 && width == 4:
			x[i] = mathFloat32(binary.LittleEndian.Uint32(s))
		default:
			return nil, 0, fmt.Errorf("unsupported sample format %d with %d bits", format, bits)
		}
	}
	return x, rate, nil
}
