package template

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wakegate/wakegate/audio"
	"github.com/wakegate/wakegate/wakeword"
)

// The project's replay fixtures (testdata/, made by cmd/wakegate-fixtures
// from espeak-ng): enroll on the enrollment recordings, then every
// annotated "computer" in the scenes must be found within ±80 ms and
// nothing else may fire.
const testdata = "../../testdata"

type annotation struct {
	Segments []struct {
		Label      string `json:"label"`
		Text       string `json:"text"`
		Start, End int64
	} `json:"segments"`
}

func TestFixtures(t *testing.T) {
	t.Parallel()
	var exs [][]int16
	for i := 1; i <= 3; i++ {
		s, err := audio.LoadInt16(filepath.Join(testdata, "enroll", fmt.Sprintf("computer-%d.wav", i)), 16000)
		if err != nil {
			t.Skip("no enrollment fixtures:", err)
		}
		exs = append(exs, s)
	}
	tm, err := Enroll("computer", exs, EnrollOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("threshold %.3f held-out %.3f frames %v", tm.Threshold(), tm.HeldOut(), tm.Frames())
	d, _ := tm.NewDetector(wakeword.Options{})
	scenes, _ := filepath.Glob(filepath.Join(testdata, "fixtures", "*.json"))
	if len(scenes) == 0 {
		t.Skip("no scene fixtures")
	}
	for _, js := range scenes {
		name := strings.TrimSuffix(filepath.Base(js), ".json")
		b, err := os.ReadFile(js)
		if err != nil {
			t.Fatal(err)
		}
		var ann annotation
		if err := json.Unmarshal(b, &ann); err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		s, err := audio.LoadInt16(strings.TrimSuffix(js, ".json")+".wav", 16000)
		if err != nil {
			t.Fatal(err)
		}
		// Positions are 16 kHz samples whatever the file's rate
		// (testdata/fixtures/README.md).
		var want [][2]int64
		for _, seg := range ann.Segments {
			if seg.Label == "wake" {
				want = append(want, [2]int64{seg.Start, seg.End})
			}
		}
		d.Reset()
		got := run(d, s)
		t.Logf("%s: want %v, got %v", name, want, got)
		if len(got) != len(want) {
			t.Errorf("%s: %d detections, want %d", name, len(got), len(want))
			continue
		}
		const tol = 80 * 16 // ±80 ms
		for i, w := range want {
			if abs(got[i].StartSample-w[0]) > tol || abs(got[i].EndSample-w[1]) > tol {
				t.Errorf("%s: detection %d at %d..%d, want %d..%d ±%d", name, i, got[i].StartSample, got[i].EndSample, w[0], w[1], tol)
			}
		}
	}
}
