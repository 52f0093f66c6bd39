package wakeword

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
)

// LoadFunc turns a container payload of one kind into a Detector. It
// returns a *VersionError for versions it cannot read, and checks opts
// (Load has already checked the ranges of its fields).
type LoadFunc func(version uint16, payload []byte, opts Options) (Detector, error)

var (
	regMu   sync.RWMutex
	loaders = map[string]LoadFunc{}
)

// Register makes Load understand files of kind. Packages call it from
// init. Registering a kind twice, an invalid kind or a nil loader is a
// programmer error and panics.
func Register(kind string, load func(version uint16, payload []byte, opts Options) (Detector, error)) {
	if !validKind(kind) {
		panic(fmt.Sprintf("wakeword: Register: kind %q is not 4 printable ASCII characters", kind))
	}
	if load == nil {
		panic("wakeword: Register: nil loader for " + kind)
	}
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := loaders[kind]; dup {
		panic("wakeword: Register: kind " + kind + " registered twice")
	}
	loaders[kind] = load
}

// Kinds lists the registered kinds, sorted.
func Kinds() []string {
	regMu.RLock()
	defer regMu.RUnlock()
	ks := make([]string, 0, len(loaders))
	for k := range loaders {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func checkOptions(opts Options) error {
	if opts.Sensitivity < 0 || opts.Sensitivity > 1 || opts.Sensitivity != opts.Sensitivity {
		return fmt.Errorf("wakeword: sensitivity %v outside 0..1", opts.Sensitivity)
	}
	if opts.Refractory < 0 {
		return fmt.Errorf("wakeword: negative refractory period %v", opts.Refractory)
	}
	return nil
}

// Load reads the wake-word file at path and builds its Detector with the
// loader registered for its kind. Errors name the file.
func Load(path string, opts Options) (Detector, error) {
	if err := checkOptions(opts); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("wakeword: %w", err)
	}
	defer f.Close()
	kind, version, payload, err := readContainer(f, path)
	if err != nil {
		return nil, err
	}
	// Anything after the checksum means the file is not what its header
	// says (two files concatenated, an appended blob): refuse it.
	var one [1]byte
	if n, _ := io.ReadFull(f, one[:]); n > 0 {
		return nil, fmt.Errorf("wakeword: %s: %w (data after the checksum)", path, ErrNotWakeword)
	}
	return loadPayload(path, kind, version, payload, opts)
}

func loadPayload(name, kind string, version uint16, payload []byte, opts Options) (Detector, error) {
	regMu.RLock()
	load := loaders[kind]
	regMu.RUnlock()
	if load == nil {
		known := Kinds()
		list := "none; import a detector package such as wakeword/template"
		if len(known) > 0 {
			list = strings.Join(known, ", ")
		}
		return nil, fmt.Errorf("wakeword: %s: %w %q (this build reads %s)", name, ErrUnknownKind, kind, list)
	}
	d, err := load(version, payload, opts)
	if err != nil {
		return nil, fmt.Errorf("wakeword: %s: %w", name, err)
	}
	return d, nil
}

// LoadAll loads several wake-word files into one Detector. One file gives
// its own Detector; more give a *Multi over all of them.
func LoadAll(paths []string, opts Options) (Detector, error) {
	if len(paths) == 0 {
		return nil, errors.New("wakeword: LoadAll: no wake-word files given")
	}
	ds := make([]Detector, 0, len(paths))
	for _, p := range paths {
		d, err := Load(p, opts)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	if len(ds) == 1 {
		return ds[0], nil
	}
	return NewMulti(ds...), nil
}

// Multi runs several detectors on the same audio and reports, per hop, the
// best-scoring of their detections. Each detector keeps its own
// refractory period, so two different words can fire close together.
type Multi struct {
	ds    []Detector
	words []string
}

var _ Detector = (*Multi)(nil)

// NewMulti combines ds into one Detector. It panics without detectors.
func NewMulti(ds ...Detector) *Multi {
	if len(ds) == 0 {
		panic("wakeword: NewMulti without detectors")
	}
	m := &Multi{ds: slices.Clone(ds)}
	for _, d := range ds {
		for _, w := range d.Words() {
			if !slices.Contains(m.words, w) {
				m.words = append(m.words, w)
			}
		}
	}
	return m
}

// Push feeds hop to every detector and returns the highest-scoring
// detection among them, if any. It does not allocate.
func (m *Multi) Push(hop []int16) (Detection, bool) {
	var best Detection
	found := false
	for _, d := range m.ds {
		if det, ok := d.Push(hop); ok && (!found || det.Score > best.Score) {
			best, found = det, true
		}
	}
	return best, found
}

// Reset resets every detector.
func (m *Multi) Reset() {
	for _, d := range m.ds {
		d.Reset()
	}
}

// Words lists the words of all detectors, each once, in load order.
func (m *Multi) Words() []string { return slices.Clone(m.words) }
