package presence_test

import (
	"fmt"
	"time"

	"github.com/wakegate/wakegate/internal/soundgen"
	"github.com/wakegate/wakegate/presence"
)

// The device plays the pilot (PilotTone) and feeds the capture to a
// Detector; here a generated room stands in for speaker and microphone.
func ExampleDetector() {
	scene := soundgen.PresenceScene{
		Rate: 48000, Seconds: 8, PilotHz: 20000, PilotAmp: 0.03, NoiseRMS: 3e-4,
		Echoes: []soundgen.Echo{{Amp: 0.3, Delay: 0.006}}, // a wardrobe
		Movers: []soundgen.Mover{{Kind: soundgen.Walk, Start: 1, Dur: 3, Distance: 1.5, Speed: 1, Amp: 0.1}},
	}
	pcm := soundgen.ToInt16(scene.Render(soundgen.NewRand(1)))
	d, err := presence.New(presence.Config{Hold: 2 * time.Second})
	if err != nil {
		panic(err)
	}
	for i := 0; i+480 <= len(pcm); i += 480 {
		if ev, ok := d.Push(pcm[i : i+480]); ok {
			fmt.Printf("present=%v at %.1f s\n", ev.Present, float64(ev.Sample)/16000)
		}
	}
	// Output:
	// present=true at 1.1 s
	// present=false at 5.8 s
}
