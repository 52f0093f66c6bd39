package nn

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/wakegate/wakegate/wakeword"
)

// Kind is the container kind of network model files.
const Kind = "NNET"

// Version is the payload format version this build writes. It reads it
// and every earlier one.
//
// Payload v3 (little-endian):
//
//	u16 len, word (UTF-8)
//	u16 HopSamples, WindowSamples, Mels, InKernel, Channels, Kernel, layers
//	u16 × layers: dilations
//	f32 Threshold, f32 LogFloor, i32 EndLagSamples, i32 WordSamples
//	u16 ScoreFrames
//	u32 number of parameters n (must equal the layout's)
//	f32 × Mels Mean, f32 × Mels InvStd, f32 × n Params
//	u16 number of further networks e (Model.Ensemble)
//	e × (f32 × Mels Mean, f32 × Mels InvStd, f32 × n Params)
//
// Payload v2 lacks e and its networks (a single network); v1 also lacks
// ScoreFrames: its models score single frames.
const Version = 3

// ErrBadModel is wrapped by every error about a payload that does not
// describe a usable network.
var ErrBadModel = errors.New("nn: bad model")

// MarshalBinary encodes m's payload (without the container).
func (m *Model) MarshalBinary() ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadModel, err)
	}
	if len(m.Word) > math.MaxUint16 {
		return nil, fmt.Errorf("%w: word of %d bytes", ErrBadModel, len(m.Word))
	}
	var b bytes.Buffer
	w := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) } // bytes.Buffer writes cannot fail
	c := m.Config
	w(uint16(len(m.Word)))
	b.WriteString(m.Word)
	for _, v := range []int{c.HopSamples, c.WindowSamples, c.Mels, c.InKernel, c.Channels, c.Kernel, len(c.Dilations)} {
		w(uint16(v))
	}
	for _, d := range c.Dilations {
		w(uint16(d))
	}
	w(m.Threshold)
	w(m.LogFloor)
	w(m.EndLagSamples)
	w(m.WordSamples)
	w(uint16(m.ScoreFrames))
	w(uint32(len(m.Params)))
	w(m.Mean)
	w(m.InvStd)
	w(m.Params)
	w(uint16(len(m.Ensemble)))
	for _, n := range m.Ensemble {
		w(n.Mean)
		w(n.InvStd)
		w(n.Params)
	}
	return b.Bytes(), nil
}

// UnmarshalModel decodes a payload of the current Version. Every length
// is checked against the config before anything is allocated, and
// trailing bytes are an error.
func UnmarshalModel(payload []byte) (*Model, error) { return decode(Version, payload) }

// decode decodes a payload of any version this build reads.
func decode(version uint16, payload []byte) (*Model, error) {
	if version < 1 || version > Version {
		return nil, &wakeword.VersionError{Kind: Kind, Version: version, Supported: Version}
	}
	r := bytes.NewReader(payload)
	fail := func(what string, err error) (*Model, error) {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%w: payload truncated in %s", ErrBadModel, what)
		}
		return nil, fmt.Errorf("%w: %s: %w", ErrBadModel, what, err)
	}
	rd := func(v any) error { return binary.Read(r, binary.LittleEndian, v) }
	var n16 uint16
	if err := rd(&n16); err != nil {
		return fail("word", err)
	}
	if int(n16) > r.Len() {
		return fail("word", io.ErrUnexpectedEOF)
	}
	word := make([]byte, n16)
	if _, err := io.ReadFull(r, word); err != nil {
		return fail("word", err)
	}
	var hdr [7]uint16
	if err := rd(&hdr); err != nil {
		return fail("config", err)
	}
	c := Config{HopSamples: int(hdr[0]), WindowSamples: int(hdr[1]), Mels: int(hdr[2]), InKernel: int(hdr[3]),
		Channels: int(hdr[4]), Kernel: int(hdr[5])}
	if hdr[6] > maxLayers {
		return fail("config", fmt.Errorf("%d layers is more than %d", hdr[6], maxLayers))
	}
	dil := make([]uint16, hdr[6])
	if err := rd(dil); err != nil {
		return fail("dilations", err)
	}
	for _, d := range dil {
		c.Dilations = append(c.Dilations, int(d))
	}
	if err := c.Validate(); err != nil {
		return fail("config", err)
	}
	m := &Model{Word: string(word), Config: c}
	if err := rd(&m.Threshold); err != nil {
		return fail("threshold", err)
	}
	if err := rd(&m.LogFloor); err != nil {
		return fail("log floor", err)
	}
	if err := rd(&m.EndLagSamples); err != nil {
		return fail("timing", err)
	}
	if err := rd(&m.WordSamples); err != nil {
		return fail("timing", err)
	}
	m.ScoreFrames = 1
	if version >= 2 {
		var k uint16
		if err := rd(&k); err != nil {
			return fail("score frames", err)
		}
		m.ScoreFrames = int(k)
	}
	var np uint32
	if err := rd(&np); err != nil {
		return fail("parameter count", err)
	}
	want := c.Layout().NumParams
	if int(np) != want {
		return fail("parameter count", fmt.Errorf("file says %d, config needs %d", np, want))
	}
	readNet := func() (Net, error) {
		if need := 4 * (2*c.Mels + want); r.Len() < need {
			return Net{}, io.ErrUnexpectedEOF
		}
		n := Net{Mean: make([]float32, c.Mels), InvStd: make([]float32, c.Mels), Params: make([]float32, want)}
		for _, v := range [][]float32{n.Mean, n.InvStd, n.Params} {
			if err := rd(v); err != nil {
				return Net{}, err
			}
		}
		return n, nil
	}
	first, err := readNet()
	if err != nil {
		return fail("weights", err)
	}
	m.Mean, m.InvStd, m.Params = first.Mean, first.InvStd, first.Params
	if version >= 3 {
		var e uint16
		if err := rd(&e); err != nil {
			return fail("ensemble", err)
		}
		if int(e)+1 > MaxNets {
			return fail("ensemble", fmt.Errorf("%d networks is more than %d", int(e)+1, MaxNets))
		}
		for range e {
			n, err := readNet()
			if err != nil {
				return fail("ensemble weights", err)
			}
			m.Ensemble = append(m.Ensemble, n)
		}
	}
	if r.Len() != 0 {
		return fail("payload", fmt.Errorf("%d bytes after the weights", r.Len()))
	}
	if err := m.check(); err != nil {
		return fail("model", err)
	}
	return m, nil
}

// Write writes m as a complete wake-word file (container kind NNET).
func (m *Model) Write(w io.Writer) error {
	payload, err := m.MarshalBinary()
	if err != nil {
		return err
	}
	return wakeword.WriteContainer(w, Kind, Version, payload)
}

// Save writes m to path (through a temporary file, so a crash never leaves
// a half-written model behind).
func (m *Model) Save(path string) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("nn: %w", err)
	}
	if err := m.Write(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("nn: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("nn: %w", err)
	}
	return nil
}

// ReadModel reads a complete wake-word file and decodes it as a network.
// A file of another kind is an error wrapping wakeword.ErrUnknownKind.
func ReadModel(r io.Reader) (*Model, error) {
	kind, version, payload, err := wakeword.ReadContainer(r)
	if err != nil {
		return nil, err
	}
	if kind != Kind {
		return nil, fmt.Errorf("nn: %w %q (want %s)", wakeword.ErrUnknownKind, kind, Kind)
	}
	m, err := decode(version, payload)
	var ve *wakeword.VersionError
	if errors.As(err, &ve) {
		return nil, fmt.Errorf("nn: %w", err)
	}
	return m, err
}

// LoadModel reads the model file at path.
func LoadModel(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("nn: %w", err)
	}
	defer f.Close()
	m, err := ReadModel(f)
	if err != nil {
		return nil, fmt.Errorf("nn: %s: %w", path, err)
	}
	return m, nil
}

func init() {
	wakeword.Register(Kind, func(version uint16, payload []byte, opts wakeword.Options) (wakeword.Detector, error) {
		m, err := decode(version, payload)
		if err != nil {
			return nil, err
		}
		return NewDetector(m, opts), nil
	})
}
