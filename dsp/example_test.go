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

// ExampleVAD feeds half a second of quiet room noise, then 300 ms of a
// synthetic vowel (a 120 Hz pulse train through two formant resonators), then
// quiet again, and prints when speech starts and ends.
func ExampleVAD() {
	v := dsp.NewVAD(dsp.DefaultVADConfig())
	const hops = 150 // 1.5 s
	seed := uint32(1)
	noise := func() float64 { // small deterministic LCG noise, about -66 dBFS
		seed = seed*1664525 + 1013904223
		return float64(int32(seed)>>16) / 65536 * 0.002
	}
	// Two-pole resonators at 700 and 1200 Hz (bandwidth 100 Hz).
	res := func(hz float64) func(float64) float64 {
		r := math.Exp(-math.Pi * 100 / dsp.SampleRate)
		a1, a2 := 2*r*math.Cos(2*math.Pi*hz/dsp.SampleRate), -r*r
		var y1, y2 float64
		return func(x float64) float64 {
			y := x + a1*y1 + a2*y2
			y2, y1 = y1, y
			return y
		}
	}
	f1, f2 := res(700), res(1200)
	hop := make([]int16, dsp.HopSamples)
	t := 0
	prev := false
	for h := 0; h < hops; h++ {
		for i := range hop {
			x := noise()
			if h >= 50 && h < 80 {
				pulse := 0.0
				if t%(dsp.SampleRate/120) == 0 {
					pulse = 0.05
				}
				x += f1(pulse) + f2(pulse)
			}
			hop[i] = int16(max(-32768, min(32767, x*32768)))
			t++
		}
		speech := v.Push(hop)
		if speech && !prev {
			fmt.Printf("speech from hop %d (started %d hops earlier)\n", h, v.OnsetHops()-1)
		}
		if !speech && prev {
			fmt.Printf("silence from hop %d\n", h)
		}
		prev = speech
	}
	// Output:
	// speech from hop 54 (started 4 hops earlier)
	// silence from hop 95
}
