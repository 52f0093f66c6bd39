package wav_test

import (
	"bytes"
	"fmt"

	"github.com/wakegate/wakegate/wav"
)

func ExampleNewReader() {
	file := wav.EncodeInt16(16000, []int16{0, 16384, -32768})
	r, err := wav.NewReader(bytes.NewReader(file))
	if err != nil {
		fmt.Println(err)
		return
	}
	buf := make([]float32, 8)
	n, _ := r.ReadFloat(buf)
	fmt.Println(r.Format(), r.Frames(), buf[:n])
	// Output: 16000 Hz, 1 ch, 16-bit PCM 3 [0 0.5 -1]
}
