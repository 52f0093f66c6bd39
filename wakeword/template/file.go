package template

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/wakegate/wakegate/wakeword"
)

// Kind is the container kind of template files; Version the payload
// format this build writes and reads.
const (
	Kind    = "TMPL"
	Version = 1
)

// maxRefFrames bounds a stored reference: 2 s of word is 200 frames; the
// slack admits files from builds with other trimming.
const maxRefFrames = 400

func init() {
	wakeword.Register(Kind, func(version uint16, payload []byte, opts wakeword.Options) (wakeword.Detector, error) {
		t, err := Unmarshal(version, payload)
		if err != nil {
			return nil, err
		}
		return t.NewDetector(opts)
	})
}

// Payload layout, version 1, little-endian:
//
//	uint16  word length, then the word (UTF-8)
//	float64 threshold distance
//	float64 default sensitivity
//	uint16  CMN time constant in frames
//	uint16  feature dimensions (12)
//	uint16  number of references R
//	R ×     uint16 frames F, then F × dims float32
//	R ×     float64 leave-one-out distance

// MarshalBinary encodes t as a version-1 payload (without the container).
func (t *Template) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	w := func(v any) { binary.Write(&b, binary.LittleEndian, v) } // bytes.Buffer writes cannot fail
	w(uint16(len(t.word)))
	b.WriteString(t.word)
	w(t.threshold)
	w(t.sensitivity)
	w(uint16(t.cmnFrames))
	w(uint16(numDims))
	w(uint16(len(t.refs)))
	for _, r := range t.refs {
		w(uint16(len(r)))
		for _, f := range r {
			for _, x := range f {
				w(float32(x))
			}
		}
	}
	for _, h := range t.heldOut {
		w(h)
	}
	return b.Bytes(), nil
}

// WriteTo writes t as a complete wake-word file (container kind "TMPL").
func (t *Template) WriteTo(w io.Writer) (int64, error) {
	p, err := t.MarshalBinary()
	if err != nil {
		return 0, err
	}
	cw := &countWriter{w: w}
	err = wakeword.WriteContainer(cw, Kind, Version, p)
	return cw.n, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Read reads a complete template file from r.
func Read(r io.Reader) (*Template, error) {
	kind, version, payload, err := wakeword.ReadContainer(r)
	if err != nil {
		return nil, err
	}
	if kind != Kind {
		return nil, fmt.Errorf("template: file holds a %s, not a %s template", kind, Kind)
	}
	return Unmarshal(version, payload)
}

var errShort = errors.New("template: payload ends early")

// Unmarshal decodes a payload of the given format version and checks every
// field, so a damaged or hostile file cannot build a detector that
// misbehaves.
func Unmarshal(version uint16, payload []byte) (*Template, error) {
	if version != Version {
		return nil, &wakeword.VersionError{Kind: Kind, Version: version, Supported: Version}
	}
	r := bytes.NewReader(payload)
	var err error
	u16 := func() int {
		var v uint16
		if err == nil {
			if e := binary.Read(r, binary.LittleEndian, &v); e != nil {
				err = errShort
			}
		}
		return int(v)
	}
	f64 := func() float64 {
		var v float64
		if err == nil {
			if e := binary.Read(r, binary.LittleEndian, &v); e != nil {
				err = errShort
			}
		}
		return v
	}
	t := &Template{}
	word := make([]byte, u16())
	if err == nil {
		if _, e := io.ReadFull(r, word); e != nil {
			err = errShort
		}
	}
	t.word = string(word)
	t.threshold = f64()
	t.sensitivity = f64()
	t.cmnFrames = u16()
	dims := u16()
	nrefs := u16()
	if err != nil {
		return nil, err
	}
	if e := checkWord(t.word); e != nil {
		return nil, e
	}
	switch {
	case !(t.threshold > 0) || math.IsInf(t.threshold, 0):
		return nil, fmt.Errorf("template: bad threshold %v", t.threshold)
	case !(t.sensitivity > 0 && t.sensitivity <= 1):
		return nil, fmt.Errorf("template: bad sensitivity %v", t.sensitivity)
	case dims != numDims:
		return nil, fmt.Errorf("template: %d feature dimensions, this build uses %d", dims, numDims)
	case nrefs < 1 || nrefs > MaxExamples:
		return nil, fmt.Errorf("template: %d references (1..%d)", nrefs, MaxExamples)
	}
	buf := make([]float32, numDims)
	for range nrefs {
		nf := u16()
		if err != nil {
			return nil, err
		}
		if nf < 1 || nf > maxRefFrames {
			return nil, fmt.Errorf("template: reference of %d frames (1..%d)", nf, maxRefFrames)
		}
		if r.Len() < nf*numDims*4 {
			return nil, errShort
		}
		ref := make([][numDims]float64, nf)
		for i := range ref {
			binary.Read(r, binary.LittleEndian, buf) // length checked above
			for k, x := range buf {
				if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
					return nil, errors.New("template: non-finite feature value")
				}
				ref[i][k] = float64(x)
			}
		}
		t.refs = append(t.refs, ref)
	}
	for range nrefs {
		t.heldOut = append(t.heldOut, f64())
	}
	if err != nil {
		return nil, err
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("template: %d unexpected bytes after the references", r.Len())
	}
	return t, nil
}
