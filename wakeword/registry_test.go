package wakeword

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// scripted is a Detector for exercising the registry and Multi: it fires
// at the hops listed in fire with the given score.
type scripted struct {
	word  string
	score float64
	fire  map[int64]bool
	n     int64
}

func (s *scripted) Push(hop []int16) (Detection, bool) {
	if len(hop) != HopSamples {
		panic("scripted: bad hop")
	}
	s.n++
	if s.fire[s.n] {
		return Detection{Word: s.word, Score: s.score, StartSample: (s.n - 50) * HopSamples, EndSample: s.n*HopSamples - 1}, true
	}
	return Detection{}, false
}
func (s *scripted) Reset()          { s.n = 0 }
func (s *scripted) Words() []string { return []string{s.word} }

func init() {
	// "TEST" payloads are "word score" with the score as one digit
	// tenths, e.g. "hello 7"; version 1 only.
	Register("TEST", func(version uint16, payload []byte, opts Options) (Detector, error) {
		if version != 1 {
			return nil, &VersionError{Kind: "TEST", Version: version, Supported: 1}
		}
		w, s, ok := strings.Cut(string(payload), " ")
		if !ok || len(s) != 1 {
			return nil, errors.New("test: bad payload")
		}
		return &scripted{word: w, score: float64(s[0]-'0') / 10, fire: map[int64]bool{3: true}}, nil
	})
}

func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoad(t *testing.T) {
	t.Parallel()
	p := writeFile(t, "hello.test", container(t, "TEST", 1, []byte("hello 7")))
	d, err := Load(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Words(); !slices.Equal(got, []string{"hello"}) {
		t.Errorf("Words() = %q", got)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	good := container(t, "TEST", 1, []byte("hello 7"))
	tests := []struct {
		name string
		data []byte
		opts Options
		is   error
		msg  string
	}{
		{"not ours", []byte("fLaC\x00\x00\x00\x22"), Options{}, ErrNotWakeword, ": not a wakegate wake-word file"},
		{"truncated", good[:len(good)-2], Options{}, ErrTruncated, "truncated (31 of 33 bytes)"},
		{"corrupt", append(good[:len(good)-1:len(good)-1], good[len(good)-1]^1), Options{}, ErrChecksum, "checksum mismatch (file corrupted)"},
		{"trailing", append(slices.Clone(good), 0), Options{}, ErrNotWakeword, "data after the checksum"},
		{"unknown kind", container(t, "ZZZZ", 1, nil), Options{}, ErrUnknownKind, `"ZZZZ" (this build reads `},
		{"version", container(t, "TEST", 3, []byte("hello 7")), Options{}, ErrUnsupportedVersion, "unsupported TEST version 3 (this build reads 1)"},
		{"loader error", container(t, "TEST", 1, []byte("junk")), Options{}, nil, "test: bad payload"},
		{"sensitivity", good, Options{Sensitivity: 1.5}, nil, "sensitivity 1.5 outside 0..1"},
		{"refractory", good, Options{Refractory: -1}, nil, "negative refractory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, "w.bin", tt.data)
			_, err := Load(p, tt.opts)
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.msg)
			}
			// File-level errors name the file.
			if tt.is != nil && !strings.Contains(err.Error(), p) {
				t.Errorf("err = %q does not name %s", err, p)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v", err)
	}
}

func TestRegisterPanics(t *testing.T) {
	t.Parallel()
	load := func(uint16, []byte, Options) (Detector, error) { return nil, nil }
	for _, tt := range []struct {
		kind string
		load LoadFunc
	}{{"TEST", load}, {"TOOLONG", load}, {"NILL", nil}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Register(%q) did not panic", tt.kind)
				}
			}()
			Register(tt.kind, tt.load)
		}()
	}
	if !slices.Contains(Kinds(), "TEST") {
		t.Errorf("Kinds() = %q lacks TEST", Kinds())
	}
}

func TestLoadAllMulti(t *testing.T) {
	t.Parallel()
	a := writeFile(t, "a", container(t, "TEST", 1, []byte("alpha 4")))
	b := writeFile(t, "b", container(t, "TEST", 1, []byte("beta 9")))
	if _, err := LoadAll(nil, Options{}); err == nil {
		t.Error("LoadAll(nil) succeeded")
	}
	if _, err := LoadAll([]string{a, filepath.Join(t.TempDir(), "missing")}, Options{}); err == nil {
		t.Error("LoadAll with a missing file succeeded")
	}
	one, err := LoadAll([]string{a}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, isMulti := one.(*Multi); isMulti {
		t.Error("LoadAll of one file wrapped it in a Multi")
	}
	d, err := LoadAll([]string{a, b, a}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Words(), []string{"alpha", "beta"}; !slices.Equal(got, want) {
		t.Errorf("Words() = %q, want %q", got, want)
	}
	hop := make([]int16, HopSamples)
	for round := range 2 {
		var hits []Detection
		for range 5 {
			if det, ok := d.Push(hop); ok {
				hits = append(hits, det)
			}
		}
		// Both fire on hop 3: the better score wins.
		if len(hits) != 1 || hits[0].Word != "beta" || hits[0].Score != 0.9 {
			t.Errorf("round %d: hits %+v, want one beta", round, hits)
		}
		d.Reset()
	}
}

func BenchmarkMultiPush(b *testing.B) {
	m := NewMulti(&scripted{word: "a"}, &scripted{word: "b"}, &scripted{word: "c"})
	hop := make([]int16, HopSamples)
	b.ReportAllocs()
	for b.Loop() {
		m.Push(hop)
	}
}
