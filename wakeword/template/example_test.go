package template_test

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/wakegate/wakegate/audio"
	"github.com/wakegate/wakegate/wakeword"
	"github.com/wakegate/wakegate/wakeword/template"
)

// Enroll a personal wake word from three recordings, save it, and run it
// on a recording the way the device runs it on the microphone.
func Example() {
	var examples [][]int16
	for _, p := range []string{"computer-1.wav", "computer-2.wav", "computer-3.wav"} {
		s, err := audio.LoadInt16(p, wakeword.SampleRate)
		if err != nil {
			slog.Error("enroll", "err", err)
			return
		}
		examples = append(examples, s)
	}
	tm, err := template.Enroll("computer", examples, template.EnrollOptions{})
	if err != nil {
		slog.Error("enroll", "err", err) // e.g. "template: example 2 of 3: clipped …"
		return
	}
	f, err := os.Create("computer.tmpl")
	if err != nil {
		return
	}
	tm.WriteTo(f)
	f.Close()

	det, err := wakeword.Load("computer.tmpl", wakeword.Options{Sensitivity: 0.5})
	if err != nil {
		return
	}
	audioIn, _ := audio.LoadInt16("kitchen.wav", wakeword.SampleRate)
	for off := 0; off+wakeword.HopSamples <= len(audioIn); off += wakeword.HopSamples {
		if d, ok := det.Push(audioIn[off : off+wakeword.HopSamples]); ok {
			fmt.Printf("%s at %.2f s (score %.2f)\n", d.Word, float64(d.StartSample)/wakeword.SampleRate, d.Score)
		}
	}
}
