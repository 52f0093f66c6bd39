package train

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// maxAuxWords bounds --aux: each word is a head trained on every example.
const maxAuxWords = 32

// ParseAux reads --aux values, NAME=PATH, into the paths of each name in
// order of first appearance. PATH is a folder (searched recursively) or a
// glob pattern of files and folders, so that one folder holding several
// words (the bench's neg/keywords, "jarvis_*.wav", "snowboy_*.wav", ...)
// can be split by name; a name given twice gathers both paths.
func ParseAux(specs []string) (names []string, paths map[string][]string, err error) {
	paths = map[string][]string{}
	for _, s := range specs {
		name, path, ok := strings.Cut(s, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" || path == "" {
			return nil, nil, fmt.Errorf("train: --aux %q is not NAME=PATH (a folder or a glob pattern)", s)
		}
		if _, seen := paths[name]; !seen {
			names = append(names, name)
		}
		paths[name] = append(paths[name], path)
	}
	if len(names) > maxAuxWords {
		return nil, nil, fmt.Errorf("train: %d --aux words; at most %d", len(names), maxAuxWords)
	}
	return names, paths, nil
}

// expandAux lists the audio files of one --aux PATH.
func expandAux(path string) ([]string, error) {
	if !strings.ContainsAny(path, "*?[") {
		return listAudio(path)
	}
	matches, err := filepath.Glob(path)
	if err != nil {
		return nil, fmt.Errorf("train: --aux pattern %q: %w", path, err)
	}
	var files []string
	for _, p := range matches {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		if st.IsDir() {
			fs, err := listAudio(p)
			if err != nil {
				return nil, err
			}
			files = append(files, fs...)
			continue
		}
		if ext := strings.ToLower(filepath.Ext(p)); ext == ".wav" || ext == ".flac" {
			files = append(files, p)
		}
	}
	slices.Sort(files)
	return slices.Compact(files), nil
}

// loadTraining loads the files of paths (each a folder or a glob
// pattern) that the split (seed, valPct) keeps for training, at most limit
// of them (0: all). A path without audio files is an error that names it
// after what (the flag). Damaged files are reported to log and skipped.
func loadTraining(what string, paths []string, seed uint64, valPct, limit int, log io.Writer) ([]*clip, error) {
	var out []*clip
	for _, p := range paths {
		files, err := expandAux(p)
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("train: %s%s: no .wav or .flac files", what, p)
		}
		for _, f := range files {
			if isValidation(f, seed, valPct) {
				continue
			}
			if limit > 0 && len(out) == limit {
				fmt.Fprintf(log, "train: %s: using the first %d files\n", strings.TrimRight(what, "= "), limit)
				return out, nil
			}
			c, err := loadClip(f)
			if err != nil {
				fmt.Fprintf(log, "train: skipping %v\n", err)
				continue
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// LoadAux loads the auxiliary words of --aux for training. Files the
// split (seed, valPct) holds out are left out, as LoadData holds them out
// of the wake word's data: a real recording that also serves as a
// negative stays unseen on both sides, so it can still calibrate the
// threshold. Damaged files are reported to log and skipped.
func LoadAux(specs []string, seed uint64, valPct int, log io.Writer) ([]AuxWord, error) {
	names, paths, err := ParseAux(specs)
	if err != nil {
		return nil, err
	}
	var out []AuxWord
	for _, name := range names {
		w := AuxWord{Name: name}
		if w.Clips, err = loadTraining("--aux "+name+"=", paths[name], seed, valPct, 0, log); err != nil {
			return nil, err
		}
		if len(w.Clips) == 0 {
			return nil, fmt.Errorf("train: --aux %s: no usable training files", name)
		}
		out = append(out, w)
	}
	return out, nil
}
