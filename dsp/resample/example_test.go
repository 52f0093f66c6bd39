package resample_test

import (
	"fmt"

	"github.com/wakegate/wakegate/dsp/resample"
)

// Converting a 48 kHz stream to 16 kHz in 10 ms hops, without allocating
// per hop.
func ExampleResampler_Process() {
	r, err := resample.New(48000, 16000)
	if err != nil {
		fmt.Println(err)
		return
	}
	hop := make([]float32, 480) // 10 ms at 48 kHz
	out := make([]float32, 0, 4*160)
	for range 3 {
		out = r.Process(out, hop)
	}
	out = r.Flush(out)
	fmt.Println(len(out), "samples, latency", r.Latency())
	// Output: 480 samples, latency 0
}
