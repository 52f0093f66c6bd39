package train

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/wakegate/wakegate/wakeword"
	"github.com/wakegate/wakegate/wakeword/nn"
)

// TestDevStartEnd measures the start and end estimates of a trained model
// on real recordings, against the energy span of each clean clip. It needs
// data outside the repository and runs only when WAKEGATE_DEV_POS names a
// folder of positive WAVs and WAKEGATE_MODEL a model file:
//
//	WAKEGATE_DEV_POS=/work/corpus/dev/pos/alexa/dev WAKEGATE_MODEL=models/alexa.wgm \
//	  go test -run DevStartEnd -v ./wakeword/train/
func TestDevStartEnd(t *testing.T) {
	dir, model := os.Getenv("WAKEGATE_DEV_POS"), os.Getenv("WAKEGATE_MODEL")
	if dir == "" || model == "" {
		t.Skip("set WAKEGATE_DEV_POS and WAKEGATE_MODEL to run")
	}
	if !filepath.IsAbs(model) {
		model = filepath.Join("..", "..", model)
	}
	m, err := nn.LoadModel(model)
	if err != nil {
		t.Fatal(err)
	}
	files, err := listAudio(dir)
	if err != nil {
		t.Fatal(err)
	}
	det := nn.NewDetector(m, wakeword.Options{})
	var startErr, endErr []float64
	missed := 0
	for _, f := range files {
		c, err := loadClip(f)
		if err != nil {
			continue
		}
		line, hits := detectFile(f, []wakeword.Detector{det})
		if line.Error != "" || len(hits) == 0 {
			missed++
			continue
		}
		h := hits[0]
		if se := float64(h.StartSample-int64(c.on)) / SampleRate; math.Abs(se) > 0.3 {
			t.Logf("%s: span %.2f-%.2f detected %.2f-%.2f (%d hits)", filepath.Base(f), float64(c.on)/SampleRate, float64(c.off)/SampleRate, float64(h.StartSample)/SampleRate, float64(h.EndSample)/SampleRate, len(hits))
		}
		startErr = append(startErr, float64(h.StartSample-int64(c.on))/SampleRate)
		endErr = append(endErr, float64(h.EndSample-int64(c.off))/SampleRate)
	}
	if len(startErr) == 0 {
		t.Fatal("no detections")
	}
	med := func(x []float64) (float64, float64) {
		a := slices.Clone(x)
		for i := range a {
			a[i] = math.Abs(a[i])
		}
		slices.Sort(a)
		slices.Sort(x)
		return x[len(x)/2], a[len(a)*9/10]
	}
	sm, s90 := med(startErr)
	em, e90 := med(endErr)
	t.Logf("%d files, %d missed at the model threshold %.4f", len(files), missed, m.Threshold)
	t.Logf("start error: median %+.3f s, 90%% within %.3f s", sm, s90)
	t.Logf("end error:   median %+.3f s, 90%% within %.3f s", em, e90)
}
