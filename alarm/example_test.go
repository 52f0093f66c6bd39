package alarm_test

import (
	"fmt"

	"github.com/wakegate/wakegate/alarm"
	"github.com/wakegate/wakegate/internal/soundgen"
)

// A smoke alarm's temporal-three pattern is reported after two cycles,
// with the onset of the first beep.
func ExampleDetector() {
	x := make([]float64, soundgen.Seconds(alarm.SampleRate, 10))
	soundgen.AddAlarm(x, alarm.SampleRate, soundgen.AlarmSpec{
		Pattern: soundgen.Temporal3, FreqHz: 3100, Cycles: 2, Start: 1, Amp: 0.3,
	})
	pcm := soundgen.ToInt16(x)
	d := alarm.New(alarm.Config{})
	for i := 0; i+alarm.HopSize <= len(pcm); i += alarm.HopSize {
		if ev, ok := d.Push(pcm[i : i+alarm.HopSize]); ok {
			fmt.Printf("%s alarm from %.2f s, reported at %.2f s\n",
				ev.Kind, float64(ev.Sample)/alarm.SampleRate, float64(i+alarm.HopSize)/alarm.SampleRate)
		}
	}
	// Output:
	// smoke alarm from 1.00 s, reported at 8.45 s
}
