package wav

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Encoding is the sample encoding of a WAVE file.
type Encoding int

const (
	// PCM is linear integer PCM (format tag 1); 8-bit samples are unsigned,
	// wider ones signed two's complement, little-endian.
	PCM Encoding = iota
	// Float is IEEE 754 floating point (format tag 3), 32 or 64 bits.
	Float
)

// String returns "PCM" or "float".
func (e Encoding) String() string {
	switch e {
	case PCM:
		return "PCM"
	case Float:
		return "float"
	}
	return fmt.Sprintf("Encoding(%d)", int(e))
}

// Format describes the samples of a WAVE file.
type Format struct {
	SampleRate    int // frames per second
	Channels      int // samples per frame, interleaved
	BitsPerSample int // container bits per sample: 8, 16, 24, 32 or 64
	Encoding      Encoding
}

// String formats f as "16000 Hz, 1 ch, 16-bit PCM".
func (f Format) String() string {
	return fmt.Sprintf("%d Hz, %d ch, %d-bit %v", f.SampleRate, f.Channels, f.BitsPerSample, f.Encoding)
}

// bytesPerSample is the container size of one sample.
func (f Format) bytesPerSample() int { return f.BitsPerSample / 8 }

// Format tags (mmreg.h).
const (
	tagPCM        = 0x0001
	tagFloat      = 0x0003
	tagExtensible = 0xFFFE
)

// tagNames names the format tags people actually meet, for error messages.
var tagNames = map[uint16]string{
	0x0002: "Microsoft ADPCM",
	0x0006: "A-law",
	0x0007: "mu-law",
	0x0011: "IMA ADPCM",
	0x0031: "GSM 6.10",
	0x0050: "MPEG",
	0x0055: "MPEG",
	0x00FF: "AAC",
	0x1610: "AAC",
	0xF1AC: "FLAC",
}

// Limits on header values; anything outside is rejected as corrupt.
const (
	minRate     = 1000    // Hz; below this no real recording exists
	maxRate     = 768000  // Hz; the highest rate audio interfaces offer
	maxChannels = 1024    // far above any real device, but bounds the frame size
	maxFmtChunk = 1 << 12 // bytes of a fmt chunk kept; the rest is skipped
	bufBytes    = 1 << 13 // read buffer: 8 KiB, independent of header sizes
	unknownSize = 0xFFFFFFFF
)

// Errors that callers may test for with errors.Is.
var (
	// ErrNotWAVE means the input does not start with a RIFF/WAVE header.
	ErrNotWAVE = errors.New("wav: not a RIFF/WAVE file")
	// ErrUnsupported means the file is a WAVE file in a format this package
	// does not decode (compressed, odd bit depth, ...).
	ErrUnsupported = errors.New("wav: unsupported format")
)

// Reader decodes the samples of one WAVE file.
type Reader struct {
	r         io.Reader
	format    Format
	declared  int64 // data chunk size in bytes; -1 if unknown
	remaining int64 // bytes of data left; -1 if unknown (read to EOF)
	consumed  int64 // data bytes read so far
	buf       []byte
	err       error // sticky error
}

// NewReader parses the WAVE header from r and positions the Reader at the
// first sample. If the data chunk comes before the fmt chunk, r must be an
// io.Seeker.
func NewReader(r io.Reader) (*Reader, error) {
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%w (%s)", ErrNotWAVE, sizeWord(err))
		}
		return nil, fmt.Errorf("wav: reading header: %w", err)
	}
	if string(hdr[0:4]) != "RIFF" || string(hdr[8:12]) != "WAVE" {
		if string(hdr[0:4]) == "RF64" {
			return nil, fmt.Errorf("%w: RF64 files are not supported", ErrUnsupported)
		}
		return nil, ErrNotWAVE
	}
	rd := &Reader{r: r}
	var (
		haveFmt    bool
		dataOffset int64 = -1 // offset of data payload when fmt came later
		dataSize   uint32
		pos        int64 = 12 // bytes consumed from r
	)
	for {
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				if !haveFmt {
					return nil, errors.New("wav: fmt chunk missing")
				}
				return nil, errors.New("wav: data chunk missing")
			}
			return nil, fmt.Errorf("wav: reading chunk header: %w", err)
		}
		pos += 8
		id := string(ch[0:4])
		size := binary.LittleEndian.Uint32(ch[4:8])
		switch id {
		case "fmt ":
			if haveFmt {
				return nil, errors.New("wav: two fmt chunks")
			}
			f, n, err := readFmt(r, size)
			pos += n
			if err != nil {
				return nil, err
			}
			rd.format, haveFmt = f, true
			if dataOffset >= 0 {
				s := r.(io.Seeker) // checked when the data chunk was seen
				if _, err := s.Seek(dataOffset, io.SeekStart); err != nil {
					return nil, fmt.Errorf("wav: seeking back to data chunk: %w", err)
				}
				rd.setData(dataSize)
				return rd, nil
			}
		case "data":
			if haveFmt {
				rd.setData(size)
				return rd, nil
			}
			s, ok := r.(io.Seeker)
			if !ok {
				return nil, errors.New("wav: data chunk before fmt chunk needs a seekable input")
			}
			if size == unknownSize {
				return nil, errors.New("wav: data chunk of unknown size before fmt chunk")
			}
			dataOffset, dataSize = pos, size
			skip := int64(size) + int64(size&1)
			if _, err := s.Seek(skip, io.SeekCurrent); err != nil {
				return nil, fmt.Errorf("wav: skipping data chunk: %w", err)
			}
			pos += skip
		default:
			// Unknown chunk (LIST, fact, cue, bext, JUNK, ...): skip it and
			// its pad byte (RIFF chunks are word aligned).
			n, err := skip(r, int64(size)+int64(size&1))
			pos += n
			if err != nil {
				return nil, fmt.Errorf("wav: skipping %q chunk: %w", id, err)
			}
		}
	}
}

// sizeWord describes a short read of the RIFF header.
func sizeWord(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "only a few bytes"
	}
	return "the input is empty"
}

// skip discards n bytes of r, seeking when possible. A short input is not an
// error for a trailing chunk, so the caller only learns how far it got via EOF
// on the next chunk header; a real read error is returned.
func skip(r io.Reader, n int64) (int64, error) {
	if s, ok := r.(io.Seeker); ok {
		cur, err := s.Seek(0, io.SeekCurrent)
		if err == nil {
			end, err := s.Seek(0, io.SeekEnd)
			if err != nil {
				return 0, err
			}
			to := min(cur+n, end)
			if _, err := s.Seek(to, io.SeekStart); err != nil {
				return 0, err
			}
			return to - cur, nil
		}
	}
	m, err := io.CopyN(io.Discard, r, n)
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return m, err
}

// readFmt parses a fmt chunk of the given size; it returns the bytes consumed.
func readFmt(r io.Reader, size uint32) (Format, int64, error) {
	if size < 16 {
		return Format{}, 0, fmt.Errorf("wav: fmt chunk too short (%d bytes, need 16)", size)
	}
	keep := min(int64(size), maxFmtChunk)
	b := make([]byte, keep)
	n, err := io.ReadFull(r, b)
	if err != nil {
		return Format{}, int64(n), fmt.Errorf("wav: fmt chunk truncated: %w", io.ErrUnexpectedEOF)
	}
	consumed := int64(n)
	if rest := int64(size) + int64(size&1) - keep; rest > 0 {
		m, err := skip(r, rest)
		consumed += m
		if err != nil {
			return Format{}, consumed, fmt.Errorf("wav: skipping fmt chunk: %w", err)
		}
	}
	tag := binary.LittleEndian.Uint16(b[0:2])
	channels := int(binary.LittleEndian.Uint16(b[2:4]))
	rate := int64(binary.LittleEndian.Uint32(b[4:8]))
	blockAlign := int(binary.LittleEndian.Uint16(b[12:14]))
	bits := int(binary.LittleEndian.Uint16(b[14:16]))
	if tag == tagExtensible {
		// WAVEFORMATEXTENSIBLE: cbSize(2) validBits(2) channelMask(4) GUID(16);
		// the GUID's first two bytes are the real format tag.
		if len(b) < 40 {
			return Format{}, consumed, fmt.Errorf("wav: WAVE_FORMAT_EXTENSIBLE fmt chunk too short (%d bytes, need 40)", len(b))
		}
		tag = binary.LittleEndian.Uint16(b[24:26])
	}
	f := Format{SampleRate: int(rate), Channels: channels, BitsPerSample: bits}
	switch tag {
	case tagPCM:
		f.Encoding = PCM
		if bits != 8 && bits != 16 && bits != 24 && bits != 32 {
			return Format{}, consumed, fmt.Errorf("%w: %d-bit PCM (supported: 8, 16, 24, 32)", ErrUnsupported, bits)
		}
	case tagFloat:
		f.Encoding = Float
		if bits != 32 && bits != 64 {
			return Format{}, consumed, fmt.Errorf("%w: %d-bit float (supported: 32, 64)", ErrUnsupported, bits)
		}
	default:
		name := tagNames[tag]
		if name == "" {
			name = "unknown"
		}
		return Format{}, consumed, fmt.Errorf("%w tag 0x%04X (%s); supported: PCM and IEEE float", ErrUnsupported, tag, name)
	}
	if channels == 0 {
		return Format{}, consumed, errors.New("wav: zero channels")
	}
	if channels > maxChannels {
		return Format{}, consumed, fmt.Errorf("wav: %d channels (at most %d)", channels, maxChannels)
	}
	if rate < minRate || rate > maxRate {
		return Format{}, consumed, fmt.Errorf("wav: sample rate %d Hz out of range [%d, %d]", rate, minRate, maxRate)
	}
	if want := channels * bits / 8; blockAlign != want {
		return Format{}, consumed, fmt.Errorf("wav: block align %d, want %d for %d channels of %d bits", blockAlign, want, channels, bits)
	}
	return f, consumed, nil
}

func (rd *Reader) setData(size uint32) {
	if size == unknownSize {
		rd.declared, rd.remaining = -1, -1
	} else {
		rd.declared, rd.remaining = int64(size), int64(size)
	}
	// The buffer holds a whole number of samples, at most bufBytes.
	bps := rd.format.bytesPerSample()
	rd.buf = make([]byte, bufBytes/bps*bps)
}

// Format returns the sample format from the fmt chunk.
func (rd *Reader) Format() Format { return rd.format }

// Frames returns the number of frames the data chunk declares, or -1 if its
// size is unknown (a streamed file). A truncated file declares more frames
// than it holds; ReadFloat reports that when it gets there.
func (rd *Reader) Frames() int64 {
	if rd.declared < 0 {
		return -1
	}
	return rd.declared / int64(rd.format.Channels*rd.format.bytesPerSample())
}

// ReadFloat decodes up to len(dst) interleaved samples into dst, scaled to
// [-1, 1], and returns how many it decoded. At the end of the data it returns
// io.EOF. If the input ends before the size the data chunk declares, it
// returns the samples it could decode together with an error that wraps
// io.ErrUnexpectedEOF and says how many bytes are missing. A trailing partial
// sample is dropped. Errors are sticky.
func (rd *Reader) ReadFloat(dst []float32) (int, error) {
	if rd.err != nil {
		return 0, rd.err
	}
	if len(dst) == 0 {
		return 0, nil
	}
	bps := rd.format.bytesPerSample()
	n := 0
	for n < len(dst) {
		want := int64(min((len(dst)-n)*bps, len(rd.buf)))
		if rd.remaining >= 0 {
			if rd.remaining < int64(bps) {
				// Done (a sub-sample remainder of a malformed size is ignored).
				rd.err = io.EOF
				break
			}
			want = min(want, rd.remaining/int64(bps)*int64(bps))
		}
		got, err := io.ReadFull(rd.r, rd.buf[:want])
		got = got / bps * bps
		rd.decode(dst[n:], rd.buf[:got])
		n += got / bps
		rd.consumed += int64(got)
		if rd.remaining >= 0 {
			rd.remaining -= int64(got)
		}
		if err != nil {
			switch {
			case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
				if rd.remaining < 0 {
					rd.err = io.EOF // streamed file: end of input is the end
				} else {
					rd.err = fmt.Errorf("wav: data chunk truncated: header says %d bytes, file has %d: %w",
						rd.declared, rd.consumed, io.ErrUnexpectedEOF)
				}
			default:
				rd.err = fmt.Errorf("wav: reading samples: %w", err)
			}
			break
		}
	}
	if n > 0 && rd.err == io.EOF {
		return n, nil // report EOF on the next call, like most readers
	}
	return n, rd.err
}

// decode converts whole samples from b into dst.
func (rd *Reader) decode(dst []float32, b []byte) {
	switch {
	case rd.format.Encoding == PCM && rd.format.BitsPerSample == 8:
		for i, v := range b {
			dst[i] = float32(int(v)-128) / 128 // unsigned, midpoint 128
		}
	case rd.format.Encoding == PCM && rd.format.BitsPerSample == 16:
		for i := 0; i < len(b)/2; i++ {
			dst[i] = float32(int16(binary.LittleEndian.Uint16(b[2*i:]))) / (1 << 15)
		}
	case rd.format.Encoding == PCM && rd.format.BitsPerSample == 24:
		for i := 0; i < len(b)/3; i++ {
			v := int32(b[3*i]) | int32(b[3*i+1])<<8 | int32(int8(b[3*i+2]))<<16
			dst[i] = float32(v) / (1 << 23)
		}
	case rd.format.Encoding == PCM && rd.format.BitsPerSample == 32:
		for i := 0; i < len(b)/4; i++ {
			dst[i] = float32(float64(int32(binary.LittleEndian.Uint32(b[4*i:]))) / (1 << 31))
		}
	case rd.format.BitsPerSample == 32: // float32
		for i := 0; i < len(b)/4; i++ {
			dst[i] = clamp(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
		}
	default: // float64
		for i := 0; i < len(b)/8; i++ {
			dst[i] = clamp(float32(math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))))
		}
	}
}

// clamp limits float samples to [-1, 1] and maps NaN to 0, so that a corrupt
// float file cannot poison downstream filters.
func clamp(v float32) float32 {
	switch {
	case v != v:
		return 0
	case v > 1:
		return 1
	case v < -1:
		return -1
	}
	return v
}
