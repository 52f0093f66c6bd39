package tone_test

import (
	"fmt"

	"github.com/wakegate/wakegate/leds"
	"github.com/wakegate/wakegate/tone"
)

// printSink stands in for the playback device.
type printSink struct{ done chan struct{} }

func (s printSink) Play(x []int16) {
	fmt.Printf("%d samples (%.0f ms)\n", len(x), float64(len(x))/16)
	s.done <- struct{}{}
}

// With request_sounds on, the tones follow the light: add Cues to the
// indicator fan-out.
func ExampleCues() {
	sink := printSink{done: make(chan struct{}, 1)}
	p := tone.NewPlayer(sink, 16000)
	defer p.Close()
	ind := leds.Multi{leds.NewTerminal(nopWriter{}), tone.NewCues(p)}
	ind.Set(leds.Listening) // a stream opens: start tone
	<-sink.done
	// Output:
	// 3200 samples (200 ms)
}

type nopWriter struct{}

func (nopWriter) Write(b []byte) (int, error) { return len(b), nil }
