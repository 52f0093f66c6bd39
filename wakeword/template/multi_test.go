package template

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/wakegate/wakegate/wakeword"
)

// TestRefractory: two "computer"s 1.5 s apart both fire with the default
// refractory period; a 3 s period keeps only the first.
func TestRefractory(t *testing.T) {
	t.Parallel()
	tm := enrollComputer(t, EnrollOptions{})
	word := synth(t, "computer", 150)
	stream, _ := withRoom(append(append(slices.Clone(word), silence(1500)...), word...), 300, 1000, 90)
	for _, tt := range []struct {
		refractory time.Duration
		want       int
	}{{0, 2}, {3 * time.Second, 1}} {
		d, err := tm.NewDetector(wakeword.Options{Refractory: tt.refractory})
		if err != nil {
			t.Fatal(err)
		}
		if got := run(d, stream); len(got) != tt.want {
			t.Errorf("refractory %v: %d detections %+v, want %d", tt.refractory, len(got), got, tt.want)
		}
	}
}

// TestLoadAllTemplates loads two personal words through the registry and
// checks that the combined detector reports each word where it is said.
func TestLoadAllTemplates(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var paths []string
	for i, word := range []string{"computer", "jarvis"} {
		var exs [][]int16
		for j, sp := range enrollSpeeds {
			ex, _ := withRoom(synth(t, word, sp), 300, 300, uint64(100+10*i+j))
			exs = append(exs, ex)
		}
		tm, err := Enroll(word, exs, EnrollOptions{})
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(filepath.Join(dir, word+".tmpl"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tm.WriteTo(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
		paths = append(paths, f.Name())
	}
	d, err := wakeword.LoadAll(paths, wakeword.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Words(); !slices.Equal(got, []string{"computer", "jarvis"}) {
		t.Errorf("Words() = %q", got)
	}
	var s []int16
	for i, w := range []string{"jarvis", "hello there", "computer"} {
		seg, _ := withRoom(synth(t, w, 150), 300, 1200, uint64(120+i))
		s = append(s, seg...)
	}
	var words []string
	for _, det := range run(d, s) {
		words = append(words, det.Word)
	}
	if !slices.Equal(words, []string{"jarvis", "computer"}) {
		t.Errorf("detected %q, want jarvis then computer", words)
	}
}
