package fixturegen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wakegate/wakegate/dsp/resample"
	"github.com/wakegate/wakegate/wav"
)

// Output directories under the testdata root.
const (
	FixturesDir = "fixtures"
	EnrollDir   = "enroll"
)

// File is one generated file; Path is relative to the testdata root and uses
// forward slashes.
type File struct {
	Path string
	Data []byte
}

// Stereo44kRate is the rate of the resampler scene.
const Stereo44kRate = 44100

// rightGain is the right channel's level relative to the left in the stereo
// scene (two microphones a little apart), so a down-mix is not a no-op.
const rightGain = 0.8

// Build generates every fixture in memory, in a fixed order.
func Build(ctx context.Context, s Synth) ([]File, error) {
	var files []File
	var index []indexRow
	add := func(path string, data []byte) { files = append(files, File{Path: path, Data: data}) }
	for _, st := range sceneTable {
		sc, err := st.fn(ctx, s)
		if err != nil {
			return nil, err
		}
		if sc.ann.Name != st.name {
			panic("fixturegen: scene table name mismatch: " + st.name)
		}
		ann, err := encodeAnnotation(&sc.ann)
		if err != nil {
			return nil, err
		}
		pcm := wav.EncodeInt16(Rate, quantize(sc.mix))
		add(FixturesDir+"/"+sc.ann.WAV, pcm)
		index = append(index, indexRow{&sc.ann, len(sc.mix), len(pcm)})
		add(FixturesDir+"/"+sc.ann.Name+".json", ann)
		if sc.ann.Events != "" {
			add(FixturesDir+"/"+sc.ann.Events, FormatEvents(sc.events))
		}
		if sc.ann.Name == "wake_in_sentence" {
			extra, err := stereo44k(sc)
			if err != nil {
				return nil, err
			}
			files = append(files, extra...)
			var ann Annotation
			if err := json.Unmarshal(extra[1].Data, &ann); err != nil {
				return nil, fmt.Errorf("fixturegen: %w", err)
			}
			index = append(index, indexRow{&ann, len(sc.mix), len(extra[0].Data)})
		}
	}
	for i, v := range EnrollVoices {
		w, err := s.Say(ctx, WakeWord, v)
		if err != nil {
			return nil, err
		}
		// 0.3 s of room before and after, as a user's recording would have,
		// with the scenes' room noise: enrollment happens in the same room.
		pad := secs(0.3)
		mix := make([]float64, pad+len(w)+pad)
		for j, x := range w {
			mix[pad+j] = float64(x)
		}
		b := newBuilder(ctx, s, fmt.Sprintf("enroll-%d", i+1), "")
		for j, x := range noise(b.rng, pink, len(mix), backgroundDB) {
			mix[j] += x
		}
		add(fmt.Sprintf("%s/%s-%d.wav", EnrollDir, WakeWord, i+1), wav.EncodeInt16(Rate, quantize(mix)))
	}
	version := ""
	if v, ok := s.(interface {
		Version(context.Context) (string, error)
	}); ok {
		var err error
		if version, err = v.Version(ctx); err != nil {
			return nil, err
		}
	}
	add(FixturesDir+"/README.md", indexMarkdown(index, version))
	return files, nil
}

// stereo44k writes wake_in_sentence again as 44.1 kHz stereo float32, with
// the annotation unchanged except for its name, file and sample_rate: the
// sample positions stay on the 16 kHz timeline the agent resamples to.
func stereo44k(sc *scene) ([]File, error) {
	const name = "wake_44k_stereo"
	mono := make([]float32, len(sc.mix))
	for i, x := range sc.mix {
		mono[i] = float32(x)
	}
	r, err := resample.New(Rate, Stereo44kRate)
	if err != nil {
		return nil, fmt.Errorf("fixturegen: %w", err)
	}
	up := r.Flush(r.Process(nil, mono))
	inter := make([]float32, 2*len(up))
	for i, x := range up {
		inter[2*i] = x
		inter[2*i+1] = float32(float64(x) * rightGain)
	}
	ann := sc.ann
	ann.Name = name
	ann.WAV = name + ".wav"
	ann.SampleRate = Stereo44kRate
	ann.Description = "wake_in_sentence written as 44.1 kHz stereo float32 (right channel at 0.8× the left) to exercise the resampler path. Positions are 16 kHz samples. " + sc.ann.Description
	data, err := encodeAnnotation(&ann)
	if err != nil {
		return nil, err
	}
	return []File{
		{FixturesDir + "/" + ann.WAV, encodeFloat32(Stereo44kRate, 2, inter)},
		{FixturesDir + "/" + name + ".json", data},
	}, nil
}

func encodeAnnotation(a *Annotation) ([]byte, error) {
	data, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("fixturegen: %s: %w", a.Name, err)
	}
	return append(data, '\n'), nil
}

// Write stores files under root, creating directories as needed, and removes
// files in root's fixtures and enroll directories that it did not generate
// (a renamed scene must not leave a stale fixture behind).
func Write(root string, files []File) error {
	diffs, err := Compare(root, files)
	if err != nil {
		return err
	}
	for _, d := range diffs {
		if p, ok := strings.CutSuffix(d, staleSuffix); ok {
			if err := os.Remove(filepath.Join(root, filepath.FromSlash(p))); err != nil {
				return fmt.Errorf("fixturegen: %w", err)
			}
		}
	}
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("fixturegen: %w", err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return fmt.Errorf("fixturegen: %w", err)
		}
	}
	return nil
}

const staleSuffix = ": not generated (stale)"

// Compare checks files against what is stored under root (in the fixtures
// and enroll directories) and returns one line per difference, naming the
// file: missing, extra, or differing (with the first differing byte).
func Compare(root string, files []File) ([]string, error) {
	var diffs []string
	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		got, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.Path)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			diffs = append(diffs, f.Path+": missing")
		case err != nil:
			return nil, fmt.Errorf("fixturegen: %w", err)
		case !bytes.Equal(got, f.Data):
			i := 0
			for i < len(got) && i < len(f.Data) && got[i] == f.Data[i] {
				i++
			}
			diffs = append(diffs, fmt.Sprintf("%s: differs from byte %d (stored %d bytes, generated %d)", f.Path, i, len(got), len(f.Data)))
		}
	}
	for _, dir := range []string{FixturesDir, EnrollDir} {
		entries, err := os.ReadDir(filepath.Join(root, dir))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("fixturegen: %w", err)
		}
		for _, e := range entries {
			if p := dir + "/" + e.Name(); !want[p] {
				diffs = append(diffs, p+staleSuffix)
			}
		}
	}
	slices.Sort(diffs)
	return diffs, nil
}

// indexRow is one scene in the generated README.
type indexRow struct {
	ann    *Annotation
	frames int // on the 16 kHz timeline
	bytes  int // WAV file size
}

// indexMarkdown renders testdata/fixtures/README.md: what the scenes are, so
// a reader need not open every JSON file. It is generated (and checked) like
// the fixtures, so it cannot drift from them.
func indexMarkdown(rows []indexRow, synthVersion string) []byte {
	var b bytes.Buffer
	b.WriteString("# Replay fixtures (generated: do not edit)\n\n")
	b.WriteString("Made by `scripts/make-fixtures.sh` (package internal/fixturegen); `scripts/make-fixtures.sh --check`\n")
	b.WriteString("regenerates them and fails on any byte that differs. Schema and semantics: internal/fixturegen/doc.go.\n")
	if synthVersion != "" {
		fmt.Fprintf(&b, "Speech: %s.\n", synthVersion)
	}
	fmt.Fprintf(&b, "\nWake word %q; enrollment examples in ../enroll (voices:", WakeWord)
	for i, v := range EnrollVoices {
		fmt.Fprintf(&b, " %d: %s -s %d -p %d;", i+1, v.Name, v.Speed, v.Pitch)
	}
	b.WriteString(").\n\n| scene | rate | seconds | bytes | streams | events | description |\n|---|---|---|---|---|---|---|\n")
	total := 0
	for _, r := range rows {
		var st []string
		for _, s := range r.ann.Expect.Streams {
			st = append(st, s.Trigger+"→"+strings.Join(s.EndReasons, "/"))
		}
		streams := "none"
		if len(st) > 0 {
			streams = strings.Join(st, ", ")
		}
		ev := "–"
		if r.ann.Events != "" {
			ev = r.ann.Events
		}
		fmt.Fprintf(&b, "| %s | %d | %.2f | %d | %s | %s | %s |\n", r.ann.Name, r.ann.SampleRate,
			float64(r.frames)/Rate, r.bytes, streams, ev, r.ann.Description)
		total += r.bytes
	}
	fmt.Fprintf(&b, "\nTotal WAV bytes: %d.\n", total)
	return b.Bytes()
}
