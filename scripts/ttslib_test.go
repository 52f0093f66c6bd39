// Package scripts_test checks the shell helpers that build the training
// corpora (scripts/tts-lib.sh): a wrong job line there changes every
// model trained from the corpus, and nothing else would notice.
package scripts_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// lib runs a bash snippet with tts-lib.sh sourced and returns its stdout
// and stderr.
func lib(t *testing.T, snippet string, args ...string) (string, string) {
	t.Helper()
	out, errOut, err := libEnv(nil, snippet, args...)
	if err != nil {
		t.Fatalf("bash %q: %v\n%s", snippet, err, errOut)
	}
	return out, errOut
}

// libEnv is lib with extra environment variables, and the snippet's
// failure returned instead of failing the test.
func libEnv(env []string, snippet string, args ...string) (string, string, error) {
	cmd := exec.Command("bash", append([]string{"-c", ". ./tts-lib.sh && " + snippet, "lib"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

func TestTTSRatio(t *testing.T) {
	// The job lists draw stretch factors as whole hundredths from 80 to
	// 130; "0.%s" once made 100..130 into 0.100..0.130.
	for in, want := range map[string]string{"80": "0.80", "99": "0.99", "100": "1.00", "105": "1.05", "127": "1.27", "130": "1.30"} {
		if got, _ := lib(t, `tts_ratio "$1"`, in); got != want {
			t.Errorf("tts_ratio %s = %q, want %q", in, got, want)
		}
	}
}

func TestTTSStale(t *testing.T) {
	dir := t.TempDir()
	file := func(name string) string { return filepath.Join(dir, name) }
	line := func(name, stretch string) string {
		return file(name) + "\tflite\tkal\t" + stretch + "\t120\talexa\n"
	}
	for _, n := range []string{"a.wav", "b.wav", "c.wav"} {
		if err := os.WriteFile(file(n), []byte("RIFF"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := line("a.wav", "0.90") + line("b.wav", "0.127") + line("c.wav", "1.10")
	// b's line changed; d is new and has no file yet; c is gone from the list.
	cur := line("a.wav", "0.90") + line("b.wav", "1.27") + line("d.wav", "1.00")
	if err := os.WriteFile(file("old.tsv"), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file("new.tsv"), []byte(cur), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr := lib(t, `tts_stale "$1" "$2"`, file("new.tsv"), file("old.tsv"))
	for n, want := range map[string]bool{"a.wav": true, "b.wav": false, "c.wav": true} {
		_, err := os.Stat(file(n))
		if got := err == nil; got != want {
			t.Errorf("%s exists = %v, want %v", n, got, want)
		}
	}
	if !strings.Contains(stderr, "files whose job lines changed: 1;") {
		t.Errorf("stderr = %q, want the count of remade files", stderr)
	}
	// Without an old list (a new corpus) nothing is deleted.
	if _, stderr := lib(t, `tts_stale "$1" "$2"`, file("new.tsv"), file("missing.tsv")); stderr != "" {
		t.Errorf("no old list: stderr = %q", stderr)
	}
	if _, err := os.Stat(file("a.wav")); err != nil {
		t.Error("no old list: a.wav deleted")
	}
}

func TestTTSRecord(t *testing.T) {
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	job := func(file, voice string) string { return file + "\trhvoice\t" + voice + "\t100\t100\talexa\n" }
	line := func(name, voice string) string { return job(path(name), voice) }
	write := func(name, body string) {
		if err := os.WriteFile(path(name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// c.wav is a clip of a voice this run did not ask for: its line stays,
	// so that a later run asking for it again finds it unchanged. The
	// list names the files relative to its folder, whether the old list
	// did (c) or not (b).
	write("old.tsv", line("b.wav", "alan")+line("c.wav", "anna"))
	write("new.tsv", line("a.wav", "alan")+line("b.wav", "clb"))
	lib(t, `tts_record "$1" "$2"`, path("new.tsv"), path("old.tsv"))
	got, _ := os.ReadFile(path("old.tsv"))
	if want := job("a.wav", "alan") + job("b.wav", "clb") + job("c.wav", "anna"); string(got) != want {
		t.Errorf("recorded list:\n%s\nwant:\n%s", got, want)
	}
	// With it, the run that asks for c.wav again keeps the file.
	write("c.wav", "RIFF")
	write("again.tsv", line("c.wav", "anna"))
	if _, stderr := lib(t, `tts_stale "$1" "$2"`, path("again.tsv"), path("old.tsv")); stderr != "" {
		t.Errorf("tts_stale after tts_record: %q", stderr)
	}
	if _, err := os.Stat(path("c.wav")); err != nil {
		t.Error("c.wav deleted")
	}
	// A corpus without a list gets NEW.
	lib(t, `tts_record "$1" "$2"`, path("new.tsv"), path("first.tsv"))
	if got, _ := os.ReadFile(path("first.tsv")); string(got) != job("a.wav", "alan")+job("b.wav", "clb") {
		t.Errorf("first list = %q", got)
	}
}

func TestTTSMovedCorpus(t *testing.T) {
	// A corpus made in one folder and moved to another (here with a
	// trailing slash in the new name) keeps its clips: the job list names
	// them relative to itself.
	first := filepath.Join(t.TempDir(), "tts")
	if err := os.MkdirAll(filepath.Join(first, "pos"), 0o755); err != nil {
		t.Fatal(err)
	}
	list := func(dir string) string {
		return filepath.Join(dir, "pos", "a.wav") + "\tespeak\ten\t160\t50\talexa\n" +
			filepath.Join(dir, "pos", "b.wav") + "\tespeak\ten\t170\t50\talexa\n"
	}
	for _, f := range []string{"a.wav", "b.wav"} {
		if err := os.WriteFile(filepath.Join(first, "pos", f), []byte("RIFF"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(first, "new.tsv"), []byte(list(first)), 0o644); err != nil {
		t.Fatal(err)
	}
	lib(t, `tts_record "$1" "$2"`, filepath.Join(first, "new.tsv"), filepath.Join(first, "jobs.tsv"))

	moved := filepath.Join(t.TempDir(), "corpus")
	if err := os.Rename(first, moved); err != nil {
		t.Fatal(err)
	}
	// The second clip's speed changed since: only it is made again.
	cur := strings.Replace(list(moved+"/"), "170", "180", 1)
	if err := os.WriteFile(filepath.Join(moved, "new.tsv"), []byte(cur), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr := lib(t, `tts_stale "$1" "$2"`, filepath.Join(moved, "new.tsv"), moved+"/"+"/jobs.tsv")
	if !strings.Contains(stderr, "files whose job lines changed: 1;") {
		t.Errorf("stderr = %q, want one file made again", stderr)
	}
	for f, want := range map[string]bool{"a.wav": true, "b.wav": false} {
		if _, err := os.Stat(filepath.Join(moved, "pos", f)); (err == nil) != want {
			t.Errorf("%s exists = %v, want %v", f, err == nil, want)
		}
	}
}

func TestRunJobs(t *testing.T) {
	// mk makes a job's file; it fails on the job whose text is "fail",
	// after the others were started.
	const mk = `mk() { IFS=$'\t' read -r f _ text <<<"$1"; [ "$text" != fail ] && printf new >"$f"; }; export -f mk; `
	for _, tc := range []struct {
		name              string
		jobs, made, fails int // lines in the list, files already made, lines that fail
		wantStderr        []string
		wantReports       int // lines of progress
	}{
		{name: "some made", jobs: 45, made: 5, wantReports: 20,
			wantStderr: []string{"test: making 40 of 45 files, 2 at a time\n", "test: 2 of 40 made (5 %),", "test: 40 of 40 made (100 %),"}},
		{name: "few", jobs: 3, wantReports: 3,
			wantStderr: []string{"test: making 3 of 3 files", "test: 1 of 3 made (33 %),", "about 0m00s left\n"}},
		{name: "all made", jobs: 4, made: 4},
		{name: "one fails", jobs: 6, fails: 1, wantReports: 5,
			wantStderr: []string{"test: making 6 of 6 files", "test: 5 of 6 made (83 %)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var list strings.Builder
			for i := range tc.jobs {
				f := filepath.Join(dir, strconv.Itoa(i)+".wav")
				text := "word"
				if i < tc.fails {
					text = "fail"
				}
				list.WriteString(f + "\tespeak\t" + text + "\n")
				if i >= tc.jobs-tc.made {
					if err := os.WriteFile(f, []byte("old"), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			jobs := filepath.Join(dir, "jobs.tsv")
			if err := os.WriteFile(jobs, []byte(list.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			_, stderr, err := libEnv(nil, mk+`run_jobs test 2 "$1" mk`, jobs)
			if (err != nil) != (tc.fails > 0) {
				t.Fatalf("run_jobs: err = %v with %d failing jobs\n%s", err, tc.fails, stderr)
			}
			for i := range tc.jobs {
				want := "new"
				switch {
				case i < tc.fails:
					want = ""
				case i >= tc.jobs-tc.made:
					want = "old" // made before: kept
				}
				got, _ := os.ReadFile(filepath.Join(dir, strconv.Itoa(i)+".wav"))
				if string(got) != want {
					t.Errorf("file %d = %q, want %q", i, got, want)
				}
			}
			for _, w := range tc.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if got := strings.Count(stderr, " made ("); got != tc.wantReports {
				t.Errorf("%d progress lines, want %d:\n%s", got, tc.wantReports, stderr)
			}
		})
	}
}

func TestTTSInstall(t *testing.T) {
	// A fake apt-get first in PATH records what it was asked to do.
	bin := t.TempDir()
	calls := filepath.Join(bin, "calls")
	fake := "#!/bin/sh\necho \"$*\" >>" + calls + "\n"
	if err := os.WriteFile(filepath.Join(bin, "apt-get"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")}

	// Nothing missing: apt-get is not run, as root or not.
	if _, stderr, err := libEnv(env, `tts_install tts-corpus`); err != nil || stderr != "" {
		t.Errorf("no packages: err %v, stderr %q", err, stderr)
	}
	if _, err := os.Stat(calls); err == nil {
		t.Error("no packages: apt-get was run")
	}

	_, stderr, err := libEnv(env, `tts_install tts-corpus festvox-ru festvox-hi-nsk`)
	if os.Geteuid() != 0 {
		// Not root: it names what is missing and fails, installing nothing.
		if err == nil || !strings.Contains(stderr, "tts-corpus: missing festvox-ru festvox-hi-nsk; run as root") {
			t.Errorf("not root: err %v, stderr %q; want a failure naming both packages", err, stderr)
		}
		return
	}
	if err != nil {
		t.Fatalf("as root: %v\n%s", err, stderr)
	}
	got, err := os.ReadFile(calls)
	if err != nil {
		t.Fatal(err)
	}
	if want := "update -qq\ninstall -y -qq festvox-ru festvox-hi-nsk\n"; string(got) != want {
		t.Errorf("apt-get calls = %q, want %q", got, want)
	}
}

// jobList runs tts-corpus.sh with TTS_LIST=1 (the job list only) on a
// small corpus and returns its lines, with OUT replaced by "OUT".
func jobList(t *testing.T, env ...string) []string {
	t.Helper()
	out := t.TempDir()
	cmd := exec.Command("bash", "./tts-corpus.sh", out, "alexa", "computer")
	cmd.Env = append(os.Environ(), append([]string{"TTS_LIST=1", "TTS_POS=30", "TTS_NEG=20"}, env...)...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("tts-corpus.sh: %v\n%s", err, stderr.String())
	}
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(stdout.String(), out, "OUT"), "\n"), "\n")
}

func TestTTSCorpusJobs(t *testing.T) {
	full := jobList(t, "TTS_FESTVOX=3")
	// Seeded: the same list every run. A draw made inside $(...) is not,
	// since a subshell reseeds RANDOM.
	if again := jobList(t, "TTS_FESTVOX=3"); strings.Join(again, "\n") != strings.Join(full, "\n") {
		t.Fatal("two runs with the same seed gave different job lists")
	}
	// The festvox voices come last and leave every other line as it was,
	// so a corpus made before them keeps its files.
	plain := jobList(t, "TTS_FESTVOX=0")
	if len(full) <= len(plain) || strings.Join(full[:len(plain)], "\n") != strings.Join(plain, "\n") {
		t.Fatalf("with festvox voices the first %d lines changed", len(plain))
	}
	voices := map[string]int{}
	for _, l := range full {
		f := strings.Split(l, "\t")
		if len(f) != 6 {
			t.Fatalf("job line with %d fields: %q", len(f), l)
		}
		if f[1] == "flite" || f[1] == "festival" {
			// A stretch factor as a decimal in the drawn range.
			if s := f[3]; len(s) != 4 || s < "0.80" || s > "1.50" || s[1] != '.' {
				t.Errorf("stretch %q in %q", s, l)
			}
		}
		if !strings.HasPrefix(f[0], "OUT/festvox/") {
			continue
		}
		voices[f[2]]++
		switch {
		case strings.HasPrefix(f[0], "OUT/festvox/pos/alexa/"+f[2]+"_"):
			if strings.Contains(strings.ToLower(f[5]), "comput") {
				t.Errorf("alexa positive says computer: %q", l)
			}
		case strings.HasPrefix(f[0], "OUT/festvox/pos/computer/"+f[2]+"_"):
			if strings.Contains(strings.ToLower(f[5]), "lex") {
				t.Errorf("computer positive says alexa: %q", l)
			}
		case strings.HasPrefix(f[0], "OUT/festvox/neg/"+f[2]+"_"):
			// Near misses ("Alexandre") are the point; the words are not.
			for _, w := range strings.FieldsFunc(strings.ToLower(f[5]), func(r rune) bool { return !unicode.IsLetter(r) }) {
				if w == "alexa" || w == "computer" {
					t.Errorf("negative says a wake word: %q", l)
				}
			}
		default:
			t.Errorf("festvox file not named after its voice and folder: %q", l)
		}
	}
	// Thirteen voices, each with 3 clips per word and 3 negatives;
	// Russian and Hindi in their own scripts.
	if len(voices) != 13 {
		t.Errorf("festvox voices = %d (%v), want 13", len(voices), voices)
	}
	for v, n := range voices {
		if n != 9 {
			t.Errorf("voice %s has %d clips, want 9", v, n)
		}
	}
	for _, want := range []string{"\tmsu_ru_nsh_clunits\t", "Ал+екса", "\thindi_NSK_diphone\t", "एलेक्सा"} {
		if !strings.Contains(strings.Join(full, "\n"), want) {
			t.Errorf("no job line with %q", want)
		}
	}
}

// TestTTSCorpusVoiceJobs checks the voices made on request after the
// festvox ones: MBROLA's, then Pico's, then RHVoice's. Each must be
// reproducible, leave the lines before it as they were, and name its
// files after voice and folder, with the word only in that word's
// positives.
func TestTTSCorpusVoiceJobs(t *testing.T) {
	for _, c := range []struct {
		name, env, before, tool, dir string
		voices                       int
		voiceOK                      func(string) bool
		speed, pitch                 [2]int
	}{
		{"mbrola", "TTS_MBROLA=3", "", "espeak", "mbrola", 11,
			func(v string) bool { return strings.HasPrefix(v, "mb-") }, [2]int{110, 190}, [2]int{25, 75}},
		{"pico", "TTS_PICO=3", "TTS_MBROLA=3", "pico", "pico", 6,
			func(v string) bool { return len(v) == 5 && v[2] == '-' }, [2]int{80, 130}, [2]int{60, 140}},
		{"rhvoice", "TTS_RHVOICE=3", "TTS_PICO=3", "rhvoice", "rhvoice", 34,
			rhvoiceName.MatchString, [2]int{75, 120}, [2]int{70, 135}},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := slices.DeleteFunc([]string{"TTS_FESTVOX=2", c.before, c.env}, func(e string) bool { return e == "" })
			full := jobList(t, env...)
			if again := jobList(t, env...); strings.Join(again, "\n") != strings.Join(full, "\n") {
				t.Fatal("two runs with the same seed gave different job lists")
			}
			// These voices come after everything asked for before them and
			// leave those lines as they were.
			before := jobList(t, env[:len(env)-1]...)
			if len(full) <= len(before) || strings.Join(full[:len(before)], "\n") != strings.Join(before, "\n") {
				t.Fatalf("with %s voices the first %d lines changed", c.name, len(before))
			}
			voices := map[string]int{}
			for _, l := range full[len(before):] {
				f := strings.Split(l, "\t")
				if len(f) != 6 || f[1] != c.tool || !c.voiceOK(f[2]) {
					t.Fatalf("%s job line %q: want 6 fields, tool %s, one of its voices", c.name, l, c.tool)
				}
				voices[f[2]]++
				words := spokenWords(f[5])
				has := func(w string) bool {
					return slices.ContainsFunc(spellings[w], func(s string) bool { return slices.Contains(words, s) })
				}
				switch {
				case strings.HasPrefix(f[0], "OUT/"+c.dir+"/pos/alexa/"+f[2]+"_"):
					if !has("alexa") || has("computer") {
						t.Errorf("alexa positive %q", l)
					}
				case strings.HasPrefix(f[0], "OUT/"+c.dir+"/pos/computer/"+f[2]+"_"):
					if !has("computer") || has("alexa") {
						t.Errorf("computer positive %q", l)
					}
				case strings.HasPrefix(f[0], "OUT/"+c.dir+"/neg/"+f[2]+"_"):
					if has("alexa") || has("computer") {
						t.Errorf("negative says a wake word: %q", l)
					}
				default:
					t.Errorf("%s file not named after its voice and folder: %q", c.name, l)
				}
				s, errS := strconv.Atoi(f[3])
				p, errP := strconv.Atoi(f[4])
				if errS != nil || errP != nil || s < c.speed[0] || s > c.speed[1] || p < c.pitch[0] || p > c.pitch[1] {
					t.Errorf("speed %s or pitch %s out of range: %q", f[3], f[4], l)
				}
			}
			// Each voice: 3 clips per word and 3 negatives.
			if len(voices) != c.voices {
				t.Errorf("%s voices = %d (%v), want %d", c.name, len(voices), voices, c.voices)
			}
			for v, n := range voices {
				if n != 9 {
					t.Errorf("voice %s has %d clips, want 9", v, n)
				}
			}
		})
	}
}

// spellings are the ways the job lists write each wake word: English, and
// as Russian, Ukrainian and Polish voices read it.
// rhvoiceName matches the names of RHVoice's voices: a lower-case name,
// or Leticia-F123 (Brazilian Portuguese).
var rhvoiceName = regexp.MustCompile(`^([a-z]+(-[a-z]+)*|Leticia-F123)$`)

var spellings = map[string][]string{
	"alexa":    {"alexa", "aleksa", "aléksa", "алекса"},
	"computer": {"computer", "komputer", "kompjuter", "compiúter", "компьютер", "комп'ютер", "компјутер"},
}

// spokenWords splits a clip's text into lower-case words, apostrophes
// kept (Ukrainian "комп'ютер") and stress marks (a combining acute
// accent, as RHVoice reads it) dropped.
func spokenWords(text string) []string {
	text = strings.ReplaceAll(strings.ToLower(text), "\u0301", "")
	return strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
}

func TestTTSNonfree(t *testing.T) {
	dir := t.TempDir()
	apt := filepath.Join(dir, "apt")
	osr := filepath.Join(dir, "os-release")
	write := func(p, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"TTS_APT=" + apt, "TTS_OS_RELEASE=" + osr}
	added := filepath.Join(apt, "sources.list.d", "wakegate-mbrola.sources")

	// Sources that name both sections already: nothing to do, as anyone.
	write(filepath.Join(apt, "sources.list"), "deb http://deb.debian.org/debian bookworm main contrib non-free\n")
	if _, stderr, err := libEnv(env, `tts_nonfree tts-corpus`); err != nil || stderr != "" {
		t.Fatalf("both sections named: err %v, stderr %q", err, stderr)
	}
	if _, err := os.Stat(added); err == nil {
		t.Fatal("both sections named: a source was added")
	}

	// Main only (non-free-firmware is another section).
	write(filepath.Join(apt, "sources.list"), "deb http://deb.debian.org/debian bookworm main non-free-firmware\n")
	write(osr, "ID=ubuntu\nVERSION_CODENAME=noble\n")
	_, stderr, err := libEnv(env, `tts_nonfree tts-corpus`)
	if err == nil || !strings.Contains(stderr, "contrib and non-free") || !strings.Contains(stderr, "MBROLA") {
		t.Errorf("not Debian: err %v, stderr %q; want a failure naming the sections and MBROLA", err, stderr)
	}
	// The voices that need the sections are named.
	_, stderr, err = libEnv(env, `tts_nonfree tts-corpus "SVOX Pico's voices"`)
	if err == nil || !strings.Contains(stderr, "SVOX Pico's voices are in Debian's contrib and non-free") {
		t.Errorf("not Debian, Pico: err %v, stderr %q; want a failure naming Pico's voices", err, stderr)
	}
	write(osr, "ID=debian\nVERSION_CODENAME=trixie\n")
	_, stderr, err = libEnv(env, `tts_nonfree tts-corpus`)
	if os.Geteuid() != 0 {
		if err == nil || !strings.Contains(stderr, "contrib and non-free") {
			t.Errorf("not root: err %v, stderr %q; want a failure naming the sections", err, stderr)
		}
		return
	}
	if err != nil {
		t.Fatalf("as root on Debian: %v\n%s", err, stderr)
	}
	got, err := os.ReadFile(added)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Suites: trixie\n", "Components: contrib non-free\n", "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("added source lacks %q:\n%s", want, got)
		}
	}
	// Now the sources name both: a second call adds nothing and says nothing.
	if _, stderr, err := libEnv(env, `tts_nonfree tts-corpus`); err != nil || stderr != "" {
		t.Errorf("second call: err %v, stderr %q", err, stderr)
	}
}
