package dsp_test

import (
	"fmt"
	"math"

	"github.com/wakegate/wakegate/dsp"
)

// ExampleFeatures feeds a 1 kHz sine at -20 dBFS through the front end and
// shows which mel band is loudest.
func ExampleFeatures() {
	f, err := dsp.NewFeatures(dsp.DefaultFeatureConfig())
	if err != nil {
		panic(err)
	}
	hop := make([]int16, dsp.HopSamples)
	t := 0
	windows := 0
	for range 10 { // 100 ms
		for i := range hop {
			hop[i] = int16(3277 * math.Sin(2*math.Pi*1000*float64(t)/dsp.SampleRate)) // 0.1 of full scale
			t++
		}
		if f.Push(hop) {
			windows++
		}
	}
	loudest := 0
	for i, v := range f.LogMel() {
		if v > f.LogMel()[loudest] {
			loudest = i
		}
	}
	centre := dsp.MelCenters(f.Config())[loudest]
	fmt.Printf("windows: %d, energy: %.1f dBFS\n", windows, f.Energy())
	fmt.Printf("loudest mel band: %d (centre %.0f Hz), %d MFCCs\n", loudest, centre, len(f.MFCC()))
	// Output:
	// windows: 8, energy: -20.0 dBFS
	// loudest mel band: 13 (centre 1019 Hz), 13 MFCCs
}
