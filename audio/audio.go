package audio

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/mewkiz/flac"
	"github.com/mewkiz/flac/frame"
	"github.com/wakegate/wakegate/dsp/resample"
	"github.com/wakegate/wakegate/wav"
)

// ErrCorrupt is wrapped by errors for damaged audio data (FLAC frames
// failing their CRC, lost sync, lost frames, impossible samples, MD5
// mismatch), so that tools can skip such files and say why.
var ErrCorrupt = errors.New("corrupt")

// Load reads the WAV or FLAC file at path (recognised by its content, not its
// name), mixes it to mono (the mean of the channels) and resamples it to rate
// Hz. Samples are in [-1, 1]. Errors start with "audio: PATH: ".
func Load(path string, rate int) ([]float32, error) {
	x, err := load(path, rate)
	if err != nil {
		return nil, fmt.Errorf("audio: %s: %w", path, err)
	}
	return x, nil
}

// LoadInt16 is Load with samples rounded to 16-bit integers (full scale
// ±32767, clipped).
func LoadInt16(path string, rate int) ([]int16, error) {
	x, err := Load(path, rate)
	if err != nil {
		return nil, err
	}
	out := make([]int16, len(x))
	for i, v := range x {
		out[i] = ToInt16(v)
	}
	return out, nil
}

// ToInt16 converts a sample in [-1, 1] to int16, rounding and clipping.
func ToInt16(v float32) int16 {
	s := math.Round(float64(v) * 32768)
	return int16(max(-32768, min(32767, s)))
}

func load(path string, rate int) ([]float32, error) {
	if rate < 1000 || rate > 768000 {
		return nil, fmt.Errorf("output rate %d Hz out of range", rate)
	}
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is already in the prefix
		}
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	magic, err := br.Peek(4)
	if err != nil && len(magic) == 0 {
		return nil, errors.New("empty file")
	}
	var (
		mono   []float32
		inRate int
	)
	switch {
	case bytes.HasPrefix(magic, []byte("RIFF")):
		mono, inRate, err = loadWAV(br)
	case bytes.HasPrefix(magic, []byte("fLaC")), bytes.HasPrefix(magic, []byte("ID3")):
		mono, inRate, err = loadFLAC(br)
	default:
		return nil, fmt.Errorf("not a WAV or FLAC file (starts with %q)", magic)
	}
	if err != nil {
		return nil, err
	}
	if inRate == rate {
		return mono, nil
	}
	rs, err := resample.New(inRate, rate)
	if err != nil {
		return nil, err
	}
	out := make([]float32, 0, int64(len(mono))*int64(rate)/int64(inRate)+2)
	out = rs.Process(out, mono)
	return rs.Flush(out), nil
}

func loadWAV(r io.Reader) ([]float32, int, error) {
	wr, err := wav.NewReader(r)
	if err != nil {
		return nil, 0, err
	}
	fm := wr.Format()
	var mono []float32
	if n := wr.Frames(); n > 0 && n < 1<<28 { // 2^28 frames: a hint, not a promise
		mono = make([]float32, 0, n)
	}
	buf := make([]float32, 4096*fm.Channels)
	for {
		n, err := wr.ReadFloat(buf)
		mono = mixAppend(mono, buf[:n], fm.Channels)
		if err == io.EOF {
			return mono, fm.SampleRate, nil
		}
		if err != nil {
			return nil, 0, err
		}
	}
}

// mixAppend appends the mean of each frame of interleaved x to dst; a
// trailing partial frame is dropped.
func mixAppend(dst, x []float32, channels int) []float32 {
	if channels == 1 {
		return append(dst, x...)
	}
	inv := 1 / float32(channels)
	for i := 0; i+channels <= len(x); i += channels {
		var s float32
		for _, v := range x[i : i+channels] {
			s += v
		}
		dst = append(dst, s*inv)
	}
	return dst
}

func loadFLAC(r io.Reader) ([]float32, int, error) {
	st, err := flac.New(r)
	if err != nil {
		return nil, 0, fmt.Errorf("flac header: %v", flacMsg(err))
	}
	info := st.Info
	if info.NChannels == 0 || info.SampleRate == 0 || info.BitsPerSample == 0 {
		return nil, 0, errors.New("flac header: zero channels, rate or sample size")
	}
	var mono []float32
	if n := info.NSamples; n > 0 && n < 1<<28 {
		mono = make([]float32, 0, n)
	}
	sum := md5.New()
	checkMD5 := info.MD5sum != [16]byte{}
	var next uint64 // expected first sample of the next frame
	for i := 0; ; i++ {
		fr, err := st.ParseNext()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, 0, fmt.Errorf("frame %d (sample %d): %w: file truncated inside a frame", i, next, ErrCorrupt)
			}
			return nil, 0, fmt.Errorf("frame %d (sample %d): %w: %s", i, next, ErrCorrupt, flacMsg(err))
		}
		h := fr.Header
		first := h.Num // sample number for variable block size streams
		if h.HasFixedBlockSize {
			first = h.Num * uint64(info.BlockSizeMax)
		}
		if first != next {
			return nil, 0, fmt.Errorf("frame %d: %w: starts at sample %d, want %d: frames lost", i, ErrCorrupt, first, next)
		}
		if int(h.SampleRate) != 0 && int(h.SampleRate) != int(info.SampleRate) {
			return nil, 0, fmt.Errorf("frame %d: sample rate %d Hz in a %d Hz stream", i, h.SampleRate, info.SampleRate)
		}
		if len(fr.Subframes) != int(info.NChannels) {
			return nil, 0, fmt.Errorf("frame %d: %d channels in a %d-channel stream", i, len(fr.Subframes), info.NChannels)
		}
		if checkMD5 {
			fr.Hash(sum)
		}
		n := int(h.BlockSize)
		// A decoded sample outside the bit depth means the residuals are
		// corrupt even if the CRC happens to match: the reference decoder
		// (libFLAC ≥ 1.4, `flac -t`) rejects such a frame with a CRC
		// mismatch, while a wrapping MD5 over 16 bits would not notice.
		hi := int32(1)<<(h.BitsPerSample-1) - 1
		lo := -hi - 1
		for c, sf := range fr.Subframes {
			if len(sf.Samples) != n {
				return nil, 0, fmt.Errorf("frame %d: channel %d has %d samples, header says %d", i, c, len(sf.Samples), n)
			}
			for j, v := range sf.Samples {
				if v < lo || v > hi {
					return nil, 0, fmt.Errorf("frame %d: %w: decoded sample %d at stream sample %d (channel %d) does not fit in %d bits",
						i, ErrCorrupt, v, next+uint64(j), c, h.BitsPerSample)
				}
			}
		}
		scale := 1 / float32(int64(1)<<(h.BitsPerSample-1))
		inv := 1 / float32(len(fr.Subframes))
		for j := 0; j < n; j++ {
			var s float32
			for _, sf := range fr.Subframes {
				s += float32(sf.Samples[j])
			}
			mono = append(mono, s*scale*inv)
		}
		next += uint64(n)
	}
	if info.NSamples != 0 && next != info.NSamples {
		return nil, 0, fmt.Errorf("%w: stream header says %d samples, frames hold %d: frames lost", ErrCorrupt, info.NSamples, next)
	}
	if checkMD5 {
		var got [16]byte
		copy(got[:], sum.Sum(nil))
		if got != info.MD5sum {
			return nil, 0, fmt.Errorf("%w: MD5 signature mismatch: decoded audio differs from what was encoded", ErrCorrupt)
		}
	}
	return mono, int(info.SampleRate), nil
}

// flacMsg turns the decoder's internal error text into a short reason.
func flacMsg(err error) string {
	s := err.Error()
	switch {
	case strings.Contains(s, "checksum mismatch"):
		return "crc mismatch (" + strings.TrimPrefix(s[strings.Index(s, "checksum mismatch"):], "checksum mismatch; ") + ")"
	case errors.Is(err, frame.ErrInvalidSync):
		return "lost sync (no frame header where one should start)"
	}
	return s
}
