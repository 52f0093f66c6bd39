// Package scripts_test checks the shell helpers that build the training
// corpora (scripts/tts-lib.sh): a wrong job line there changes every
// model trained from the corpus, and nothing else would notice.
package scripts_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// lib runs a bash snippet with tts-lib.sh sourced and returns its stdout
// and stderr.
func lib(t *testing.T, snippet string, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command("bash", append([]string{"-c", ". ./tts-lib.sh && " + snippet, "lib"}, args...)...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("bash %q: %v\n%s", snippet, err, errb.String())
	}
	return out.String(), errb.String()
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
